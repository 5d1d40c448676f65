"""The bot's settings: environment variables, `.env`, then `config/bot.toml`, then defaults.

Validated once at start-up by `load_settings()`; a bad value raises
`SettingsError` whose message is one line naming the variable (never its
value when the variable is a secret).
"""

from __future__ import annotations

import errno
import os
import re
import socket
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_DIR = Path(__file__).resolve().parent
TOML_FILE = CONFIG_DIR / "bot.toml"


class SettingsError(ValueError):
    """A setting is missing or malformed; str() is one line naming the variable."""


class _FieldError(ValueError):
    """A check across settings (`model_validator`) that blames one of them."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _env(name: str, **kw: Any) -> Any:
    return Field(validation_alias=AliasChoices(name, name.lower()), **kw)


IdList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        case_sensitive=False,
        allow_inf_nan=False,  # BOT_MAX_DOCUMENT_MB=inf is a mistake, not "no limit"
    )

    # Where things live
    data_dir: Path = _env("BOT_DATA_DIR", default=Path("./data"), validate_default=True)
    corpus_dir: Path = _env("BOT_CORPUS_DIR", default=Path("./docs_corpus"))
    chroma_url: str | None = _env("BOT_CHROMA_URL", default=None)

    # Models
    embeddings: str = _env("BOT_EMBEDDINGS", default="minilm")
    llm: str = _env("BOT_LLM", default="none")
    llm_base_url: str | None = _env("BOT_LLM_BASE_URL", default=None)
    openai_api_key: SecretStr | None = _env("OPENAI_API_KEY", default=None)
    llm_timeout: float = _env("BOT_LLM_TIMEOUT", default=30.0, gt=0, le=600)

    # Indexing
    chunk_tokens: int = _env("BOT_CHUNK_TOKENS", default=200, ge=50, le=256)
    chunk_overlap: int = _env("BOT_CHUNK_OVERLAP", default=30, ge=0, le=128)
    max_document_mb: float = _env("BOT_MAX_DOCUMENT_MB", default=20.0, gt=0)

    eval_dir: Path | None = _env("BOT_EVAL_DIR", default=None)

    # Retrieval and answers (chosen with `python -m bot eval`)
    dense_k: int = _env("BOT_DENSE_K", default=20, ge=1, le=200)
    lexical_k: int = _env("BOT_LEXICAL_K", default=20, ge=0, le=200)
    rrf_k: int = _env("BOT_RRF_K", default=60, ge=1)
    dense_weight: float = _env("BOT_DENSE_WEIGHT", default=1.0, ge=0)
    lexical_weight: float = _env("BOT_LEXICAL_WEIGHT", default=1.0, ge=0)
    top_k: int = _env("BOT_TOP_K", default=8, ge=1, le=50)
    max_chunks_per_doc: int = _env("BOT_MAX_CHUNKS_PER_DOC", default=3, ge=1)
    min_sentence_score: float = _env("BOT_MIN_SENTENCE_SCORE", default=0.6, ge=-1, le=2)
    # Log-odds thresholds of the answerability model (retune with `eval` for another embedder).
    answer_confidence: float = _env("BOT_ANSWER_CONFIDENCE", default=0.9, ge=-20, le=20)
    decline_confidence: float = _env("BOT_DECLINE_CONFIDENCE", default=-0.6, ge=-20, le=20)
    max_answer_sentences: int = _env("BOT_MAX_ANSWER_SENTENCES", default=3, ge=1, le=10)

    # Chat limits (both platforms)
    max_question_chars: int = _env("BOT_MAX_QUESTION_CHARS", default=2000, ge=10)
    rate_limit_per_minute: int = _env("BOT_RATE_LIMIT_PER_MINUTE", default=5, ge=0)
    log_questions: bool = _env("BOT_LOG_QUESTIONS", default=False)
    # Days question text (feedback) and audit rows are kept before they are pruned.
    retention_days: int = _env("BOT_RETENTION_DAYS", default=90, ge=1, le=36500)
    log_format: Literal["text", "json"] = _env("BOT_LOG_FORMAT", default="text")
    health_host: str = _env("BOT_HEALTH_HOST", default="127.0.0.1")
    health_port: int = _env("BOT_HEALTH_PORT", default=8080, ge=0, le=65535)

    # Slack
    slack_bot_token: SecretStr | None = _env("SLACK_BOT_TOKEN", default=None)
    slack_signing_secret: SecretStr | None = _env("SLACK_SIGNING_SECRET", default=None)
    slack_app_token: SecretStr | None = _env("SLACK_APP_TOKEN", default=None)
    slack_api_url: str = _env("SLACK_API_URL", default="https://slack.com/api/")
    slack_admins: IdList = _env("BOT_SLACK_ADMINS", default_factory=list)

    # Discord
    discord_token: SecretStr | None = _env("DISCORD_TOKEN", default=None)
    discord_api_url: str | None = _env("DISCORD_API_URL", default=None)
    discord_gateway_url: str | None = _env("DISCORD_GATEWAY_URL", default=None)
    discord_admin_roles: IdList = _env("BOT_DISCORD_ADMIN_ROLES", default_factory=list)
    discord_guild_ids: IdList = _env("BOT_DISCORD_GUILD_IDS", default_factory=list)

    # Admin loop: where the weekly digest of unanswered questions goes (unset: no digest),
    # and whether `add URL` may fetch from this machine (tests only; never in production).
    slack_admin_channel: str | None = _env("BOT_SLACK_ADMIN_CHANNEL", default=None)
    discord_admin_channel: str | None = _env("BOT_DISCORD_ADMIN_CHANNEL", default=None)
    fetch_allow_loopback: bool = _env("BOT_FETCH_ALLOW_LOOPBACK", default=False)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=TOML_FILE)
        return (init_settings, env_settings, dotenv_settings, toml)

    @field_validator("data_dir", "corpus_dir", mode="before")
    @classmethod
    def _path_given(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("eval_dir", mode="before")
    @classmethod
    def _optional_path(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("data_dir")
    @classmethod
    def _writable_dir(cls, value: Path) -> Path:
        problem = _unusable_dir(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("health_host", mode="before")
    @classmethod
    def _host(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise ValueError("must not be empty (127.0.0.1: this machine only)")
            if not re.fullmatch(r"[A-Za-z0-9._:%-]+", value):
                raise ValueError("must be a host name or IP address, like 127.0.0.1 or 0.0.0.0")
        return value

    @model_validator(mode="after")
    def _combinations(self) -> Settings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise _FieldError(
                "chunk_overlap",
                f"must be smaller than BOT_CHUNK_TOKENS ({self.chunk_tokens})"
                f" (got {self.chunk_overlap})",
            )
        if self.decline_confidence > self.answer_confidence:
            raise _FieldError(
                "decline_confidence",
                f"must not be above BOT_ANSWER_CONFIDENCE ({self.answer_confidence})"
                f" (got {self.decline_confidence})",
            )
        return self

    @field_validator("slack_admins", "discord_admin_roles", "discord_guild_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("discord_guild_ids")
    @classmethod
    def _guild_ids(cls, value: list[str]) -> list[str]:
        bad = [g for g in value if not g.isdigit()]
        if bad:
            raise ValueError(f"{bad[0][:30]!r} is not a numeric server ID")
        return value

    @field_validator("slack_admin_channel", "discord_admin_channel", mode="before")
    @classmethod
    def _optional_channel(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("slack_admin_channel")
    @classmethod
    def _slack_channel(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[CG][A-Z0-9]{6,20}", value):
            raise ValueError(
                "must be a Slack channel ID like C0123ABCDEF (channel details → About),"
                " not a channel name"
            )
        return value

    @field_validator("discord_admin_channel")
    @classmethod
    def _discord_channel(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{15,21}", value):
            raise ValueError("must be a numeric Discord channel ID (Copy Channel ID)")
        return value

    @field_validator("chroma_url", "llm_base_url", "discord_api_url", "discord_gateway_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not re.match(r"^(https?|wss?)://[^\s/]+", value):
            raise ValueError("must be a URL like http://host:port")
        return value.rstrip("/")

    @field_validator("slack_api_url")
    @classmethod
    def _slack_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be a URL like https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("llm")
    @classmethod
    def _llm(cls, value: str) -> str:
        value = value.strip()
        if value.lower() in ("", "none"):
            return "none"
        provider, sep, model = value.partition(":")
        if not sep or not model or provider not in ("openai", "ollama"):
            raise ValueError("must be 'none', 'openai:MODEL' or 'ollama:MODEL'")
        return value

    @field_validator("embeddings")
    @classmethod
    def _embeddings(cls, value: str) -> str:
        value = value.strip()
        if value == "minilm":
            return value
        provider, sep, model = value.partition(":")
        if not sep or not model or provider not in ("openai", "ollama", "sentence-transformers"):
            raise ValueError(
                "must be 'minilm', 'openai:MODEL', 'ollama:MODEL' or 'sentence-transformers:PATH'"
            )
        return value

    # Derived views -------------------------------------------------------
    def missing_for(self, platforms: list[str]) -> str | None:
        """One line naming what a requested platform still needs, or None."""
        if "slack" in platforms:
            if not self.slack_bot_token:
                return "serve slack needs SLACK_BOT_TOKEN"
            if not (self.slack_signing_secret or self.slack_app_token):
                return (
                    "serve slack needs SLACK_SIGNING_SECRET (HTTP mode)"
                    " or SLACK_APP_TOKEN (Socket Mode)"
                )
        if "discord" in platforms and not self.discord_token:
            return "serve discord needs DISCORD_TOKEN"
        return None

    def platforms_configured(self) -> list[str]:
        """Platforms whose tokens are set, in a stable order."""
        found = []
        if self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token):
            found.append("slack")
        if self.discord_token:
            found.append("discord")
        return found


def _unusable_dir(path: Path) -> str | None:
    """Why `path` cannot be the bot's data folder (created when missing, then written
    to), or None. Checks without creating anything."""
    if path.exists():
        if not path.is_dir():
            return "is not a folder"
        if not os.access(path, os.W_OK | os.X_OK):
            return "is not writable"
        return None
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot be created: {str(parent)[:80]!r} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be created: {str(parent)[:80]!r} is not writable"
    return None


_SECRET_FIELDS = {
    name for name, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)
}


def _variable(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = getattr(info, "validation_alias", None) if info else None
    choices = getattr(alias, "choices", None)
    return str(choices[0]) if choices else field.upper()


def load_settings(**overrides: Any) -> Settings:
    """Read and validate every setting once. Raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        cause = (err.get("ctx") or {}).get("error")
        loc = err["loc"][0] if err["loc"] else getattr(cause, "field", "?")
        field = next(
            (
                name
                for name in Settings.model_fields
                if loc == name or str(loc).upper() == _variable(name)
            ),
            str(loc),
        )
        var = _variable(field) if field in Settings.model_fields else str(loc).upper()
        msg = err["msg"].removeprefix("Value error, ")
        given = err.get("input")
        if (
            field not in _SECRET_FIELDS
            and given is not None
            and str(given).strip()
            and not (isinstance(given, dict) or isinstance(cause, _FieldError))
        ):
            msg = f"{msg} (got {str(err['input'])[:60]!r})"
        raise SettingsError(f"invalid setting {var}: {msg}") from None


def check_health_address(settings: Settings, *, slack_port: int | None = None) -> None:
    """At `serve` start-up: raises SettingsError (one line naming BOT_HEALTH_HOST or
    BOT_HEALTH_PORT) when the health endpoint could not listen there. `slack_port` is
    the Slack HTTP mode port, when that is served too. Binds and closes test sockets
    the way the server will (address reuse on), so a port in TIME_WAIT is not "busy"."""
    host, port = settings.health_host, settings.health_port
    if not port:
        return  # the endpoint is off
    if port == slack_port:
        raise SettingsError(
            f"invalid setting BOT_HEALTH_PORT: {port} is also the Slack HTTP port (--port)"
        )
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise SettingsError(
            f"invalid setting BOT_HEALTH_HOST: {host!r} cannot be resolved"
        ) from None
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                raise SettingsError(_bind_problem(host, port, exc)) from None


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"invalid setting BOT_HEALTH_PORT: {host}:{port} is already in use"
    if exc.errno == errno.EACCES:
        return (
            f"invalid setting BOT_HEALTH_PORT: not allowed to listen on port {port}"
            " (ports below 1024 need privileges)"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"invalid setting BOT_HEALTH_HOST: {host} is not an address of this machine"
    return f"invalid setting BOT_HEALTH_HOST: cannot listen on {host}:{port} ({exc.strerror})"
