"""EvalDocuments: init, save/load, run on its own, and the book's retriever evaluation loop."""

from __future__ import annotations

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import EvalDocuments
from hayrick.nodes import BM25Retriever
from hayrick.schema import MultiLabel
from tests.evaluation.helpers import PARAGRAPHS, make_label, tiny_labels, tiny_store

KINDLE, CASE, HEADPHONES, SPEAKER = (context for _, context, _ in PARAGRAPHS)


def test_default_init():
    node = EvalDocuments()
    assert node.top_k is None and node.open_domain is True
    assert (node.recall, node.mrr, node.map, node.query_count) == (0.0, 0.0, 0.0, 0)
    assert node.init_parameters == {}


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"top_k": 0}, "top_k"),
        ({"top_k": "3"}, "top_k"),
        ({"top_k": True}, "top_k"),
        ({"open_domain": "yes"}, "open_domain"),
    ],
)
def test_invalid_init(kwargs, match):
    with pytest.raises(ComponentError, match=match):
        EvalDocuments(**kwargs)


def test_save_and_load_round_trip():
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=tiny_store(), top_k=3), "Retriever", ["Query"])
    p.add_node(EvalDocuments(top_k=2, open_domain=False), "EvalRetriever", ["Retriever"])
    config = p.get_config()
    loaded = Pipeline.load(config)
    node = loaded.get_node("EvalRetriever")
    assert isinstance(node, EvalDocuments) and node.top_k == 2 and node.open_domain is False
    assert loaded.get_config() == config


def test_run_counts_recall_mrr_map_by_hand():
    node = EvalDocuments()
    label = MultiLabel([make_label("How good is the bass?", HEADPHONES, "deep bass")])
    docs = [Document(KINDLE), Document(HEADPHONES), Document(SPEAKER)]
    out, edge = node.run(documents=docs, labels=label)
    assert edge == "output_1" and out == {"correct_retrieval": True, "retrieved_reciprocal_rank": 0.5}
    assert (node.recall, node.mrr, node.map) == (1.0, 0.5, 0.5)
    node.run(documents=docs, labels=label, top_k=1)  # the answer is at rank 2: missed at k=1
    assert node.recall == 0.5 and node.mrr == 0.25 and node.top_k_used == 1
    no_answer = MultiLabel([make_label("Does it come with a warranty?", HEADPHONES, None)])
    node.run(documents=[], labels=no_answer)
    assert node.query_count == 3 and node.no_answer_count == 1 and node.has_answer_count == 2
    assert node.recall == pytest.approx(2 / 3) and node.has_answer_recall == 0.5
    assert "recall@" in node.report() and "no_answer recall" in node.report()
    node.init_counts()
    assert node.query_count == 0 and node.recall == 0.0


def test_open_domain_matches_answer_text_closed_domain_matches_ids():
    label = MultiLabel([make_label("How long does the battery last?", KINDLE, "6000 hours")])
    other_doc_with_answer = Document("Mine lasted 6000 hours too.")
    open_node, closed_node = EvalDocuments(), EvalDocuments(open_domain=False)
    open_node.run(documents=[other_doc_with_answer], labels=label)
    closed_node.run(documents=[other_doc_with_answer], labels=label)
    assert open_node.recall == 1.0 and closed_node.recall == 0.0
    closed_node.run(documents=[Document(SPEAKER), Document(KINDLE)], labels=label)
    assert closed_node.correct_retrieval_count == 1 and closed_node.mrr == pytest.approx(0.25)


def test_top_k_of_the_node_limits_the_documents_judged():
    node = EvalDocuments(top_k=1)
    label = MultiLabel([make_label("How good is the bass?", HEADPHONES, "deep bass")])
    node.run(documents=[Document(KINDLE), Document(HEADPHONES)], labels=label)
    assert node.recall == 0.0 and node.top_k_used == 1


def test_labels_as_label_list_and_bad_labels():
    node = EvalDocuments()
    label = make_label("How good is the bass?", HEADPHONES, "deep bass")
    node.run(documents=[Document(HEADPHONES)], labels=[label])
    assert node.recall == 1.0
    with pytest.raises(TypeError, match="MultiLabel"):
        node.run(documents=[], labels="deep bass")
    with pytest.raises(ValueError, match="top_k"):
        node.run(documents=[], labels=label, top_k=0)


def test_the_books_retriever_loop_with_per_product_filters(capsys):
    """p.run(query=l.query, labels=l, params={"ESRetriever": {"top_k": k, "filters": {"item_id": [item]}}})."""
    store = tiny_store()
    store.write_labels([label for ml in tiny_labels() for label in ml.labels])
    labels_agg = store.get_all_labels_aggregated(open_domain=True, aggregate_by_meta=["item_id"])
    assert len(labels_agg) == 6
    recall = {}
    for k in (1, 2):
        eval_retriever = EvalDocuments()
        p = Pipeline()
        p.add_node(component=BM25Retriever(document_store=store), name="ESRetriever", inputs=["Query"])
        p.add_node(component=eval_retriever, name="EvalRetriever", inputs=["ESRetriever"])
        for l in labels_agg:
            p.run(
                query=l.query,
                labels=l,
                params={"ESRetriever": {"top_k": k, "filters": {"item_id": [l.meta["item_id"]]}}},
            )
        recall[k] = eval_retriever.recall
        assert eval_retriever.query_count == 6 and eval_retriever.no_answer_count == 1
    # With the product filter every answer is in the first review BM25 returns.
    assert recall == {1: 1.0, 2: 1.0}
    eval_retriever.print()
    assert "EvalRetriever" in capsys.readouterr().out


def test_inside_a_pipeline_without_labels_is_a_clear_error():
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=tiny_store()), "Retriever", ["Query"])
    p.add_node(EvalDocuments(), "EvalRetriever", ["Retriever"])
    with pytest.raises(NodeError, match="labels"):
        p.run(query="bass")
