"""Fixtures for the tests of hayrick/nodes/joiners: the all-MiniLM-L6-v2 folder, as the embedder tests have it."""

from tests.nodes.embedders.conftest import minilm_path

__all__ = ["minilm_path"]
