"""Shared fixtures.

`shared_dir` finds `../shared` (models and datasets that are too large for the
repository). Tests that need it skip with a clear reason where it is absent, and fail
where `HAYRICK_REQUIRE_SHARED=1` (as `.ci/run` sets), so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _find_shared() -> Path | None:
    candidates = [os.environ.get("HAYRICK_SHARED_DIR"), REPO_ROOT.parent / "shared", REPO_ROOT / "shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "DESIGN.md").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder with models/ and datasets/."""
    found = _find_shared()
    if found is None:
        message = (
            "../shared (models and datasets) not found next to the repository; set HAYRICK_SHARED_DIR to its path"
        )
        if os.environ.get("HAYRICK_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (HAYRICK_REQUIRE_SHARED=1 makes this an error)")
        pytest.skip(message)
    return found


@pytest.fixture()
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Torch on one thread for the rest of the module (`pytestmark = pytest.mark.usefixtures("one_torch_thread")`).

    Tiny models run fastest on one thread; on a busy 2-core machine two OpenMP threads spin-wait and
    training runs ~8x slower."""
    from tests.optional import need

    torch = need("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
