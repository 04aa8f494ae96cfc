"""route_params: the one function that splits a run's params among nodes."""

from __future__ import annotations

import pytest

from hayrick.errors import PipelineValidationError
from hayrick.pipelines.params import NodeSignature, route_params

NODES = {
    "Retriever": NodeSignature(frozenset({"query", "filters", "top_k"}), False, "BM25Retriever"),
    "Reader": NodeSignature(frozenset({"query", "documents", "top_k"}), False, "FARMReader"),
    "Custom": NodeSignature(frozenset(), True, "MyNode"),
}


def test_empty_params_route_nothing():
    assert route_params(None, NODES) == {} and route_params({}, NODES) == {}


def test_node_specific_and_global_keys():
    routed = route_params({"Retriever": {"top_k": 10}, "filters": {"item_id": ["B0"]}, "top_k": 3}, NODES)
    assert routed["Retriever"] == {"top_k": 10, "filters": {"item_id": ["B0"]}}
    assert routed["Reader"] == {"top_k": 3}
    assert routed["Custom"] == {"filters": {"item_id": ["B0"]}, "top_k": 3}


def test_debug_is_accepted_for_every_node():
    assert route_params({"Reader": {"debug": True}}, NODES) == {"Reader": {"debug": True}}


def test_global_debug_reaches_every_node_as_in_haystack():
    strict = {k: v for k, v in NODES.items() if k != "Custom"}
    assert route_params({"debug": True, "Reader": {"top_k": 3}}, strict) == {
        "Retriever": {"debug": True}, "Reader": {"top_k": 3, "debug": True}}  # fmt: skip


def test_global_debug_turns_on_debug_output() -> None:
    from hayrick import Pipeline
    from tests.sample_nodes import AppendText

    pipeline = Pipeline()
    pipeline.add_node(AppendText(), "Append", ["Query"])
    assert "_debug" not in pipeline.run(query="a")
    assert set(pipeline.run(query="a", params={"debug": True})["_debug"]) == {"Append"}


def test_errors_list_what_is_accepted():
    with pytest.raises(PipelineValidationError, match=r"'Reader' \(FARMReader\) does not accept the parameter 'filters'.*It accepts: documents, query, top_k"):
        route_params({"Reader": {"filters": {}}}, {k: v for k, v in NODES.items() if k != "Custom"})
    with pytest.raises(PipelineValidationError, match=r"No node in this pipeline accepts the parameter 'topk'. Did you mean 'top_k'\?.*'Retriever' \(BM25Retriever\): filters, query, top_k"):
        route_params({"topk": 3}, {k: v for k, v in NODES.items() if k != "Custom"})
    with pytest.raises(PipelineValidationError, match="params must be a dict"):
        route_params([("top_k", 3)], NODES)  # type: ignore[arg-type]
