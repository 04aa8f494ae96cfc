"""The corpus the BM25 tests share: real SQuAD paragraphs and questions as token lists."""

from __future__ import annotations

import json

import pytest

from hayrick.stores.bm25 import tokenize


@pytest.fixture(scope="session")
def squad(shared_dir) -> tuple[list[list[str]], list[list[str]]]:
    """2,000 SQuAD dev paragraphs as token lists, and 50 of its questions (plus edge-case queries)."""
    data = json.loads((shared_dir / "datasets" / "squad" / "dev-v1.1.json").read_text())
    paragraphs = [p for article in data["data"] for p in article["paragraphs"]][:2000]
    docs = [tokenize(p["context"]) for p in paragraphs]
    questions = [tokenize(p["qas"][0]["question"]) for p in paragraphs[::40]][:50]
    extra = [["the", "the", "river", "river", "river"], ["zzzunknownzzz"], ["zzzunknownzzz", "city"], []]
    return docs, questions + extra
