"""Language models behind the `Generator` port: any LangChain chat model, and the
`openai:MODEL` / `ollama:MODEL` specs of BOT_LLM."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage


class ChatModelGenerator:
    """Adapts any LangChain chat model (`BaseChatModel`) to the `Generator` port.

    `generate` raises TimeoutError when the model has not answered within
    `timeout` seconds (the call is left to finish in a daemon thread; give
    the model its own HTTP time-out so it does), and ValueError when the
    reply has no text. Other errors of the model propagate.
    """

    def __init__(self, model: Any) -> None:
        self.model = model

    def generate(self, system: str, user: str, *, timeout: float) -> str:
        messages = [SystemMessage(content=system), HumanMessage(content=user)]
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["message"] = self.model.invoke(messages)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=call, name="llm-generate", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise TimeoutError(f"no reply from the language model within {timeout:g} s")
        if "error" in outcome:
            raise outcome["error"]
        return _message_text(outcome.get("message"))


def _message_text(message: Any) -> str:
    content = getattr(message, "content", None)
    if isinstance(content, list):  # content blocks: keep the text ones
        content = "".join(
            b if isinstance(b, str) else str(b.get("text", ""))
            for b in content
            if isinstance(b, str) or (isinstance(b, dict) and b.get("type") == "text")
        )
    if not isinstance(content, str) or not content.strip():
        raise ValueError("the language model returned no text")
    return content


def chat_model_generator(
    spec: str, *, base_url: str | None, api_key: str | None, timeout: float
) -> ChatModelGenerator:
    """A `Generator` for `openai:MODEL` or `ollama:MODEL` at temperature 0.

    Raises ImportError when the `llm` extra (or, for Ollama, langchain-ollama)
    is not installed, ValueError for an unknown provider or a missing key.
    """
    provider, _, model = spec.partition(":")
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:
        raise ImportError(
            f"BOT_LLM={spec} needs the optional LLM packages: install with pip install -e '.[llm]'"
        ) from exc
    kwargs: dict[str, Any]
    if provider == "openai":
        if not api_key and not base_url:
            raise ValueError(
                f"BOT_LLM={spec} needs OPENAI_API_KEY, or BOT_LLM_BASE_URL for a local "
                "OpenAI-compatible server"
            )
        # No retries: a retry after a 5xx would spend the time-out the user is waiting on.
        kwargs = {"api_key": api_key or "unused", "timeout": timeout, "max_retries": 0}
        if base_url:
            kwargs["base_url"] = base_url
    elif provider == "ollama":
        kwargs = {"base_url": base_url, "client_kwargs": {"timeout": timeout}}
    else:
        raise ValueError(f"unknown LLM provider {provider!r}; use openai:MODEL or ollama:MODEL")
    chat = init_chat_model(model, model_provider=provider, temperature=0, **kwargs)
    return ChatModelGenerator(chat)
