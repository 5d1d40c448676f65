from __future__ import annotations

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
