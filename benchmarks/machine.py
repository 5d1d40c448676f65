"""The machine a run happened on: CPU, memory, library versions, and this process's RSS."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import resource
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    """This process's resident memory now (Linux /proc), in MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    peak = _status_mb("VmHWM")  # same source as VmRSS, so peak >= now always holds
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_facts() -> dict[str, Any]:
    """CPU, memory and library versions, to read every figure against."""
    cpu_model = platform.processor() or platform.machine()
    memory_mb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for package in ("onnxruntime", "chromadb", "numpy", "langchain-core", "langchain-chroma"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model,
        "memory_total_mb": memory_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **{f"{name.replace('-', '_')}_version": v for name, v in versions.items()},
    }
