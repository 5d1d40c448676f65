"""The report: ratios between figures, the printed table, and the JSON file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.scale import SCALE_NOTE
from benchmarks.timing import median

TARGET_INDEX_OVER_MODEL = 1.2
TARGET_NOOP_SECONDS = 1.0
TARGET_COLD_SECONDS = 3.0


def _figure(results: dict[str, Any], stage: str, name: str) -> float | None:
    value = results.get(stage, {}).get(name)
    return float(value) if isinstance(value, int | float) else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """Ratios between figures of this run (None where a side is missing or zero)."""

    def f(stage: str, name: str) -> float | None:
        return _figure(results, stage, name)

    def paired(stage: str, name: str) -> float | None:
        # Rounds took turns under the same load, so the median of per-round ratios
        # is steadier than the ratio of two medians on a shared machine.
        values = results.get(stage, {}).get(name) or []
        return median(values) if values and "skipped" not in results.get(stage, {}) else None

    return {
        "full_index_over_model_alone": paired("full_index", "over_model_alone_by_round")
        or _ratio(f("full_index", "seconds"), f("model_alone", "seconds")),
        "index_seconds_ours_over_baseline": paired("baseline", "ours_over_baseline_by_round")
        or _ratio(f("full_index", "seconds"), f("baseline", "index_seconds")),
        # First-pass p50s: neither side answers from a cache.
        "p50_latency_ours_over_baseline": _ratio(
            f("warm_ask", "first_pass_p50_ms"), f("baseline", "first_pass_p50_ms")
        ),
        "in_corpus_accuracy_ours_over_baseline": _ratio(
            f("accuracy", "in_corpus_accuracy"), f("baseline", "in_corpus_accuracy")
        ),
        "overall_accuracy_ours_over_baseline": _ratio(
            f("accuracy", "overall_accuracy"), f("baseline", "overall_accuracy")
        ),
    }


Row = tuple[str, str, str, str, str]


def _check(value: float | None, limit: float) -> str:
    return "" if value is None else ("yes" if value <= limit else "NO")


def _short(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _skip_reasons(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(stage, reason) of every skipped stage or stopped scale run."""
    out = []
    for key, d in report["stages"].items():
        if "skipped" in d:
            out.append((key, str(d["skipped"])))
        for run in d.get("runs", ()):
            if "skipped" in run:
                out.append((f"scale {run['chunks_requested']:,}", str(run["skipped"])))
    return out


def table_rows(report: dict[str, Any]) -> list[Row]:
    """(stage, figure, value, target, ok) rows for every figure worth reading."""
    s, r = report["stages"], report["ratios"]
    rows: list[Row] = []

    def add(stage: str, figure: str, value: str, target: str = "", ok: str = "") -> None:
        rows.append((stage, figure, value, target, ok))

    def usable(key: str, stage: str) -> dict[str, Any] | None:
        d: dict[str, Any] = s.get(key, {"skipped": "not run"})
        if "skipped" in d:
            add(stage, "skipped", _short(str(d["skipped"])))
            return None
        return d

    if d := usable("full_index", "full index"):
        runs = len(d["seconds_runs"])
        add("full index", "documents / chunks", f"{d['documents']} / {d['chunks']}")
        add("full index", f"seconds (median of {runs})", f"{d['seconds']:.2f} s")
        add("full index", "chunks/s", f"{d['chunks_per_second']:.1f}")
        add("full index", "snapshot load after it", f"{d['snapshot_load_seconds']:.3f} s")
    if d := usable("model_alone", "model alone"):
        add("model alone", f"seconds (median of {len(d['seconds_runs'])})", f"{d['seconds']:.2f} s")
        add("model alone", "chunks/s", f"{d['chunks_per_second']:.1f}")
        ratio = r["full_index_over_model_alone"]
        if ratio is not None:
            limit = TARGET_INDEX_OVER_MODEL
            add(
                "full index",
                "÷ model alone (per-round median)",
                f"{ratio:.2f}",
                f"≤ {limit}",
                _check(ratio, limit),
            )
    if d := usable("noop_reindex", "no-op re-index"):
        limit = TARGET_NOOP_SECONDS
        add(
            "no-op re-index",
            f"seconds (median of {len(d['seconds_runs'])})",
            f"{d['seconds']:.3f} s",
            f"≤ {limit:g} s",
            _check(d["seconds"], limit),
        )
    if d := usable("warm_ask", "warm ask"):
        add("warm ask", f"p50 / p95 ({d['questions']} asks)", _ms(d["p50_ms"], d["p95_ms"]))
        add("warm ask", "p50, first asks (uncached)", f"{d['first_pass_p50_ms']:.1f} ms")
        add("warm ask", "retrieve / compose p50", _ms(d["retrieve_p50_ms"], d["compose_p50_ms"]))
        if "followup_ask_p50_ms" in d:
            add(
                "warm ask",
                "p50 / p95, follow-ups with history",
                _ms(d["followup_ask_p50_ms"], d["followup_ask_p95_ms"]),
            )
        if "followups_p50_ms" in d:
            add(
                "follow-up suggestions",
                f"p50 / p95 per answer (median {d['followups_per_answer']:g} offered)",
                _ms(d["followups_p50_ms"], d["followups_p95_ms"]),
            )
    if d := usable("chain_overhead", "LangChain layers"):
        add("LangChain layers", "chain / direct p50", _ms(d["chain_p50_ms"], d["direct_p50_ms"]))
        add("LangChain layers", "chain − direct (median)", f"{d['overhead_ms']:+.2f} ms")
    if d := usable("memory", "memory"):
        add("memory", "peak RSS after warm run", f"{d['peak_rss_mb']:.0f} MB")
    if d := usable("cold_start", "cold start"):
        limit = TARGET_COLD_SECONDS
        add(
            "cold start",
            f"spawn → answer (median of {len(d['seconds_runs'])})",
            f"{d['seconds']:.2f} s",
            f"≤ {limit:g} s",
            _check(d["seconds"], limit),
        )
        heavy = ", ".join(
            f"{k} {v:.2f}" for k, v in list(d["heaviest_imports_seconds"].items())[:3]
        )
        add("cold start", "imports (-X importtime run)", f"{d['import_seconds']:.2f} s ({heavy} …)")
        add("cold start", "python -c pass", f"{d['python_startup_seconds']:.3f} s")
        add(
            "cold start",
            "model load (in this process)",
            f"{report['config']['model_load_seconds']:.2f} s",
        )
        add("cold start", "child peak RSS", f"{d['peak_rss_mb']:.0f} MB")
    if d := usable("accuracy", "accuracy (ours)"):
        add(
            "accuracy (ours)",
            "in-corpus / overall",
            _pct(d["in_corpus_accuracy"], d["overall_accuracy"]),
        )
    if d := usable("baseline", "LangChain baseline"):
        add(
            "LangChain baseline",
            "chunks / index seconds",
            f"{d['chunks']} / {d['index_seconds']:.2f} s",
        )
        add("LangChain baseline", "query p50 / p95", _ms(d["p50_ms"], d["p95_ms"]))
        add("LangChain baseline", "p50, first asks", f"{d['first_pass_p50_ms']:.1f} ms")
        add(
            "LangChain baseline",
            "in-corpus / overall",
            _pct(d["in_corpus_accuracy"], d["overall_accuracy"]),
        )
    if d := usable("scale", "scale"):
        for run in d["runs"]:
            _scale_rows(add, run)
    return rows


def _scale_rows(add: Callable[..., None], run: dict[str, Any]) -> None:
    stage = f"scale {run['chunks_requested']:,}"
    if "chunks" in run:
        add(stage, "documents / chunks", f"{run['documents']} / {run['chunks']:,}")
        add(
            stage,
            "index chunks/s (hashing embedder)",
            f"{run['chunks_per_second']:.0f} ({run['chunks_per_second_without_embedding']:.0f}"
            " without embedding)",
        )
    if "snapshot_parts" in run:
        p = run["snapshot_parts"]
        add(
            stage,
            "read chunks / vectors / BM25",
            f"{p['read_chunks_seconds']:.2f} / {p['read_sentence_vectors_seconds']:.2f}"
            f" / {p['bm25_build_seconds']:.2f} s",
        )
    if "startup_seconds" in run:
        add(
            stage,
            "start-up (snapshot load)",
            f"{run['startup_seconds']:.2f} s ({run['snapshot_load_seconds']:.2f} s)",
        )
    if "p50_ms" in run:
        add(stage, f"query p50 / p95 ({run['questions']})", _ms(run["p50_ms"], run["p95_ms"]))
        add(stage, "RSS after (peak)", f"{run['rss_mb']:.0f} MB ({run['peak_rss_mb']:.0f} MB)")
    if "skipped" in run:
        add(stage, "stopped", _short(str(run["skipped"])))


def _ms(a: float, b: float) -> str:
    return f"{a:.1f} / {b:.1f} ms"


def _pct(a: float, b: float) -> str:
    return f"{a:.1%} / {b:.1%}"


def render_report(report: dict[str, Any]) -> str:
    rows = [("stage", "figure", "value", "target", "ok?"), *table_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    r = report["ratios"]
    names = [
        ("index time", "index_seconds_ours_over_baseline"),
        ("p50 latency (first asks)", "p50_latency_ours_over_baseline"),
        ("in-corpus accuracy", "in_corpus_accuracy_ours_over_baseline"),
        ("overall accuracy", "overall_accuracy_ours_over_baseline"),
    ]
    shown = [f"{label} {r[key]:.2f}×" for label, key in names if r.get(key) is not None]
    if shown:
        lines += ["", "ours ÷ LangChain baseline (same run): " + ", ".join(shown)]
    long_reasons = [(k, why) for k, why in _skip_reasons(report) if _short(why) != why]
    if long_reasons:
        lines += ["", *(f"{key} skipped: {why}" for key, why in long_reasons)]
    if "runs" in report["stages"].get("scale", {}):
        lines += ["", f"note: {SCALE_NOTE}"]
    m = report["machine"]
    lines += [
        "",
        f"machine: {m['cpu_model']}, {m['cpu_count']} CPUs, Python {m['python']},"
        f" onnxruntime {m['onnxruntime_version']}, {m['date']}",
        f"load average (1, 5, 15 min) at start {m['load_average_at_start']},"
        f" at end {m['load_average']} (a shared machine: load slows every figure)",
    ]
    return "\n".join(lines)


def rounded(obj: Any) -> Any:
    """Floats to 4 decimals, in nested dicts and lists alike, for a readable JSON file."""
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [rounded(v) for v in obj]
    return obj


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write the report as indented JSON, creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
