"""The import paths that moved (datasets, eval nodes, joiners, embedders) still give the same objects."""

from __future__ import annotations

import hayrick.datasets as datasets
import hayrick.nodes as nodes
from hayrick.nodes.retrievers import hard_negatives


def test_old_dataset_paths_give_the_new_objects():
    from hayrick.evaluation import datasets as old_datasets
    from hayrick.evaluation import eval_data as old_eval_data
    from hayrick.nodes.retrievers import dpr_data as old_dpr_data

    for name in old_datasets.__all__:
        assert getattr(old_datasets, name) is getattr(datasets, name)
    for name in old_eval_data.__all__:
        assert getattr(old_eval_data, name) is getattr(datasets, name)
    for name in ("contains_answer", "read_dpr", "write_dpr"):
        assert getattr(old_dpr_data, name) is getattr(datasets, name)
    assert old_dpr_data.squad_to_dpr is hard_negatives.squad_to_dpr
    assert old_dpr_data.subjqa_to_dpr is hard_negatives.subjqa_to_dpr


def test_old_node_paths_give_the_new_classes():
    from hayrick.evaluation import EvalAnswers, EvalDocuments
    from hayrick.nodes import other
    from hayrick.nodes.joiners import join_answers
    from hayrick.nodes.other import document_embedder as old_embedder
    from hayrick.nodes.other import join_answers as old_join_answers
    from hayrick.nodes.other import join_documents as old_join_documents

    assert EvalAnswers is nodes.EvalAnswers and EvalDocuments is nodes.EvalDocuments
    assert EvalDocuments.__module__ == "hayrick.nodes.evaluators.eval_documents"
    for name in other.__all__:
        assert getattr(other, name) is getattr(nodes, name)
    assert old_join_documents.JoinDocuments is nodes.JoinDocuments and old_join_documents.JoinNode is nodes.JoinNode
    assert old_join_answers.JoinAnswers is nodes.JoinAnswers and old_join_answers.answer_key is join_answers.answer_key
    assert old_embedder.DocumentEmbedder is nodes.DocumentEmbedder
    assert nodes.JoinDocuments.__module__ == "hayrick.nodes.joiners.join_documents"
    assert nodes.DocumentEmbedder.__module__ == "hayrick.nodes.embedders.document_embedder"
    assert nodes.get_component_class("hayrick.nodes.other.join_documents.JoinDocuments") is nodes.JoinDocuments
    assert nodes.get_component_class("EvalDocuments") is EvalDocuments
    try:
        nodes.NoSuchNode  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchNode" in str(exc)
    else:
        raise AssertionError("hayrick.nodes.NoSuchNode should not exist")


def test_old_bm25_paths_give_the_new_objects():
    from hayrick.nodes.retrievers.tfidf import TOKEN_PATTERN
    from hayrick.stores import bm25
    from hayrick.stores.base import top_k_positions
    from hayrick.stores.bm25 import selection, store
    from hayrick.stores.keyword import DEFAULT_TOKENIZATION_REGEX, BM25Settings

    assert top_k_positions is selection.top_k_positions and BM25Settings is store.BM25Settings
    assert DEFAULT_TOKENIZATION_REGEX == TOKEN_PATTERN == bm25.DEFAULT_TOKENIZATION_REGEX
    assert (bm25.BM25Index, bm25.tokenize, bm25.ALGORITHMS) == (
        bm25.index.BM25Index, bm25.tokenization.tokenize, bm25.scoring.ALGORITHMS
    )
