"""How a batch is split for nodes without their own run_batch (`hayrick/pipelines/batching.py`)."""

from __future__ import annotations

import pytest

from hayrick import BaseComponent, Document
from hayrick.errors import NodeError
from hayrick.pipelines.batching import is_per_query, run_per_query, split_batch
from tests.sample_nodes import KeywordDocuments, QuestionRouter


def test_nested_inputs_are_per_query_only_as_a_list_of_lists():
    docs = [Document(content="a"), Document(content="b")]
    assert is_per_query("documents", [[docs[0]], docs], 2)
    assert is_per_query("documents", [None, docs], 2)
    assert not is_per_query("documents", docs, 2)  # a flat list is shared
    assert is_per_query("file_paths", [["a.txt"], ["b.txt"]], 2)
    assert not is_per_query("file_paths", ["a.txt", "b.txt"], 2)


def test_other_lists_are_per_query_when_as_long_as_the_batch():
    assert is_per_query("labels", ["l1", "l2"], 2)
    assert not is_per_query("labels", ["l1", "l2", "l3"], 2)
    assert not is_per_query("top_k", 2, 2)
    assert not is_per_query("filters", {"a": [1, 2]}, 2)


def test_split_batch_separates_per_query_and_shared_inputs():
    per_query, shared = split_batch({"labels": ["a", "b"], "top_k": 3, "documents": ["x", "y"]}, 2)
    assert per_query == {"labels": ["a", "b"]}
    assert shared == {"top_k": 3, "documents": ["x", "y"]}


def test_run_per_query_is_what_the_default_run_batch_does():
    node = KeywordDocuments(["red apple", "green apple", "blue sky"], top_k=5)
    assert run_per_query(node, queries=["apple", "sky"]) == node.run_batch(queries=["apple", "sky"])


def test_without_queries_run_is_called_once_with_what_it_accepts():
    class Echo(BaseComponent):
        def run(self, documents):
            return {"n": len(documents)}, "output_1"

    assert run_per_query(Echo(), documents=[1, 2, 3], top_k=4) == ({"n": 3}, "output_1")


def test_query_outputs_are_renamed_queries():
    class Upper(BaseComponent):
        def run(self, query):
            return {"query": query.upper()}, "output_1"

    assert run_per_query(Upper(), queries=["a", "b"]) == ({"queries": ["A", "B"]}, "output_1")


def test_a_batch_that_takes_several_edges_is_refused():
    with pytest.raises(NodeError, match=r"QuestionRouter.run_batch: the queries of one batch took different edges"):
        run_per_query(QuestionRouter(), queries=["why?", "keywords"])


def test_an_empty_batch_gives_no_outputs_on_the_first_edge():
    assert run_per_query(KeywordDocuments(["x"]), queries=[]) == ({}, "output_1")
