"""JoinDocuments: init, errors, config round trip, Haystack 1.x semantics of each join mode, batches, pipelines,
and yaml_pipelines/hybrid_search.yml with all-MiniLM-L6-v2."""

from __future__ import annotations

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BM25Retriever, TfidfRetriever
from hayrick.nodes.joiners import JoinDocuments
from hayrick.stores.memory import InMemoryDocumentStore


def docs(*pairs: tuple[str, float | None]) -> list[Document]:
    return [Document(content=c, score=s) for c, s in pairs]


A = docs(("a", 0.9), ("b", 0.5), ("c", 0.1))
B = docs(("b", 0.8), ("d", 0.7), ("a", None))


def ids(documents: list[Document]) -> list[str]:
    return [d.content for d in documents]


def test_default_init():
    join = JoinDocuments()
    assert (join.join_mode, join.weights, join.top_k_join, join.sort_by_score) == ("concatenate", None, None, True)
    assert join.init_parameters == {} and join.outgoing_edges == 1


def test_invalid_init():
    with pytest.raises(ComponentError, match="join_mode must be one of 'concatenate', 'merge', 'reciprocal_rank_fusion'"):
        JoinDocuments(join_mode="sum")
    with pytest.raises(ComponentError, match="weights have no effect with join_mode='concatenate'"):
        JoinDocuments(weights=[1, 2])
    with pytest.raises(ComponentError, match="weights must be a list of non-negative numbers"):
        JoinDocuments(join_mode="merge", weights=[-1, 2])
    with pytest.raises(ComponentError, match="weights must be"):
        JoinDocuments(join_mode="merge", weights=[0, 0])
    with pytest.raises(ComponentError, match="top_k_join must be a positive int or None, got 0"):
        JoinDocuments(top_k_join=0)


def test_concatenate_keeps_each_document_once_with_its_best_score():
    joined = JoinDocuments().run(inputs=[{"documents": A}, {"documents": B}])[0]["documents"]
    assert [(d.content, d.score) for d in joined] == [("a", 0.9), ("b", 0.8), ("d", 0.7), ("c", 0.1)]
    unsorted = JoinDocuments(sort_by_score=False).join([A, B])
    assert ids(unsorted) == ["a", "b", "c", "d"]
    assert A[1].score == 0.5 and B[2].score is None  # inputs are not changed


def test_merge_is_the_weighted_sum_of_scores():
    joined = JoinDocuments(join_mode="merge", weights=[3, 1]).join([A, B])
    expected = {"a": 0.75 * 0.9 + 0.25 * 0, "b": 0.75 * 0.5 + 0.25 * 0.8, "c": 0.75 * 0.1, "d": 0.25 * 0.7}
    assert ids(joined) == sorted(expected, key=expected.get, reverse=True)
    assert {d.content: d.score for d in joined} == pytest.approx(expected)
    equal = JoinDocuments(join_mode="merge").join([A, B])
    assert {d.content: d.score for d in equal}["b"] == pytest.approx((0.5 + 0.8) / 2)


def test_reciprocal_rank_fusion_as_haystack():
    joined = JoinDocuments(join_mode="reciprocal_rank_fusion").join([A, B])
    # Haystack 1.x's scores, normalised so that first place in every input scores 1.0
    expected = {"a": (1 / 61 + 1 / 63) * 61 / 2, "b": (1 / 62 + 1 / 61) * 61 / 2, "c": 61 / 63 / 2, "d": 61 / 62 / 2}
    assert {d.content: d.score for d in joined} == pytest.approx(expected)
    assert ids(joined) == ["b", "a", "d", "c"]
    weighted = JoinDocuments(join_mode="reciprocal_rank_fusion", weights=[1, 3]).join([A, B])
    assert {d.content: d.score for d in weighted}["d"] == pytest.approx(0.75 * 61 / 62)
    both_first = JoinDocuments(join_mode="reciprocal_rank_fusion").join([[A[0]], [A[0]]])
    assert both_first[0].score == pytest.approx(1.0)
    assert ids(JoinDocuments(join_mode="reciprocal_rank_fusion", top_k_join=2).join([A, B])) == ["b", "a"]
    assert ids(JoinDocuments(join_mode="reciprocal_rank_fusion").join([A, B], top_k_join=1)) == ["b"]


def test_run_errors_and_batches():
    join = JoinDocuments(join_mode="merge", weights=[1, 1, 1])
    with pytest.raises(NodeError, match="3 weights for 2 inputs"):
        join.run(inputs=[{"documents": A}, {"documents": B}])
    with pytest.raises(NodeError, match="input 1 has no 'documents'"):
        JoinDocuments().run(inputs=[{"documents": A}, {"answers": []}])
    batch = JoinDocuments(top_k_join=2).run_batch(inputs=[{"documents": [A, B]}, {"documents": [B, []]}])[0]
    assert [ids(d) for d in batch["documents"]] == [["a", "b"], ["b", "d"]]
    single = JoinDocuments().run_batch(inputs=[{"documents": A}, {"documents": B}])[0]["documents"]
    assert ids(single) == ["a", "b", "d", "c"]
    with pytest.raises(NodeError, match="different numbers of queries"):
        JoinDocuments().run_batch(inputs=[{"documents": [A, B]}, {"documents": [A]}])


@pytest.fixture()
def store():
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents([
        Document(content="Great for reading books at night.", meta={"item_id": "B1"}),
        Document(content="The battery lasts a week of reading.", meta={"item_id": "B1"}),
        Document(content="Bass is weak but comfortable.", meta={"item_id": "B2"}),
    ])
    return store


def hybrid(store, join: JoinDocuments) -> Pipeline:
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=store), "BM25", ["Query"])
    p.add_node(TfidfRetriever(document_store=store), "Tfidf", ["Query"])
    p.add_node(join, "Join", ["BM25", "Tfidf"])
    return p


def test_config_round_trip(store):
    p = hybrid(store, JoinDocuments(join_mode="merge", weights=[2, 1], top_k_join=3))
    config = p.get_config()
    entry = next(c for c in config["components"] if c["name"] == "Join")
    assert entry == {"name": "Join", "type": "JoinDocuments",
                     "params": {"join_mode": "merge", "weights": [2, 1], "top_k_join": 3}}
    loaded = Pipeline.load(config)
    assert isinstance(loaded.get_node("Join"), JoinDocuments) and loaded.get_node("Join").weights == pytest.approx([2 / 3, 1 / 3])
    assert loaded.get_config() == config


def test_in_a_pipeline(store):
    p = hybrid(store, JoinDocuments(join_mode="reciprocal_rank_fusion"))
    result = p.run(query="reading battery", params={"Join": {"top_k_join": 2}, "filters": {"item_id": ["B1"]}})
    assert result["query"] == "reading battery"
    assert result["documents"][0].content == "The battery lasts a week of reading."
    assert len(result["documents"]) == 2 and all(d.meta["item_id"] == "B1" for d in result["documents"])
    batch = p.run_batch(queries=["reading", "bass"], params={"top_k": 1})
    assert [[d.content for d in ds] for ds in batch["documents"]][1] == ["Bass is weak but comfortable."]


def test_hybrid_search_yaml_with_minilm(repo_root, monkeypatch, minilm_path, one_torch_thread):
    import hayrick.nodes.retrievers.embedding  # noqa: F401  (registers EmbeddingRetriever until hayrick.nodes exports it)

    monkeypatch.setenv("RETRIEVER_PARAMS_EMBEDDING_MODEL", minilm_path)
    monkeypatch.setenv("RETRIEVER_PARAMS_USE_GPU", "false")
    monkeypatch.setenv("RETRIEVER_PARAMS_PROGRESS_BAR", "false")
    p = Pipeline.load(repo_root / "yaml_pipelines" / "hybrid_search.yml")
    store = p.get_node("BM25Retriever").document_store
    assert store is p.get_node("Retriever").document_store
    store.write_documents([
        Document(content="Great for reading books at night, the backlight is even.", meta={"item_id": "B1"}),
        Document(content="The battery lasts a whole week.", meta={"item_id": "B1"}),
        Document(content="Bass is weak but the headphones are comfortable.", meta={"item_id": "B2"}),
        Document(content="Sound quality is great and the bass is deep.", meta={"item_id": "B3"}),
    ])
    store.update_embeddings(p.get_node("Retriever"))
    result = p.run(query="How long does the charge hold?", params={"JoinResults": {"top_k_join": 2}})
    assert result["documents"][0].content == "The battery lasts a whole week."  # found by meaning alone
    assert len(result["documents"]) == 2
    scores = [d.score for d in result["documents"]]
    assert scores == sorted(scores, reverse=True) and scores[0] <= 1.0
