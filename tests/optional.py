"""Optional test dependencies: skipped where missing, an error in CI."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest


def need(module: str) -> Any:
    """`module`, imported; a missing one skips the test module, except in CI (HAYRICK_REQUIRE_SHARED=1),
    where a missing test dependency is an error rather than a silent skip."""
    if os.environ.get("HAYRICK_REQUIRE_SHARED") == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module)
