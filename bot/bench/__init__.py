"""`python -m bot bench`: indexing, answer latency, start-up, memory, and a LangChain baseline.

A benchmark, not a test: it prints a table (stage, figure, target, ok?) and
writes every figure as JSON. It runs offline in temporary folders; the
configured index is never touched. The machine is small and noisy, so
timings are medians of repeats and every ratio compares runs of one process.
Synthetic scale runs use a hashing embedder instead of the model: they
measure the store, BM25, snapshot load and retrieval, not embedding.
"""

from bot.bench.command import run_and_report, run_bench, run_bench_command
from bot.bench.context import BenchOptions, parse_scales
from bot.bench.machine import machine_facts
from bot.bench.report import ratios, render_report, table_rows
from bot.bench.synthetic import HashingEmbedder, write_synthetic_corpus

__all__ = [
    "BenchOptions",
    "HashingEmbedder",
    "machine_facts",
    "parse_scales",
    "ratios",
    "render_report",
    "run_and_report",
    "run_bench",
    "run_bench_command",
    "table_rows",
    "write_synthetic_corpus",
]
