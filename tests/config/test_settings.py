from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from config import SettingsError, load_settings


def test_defaults_match_design() -> None:
    s = load_settings()
    assert s.data_dir == Path("./data") and s.corpus_dir == Path("./docs_corpus")
    assert s.chroma_url is None and s.llm == "none" and s.embeddings == "minilm"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.platforms_configured() == []


def test_environment_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_SLACK_ADMINS", "U1, U2,,U3")
    monkeypatch.setenv("BOT_DISCORD_ADMIN_ROLES", "42")
    monkeypatch.setenv("BOT_CHROMA_URL", "http://127.0.0.1:8000/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "sig")
    s = load_settings()
    assert s.slack_admins == ["U1", "U2", "U3"] and s.discord_admin_roles == ["42"]
    assert s.chroma_url == "http://127.0.0.1:8000"
    assert s.platforms_configured() == ["slack"]
    assert "xoxb-1" not in repr(s)


def test_dotenv_file_is_read(tmp_path: Path) -> None:  # conftest chdirs into tmp_path
    (tmp_path / ".env").write_text("BOT_TOP_K=9\nDISCORD_TOKEN=abc\n")
    s = load_settings()
    assert s.top_k == 9 and s.platforms_configured() == ["discord"]


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("BOT_TOP_K", "many"),
        ("BOT_LLM", "gpt4"),
        ("BOT_CHROMA_URL", "localhost:8000"),
        ("BOT_EMBEDDINGS", "word2vec"),
        ("BOT_LLM_TIMEOUT", "-1"),
        ("BOT_LOG_QUESTIONS", "perhaps"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert var in message and "\n" not in message


def test_secret_value_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-abc")
    monkeypatch.setenv("BOT_LLM_TIMEOUT", "soon")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert "sk-abc" not in str(err.value)


# Issue 11, item 13: every bad setting is one line naming it --------------------------
@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("BOT_DATA_DIR", "", "must not be empty"),
        ("BOT_DATA_DIR", "   ", "must not be empty"),
        ("BOT_CORPUS_DIR", "", "must not be empty"),
        ("BOT_DATA_DIR", "/dev/null/x", "cannot be created"),
        ("BOT_MAX_DOCUMENT_MB", "inf", "finite"),
        ("BOT_MAX_DOCUMENT_MB", "nan", "finite"),
        ("BOT_DENSE_WEIGHT", "inf", "finite"),
        ("BOT_LLM_TIMEOUT", "nan", "finite"),
        ("BOT_HEALTH_PORT", "70000", "65535"),
        ("BOT_HEALTH_PORT", "-1", "0"),
        ("BOT_HEALTH_HOST", "", "must not be empty"),
        ("BOT_HEALTH_HOST", "http://0.0.0.0", "host name or IP address"),
        ("BOT_HEALTH_HOST", "bad host", "host name or IP address"),
    ],
)
def test_bad_paths_numbers_and_hosts_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, says: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert message.startswith(f"invalid setting {var}: ") and "\n" not in message
    assert says in message, message


def test_data_dir_that_is_a_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "afile"))
    with pytest.raises(SettingsError, match=r"^invalid setting BOT_DATA_DIR: .*not a folder"):
        load_settings()
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "afile" / "below"))
    with pytest.raises(SettingsError, match=r"^invalid setting BOT_DATA_DIR: cannot be created"):
        load_settings()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_data_dir_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("BOT_DATA_DIR", str(locked / "data"))
    with pytest.raises(SettingsError, match=r"^invalid setting BOT_DATA_DIR: .*not writable"):
        load_settings()


def test_missing_data_dir_that_can_be_created_is_fine(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path / "new" / "deeper")
    assert s.data_dir == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_empty_eval_dir_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_EVAL_DIR", "")
    assert load_settings().eval_dir is None


@pytest.mark.parametrize(
    ("env", "var", "says"),
    [
        (
            {"BOT_CHUNK_TOKENS": "100", "BOT_CHUNK_OVERLAP": "100"},
            "BOT_CHUNK_OVERLAP",
            "BOT_CHUNK_TOKENS",
        ),
        (
            {"BOT_CHUNK_TOKENS": "60", "BOT_CHUNK_OVERLAP": "128"},
            "BOT_CHUNK_OVERLAP",
            "BOT_CHUNK_TOKENS",
        ),
        (
            {"BOT_ANSWER_CONFIDENCE": "0", "BOT_DECLINE_CONFIDENCE": "1"},
            "BOT_DECLINE_CONFIDENCE",
            "BOT_ANSWER_CONFIDENCE",
        ),
    ],
)
def test_impossible_combinations_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], var: str, says: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert message.startswith(f"invalid setting {var}: ") and says in message, message
    assert "\n" not in message


def test_the_cli_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("BOT_DATA_DIR", "")
    assert main(["sources"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "error: invalid setting BOT_DATA_DIR: must not be empty\n"


# Listening addresses: checked when `serve` starts ---------------------------------------
def _serve_without_a_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` up to the point where it listens, without building the answer engine."""
    import bot.cli
    from bot.metrics import PlatformStatus

    class Idle:
        platforms = PlatformStatus()

    monkeypatch.setattr(bot.cli, "_service", lambda settings: Idle())
    monkeypatch.setattr(bot.cli, "_ensure_index", lambda service, quiet: None)
    monkeypatch.setenv("DISCORD_TOKEN", "unused")


def test_busy_health_port_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    _serve_without_a_service(monkeypatch)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setenv("BOT_HEALTH_PORT", str(port))
        assert main(["serve", "discord"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert lines == [f"error: invalid setting BOT_HEALTH_PORT: 127.0.0.1:{port} is already in use"]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("host", "says"),
    [
        ("no-such-host.invalid", "cannot be resolved"),
        ("192.0.2.1", "not an address of this machine"),
    ],
)
def test_unusable_health_host_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], host: str, says: str
) -> None:
    from bot.cli import main

    _serve_without_a_service(monkeypatch)
    monkeypatch.setenv("BOT_HEALTH_HOST", host)
    assert main(["serve", "discord"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and lines[0].startswith("error: invalid setting BOT_HEALTH_HOST: ")
    assert says in lines[0], lines


def test_health_port_equal_to_the_slack_port_is_refused() -> None:
    from config.settings import check_health_address

    settings = load_settings(health_port=3000)
    with pytest.raises(SettingsError, match=r"^invalid setting BOT_HEALTH_PORT: 3000 is also"):
        check_health_address(settings, slack_port=3000)
    check_health_address(load_settings(health_port=0), slack_port=3000)  # 0: the endpoint is off


def test_admin_channels_and_the_fetch_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert (s.slack_admin_channel, s.discord_admin_channel, s.fetch_allow_loopback) == (
        None,
        None,
        False,  # never on by default
    )
    monkeypatch.setenv("BOT_SLACK_ADMIN_CHANNEL", " C0123ABCDEF ")
    monkeypatch.setenv("BOT_DISCORD_ADMIN_CHANNEL", "123456789012345678")
    monkeypatch.setenv("BOT_FETCH_ALLOW_LOOPBACK", "true")
    s = load_settings()
    assert (s.slack_admin_channel, s.discord_admin_channel, s.fetch_allow_loopback) == (
        "C0123ABCDEF",
        "123456789012345678",
        True,
    )
    monkeypatch.setenv("BOT_SLACK_ADMIN_CHANNEL", "")
    assert load_settings().slack_admin_channel is None  # empty: no digest


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("BOT_SLACK_ADMIN_CHANNEL", "#bot-admins"),
        ("BOT_SLACK_ADMIN_CHANNEL", "c0123abcdef"),
        ("BOT_DISCORD_ADMIN_CHANNEL", "bot-admins"),
        ("BOT_DISCORD_ADMIN_CHANNEL", "12345"),
        ("BOT_FETCH_ALLOW_LOOPBACK", "sometimes"),
    ],
)
def test_bad_admin_loop_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError, match=rf"^invalid setting {var}: ") as caught:
        load_settings()
    assert "\n" not in str(caught.value)
