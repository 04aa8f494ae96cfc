"""BM25Retriever, TfidfRetriever and FilterRetriever: init, errors, config round trip, retrieval, pipelines."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BM25Retriever, FilterRetriever, TfidfRetriever
from hayrick.stores.memory import InMemoryDocumentStore

REVIEWS = [
    ("Great for reading books at night, the backlight is even.", {"item_id": "B1", "split": "train"}),
    ("The battery lasts a week of reading.", {"item_id": "B1", "split": "test"}),
    ("Bass is weak but the headphones are comfortable.", {"item_id": "B2", "split": "train"}),
    ("Sound quality is great and the bass is deep.", {"item_id": "B3", "split": "train"}),
]


@pytest.fixture()
def store():
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents([Document(content=c, meta=m) for c, m in REVIEWS])
    return store


@pytest.mark.parametrize("cls", [BM25Retriever, TfidfRetriever, FilterRetriever])
def test_default_init(cls, store):
    retriever = cls(document_store=store)
    assert retriever.document_store is store
    assert retriever.init_parameters == {"document_store": store}


@pytest.mark.parametrize("cls", [BM25Retriever, TfidfRetriever, FilterRetriever])
def test_invalid_init(cls, store):
    with pytest.raises(ComponentError, match=r"document_store must be a document store .* got str"):
        cls(document_store="DocumentStore")
    with pytest.raises(ComponentError, match="top_k must be a positive int, got 0"):
        cls(document_store=store, top_k=0)


def test_bm25_needs_a_bm25_store():
    with pytest.raises(ComponentError, match=r"has no BM25 index. Build it with use_bm25=True"):
        BM25Retriever(document_store=InMemoryDocumentStore())


@pytest.mark.parametrize("cls", [BM25Retriever, TfidfRetriever, FilterRetriever])
def test_config_round_trip(cls, store):
    p = Pipeline()
    p.add_node(cls(document_store=store, top_k=2), "Retriever", ["Query"])
    config = p.get_config()
    assert config["components"][0] == {"name": "InMemoryDocumentStore", "type": "InMemoryDocumentStore", "params": {"use_bm25": True}}
    assert config["components"][1]["params"] == {"document_store": "InMemoryDocumentStore", "top_k": 2}
    loaded = Pipeline.load(config)
    assert isinstance(loaded.get_node("Retriever"), cls)
    assert loaded.get_config() == config


def test_bm25_retrieve_filters_and_top_k(store):
    retriever = BM25Retriever(document_store=store, top_k=3)
    docs = retriever.retrieve("good for reading?")
    assert [d.content for d in docs] == [REVIEWS[0][0], REVIEWS[1][0]]
    only_test = retriever.retrieve("reading", filters={"split": ["test"]})
    assert [d.meta["split"] for d in only_test] == ["test"]
    assert len(retriever.retrieve("bass great reading", top_k=1)) == 1
    raw = BM25Retriever(document_store=store, scale_score=False).retrieve("battery")
    scaled = retriever.retrieve("battery")
    assert raw[0].score > 0 and scaled[0].score == pytest.approx(1 / (1 + math.exp(-raw[0].score / 8)))
    strict = BM25Retriever(document_store=store, all_terms_must_match=True).retrieve("bass deep")
    assert [d.content for d in strict] == [REVIEWS[3][0]]
    batches = retriever.retrieve_batch(["reading", "bass"], filters=[{"item_id": "B1"}, None])
    assert [len(b) for b in batches] == [2, 2]
    with pytest.raises(ComponentError, match="2 filters for 1 queries"):
        retriever.retrieve_batch(["x"], filters=[None, None])


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


def test_filter_retriever_ignores_the_query(store):
    retriever = FilterRetriever(document_store=store)
    assert len(retriever.retrieve("anything", filters={"item_id": ["B1"]})) == 2
    assert len(retriever.retrieve("anything", top_k=1)) == 1
    assert len(retriever.retrieve("anything")) == 4


@pytest.mark.parametrize("cls", [BM25Retriever, TfidfRetriever])
def test_in_a_pipeline_with_params(cls, store):
    p = Pipeline()
    p.add_node(cls(document_store=store), "Retriever", ["Query"])
    result = p.run(query="reading books", params={"Retriever": {"top_k": 1}, "filters": {"item_id": ["B1"]}})
    assert len(result["documents"]) == 1 and result["documents"][0].meta["item_id"] == "B1"
    batch = p.run_batch(queries=["reading", "bass"], params={"top_k": 1})
    assert [len(docs) for docs in batch["documents"]] == [1, 1]
    with pytest.raises(NodeError, match=r"Node 'Retriever' \(.*\) failed: FilterError: Unknown operator"):
        p.run(query="x", params={"filters": {"item_id": {"$like": "B"}}})
