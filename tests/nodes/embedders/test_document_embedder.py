"""DocumentEmbedder: init, errors, config round trip, run, an indexing pipeline, and yaml_pipelines/embedding_indexing.yml
with all-MiniLM-L6-v2 on the in-memory and the FAISS store."""

from __future__ import annotations

import numpy as np
import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BaseComponent, TextConverter
from hayrick.nodes.embedders import DocumentEmbedder
from hayrick.stores.memory import InMemoryDocumentStore
from tests.optional import need


class LengthEmbedderForTest(BaseComponent):
    """A stand-in dense retriever: the vector of a text is (its length, its number of words, 1)."""

    outgoing_edges = 1

    def __init__(self, document_store: BaseComponent):
        self.document_store = document_store
        self.calls = 0

    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        self.calls += 1
        return np.array([[len(d.content), len(d.content.split()), 1.0] for d in documents], dtype=np.float32)

    def run(self, query: str) -> tuple[dict, str]:
        vector = np.array([len(query), len(query.split()), 1.0], dtype=np.float32)
        return {"documents": self.document_store.query_by_embedding(vector, top_k=1)}, "output_1"


@pytest.fixture()
def store() -> InMemoryDocumentStore:
    return InMemoryDocumentStore(embedding_dim=3, progress_bar=False)


def test_default_init(store):
    retriever = LengthEmbedderForTest(store)
    embedder = DocumentEmbedder(retriever=retriever)
    assert embedder.retriever is retriever and embedder.init_parameters == {"retriever": retriever}


def test_invalid_init(store):
    with pytest.raises(ComponentError, match="retriever must be a node with embed_documents"):
        DocumentEmbedder(retriever=store)
    with pytest.raises(ComponentError, match="got str"):
        DocumentEmbedder(retriever="Retriever")  # type: ignore[arg-type]


def test_run_embeds_copies_and_leaves_other_content_types_alone(store):
    embedder = DocumentEmbedder(LengthEmbedderForTest(store))
    given = [Document(content="two words"), {"content": "three words here", "meta": {"k": 1}},
             Document(content=[["a", "b"]], content_type="table")]
    out, edge = embedder.run(documents=given)
    assert edge == "output_1"
    docs = out["documents"]
    assert [d.embedding.tolist() if d.embedding is not None else None for d in docs] == [[9, 2, 1], [16, 3, 1], None]
    assert docs[1].meta == {"k": 1} and given[0].embedding is None  # the inputs are not changed
    assert embedder.run(documents=[])[0]["documents"] == []


def test_a_retriever_that_returns_the_wrong_shape(store):
    class Broken(LengthEmbedderForTest):
        def embed_documents(self, documents: list[Document]) -> np.ndarray:
            return np.zeros((1, 3), dtype=np.float32)

    with pytest.raises(NodeError, match=r"returned shape \(1, 3\) for 2 documents"):
        DocumentEmbedder(Broken(store)).embed([Document(content="a"), Document(content="b")])


def indexing_pipeline(store) -> Pipeline:
    p = Pipeline()
    p.add_node(TextConverter(), "TextConverter", ["File"])
    p.add_node(DocumentEmbedder(LengthEmbedderForTest(store)), "Embedder", ["TextConverter"])
    p.add_node(store, "DocumentStore", ["Embedder"])
    return p


def test_config_round_trip(store):
    config = indexing_pipeline(store).get_config(pipeline_name="indexing")
    by_name = {c["name"]: c for c in config["components"]}
    assert by_name["Embedder"] == {"name": "Embedder", "type": "DocumentEmbedder", "params": {"retriever": "LengthEmbedderForTest"}}
    assert by_name["LengthEmbedderForTest"]["params"] == {"document_store": "DocumentStore"}
    loaded = Pipeline.load(config)
    assert isinstance(loaded.get_node("Embedder"), DocumentEmbedder)
    assert loaded.get_node("Embedder").retriever.document_store is loaded.get_node("DocumentStore")
    assert loaded.get_config(pipeline_name="indexing") == config


def test_in_an_indexing_pipeline(store, tmp_path):
    (tmp_path / "a.txt").write_text("short")
    (tmp_path / "b.txt").write_text("a somewhat longer text")
    indexing_pipeline(store).run(file_paths=[str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    stored = store.get_all_documents(return_embedding=True)
    assert sorted(d.embedding.tolist() for d in stored) == [[5, 1, 1], [22, 4, 1]]
    assert store.query_by_embedding(np.array([20, 4, 1.0]), top_k=1)[0].meta["name"] == "b.txt"


@pytest.mark.parametrize("store_type", ["InMemoryDocumentStore", "FAISSDocumentStore"])
def test_embedding_indexing_yaml_on_both_stores(repo_root, tmp_path, monkeypatch, minilm_path, one_torch_thread, store_type):
    import hayrick.nodes.retrievers.embedding  # noqa: F401  (registers EmbeddingRetriever until hayrick.nodes exports it)
    from hayrick.pipelines.config import read_config

    if store_type == "FAISSDocumentStore":
        need("faiss")
    monkeypatch.setenv("RETRIEVER_PARAMS_EMBEDDING_MODEL", minilm_path)
    monkeypatch.setenv("RETRIEVER_PARAMS_USE_GPU", "false")
    monkeypatch.setenv("RETRIEVER_PARAMS_PROGRESS_BAR", "false")
    config = read_config(repo_root / "yaml_pipelines" / "embedding_indexing.yml")
    store_entry = next(c for c in config["components"] if c["name"] == "DocumentStore")
    if store_type == "FAISSDocumentStore":
        store_entry.update(type="FAISSDocumentStore", params={"embedding_dim": 384, "similarity": "cosine"})
    (tmp_path / "reader.txt").write_text("Great for reading books at night, the backlight is even.")
    (tmp_path / "headphones.md").write_text("# Headphones\n\nThe bass is deep and the sound is clear.\n")
    (tmp_path / "battery.txt").write_text("The battery lasts a whole week between charges.")
    indexing = Pipeline.load(config, pipeline_name="indexing")
    for name in ("reader.txt", "headphones.md", "battery.txt"):  # one file type per run
        indexing.run(file_paths=[str(tmp_path / name)])
    store = indexing.get_node("DocumentStore")
    assert type(store).__name__ == store_type
    assert store.get_document_count() == 3 and store.get_document_count(only_documents_without_embedding=True) == 0
    retriever = indexing.get_node("Embedder").retriever
    assert retriever.embedding_model == minilm_path and retriever.document_store is store
    assert retriever.retrieve("How long does it run before recharging?", top_k=1)[0].meta["name"] == "battery.txt"
    assert retriever.retrieve("good audio", top_k=1)[0].meta["name"] == "headphones.md"
    query = Pipeline.load(config, pipeline_name="query")
    assert query.get_node("Retriever").top_k == 5
