"""BaseRetriever's contract on the sparse retrievers: default and invalid init, config round trip, pipelines."""

from __future__ import annotations

import pytest

from hayrick import Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BM25Retriever, FilterRetriever, TfidfRetriever
from tests.nodes.retrievers.reviews import review_store


@pytest.fixture()
def store():
    return review_store()


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
