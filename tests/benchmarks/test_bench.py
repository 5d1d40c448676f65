"""`python -m bot bench` on a tiny corpus: every figure present and sane (speeds not asserted)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

import benchmarks as bench
from config import load_settings

DOCS = {
    "state-visit.md": """---
title: "President Ruto's State Visit to Washington, May 2024"
date: 2024-05-24
---

# President Ruto's State Visit to Washington, May 2024

Kenyan President William Ruto made a state visit to the United States in May 2024.
President Joe Biden hosted Ruto at the White House, with a state dinner on 23 May 2024.

## Why it mattered

The visit was the first state visit by an African head of state since 2008.
It marked the 60th anniversary of Kenya–US diplomatic relations.
""",
    "haiti.md": """---
title: "Kenya and the Haiti security mission"
---

# Kenya and the Haiti security mission

Kenya agreed to lead a multinational security support mission in Haiti.
The first Kenyan police officers arrived in Port-au-Prince in June 2024.
The United States pledged funding and logistics for the mission.
""",
    "trade.txt": "Kenya and the United States began talks on a Strategic Trade and Investment"
    " Partnership in July 2022. AGOA gives Kenyan goods duty-free access to the US market.\n",
}


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def _positive(d: dict, *names: str) -> None:
    for name in names:
        assert isinstance(d[name], int | float) and d[name] > 0, (name, d[name])


def test_bench_reports_every_figure_on_a_tiny_corpus(tmp_path, tiny_corpus, minilm, capsys):
    data_dir = tmp_path / "configured-data"
    settings = load_settings(data_dir=data_dir, corpus_dir=tiny_corpus)
    options = bench.BenchOptions(
        output=tmp_path / "out" / "bench.json",
        questions=5,
        scales=(300,),
        baseline=True,
        repeats=1,
        cold_runs=1,
        scale_queries=10,
    )

    assert bench.run_and_report(settings, options, embedder=minilm) == 0

    report = json.loads(options.output.read_text())
    assert not data_dir.exists(), "the bench must never touch the configured index"
    stages = report["stages"]
    skipped = {k: v["skipped"] for k, v in stages.items() if "skipped" in v}
    assert not skipped

    m = report["machine"]
    assert m["cpu_count"] >= 1 and m["cpu_model"] and m["python"] and m["onnxruntime_version"]
    assert m["date"][:2] == "20"

    full = stages["full_index"]
    assert full["documents"] == 3 and full["chunks"] > 0
    _positive(full, "seconds", "chunks_per_second", "snapshot_load_seconds")
    model = stages["model_alone"]
    assert model["chunks"] == full["chunks"]  # the very texts the indexer embedded
    _positive(model, "seconds", "chunks_per_second")
    assert stages["noop_reindex"]["embedded_chunks"] == 0
    _positive(stages["noop_reindex"], "seconds")

    ask = stages["warm_ask"]
    assert ask["questions"] == 5
    _positive(ask, "p50_ms", "p95_ms", "first_pass_p50_ms", "retrieve_p50_ms", "compose_p50_ms")
    assert ask["p95_ms"] >= ask["p50_ms"]
    _positive(ask, "followups_p50_ms", "followups_p95_ms")
    assert ask["followups_p95_ms"] >= ask["followups_p50_ms"]
    _positive(ask, "followup_ask_p50_ms", "followup_ask_p95_ms")
    overhead = stages["chain_overhead"]
    _positive(overhead, "chain_p50_ms", "direct_p50_ms")
    assert isinstance(overhead["overhead_ms"], float)
    _positive(stages["memory"], "peak_rss_mb", "rss_mb")

    acc = stages["accuracy"]
    assert acc["in_corpus"] > 0 and acc["out_of_corpus"] > 0
    assert 0 <= acc["in_corpus_accuracy"] <= 1 and 0 <= acc["overall_accuracy"] <= 1

    cold = stages["cold_start"]
    _positive(cold, "seconds", "python_startup_seconds", "import_seconds", "peak_rss_mb")
    assert cold["heaviest_imports_seconds"]  # from a separate, traced (slower) run
    assert not cold["abstained"] and cold["citations"] > 0
    assert cold["seconds"] > cold["python_startup_seconds"]

    base = stages["baseline"]
    assert base["documents"] == 3 and base["chunks"] > 0
    _positive(base, "index_seconds", "p50_ms", "p95_ms")
    assert base["p95_ms"] >= base["p50_ms"]
    assert 0 <= base["in_corpus_accuracy"] <= 1
    assert base["overall_accuracy"] <= base["in_corpus_accuracy"]  # never abstains

    (run,) = stages["scale"]["runs"]
    assert "hashing" in stages["scale"]["note"]
    assert run["chunks"] == run["chunks_requested"] == 300
    _positive(run, "chunks_per_second", "snapshot_load_seconds", "startup_seconds")
    _positive(run, "p50_ms", "p95_ms", "rss_mb", "peak_rss_mb")
    _positive(run["snapshot_parts"], "read_chunks_seconds", "read_sentence_vectors_seconds")
    assert run["p95_ms"] >= run["p50_ms"]

    ratios = report["ratios"]
    for name in (
        "full_index_over_model_alone",
        "index_seconds_ours_over_baseline",
        "p50_latency_ours_over_baseline",
    ):
        assert ratios[name] > 0, name
    assert "in_corpus_accuracy_ours_over_baseline" in ratios

    table = capsys.readouterr().out
    for stage in ("full index", "no-op re-index", "warm ask", "cold start", "scale 300"):
        assert f"\n{stage} " in table
    assert str(options.output) in table


def test_bad_scale_is_a_usage_error(capsys):
    args = argparse.Namespace(
        output=Path("unused.json"), questions=5, scale="10k", no_baseline=True
    )
    assert bench.run_bench_command(load_settings(), args) == 2
    assert "--scale" in capsys.readouterr().err
    assert bench.parse_scales("") == ()
    assert bench.parse_scales("10000, 50000") == (10_000, 50_000)


def test_table_marks_targets_and_skipped_stages():
    report = {
        "machine": bench.machine_facts() | {"load_average_at_start": [0.0, 0.0, 0.0]},
        "stages": {
            "noop_reindex": {"seconds": 2.5, "seconds_runs": [2.5], "embedded_chunks": 0},
            "cold_start": {"skipped": "RuntimeError: `bot ask` exited 1: boom"},
            "baseline": {"skipped": "--no-baseline"},
        },
        "ratios": bench.ratios({}),
    }
    text = bench.render_report(report)
    noop = next(line for line in text.splitlines() if line.startswith("no-op re-index"))
    assert "2.500 s" in noop and "≤ 1 s" in noop and noop.endswith("NO")
    assert "RuntimeError: `bot ask` exited 1: boom" in text
    assert "--no-baseline" in text


def test_synthetic_corpus_is_deterministic_and_chunk_sized(tmp_path):
    a = bench.write_synthetic_corpus(tmp_path / "a", 40, chunk_tokens=200)
    b = bench.write_synthetic_corpus(tmp_path / "b", 40, chunk_tokens=200)
    assert a == b and a
    files = sorted((tmp_path / "a").iterdir())
    assert len(files) >= 2
    assert [f.read_text() for f in files] == [
        f.read_text() for f in sorted((tmp_path / "b").iterdir())
    ]
    embedder = bench.scale_embedder()
    paragraphs = [p for f in files for p in f.read_text().split("\n\n") if p.strip()]
    assert len(paragraphs) == 40
    assert all(150 <= embedder.count_tokens(p) <= 190 for p in paragraphs)
    v = embedder.embed(paragraphs[:2])
    assert v.shape == (2, 384)
    assert abs(float((v[0] ** 2).sum()) - 1.0) < 1e-5
    assert embedder.seconds > 0


def test_bench_outside_a_checkout_says_where_it_runs(monkeypatch, tmp_path, capsys):
    import bot.cli

    # An installed package: `benchmarks` is not importable and not beside the package.
    monkeypatch.setitem(sys.modules, "benchmarks", None)
    monkeypatch.setattr(bot.cli, "__file__", str(tmp_path / "site-packages" / "bot" / "cli.py"))
    args = argparse.Namespace(
        output=tmp_path / "unused.json", questions=5, scale="", no_baseline=True
    )

    assert bot.cli.cmd_bench(load_settings(), args) == 2
    assert capsys.readouterr().err == (
        "error: bench runs from a checkout of the repository (benchmarks/ not found)\n"
    )
