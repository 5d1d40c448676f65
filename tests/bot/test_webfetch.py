"""Fetching a page for `add URL` never reaches into the bot's own network, and stops at
the size and time limits, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import ipaddress
import re
import socket
import time

import pytest

from bot.webfetch import FetchError, PageFetcher, blocked_reason, user_agent
from tests.fakes.web_server import Route, WebServer

ARTICLE = b"<html><head><title>T</title></head><body><p>Some text.</p></body></html>"


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address the fetcher opens a connection to."""
    seen: list[tuple[str, int]] = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return seen


def loopback(**options: object) -> PageFetcher:
    return PageFetcher(allow_loopback=True, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.1", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata
        ("127.0.0.1", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a reserved address"),  # carrier-grade NAT
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private address"),
        ("ff02::1", "a multicast address"),
        ("::ffff:10.0.0.1", "a private address"),  # IPv4-mapped
        ("::ffff:127.0.0.1", "a loopback address"),
        ("2002:a9fe:a9fe::1", "a link-local address"),  # 6to4 of 169.254.169.254
        ("64:ff9b::a00:1", "a private address"),  # NAT64 of 10.0.0.1
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ],
)
def test_only_public_addresses_are_allowed(address: str, reason: str | None) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


def test_loopback_is_the_only_thing_the_test_switch_allows() -> None:
    assert blocked_reason(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert blocked_reason(ipaddress.ip_address("::1"), allow_loopback=True) is None
    for other in ("10.0.0.1", "169.254.169.254", "fe80::1", "0.0.0.0"):
        assert blocked_reason(ipaddress.ip_address(other), allow_loopback=True) is not None


def test_page_is_fetched_with_a_clear_user_agent() -> None:
    with WebServer({"/a": Route(ARTICLE)}) as web:
        page = loopback().fetch(web.url("/a"))
    assert page.body == ARTICLE and page.content_type == "text/html" and page.charset == "utf-8"
    agent = web.requests[0].headers["User-Agent"]
    assert agent == user_agent() and agent.startswith("kenya-qa-bot/")


def test_loopback_is_refused_unless_allowed(connects: list) -> None:
    with WebServer({"/a": Route(ARTICLE)}) as web:
        with pytest.raises(FetchError, match=r"^127\.0\.0\.1 is a loopback address; only public"):
            PageFetcher().fetch(web.url("/a"))
        with pytest.raises(FetchError, match=r"^localhost resolves to a loopback address"):
            PageFetcher().fetch(web.url("/a", host="localhost"))
    assert web.requests == [] and connects == []


@pytest.mark.parametrize("target", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/"])
def test_redirect_to_a_private_address_is_refused_without_connecting(
    connects: list, target: str
) -> None:
    with (
        WebServer({"/go": Route(b"", 302, headers={"Location": target})}) as web,
        pytest.raises(FetchError, match=r"is a (private|link-local) address"),
    ):
        loopback().fetch(web.url("/go"))
    assert [r.path for r in web.requests] == ["/go"]
    assert [host for host, _ in connects] == ["127.0.0.1"]  # the first hop only


def test_a_name_resolving_to_a_private_address_is_refused(connects: list) -> None:
    fetcher = PageFetcher(resolve=lambda host, port: ["203.0.113.9", "10.1.2.3"])
    with pytest.raises(FetchError, match=r"^intranet\.example resolves to a private address"):
        fetcher.fetch("https://intranet.example/wiki")
    assert connects == []


def test_the_connection_goes_to_the_vetted_address_with_the_host_name_sent() -> None:
    looked_up: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return ["127.0.0.1"]

    with WebServer({"/a": Route(ARTICLE)}) as web:
        page = PageFetcher(allow_loopback=True, resolve=resolve).fetch(
            f"http://news.example:{web.port}/a"
        )
    assert page.body == ARTICLE
    assert looked_up == ["news.example"]  # resolved once; no second answer can redirect it
    assert web.requests[0].headers["Host"] == f"news.example:{web.port}"


def test_redirects_are_followed_up_to_the_limit() -> None:
    routes = {f"/r{i}": Route(b"", 301, headers={"Location": f"/r{i + 1}"}) for i in range(6)}
    routes["/r6"] = Route(ARTICLE)
    with WebServer(routes) as web:
        page = loopback().fetch(web.url("/r1"))  # five redirects: allowed
        assert page.url == web.url("/r6") and page.requested_url == web.url("/r1")
        with pytest.raises(FetchError, match="redirected more than 5 times"):
            loopback().fetch(web.url("/r0"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", r"^Only http:// and https:// pages can be added, not file://"),
        ("ftp://example.org/a", r"^Only http:// and https:// pages"),
        ("gopher://127.0.0.1:70/", r"^Only http:// and https:// pages"),
        ("example.org/page", r"^Give a full web address starting with https://"),
        ("http://user:secret@example.org/", r"^Web addresses with a user name or password"),
        ("http://example.org:99999/", r"^That is not a valid web address"),
        ("http:///nohost", r"^That web address has no host name"),
    ],
)
def test_bad_addresses_are_refused(connects: list, url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        PageFetcher(resolve=lambda host, port: pytest.fail("looked up")).fetch(url)
    assert connects == []


def test_oversize_pages_are_refused() -> None:
    big = b"<p>" + b"x" * 2000 + b"</p>"
    routes = {
        "/declared": Route(big),
        "/streamed": Route(big, content_length=False),
        "/bomb": Route(gzip.compress(b"<p>" + b"a" * 50_000), headers={"Content-Encoding": "gzip"}),
        "/fits": Route(gzip.compress(b"<p>" + b"a" * 500), headers={"Content-Encoding": "gzip"}),
    }
    with WebServer(routes) as web:
        small = loopback(max_bytes=1000)
        for path in ("/declared", "/streamed", "/bomb"):
            with pytest.raises(FetchError, match=r"^The page is larger than 0\.001 MB"):
                small.fetch(web.url(path))
        assert small.fetch(web.url("/fits")).body == b"<p>" + b"a" * 500  # decoded


def test_slow_pages_are_cut_at_the_time_limit() -> None:
    slow = Route(b"<p>" + b"slow " * 200 + b"</p>", drip_every=0.05, drip_for=3.0)
    with WebServer({"/slow": slow}) as web:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^The page took longer than 0\.5 seconds to load"):
            loopback(timeout=0.5).fetch(web.url("/slow"))
        assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    ("content_type", "accepted"),
    [
        ("application/pdf", False),
        ("image/png", False),
        ("application/json", False),
        ("", False),
        ("TEXT/HTML; charset=ISO-8859-1", True),
        ("application/xhtml+xml", True),
        ("text/plain", True),
    ],
)
def test_only_html_and_text_are_accepted(content_type: str, accepted: bool) -> None:
    with WebServer({"/f": Route(ARTICLE, content_type=content_type)}) as web:
        if accepted:
            assert loopback().fetch(web.url("/f")).body == ARTICLE
        else:
            with pytest.raises(FetchError, match=r"^That address is not a web page or text \("):
                loopback().fetch(web.url("/f"))


@pytest.mark.parametrize(
    ("status", "message"), [(404, "HTTP 404 (Not Found)"), (500, "HTTP 500 (Internal")]
)
def test_error_statuses_are_named(status: int, message: str) -> None:
    with (
        WebServer({"/e": Route(b"oops", status)}) as web,
        pytest.raises(FetchError, match=rf"^The page answered {re.escape(message)}"),
    ):
        loopback().fetch(web.url("/e"))


def test_a_closed_port_is_a_clear_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        FetchError, match=r"^Could not load the page from 127\.0\.0\.1: connection refused"
    ):
        loopback().fetch(f"http://127.0.0.1:{port}/")
