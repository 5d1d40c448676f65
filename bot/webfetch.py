"""Fetching one web page for `add URL`, safely: the bot must not become a way into the
network it runs in (server-side request forgery).

Every hop (the URL and each redirect, at most `max_redirects`) is checked: http or https
only, no user name or password, and every address the host name resolves to must be a
public one (not private, loopback, link-local, multicast, reserved or unspecified, IPv4
or IPv6, IPv4 inside IPv6 included). The connection is then made to the vetted address
itself, with the host name sent in the Host header and TLS's server name, so a second DNS
answer (DNS rebinding) cannot send it elsewhere. Redirects are followed here, not by a
library. The whole fetch has one time limit and the body one size limit, read as it
streams in; only HTML and plain text are accepted.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], list[str]]

MAX_BYTES = 5_000_000
TIMEOUT = 15.0  # seconds for the whole fetch: DNS, connections, redirects and the body
MAX_REDIRECTS = 5
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(ValueError):
    """The page cannot be added; str() is one line for the user saying why."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # where the page was found, after redirects
    requested_url: str
    content_type: str  # "text/html", "application/xhtml+xml" or "text/plain"
    charset: str  # from the Content-Type header; "" when the server named none
    body: bytes
    fetched_at: float  # Unix time


def user_agent() -> str:
    """kenya-qa-bot/<version>, with (+<homepage>) when the package declares a Homepage."""
    from importlib import metadata

    try:
        meta = metadata.metadata("kenya-qa-bot")
    except metadata.PackageNotFoundError:
        return "kenya-qa-bot"
    urls = meta.get_all("Project-URL") or ()
    homes = [u.split(",", 1)[1].strip() for u in urls if u.lower().startswith("homepage,")]
    return f"kenya-qa-bot/{meta['Version']}" + (f" (+{homes[0]})" if homes else "")


def blocked_reason(ip: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why the bot must not connect to ip ("a private address", …), or None for a
    public address. IPv4 carried inside IPv6 (mapped, 6to4, NAT64) is judged as IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return blocked_reason(inner, allow_loopback=allow_loopback)
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:  # shared (carrier-grade NAT), documentation, benchmarking…
        return "a reserved address"
    return None


def system_resolve(host: str, port: int) -> list[str]:
    """Every address (IPv4 and IPv6) the host name resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Deadline:
    """The time left for the whole fetch; closes the open connection when it runs out,
    so no read can outlast it (a server sending one byte a second)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._timer: threading.Timer | None = None

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> FetchError:
        return FetchError(f"The page took longer than {self.seconds:g} seconds to load.")

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def guard(self, conn: http.client.HTTPConnection) -> None:
        self.cancel()

        def cut() -> None:
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        self._timer = threading.Timer(self.left(), cut)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, without brackets
    port: int
    path: str  # path and query, percent-encoded


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError("That is not a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            f"Only http:// and https:// pages can be added, not {scheme or 'that'}:// addresses."
            if scheme
            else "Give a full web address starting with https:// or http://."
        )
    if parts.username is not None or parts.password is not None:
        raise FetchError("Web addresses with a user name or password are not accepted.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("That web address has no host name.")
    try:
        ascii_host = host if _ip(host) is not None else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError("That web address has an invalid host name.") from None
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(scheme, ascii_host, port or (443 if scheme == "https" else 80), path)


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


class PageFetcher:
    """Fetches one page under the rules in the module docstring. Thread-safe."""

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        max_bytes: int = MAX_BYTES,
        timeout: float = TIMEOUT,
        max_redirects: int = MAX_REDIRECTS,
        resolve: Resolve = system_resolve,
        agent: str | None = None,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self._resolve = resolve
        self.user_agent = agent or user_agent()

    def fetch(self, url: str) -> FetchedPage:
        """The page at url (following redirects). Raises FetchError with a one-line reason:
        bad address, blocked address, too many redirects, HTTP error status, not HTML or
        text, over the size limit, over the time limit, connection failure."""
        deadline = _Deadline(self.timeout)
        current = url.strip()
        for _hop in range(self.max_redirects + 1):
            target = _target(current)
            addresses = self._vetted_addresses(target, deadline)
            status, headers, body = self._request(target, addresses, deadline)
            if status in _REDIRECTS:
                location = headers.get("Location")
                if not location:
                    raise FetchError(f"The page answered HTTP {status} without saying where to.")
                current = urljoin(current, location.strip())
                continue
            if not 200 <= status < 300 or status == 204:
                reason = http.client.responses.get(status, "unexpected status")
                raise FetchError(f"The page answered HTTP {status} ({reason}).")
            assert body is not None
            content_type, charset = _content_type(headers)
            return FetchedPage(current, url.strip(), content_type, charset, body, time.time())
        raise FetchError(f"The page redirected more than {self.max_redirects} times.")

    # One hop -------------------------------------------------------------------------
    def _vetted_addresses(self, target: _Target, deadline: _Deadline) -> list[str]:
        literal = _ip(target.host)
        addresses = [str(literal)] if literal is not None else self._lookup(target, deadline)
        for address in addresses:
            ip = _ip(address)
            reason = blocked_reason(ip, allow_loopback=self.allow_loopback) if ip else "no IP"
            if reason is not None:
                verb = "is" if literal is not None else "resolves to"
                raise FetchError(
                    f"{target.host} {verb} {reason}; only public web pages can be added."
                )
        return addresses

    def _lookup(self, target: _Target, deadline: _Deadline) -> list[str]:
        """The host's addresses, waiting at most the time left (a lookup cannot be
        interrupted, so it runs on a daemon thread)."""
        found: list[list[str]] = []
        failed: list[BaseException] = []
        done = threading.Event()

        def run() -> None:
            try:
                found.append(self._resolve(target.host, target.port))
            except BaseException as exc:
                failed.append(exc)
            finally:
                done.set()

        threading.Thread(target=run, name="resolve", daemon=True).start()
        if not done.wait(deadline.left()):
            raise deadline.error()
        if failed or not found or not found[0]:
            raise FetchError(f"{target.host} could not be found (DNS lookup failed).")
        return found[0]

    def _request(
        self, target: _Target, addresses: list[str], deadline: _Deadline
    ) -> tuple[int, Message, bytes | None]:
        """(status, headers, body); the body only for a 2xx answer, checked and read."""
        conn = _connection(target, addresses, deadline.left())
        try:
            deadline.guard(conn)
            try:
                conn.putrequest("GET", target.path, skip_accept_encoding=True)
                conn.putheader("User-Agent", self.user_agent)
                conn.putheader("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9")
                conn.putheader("Accept-Encoding", "gzip, deflate")
                conn.putheader("Connection", "close")
                conn.endheaders()
                response = conn.getresponse()
                if not 200 <= response.status < 300:
                    return response.status, response.msg, None
                _check_headers(response.msg, self.max_bytes)
                return response.status, response.msg, self._body(conn, response, deadline)
            except FetchError:
                raise
            except ssl.SSLCertVerificationError as exc:
                raise FetchError(
                    f"{target.host}'s certificate could not be verified ({exc.verify_message})."
                ) from None
            except (OSError, http.client.HTTPException, zlib.error) as exc:
                if deadline.passed:
                    raise deadline.error() from None
                raise FetchError(
                    f"Could not load the page from {target.host}: {_why(exc)}."
                ) from None
        finally:
            deadline.cancel()
            conn.close()

    def _body(
        self,
        conn: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
        deadline: _Deadline,
    ) -> bytes:
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        decoder = _decoder(encoding)
        limit, received, parts = self.max_bytes, 0, []
        while True:
            if conn.sock is not None:
                conn.sock.settimeout(deadline.left())
            chunk = response.read1(65536)
            if not chunk:
                break
            data = decoder.decompress(chunk, limit + 1 - received) if decoder else chunk
            if decoder is not None and decoder.unconsumed_tail:
                raise self._too_big()  # more output than the limit allows
            received += len(data)
            if received > limit:
                raise self._too_big()
            parts.append(data)
            deadline.left()
        if deadline.passed:  # the connection was cut at the deadline: the body is partial
            raise deadline.error()
        if decoder is not None:
            parts.append(decoder.flush())
            if received + len(parts[-1]) > limit:
                raise self._too_big()
        return b"".join(parts)

    def _too_big(self) -> FetchError:
        return FetchError(f"The page is larger than {self.max_bytes / 1e6:g} MB.")


def _connection(
    target: _Target, addresses: list[str], timeout: float
) -> http.client.HTTPConnection:
    """A connection to `target.host` made to its vetted addresses, tried in order."""
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def connect(_: Any, timeout: float | None = None, source: Any = None) -> socket.socket:
        failure: OSError | None = None
        for address in addresses:
            try:
                return socket.create_connection((address, target.port), timeout, source)
            except OSError as exc:
                failure = exc
        assert failure is not None
        raise failure

    conn._create_connection = connect  # type: ignore[attr-defined]
    return conn


def _check_headers(headers: Message, max_bytes: int) -> None:
    content_type, _ = _content_type(headers)
    if content_type not in ACCEPTED_TYPES:
        shown = content_type or "no content type"
        raise FetchError(f"That address is not a web page or text ({shown}).")
    length = headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"The page is larger than {max_bytes / 1e6:g} MB.")


def _content_type(headers: Message) -> tuple[str, str]:
    """(media type, charset) of the Content-Type header, lower case; "" for what is missing."""
    kind, *params = str(headers.get("Content-Type") or "").split(";")
    charset = ""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return kind.strip().lower(), charset


def _decoder(encoding: str) -> Any:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"The page was sent in an encoding the bot cannot read ({encoding[:20]}).")


def _why(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, zlib.error):
        return "the compressed page is broken"
    return (str(exc).strip() or exc.__class__.__name__).splitlines()[0][:120]
