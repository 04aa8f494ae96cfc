"""Routing the `params` of a pipeline run to its nodes.

`params` maps a node name to that node's arguments (`{"Retriever": {"top_k": 10}}`);
any other key is global and goes to every node whose `run()` accepts it
(`{"filters": {...}}`). A key that no node accepts is an error that names the
node(s) and what they do accept, raised before any node runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from hayrick.errors import PipelineValidationError

#: Per-node keys the pipeline itself understands, whatever the node's signature.
PIPELINE_NODE_KEYS = frozenset({"debug"})


class NodeSignature:
    """What one node's run method accepts: `names`, whether it `takes_all` (`**kwargs`), its `type_name`."""

    __slots__ = ("names", "takes_all", "type_name")

    def __init__(self, names: frozenset[str], takes_all: bool, type_name: str):
        self.names = names
        self.takes_all = takes_all
        self.type_name = type_name

    def accepts(self, key: str) -> bool:
        return self.takes_all or key in self.names


def route_params(params: Mapping[str, Any] | None, nodes: Mapping[str, NodeSignature]) -> dict[str, dict[str, Any]]:
    """Split `params` into one dict of arguments per node name.

    Args:
        params: the `params` given to `Pipeline.run` (node names and global keys).
        nodes: each node's name and signature, in execution order.

    Returns:
        `{node_name: {arg: value}}` for the nodes that get any argument.

    Raises:
        PipelineValidationError: a node-specific value is not a dict, a node does not
            accept a key given to it, or a global key is accepted by no node.
    """
    if not params:
        return {}
    if not isinstance(params, Mapping):
        raise PipelineValidationError(
            f"params must be a dict like {{'Retriever': {{'top_k': 5}}, 'filters': {{...}}}}, got {type(params).__name__}."
        )
    routed: dict[str, dict[str, Any]] = {}
    for key, value in params.items():
        if key in nodes:
            signature = nodes[key]
            if not isinstance(value, Mapping):
                raise PipelineValidationError(
                    f"params['{key}'] must be a dict of arguments for node '{key}' ({signature.type_name}), "
                    f"like {{'{key}': {{'top_k': 5}}}}; got {value!r}."
                )
            for arg in value:
                if arg not in PIPELINE_NODE_KEYS and not signature.accepts(arg):
                    raise PipelineValidationError(
                        f"Node '{key}' ({signature.type_name}) does not accept the parameter '{arg}'."
                        f"{_did_you_mean(arg, signature.names)} It accepts: {_list(signature.names)}."
                    )
            routed.setdefault(key, {}).update(value)
    for key, value in params.items():
        if key in nodes:
            continue
        receivers = [name for name, signature in nodes.items() if signature.accepts(key)]
        if not receivers and key in PIPELINE_NODE_KEYS:
            receivers = list(nodes)  # {"debug": True}: every node reports its debug output, as in Haystack 1.x
        if not receivers:
            accepted = "; ".join(f"'{n}' ({s.type_name}): {_list(s.names)}" for n, s in nodes.items())
            all_names = {name for s in nodes.values() for name in s.names} | set(nodes)
            raise PipelineValidationError(
                f"No node in this pipeline accepts the parameter '{key}'.{_did_you_mean(key, all_names)} "
                f"A key of params is either a node name (to target that node) or an argument that some node's "
                f"run() accepts. Nodes accept: {accepted or '(no nodes)'}."
            )
        for name in receivers:
            # A node-specific value wins over a global one.
            routed.setdefault(name, {}).setdefault(key, value)
    return routed


def _list(names: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(names)) or "(nothing)"


def _did_you_mean(key: str, choices: frozenset[str] | set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(choices), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""
