"""TfidfRetriever: scores are the cosine of scikit-learn-style TF-IDF vectors; it refits when the store changes.

Init, config round trip and pipelines: test_base.py, with the other sparse retrievers.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from hayrick import Document
from hayrick.nodes import TfidfRetriever
from tests.nodes.retrievers.reviews import REVIEWS, review_store


@pytest.fixture()
def store():
    return review_store()


def test_tfidf_scores_are_cosine_of_smoothed_tfidf(store):
    retriever = TfidfRetriever(document_store=store, top_k=4)
    docs = retriever.retrieve("bass sound")
    # an independent computation of scikit-learn's TfidfVectorizer defaults
    tokenized = [[t for t in c.lower().replace(",", " ").replace(".", " ").split() if len(t) > 1] for c, _ in REVIEWS]
    n = len(tokenized)
    df = Counter(t for toks in tokenized for t in set(toks))
    idf = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in df}

    def vector(tokens):
        counts = Counter(t for t in tokens if t in idf)
        v = {t: c * idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {t: x / norm for t, x in v.items()}

    q = vector(["bass", "sound"])
    expected = {c: sum(q.get(t, 0) * x for t, x in vector(toks).items()) for (c, _), toks in zip(REVIEWS, tokenized)}
    assert [d.content for d in docs] == [REVIEWS[3][0], REVIEWS[2][0]]
    for d in docs:
        assert d.score == pytest.approx(expected[d.content], rel=1e-9)
    assert [d.content for d in retriever.retrieve("bass", filters={"item_id": "B2"})] == [REVIEWS[2][0]]


def test_tfidf_refits_when_the_store_changes(store):
    retriever = TfidfRetriever(document_store=store)
    assert retriever.retrieve("zebra") == []
    store.write_documents([Document(content="a zebra patterned case")])
    assert [d.content for d in retriever.retrieve("zebra")] == ["a zebra patterned case"]
