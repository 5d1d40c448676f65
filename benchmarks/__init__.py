"""`python -m bot bench`: indexing, answer latency, start-up, memory, and a LangChain baseline.

A benchmark, not a test: it prints a table (stage, figure, target, ok?) and
writes every figure as JSON. It runs offline in temporary folders; the
configured index is never touched. The machine is small and noisy, so
timings are medians of repeats and every ratio compares runs of one process.
Synthetic scale runs use a hashing embedder instead of the model: they
measure the store, BM25, snapshot load and retrieval, not embedding.
"""

from benchmarks.command import run_and_report, run_bench, run_bench_command
from benchmarks.context import BenchOptions, parse_scales
from benchmarks.machine import machine_facts
from benchmarks.report import ratios, render_report, table_rows
from benchmarks.synthetic import TimedEmbedder, scale_embedder, write_synthetic_corpus

__all__ = [
    "BenchOptions",
    "TimedEmbedder",
    "machine_facts",
    "parse_scales",
    "ratios",
    "render_report",
    "run_and_report",
    "run_bench",
    "run_bench_command",
    "scale_embedder",
    "table_rows",
    "write_synthetic_corpus",
]
