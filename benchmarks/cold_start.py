"""Cold start: a fresh `python -m bot ask` from spawn to answer, and where its time goes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.context import BenchContext
from benchmarks.timing import median

COLD_QUESTION = "When was the 2024 state visit?"

# A child forked from this process would report this process's RSS high-water mark as
# its own (Linux keeps it across fork and exec), so a tiny launcher starts the child,
# times it from spawn to exit and reads its rusage.
_LAUNCHER = """
import json, os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawn(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(report, "w") as f:
    json.dump({"seconds": seconds, "returncode": os.waitstatus_to_exitcode(status),
               "peak_rss_kb": usage.ru_maxrss}, f)
"""


def spawn(cmd: list[str], env: dict[str, str], timeout: float = 180.0) -> dict[str, Any]:
    """Run cmd; wall seconds from spawn to exit, exit code, output, and the child's peak RSS.

    Raises RuntimeError when it runs over `timeout` seconds (the child is killed).
    """
    with tempfile.TemporaryDirectory(prefix="bot-bench-spawn-") as tmp:
        report, out, err = Path(tmp, "report.json"), Path(tmp, "out"), Path(tmp, "err")
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(report), *cmd],
                stdout=stdout,
                stderr=stderr,
                env=env,
                start_new_session=True,  # so a timeout can stop the launcher and its child
            )
            try:
                launcher.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
                raise RuntimeError(f"{' '.join(cmd[1:])[:80]} ran over {timeout:.0f} s") from None
        child = json.loads(report.read_text()) if report.exists() else {}
        return {
            "seconds": child.get("seconds", 0.0),
            "returncode": child.get("returncode", -1),
            "stdout": out.read_text("utf-8", "replace"),
            "stderr": err.read_text("utf-8", "replace"),
            "peak_rss_mb": child.get("peak_rss_kb", 0) / 1024,
        }


def stage_cold_start(ctx: BenchContext) -> dict[str, Any]:
    assert ctx.data_dir is not None
    env = dict(os.environ)
    env.update(
        BOT_DATA_DIR=str(ctx.data_dir.resolve()),
        BOT_CORPUS_DIR=str(ctx.settings.corpus_dir.resolve()),
        BOT_LLM="none",
        BOT_EMBEDDINGS="minilm",
        BOT_CHROMA_URL="",
        ANONYMIZED_TELEMETRY="False",
    )
    ask = [sys.executable, "-m", "bot", "ask", "--json", COLD_QUESTION]
    runs, rss = [], []
    answer: dict[str, Any] = {}
    for _ in range(ctx.options.cold_runs):
        child = spawn(ask, env)
        if child["returncode"] != 0:
            tail = child["stderr"].strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"`bot ask` exited {child['returncode']}: {tail[0][:200]}")
        answer = json.loads(child["stdout"].splitlines()[0])
        runs.append(child["seconds"])
        rss.append(child["peak_rss_mb"])
    python = [spawn([sys.executable, "-c", "pass"], env)["seconds"] for _ in range(3)]
    # One more run, untimed, only to see where start-up goes: module imports.
    traced = spawn([sys.executable, "-X", "importtime", *ask[1:]], env)
    imports = import_seconds(traced["stderr"])
    return {
        "question": COLD_QUESTION,
        "seconds": median(runs),
        "seconds_runs": runs,
        "python_startup_seconds": median(python),
        "import_seconds": sum(imports.values()),
        "heaviest_imports_seconds": dict(sorted(imports.items(), key=lambda kv: -kv[1])[:8]),
        "peak_rss_mb": max(rss),
        "abstained": bool(answer.get("abstained")),
        "citations": len(answer.get("citations") or ()),
    }


def import_seconds(importtime: str) -> dict[str, float]:
    """Seconds spent importing each top-level package, from `python -X importtime` output.

    Sums each module's own ("self") time under its package, so nothing is counted twice.
    """
    out: dict[str, float] = {}
    for line in importtime.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        package = parts[2].strip().split(".")[0]
        out[package] = out.get(package, 0.0) + int(parts[0]) / 1e6
    return out
