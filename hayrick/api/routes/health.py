"""`GET /health`: version, CPU and memory use of this process, and the GPUs torch can see."""

from __future__ import annotations

import os
import sys
from typing import Any

from fastapi import APIRouter

import hayrick
from hayrick.api.schema import HealthResponse

router = APIRouter(tags=["health"])


def cpu_usage() -> float:
    import psutil

    process = psutil.Process()
    return round(process.cpu_percent(interval=None) / (os.cpu_count() or 1), 2)


def memory_usage() -> float:
    import psutil

    return round(psutil.Process().memory_percent(), 2)


def gpu_usage() -> list[dict[str, Any]]:
    """GPUs as torch sees them, when torch is loaded already (a BM25-only service never imports it)."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return []
    gpus = []
    for index in range(torch.cuda.device_count()):
        total = torch.cuda.get_device_properties(index).total_memory // (1024 * 1024)
        used = torch.cuda.memory_reserved(index) // (1024 * 1024)
        try:
            kernel: float | None = float(torch.cuda.utilization(index))
        except Exception:  # needs pynvml; without it the figure is unknown, not an error
            kernel = None
        gpus.append({"index": index, "usage": {"kernel_usage": kernel, "memory_total": total, "memory_used": used}})
    return gpus


@router.get("/health", response_model=HealthResponse)
def get_health_status() -> dict[str, Any]:
    """For monitoring: `{"version", "cpu": {"used"}, "memory": {"used"}, "gpus": [...]}` (percentages)."""
    return {"version": hayrick.__version__, "cpu": {"used": cpu_usage()}, "memory": {"used": memory_usage()},
            "gpus": gpu_usage()}  # fmt: skip
