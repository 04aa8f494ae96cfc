"""Executing a pipeline graph.

The graph is compiled once into an `ExecutionPlan` (nodes in topological order, each
with its predecessors, the edges it may take and what its run method accepts), so a
run is a plain loop: no graph queries, no signature inspection and no copies of the
data that flows between nodes.

Data flow, as in Haystack 1.x:
- the root passes the inputs of `Pipeline.run` (`query`, `documents`, ...);
- a node with one predecessor receives that predecessor's outputs, which are the
  inputs it received updated with what it returned (so `query` flows through);
- nodes run in Haystack 1.x's order: a queue that starts at the root, appends each node's
  successors as it runs, and takes the first queued node none of whose ancestors are queued;
- a join node (several predecessors) receives `inputs=[outputs of each predecessor that ran]`, in
  the order they ran, plus the other keys of those outputs (for a key several of them hold, the
  first to run wins); a node whose `run()` takes `inputs` but has one predecessor receives that
  predecessor's outputs and `inputs=[them]`;
- a node whose `run()` takes `root_node` (or `**kwargs`) gets it ("Query" or "File"), and the
  result holds it;
- a node may return the edge "output_dead_end" (as `FileTypeClassifier(raise_on_error=False)`
  does for unsupported files): no successor runs;
- a successor runs only if its predecessor took the edge it hangs on (or `output_all`);
- the result is the root inputs updated with the outputs of each node that ran and
  none of whose successors ran, in execution order.

`walk` holds these rules and leaves the calls to its driver: `execute` calls each node in
this process, `execute_async` awaits a coroutine per node (`RayPipeline` sends the call to a
Ray actor), so every runner follows the same rules.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import Any

import networkx as nx

from hayrick.core import BaseComponent, accepted_parameters, required_parameters
from hayrick.errors import NodeError
from hayrick.pipelines.graph import edge_names, root_of
from hayrick.pipelines.params import NodeSignature, route_params


class PlannedNode:
    """One node of an execution plan.

    Its signature is read from the component's class, or from `component.component_class`
    where the component stands for a node that runs elsewhere (a Ray actor's proxy).
    """

    __slots__ = (
        "edges",
        "is_join",
        "method",
        "name",
        "preds",
        "required",
        "signature",
        "successors",
        "type_name",
        "wants_inputs",
        "wants_root",
    )

    def __init__(self, name: str, component: BaseComponent, graph: nx.DiGraph, batch: bool):
        cls = getattr(component, "component_class", None) or type(component)
        self.name = name
        self.type_name = cls.__name__
        self.method: Callable[..., Any] = component.run_batch if batch else component.run
        self.preds = tuple((source, graph.edges[source, name]["label"]) for source in graph.predecessors(name))
        self.successors = tuple(graph.successors(name))
        names, takes_all = accepted_parameters(cls.run_batch if batch else cls.run)
        required = required_parameters(cls.run_batch if batch else cls.run)
        if batch and cls.run_batch is BaseComponent.run_batch:
            # The default run_batch loops over run(): it accepts what run() accepts, with queries for query.
            names, takes_all = accepted_parameters(cls.run)
            required = required_parameters(cls.run)
            names = (names - {"query"}) | {"queries"}
            required = frozenset("queries" if r == "query" else r for r in required)
        self.signature = NodeSignature(names, takes_all, self.type_name)
        self.required = required
        self.is_join = len(self.preds) > 1
        self.wants_inputs = "inputs" in names and not takes_all
        self.wants_root = takes_all or "root_node" in names
        self.edges = frozenset(edge_names(graph.nodes[name]["outgoing_edges"])) | {"output_all"}


_DEAD_END = frozenset({"output_all"})
#: The edge a node returns to stop its branch (no successor hangs on it).
DEAD_END_EDGE = "output_dead_end"


class ExecutionPlan:
    """The nodes of a graph in Haystack 1.x's execution order, ready to run (`batch` selects run_batch).

    Each node's `preds` are listed in that order too, so a join receives its `inputs` in the
    order its predecessors ran.
    """

    def __init__(self, graph: nx.DiGraph, batch: bool = False):
        self.root = root_of(graph)
        order = haystack_order(graph, self.root)
        position = {name: i for i, name in enumerate(order)}
        self.nodes = [PlannedNode(n, graph.nodes[n]["component"], graph, batch) for n in order if n != self.root]
        for node in self.nodes:
            node.preds = tuple(sorted(node.preds, key=lambda pred: position[pred[0]]))
        self.signatures = {node.name: node.signature for node in self.nodes}
        self.method_name = "run_batch" if batch else "run"


def haystack_order(graph: nx.DiGraph, root: str | None) -> list[str]:
    """The nodes in the order Haystack 1.x's run queue executes them when every edge is taken.

    The queue starts with the root; the first queued node none of whose ancestors is queued
    runs next, and its successors (in the order they were connected) join the end of the queue.
    Nodes not reachable from the root come last, in topological order.
    """
    if root is None:
        return list(nx.topological_sort(graph))
    ancestors = {name: nx.ancestors(graph, name) for name in graph}
    queue: dict[str, None] = {root: None}
    order: list[str] = []
    while queue:
        name = next(n for n in queue if ancestors[n].isdisjoint(queue))
        del queue[name]
        order.append(name)
        for successor in graph.successors(name):
            queue.setdefault(successor, None)
    ran = set(order)
    return order + [n for n in nx.topological_sort(graph) if n not in ran]


#: What `walk` yields: the node to call and the keyword arguments to call it with.
Call = tuple[PlannedNode, dict[str, Any]]


def execute(
    plan: ExecutionPlan, root_inputs: dict[str, Any], params: Mapping[str, Any] | None, debug: bool = False
) -> dict[str, Any]:
    """Run every node of `plan` that its predecessors route to, in this process, and assemble the result."""
    steps = walk(plan, root_inputs, params, debug)
    try:
        node, kwargs = next(steps)
        while True:
            try:
                result = node.method(**kwargs)
            except Exception as exc:
                raise node_failed(node, exc) from exc
            node, kwargs = steps.send(result)
    except StopIteration as done:
        return done.value


async def execute_async(
    plan: ExecutionPlan,
    root_inputs: dict[str, Any],
    params: Mapping[str, Any] | None,
    debug: bool,
    call: Callable[[PlannedNode, dict[str, Any]], Awaitable[Any]],
) -> dict[str, Any]:
    """`execute` with each node's result awaited from `call(node, kwargs)`, which raises `NodeError` itself."""
    steps = walk(plan, root_inputs, params, debug)
    try:
        node, kwargs = next(steps)
        while True:
            node, kwargs = steps.send(await call(node, kwargs))
    except StopIteration as done:
        return done.value


def node_failed(node: PlannedNode, exc: BaseException) -> NodeError:
    """The `NodeError` for an exception raised by `node`'s run method (chain `exc` to it)."""
    return NodeError(
        f"Node '{node.name}' ({node.type_name}) failed: {type(exc).__name__}: {exc}", node.name, node.type_name
    )


def walk(
    plan: ExecutionPlan, root_inputs: dict[str, Any], params: Mapping[str, Any] | None, debug: bool = False
) -> Generator[Call, Any, dict[str, Any]]:
    """The run of `plan` as a generator: it yields each call to make, is sent its result, returns the result."""
    routed = route_params(params, plan.signatures)
    outputs: dict[str, dict[str, Any]] = {plan.root: root_inputs}  # type: ignore[dict-item]
    taken: dict[str, str] = {plan.root: "output_1"}  # type: ignore[dict-item]
    ran: list[PlannedNode] = []
    debug_info: dict[str, Any] = {}
    for node in plan.nodes:
        arrivals = [outputs[s] for s, edge in node.preds if s in outputs and taken[s] in (edge, "output_all")]
        if not arrivals:
            continue
        if node.is_join:
            state = {}
            for arrival in arrivals:  # the first to arrive wins, as in Haystack 1.x
                for key, value in arrival.items():
                    state.setdefault(key, value)
            state["inputs"] = arrivals
        elif node.wants_inputs:  # a join-capable node with one predecessor gets both forms
            state = {**arrivals[0], "inputs": arrivals}
        else:
            state = arrivals[0]
        node_debug = debug
        node_params = routed.get(node.name)
        if node_params:
            if "debug" in node_params and not node.signature.accepts("debug"):
                node_params = dict(node_params)
                node_debug = bool(node_params.pop("debug"))
            call = {**state, **node_params}
        else:
            call = state
        signature = node.signature
        kwargs = call if signature.takes_all else {k: v for k, v in call.items() if k in signature.names}
        if node.wants_root and "root_node" not in kwargs:
            kwargs = {**kwargs, "root_node": plan.root}
        if not node.required <= kwargs.keys():
            missing = ", ".join(sorted(node.required - kwargs.keys()))
            raise NodeError(
                f"Node '{node.name}' ({node.type_name}).{plan.method_name}() needs {missing}, but no predecessor "
                f"output it and it was not passed to Pipeline.{plan.method_name}() or in params. "
                f"Available: {', '.join(sorted(call)) or '(nothing)'}.",
                node.name,
                node.type_name,
            )
        start = time.perf_counter() if node_debug else 0.0
        result = yield node, kwargs
        if type(result) is not tuple or len(result) != 2 or not isinstance(result[0], dict):
            raise NodeError(
                f"Node '{node.name}' ({node.type_name}).{plan.method_name}() must return (outputs: dict, edge: str), "
                f"like ({{'documents': docs}}, 'output_1'); it returned {_short(result)}.",
                node.name,
                node.type_name,
            )
        out, edge = result
        if edge not in node.edges and edge != DEAD_END_EDGE and node.edges != _DEAD_END:  # a 0-edge node: whatever it returns leads nowhere
            raise NodeError(
                f"Node '{node.name}' ({node.type_name}) returned edge {edge!r}; valid edges are "
                f"{', '.join(sorted(node.edges))}. Set outgoing_edges on the class to add edges.",
                node.name,
                node.type_name,
            )
        merged = {**state, **out}
        if node.is_join or node.wants_inputs:
            merged.pop("inputs", None)
        outputs[node.name] = merged
        taken[node.name] = edge
        ran.append(node)
        if node_debug:
            debug_info[node.name] = {
                "input": kwargs,
                "output": out,
                "edge": edge,
                "exec_time_ms": (time.perf_counter() - start) * 1000.0,
            }
    result: dict[str, Any] = dict(root_inputs)
    for node in ran:
        if not any(s in taken for s in node.successors):
            result.update(outputs[node.name])
    result["params"] = dict(params) if params else {}
    if plan.root is not None:
        result.setdefault("root_node", plan.root)
    if debug_info:
        result["_debug"] = debug_info
    return result


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
