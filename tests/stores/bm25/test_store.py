"""What the BM25 stores share: BM25Settings (checked settings, text-only indexing) and keyword_search."""

from __future__ import annotations

import math

import pytest

from hayrick.errors import DocumentStoreError
from hayrick.schema import Document
from hayrick.stores.bm25 import BM25Index
from hayrick.stores.bm25.store import (
    BM25Settings,
    keyword_hits,
    keyword_search,
    scored_documents,
)

DOCS = [
    Document(content="Great for reading books at night.", id="a", meta={"item": "B1"}),
    Document(content="The battery lasts a week of reading.", id="b", meta={"item": "B1"}),
    Document(content="Bass is weak but comfortable.", id="c", meta={"item": "B2"}),
    Document(content="Sound is great, the bass is deep.", id="d", meta={"item": "B3"}),
    Document(content=[["reading", "bass"], ["table", "row"]], id="t", content_type="table"),
]


@pytest.fixture()
def indexed() -> tuple[BM25Settings, BM25Index]:
    settings = BM25Settings("BM25Okapi", None, r"(?u)\b\w\w+\b")
    index = settings.new_index()
    settings.index_documents(index, DOCS)
    return settings, index


def test_settings_index_text_documents_only(indexed):
    settings, index = indexed
    assert index.keys() == ["a", "b", "c", "d"]
    assert settings.tokenize("I'm a B2B") == ["b2b"] and settings.parameters == {}
    assert BM25Settings("BM25L", {"k1": 1.2}, r"\w+").new_index().params == {"k1": 1.2, "b": 0.75, "delta": 0.5}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("BM25", None, r"\w+"), "bm25_algorithm must be one of BM25Okapi, BM25L, BM25Plus, got 'BM25'"),
        (("BM25Okapi", [1.2], r"\w+"), r"bm25_parameters must be a dict like \{'k1': 1.2, 'b': 0.75\}"),
        (("BM25Okapi", {"k": 1.2}, r"\w+"), r"bm25_parameters \{'k': 1.2\}: .*unexpected keyword argument 'k'"),
        (("BM25Okapi", {"b": 2}, r"\w+"), r"bm25_parameters \{'b': 2\}: BM25Okapi parameter b must be in \[0, 1\]"),
        (("BM25Okapi", None, "("), r"bm25_tokenization_regex '\(' is not a valid regex"),
    ],
)
def test_settings_errors_name_the_store_argument(args, message):
    with pytest.raises(DocumentStoreError, match=message):
        BM25Settings(*args)


def test_keyword_search_copies_the_documents_with_their_scores(indexed):
    settings, index = indexed
    by_id = {d.id: d for d in DOCS}
    raw = keyword_search(index, settings, "reading bass", top_k=10, documents=by_id, scale_score=False)
    expected = index.top_k(settings.tokenize("reading bass"), 10)
    assert [(d.id, d.score) for d in raw] == expected and len(raw) == 4
    assert all(d is not by_id[d.id] and d.meta == by_id[d.id].meta for d in raw)
    assert by_id["a"].score is None  # the stored documents keep no score
    scaled = keyword_search(index, settings, "reading bass", top_k=10, documents=by_id)
    assert [d.score for d in scaled] == pytest.approx([1 / (1 + math.exp(-s / 8)) for _, s in expected])


def test_keyword_search_filters_strict_matching_and_a_fetch_function(indexed):
    settings, index = indexed
    asked: list[list[str]] = []

    def fetch(ids):
        asked.append(ids)
        return {d.id: d for d in DOCS if d.id in ids and d.id != "b"}  # "b" was deleted meanwhile: left out

    found = keyword_search(index, settings, "reading", top_k=5, documents=fetch, candidates=["b", "c", "d"])
    assert asked == [["b"]] and found == []
    strict = keyword_search(index, settings, "bass deep", top_k=5, documents=fetch, all_terms_must_match=True)
    assert [d.id for d in strict] == ["d"]
    assert keyword_search(index, settings, "zebra", top_k=5, documents=fetch) == [] and len(asked) == 2
    marked = keyword_search(
        index, settings, "great", top_k=1, documents=fetch, with_score=lambda d, s: d.model_copy(update={"score": -s})
    )
    assert [d.id for d in marked] == ["a"] and marked[0].score < 0
    common = keyword_search(index, settings, "the", top_k=4, documents=fetch, scale_score=False)
    assert [(d.id, d.score) for d in common] == [(k, s) for k, s in index.top_k(["the"], 4) if k != "b"]


def test_hits_and_documents_in_two_steps(indexed):
    settings, index = indexed
    hits = keyword_hits(index, settings, "reading bass", 3, candidates=["a", "c", "d"])
    assert [key for key, _ in hits] == [key for key, _ in index.top_k(["reading", "bass"], 3, candidates=["a", "c", "d"])]
    docs = scored_documents(hits, {d.id: d for d in DOCS}, scale_score=False)
    assert [(d.id, d.score) for d in docs] == hits
    assert scored_documents([], lambda ids: pytest.fail("no hits: nothing to read")) == []
