"""Imports point inward (STYLE.md): config <- retrieval <- bot core <- adapters <- wiring/CLI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_MODULES = ("discord", "slack_bolt", "slack_sdk")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_config_imports_nothing_of_ours() -> None:
    for path in files("config"):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in ("retrieval", "bot")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_retrieval_never_imports_bot_or_platforms() -> None:
    for path in files("retrieval"):
        bad = {
            m
            for m in imported_modules(path)
            if m.split(".")[0] in ("bot", "config", *PLATFORM_MODULES)
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_bot_core_never_imports_platforms_or_chroma() -> None:
    core = [p for p in files("bot") if not {"slack", "discord"} & set(p.relative_to(ROOT).parts)]
    for path in core:
        # The composition root builds the client.
        allowed_chroma = path.name == "wiring.py"
        for m in imported_modules(path):
            top = m.split(".")[0]
            assert top not in PLATFORM_MODULES, f"{path.relative_to(ROOT)} imports {m}"
            if top == "chromadb":
                assert allowed_chroma, f"{path.relative_to(ROOT)} imports {m}"


def test_adapters_never_import_chroma() -> None:
    for sub in ("slack", "discord"):
        for path in (
            sorted((ROOT / "bot" / sub).rglob("*.py")) if (ROOT / "bot" / sub).exists() else []
        ):
            bad = {
                m
                for m in imported_modules(path)
                if m.split(".")[0] in ("chromadb", "langchain_chroma")
            }
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_wiring_reads_settings() -> None:
    readers = []
    for path in files("bot") + files("retrieval"):
        if "load_settings" in path.read_text(encoding="utf-8") and path.name not in ("cli.py",):
            readers.append(path.relative_to(ROOT).as_posix())
    assert readers == [], f"settings read outside the CLI entry point: {readers}"


def test_adapters_import_no_settings_and_no_service_internals() -> None:
    """Adapters receive what they need from the composition root (bot.wiring) and talk
    to the chat service only: no `config`, no retrieval internals."""
    for sub in ("slack", "discord"):
        for path in sorted((ROOT / "bot" / sub).rglob("*.py")):
            for m in imported_modules(path):
                top = m.split(".")[0]
                assert top != "config", f"{path.relative_to(ROOT)} imports {m}"
                assert m not in ("bot.wiring", "bot.conversations", "bot.feedback", "bot.audit"), (
                    f"{path.relative_to(ROOT)} imports {m}"
                )
                if top == "retrieval":
                    assert m == "retrieval.models", f"{path.relative_to(ROOT)} imports {m}"


def test_runtime_package_holds_no_developer_tools() -> None:
    assert not (ROOT / "bot" / "bench").exists()
    for path in files("bot") + files("retrieval"):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in ("tests", "benchmarks")}
        assert not bad or path.name == "cli.py", f"{path.relative_to(ROOT)} imports {bad}"


def test_every_module_stays_small() -> None:
    for package in ("bot", "retrieval", "config", "benchmarks"):
        for path in files(package):
            lines = path.read_text(encoding="utf-8").count("\n")
            assert lines <= 400, f"{path.relative_to(ROOT)} has {lines} lines (limit about 400)"
