"""Graph building and validation on node descriptions (`hayrick/pipelines/graph.py`), without components.

`Pipeline.add_node` and `validate_config` both go through `add_node_to_graph`; these tests call it
as `hayrick validate` does, with a type name and a `run` method but no component object.
"""

from __future__ import annotations

import networkx as nx
import pytest

from hayrick.errors import PipelineValidationError
from hayrick.pipelines.graph import (
    add_node_to_graph,
    edge_names,
    order_pipeline_nodes,
    parse_input,
    root_of,
)


def run_one(query):  # a run() with one input
    return {}, "output_1"


def run_join(inputs):  # a run() that joins
    return {}, "output_1"


def add(graph: nx.DiGraph, name: str, inputs, edges: int = 1, run=run_one) -> None:
    add_node_to_graph(graph, name, inputs, outgoing_edges=edges, run_method=run, type_name="T")


def test_parse_input_and_edge_names():
    assert parse_input("Retriever") == ("Retriever", None)
    assert parse_input("Classifier.output_2") == ("Classifier", "output_2")
    assert edge_names(3) == ["output_1", "output_2", "output_3"]


def test_the_first_node_adds_its_root_and_edges_carry_labels():
    graph = nx.DiGraph()
    assert root_of(graph) is None
    add(graph, "A", ["Query"])
    add(graph, "Router", ["A"], edges=2)
    add(graph, "B", ["Router.output_2"])
    assert root_of(graph) == "Query"
    assert graph.nodes["Query"]["type_name"] == "RootNode" and graph.nodes["Query"]["component"] is None
    assert [(u, v, d["label"]) for u, v, d in graph.edges(data=True)] == [
        ("Query", "A", "output_1"),
        ("A", "Router", "output_1"),
        ("Router", "B", "output_2"),
    ]
    assert graph.nodes["B"]["inputs"] == ["Router.output_2"]


def test_a_string_input_is_one_input():
    graph = nx.DiGraph()
    add(graph, "A", "Query")
    assert graph.nodes["A"]["inputs"] == ["Query"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "non-empty string"), ("a.b", "may not contain '.'"), ("File", "reserved for the pipeline's root"), (3, "non-empty string")],
)
def test_bad_names_are_refused(name, message):
    with pytest.raises(PipelineValidationError, match=message):
        add(nx.DiGraph(), name, ["Query"])


def test_a_refused_node_leaves_the_graph_as_it_was():
    graph = nx.DiGraph()
    add(graph, "A", ["Query"])
    before = (list(graph.nodes), list(graph.edges))
    for inputs in (["Nope"], ["A", "A"], ["File"], ["A.output_2"]):
        with pytest.raises(PipelineValidationError):
            add(graph, "B", inputs)
    assert (list(graph.nodes), list(graph.edges)) == before


def test_a_decision_node_needs_its_edge_named():
    graph = nx.DiGraph()
    add(graph, "Router", ["Query"], edges=2)
    with pytest.raises(PipelineValidationError, match=r"specify the output edge explicitly, like 'Router.output_1'"):
        add(graph, "B", ["Router"])
    with pytest.raises(PipelineValidationError, match=r"names edge 'output_3', but Router has only 2 outgoing edges"):
        add(graph, "B", ["Router.output_3"])


def test_several_inputs_need_a_join_run_unless_the_run_method_is_unknown():
    graph = nx.DiGraph()
    add(graph, "A", ["Query"])
    add(graph, "B", ["Query"])
    with pytest.raises(PipelineValidationError, match=r"has 2 inputs \(A, B\) but its run\(\) has no `inputs` parameter"):
        add(graph, "C", ["A", "B"])
    add(graph, "Join", ["A", "B"], run=run_join)
    add_node_to_graph(graph, "Loose", ["A", "B"], outgoing_edges=1, run_method=None, type_name="T")
    assert set(graph.predecessors("Join")) == {"A", "B"}


@pytest.mark.parametrize("edges", [-1, True, "2", 1.0])
def test_outgoing_edges_must_be_an_int_of_at_least_0(edges):
    with pytest.raises(PipelineValidationError, match="outgoing_edges must be an int >= 0"):
        add(nx.DiGraph(), "A", ["Query"], edges=edges)


def test_a_node_without_outgoing_edges_is_a_dead_end():
    graph = nx.DiGraph()
    add(graph, "End", ["Query"], edges=0)
    with pytest.raises(PipelineValidationError, match="End has only 0 outgoing edges"):
        add(graph, "After", ["End"])


def test_order_pipeline_nodes_puts_inputs_first_and_keeps_written_order_otherwise():
    nodes = [
        {"name": "Join", "inputs": ["Left", "Right"]},
        {"name": "Right", "inputs": ["Query"]},
        {"name": "Left", "inputs": ["Query"]},
    ]
    assert [n["name"] for n in order_pipeline_nodes(nodes, "pipelines[0]")] == ["Right", "Left", "Join"]


def test_order_pipeline_nodes_reports_a_cycle_with_its_path():
    nodes = [{"name": "A", "inputs": ["B"]}, {"name": "B", "inputs": ["A"]}]
    with pytest.raises(PipelineValidationError, match=r"pipelines\[0\]: the nodes form a cycle \(A -> B -> A\)"):
        order_pipeline_nodes(nodes, "pipelines[0]")
