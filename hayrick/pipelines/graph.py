"""Building and validating pipeline graphs.

The checks here work on node *descriptions* (name, type name, number of outgoing
edges, the `run()` method), so the same code validates a pipeline built from
component objects (`Pipeline.add_node`) and a YAML file whose components are not
built yet (`hayrick validate`).
"""

from __future__ import annotations

import re
from typing import Any, Callable

import networkx as nx

from hayrick._checks import check_int
from hayrick.core import accepted_parameters
from hayrick.errors import PipelineValidationError

ROOT_NODES = ("Query", "File")
_EDGE_RE = re.compile(r"^output_(\d+)$")


def parse_input(text: str) -> tuple[str, str | None]:
    """Split `"Node"` or `"Node.output_2"` into `("Node", None)` or `("Node", "output_2")`."""
    if "." in text:
        node, _, edge = text.rpartition(".")
        return node, edge
    return text, None


def edge_names(outgoing_edges: int) -> list[str]:
    return [f"output_{i}" for i in range(1, outgoing_edges + 1)]


def add_node_to_graph(
    graph: nx.DiGraph,
    name: str,
    inputs: Any,
    outgoing_edges: Any,
    run_method: Callable[..., Any] | None,
    type_name: str,
    component: Any = None,
) -> None:
    """Validate a new node against `graph` and add it, with edges from its inputs.

    Raises `PipelineValidationError` naming the node and the fix; the graph is left
    unchanged when it raises.
    """
    where = f"Node '{name}' ({type_name})" if isinstance(name, str) else f"A node of type {type_name}"
    if not isinstance(name, str) or not name.strip():
        raise PipelineValidationError(f"{where}: the name must be a non-empty string, got {name!r}.")
    if "." in name:
        raise PipelineValidationError(
            f"{where}: a node name may not contain '.', which separates a node from its edge ('Classifier.output_2')."
        )
    if name in ROOT_NODES:
        raise PipelineValidationError(f"{where}: '{name}' is reserved for the pipeline's root; pick another name.")
    if name in graph:
        existing = graph.nodes[name].get("type_name", "?")
        raise PipelineValidationError(
            f"{where}: '{name}' is already in the pipeline (a {existing} node). Node names must be unique; "
            f"choose another name, such as '{name}_2'."
        )
    check_int(outgoing_edges, "outgoing_edges", owner=where, minimum=0, error=PipelineValidationError)
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, (list, tuple)) or not inputs or not all(isinstance(i, str) for i in inputs):
        raise PipelineValidationError(
            f"{where}: inputs must be a non-empty list of node names, like ['Query'] or ['Retriever'], got {inputs!r} "
            "(a pipeline has one single root node, Query or File, and every other node hangs on it)."
        )

    root = root_of(graph)
    if root is None and sum(parse_input(text)[0] in ROOT_NODES for text in inputs) != 1:
        unknown = [t for t in inputs if parse_input(t)[0] not in ROOT_NODES and parse_input(t)[0] not in graph]
        if unknown and any(parse_input(t)[0] in ROOT_NODES for t in inputs):
            source = parse_input(unknown[0])[0]
            raise PipelineValidationError(
                f"{where}: unknown input node '{source}'. Cannot find node '{source}' in the pipeline: add it "
                f"before '{name}', or use one of: {', '.join(ROOT_NODES)}."
            )
        if unknown:
            raise PipelineValidationError(
                f"{where}: Cannot find node '{parse_input(unknown[0])[0]}': the first node of a pipeline must have one "
                f"single root node as input (Query or File), got inputs={list(inputs)!r}. Use inputs=['Query'] for a "
                "query pipeline, ['File'] for indexing."
            )
        raise PipelineValidationError(
            f"{where}: the first node of a pipeline must have one single root node as input (Query or File), "
            f"got inputs={list(inputs)!r}. Use inputs=['Query'] for a query pipeline, ['File'] for indexing."
        )
    edges: list[tuple[str, str]] = []
    for text in inputs:
        source, edge = parse_input(text)
        if source == name:
            raise PipelineValidationError(
                f"{where}: it lists itself as an input, which would make a cycle. A pipeline must be a DAG."
            )
        if source in ROOT_NODES:
            if root is not None and source != root:
                raise PipelineValidationError(
                    f"{where}: input '{source}', but this pipeline starts at '{root}'. A pipeline has one root: "
                    "build the query pipeline (Query) and the indexing pipeline (File) as two pipelines "
                    "(two entries under `pipelines:` in one YAML file)."
                )
            root = source
            source_edges = 1
        elif source not in graph:
            known = [n for n in graph.nodes if n not in ROOT_NODES]
            choices = list(ROOT_NODES) if root is None else [root]
            raise PipelineValidationError(
                f"{where}: unknown input node '{source}'. Cannot find node '{source}' in the pipeline: add it "
                f"before '{name}', or use one of: {', '.join(choices + known)}."
            )
        else:
            source_edges = graph.nodes[source]["outgoing_edges"]
        if edge is None:
            if source_edges > 1:
                raise PipelineValidationError(
                    f"{where}: input '{source}' is a decision node with {source_edges} outgoing edges; "
                    f"specify the output edge explicitly, like '{source}.output_1' "
                    f"(valid: {', '.join(f'{source}.{e}' for e in edge_names(source_edges))})."
                )
            edge = "output_1"
        if source_edges == 0:
            raise PipelineValidationError(
                f"{where}: input '{text}': {source} has only 0 outgoing edges: it is a component used as a "
                "parameter of others, and nothing can follow it."
            )
        match = _EDGE_RE.match(edge)
        if not match or not 1 <= int(match.group(1)) <= source_edges:
            valid = ", ".join(f"{source}.{e}" for e in edge_names(source_edges))
            plural = "s" if source_edges != 1 else ""
            problem = f"names edge '{edge}'," if match else f"names edge '{edge}' ('{edge}' is not a valid edge name),"
            raise PipelineValidationError(
                f"{where}: input '{text}' {problem} but {source} has only {source_edges} outgoing edge{plural}: "
                f"{valid}."
            )
        if any(s == source for s, _ in edges):
            raise PipelineValidationError(
                f"{where}: input '{source}' is listed twice. A node takes one edge from each input; to receive "
                "several branches of a decision node, add a join node."
            )
        edges.append((source, edge))

    if len(edges) > 1 and run_method is not None:
        accepted, takes_all = accepted_parameters(run_method)
        if "inputs" not in accepted and not takes_all:
            sources = ", ".join(s for s, _ in edges)
            raise PipelineValidationError(
                f"{where}: it has {len(edges)} inputs ({sources}) but its run() has no `inputs` parameter. "
                f"A node with several inputs is a join and receives inputs=[outputs of {sources}]: add an "
                f"`inputs: list[dict]` parameter to {type_name}.run, or put a join node in front of it."
            )

    added_root = False
    if root is not None and root not in graph:
        graph.add_node(root, component=None, type_name="RootNode", outgoing_edges=1, inputs=[])
        added_root = True
    graph.add_node(
        name, component=component, type_name=type_name, outgoing_edges=outgoing_edges, inputs=list(inputs)
    )
    for source, edge in edges:
        graph.add_edge(source, name, label=edge)
    # Edges only go from existing nodes to the new one, so this cannot fail today; the check
    # keeps the invariant explicit should the graph ever be edited in other ways.
    if not nx.is_directed_acyclic_graph(graph):  # pragma: no cover
        cycle = " -> ".join(u for u, _ in nx.find_cycle(graph))
        graph.remove_node(name)
        if added_root:
            graph.remove_node(root)
        raise PipelineValidationError(f"{where}: adding it makes a cycle ({cycle}). A pipeline must be a DAG.")


def root_of(graph: nx.DiGraph) -> str | None:
    for root in ROOT_NODES:
        if root in graph:
            return root
    return None


def order_pipeline_nodes(nodes: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Order the node entries of a YAML pipeline so that every node comes after its inputs.

    Entries may be written in any order; a cycle is reported with its path.
    """
    graph = nx.DiGraph()
    by_name = {}
    for entry in nodes:
        by_name[entry["name"]] = entry
        graph.add_node(entry["name"])
    for entry in nodes:
        for text in entry.get("inputs") or []:
            source, _ = parse_input(text) if isinstance(text, str) else (None, None)
            if source in by_name:
                graph.add_edge(source, entry["name"])
    try:
        order = list(nx.lexicographical_topological_sort(graph, key=lambda n: list(by_name).index(n)))
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join([u for u, _ in nx.find_cycle(graph)] + [nx.find_cycle(graph)[0][0]])
        raise PipelineValidationError(
            f"{where}: the nodes form a cycle ({cycle}). A pipeline must be a DAG: remove one of these inputs."
        ) from None
    return [by_name[n] for n in order]
