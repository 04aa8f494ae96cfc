"""How a batch of queries is split for a node that has no `run_batch` of its own.

`BaseComponent.run_batch` and the pipeline runner both come here, so the rules live in one
tested place:

- `documents`, `meta` and `file_paths` hold one entry per query when they are a list of
  as many lists (or Nones) as there are queries; a flat list is shared by every query;
- any other list as long as `queries` holds one entry per query (the batch outputs of earlier
  nodes, `labels`); everything else is passed to each call as it is;
- each output key becomes a list with one value per query, `query` renamed `queries`;
- all queries must take the same edge.
"""

from __future__ import annotations

from typing import Any

from hayrick.core.component import filter_kwargs
from hayrick.errors import NodeError

#: Inputs that are per query only as a list of lists: a flat list of them is shared.
NESTED_INPUTS = ("documents", "meta", "file_paths")


def is_per_query(key: str, value: Any, n: int) -> bool:
    """Whether `value` holds one entry per query of a batch of `n` (the rules above)."""
    if not isinstance(value, list) or len(value) != n:
        return False
    if key in NESTED_INPUTS:
        return all(isinstance(v, (list, type(None))) for v in value)
    return True


def split_batch(inputs: dict[str, Any], n: int) -> tuple[dict[str, list], dict[str, Any]]:
    """`(per_query, shared)`: the inputs with one entry per query, and those every query gets."""
    per_query = {k: v for k, v in inputs.items() if is_per_query(k, v, n)}
    shared = {k: v for k, v in inputs.items() if k not in per_query}
    return per_query, shared


def run_per_query(component: Any, **kwargs: Any) -> tuple[dict, str]:
    """Run `component.run()` once per query of `kwargs["queries"]`; without queries, once."""
    queries = kwargs.pop("queries", None)
    if queries is None:
        return component.run(**filter_kwargs(component.run, kwargs))
    per_query, shared = split_batch(kwargs, len(queries))
    outputs: dict[str, list] = {}
    edges: set[str] = set()
    for i, query in enumerate(queries):
        call = {**shared, **{k: v[i] for k, v in per_query.items()}, "query": query}
        out, edge = component.run(**filter_kwargs(component.run, call))
        edges.add(edge)
        for key, value in out.items():
            outputs.setdefault(key, []).append(value)
    if len(edges) > 1:
        name = type(component).__name__
        raise NodeError(
            f"{name}.run_batch: the queries of one batch took different edges "
            f"{sorted(edges)}. Override run_batch in {name} to route a batch, "
            "or run the queries one by one with Pipeline.run."
        )
    if "query" in outputs:
        outputs["queries"] = outputs.pop("query")
    return outputs, edges.pop() if edges else "output_1"
