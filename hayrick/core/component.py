"""The node contract: the one page to read before writing a node.

Every component of a pipeline (document store, retriever, reader, converter,
router, your own node) subclasses `BaseComponent`:

```python
from hayrick import BaseComponent   # also hayrick.nodes.BaseComponent, hayrick.core.BaseComponent

class Shout(BaseComponent):
    outgoing_edges = 1

    def __init__(self, suffix: str = "!"):
        self.suffix = suffix

    def run(self, query: str):
        return {"query": query.upper() + self.suffix}, "output_1"
```

1. `run(**inputs) -> (outputs, edge)`. `run()` names the inputs it wants in its
   signature (`query`, `documents`, `labels`, `file_paths`, `meta`, `filters`,
   `top_k`, or any key a predecessor outputs); the pipeline passes only those
   (all of them if `run()` takes `**kwargs`). It returns a dict of outputs and the
   name of the edge to follow: `"output_1"`, `"output_k"` (1 <= k <= outgoing_edges)
   or `"output_all"`.
2. `outgoing_edges` is an int >= 0, checked when the subclass is defined. A
   decision node sets it > 1 and returns the edge it chose; 0 marks a component used
   only as a parameter of others (as a node, a dead end: nothing can follow it). A node whose number of
   edges depends on its init arguments sets `self.outgoing_edges` in `__init__`
   and overrides the classmethod `_calculate_outgoing_edges(component_params)`, so
   that YAML files can be validated without building the node.
3. A node with several predecessors (a join) must accept `inputs`: it receives
   `inputs=[outputs_of_a, outputs_of_b, ...]`.
4. `run_batch(**inputs)` takes `queries=[...]` and by default calls `run()` once per
   query (the splitting rules: `hayrick.pipelines.batching`); override it where batching
   pays (models on a GPU).
5. Constructor arguments are captured automatically when the object is built
   (`component.init_parameters`); nothing to write for saving to YAML. An argument
   that is another component is saved as a reference to that component's name.
6. Nodes must not mutate their inputs: the pipeline passes the same objects along
   without copying them (deep copies at every node cost more than most nodes).
   Build new lists and documents instead of editing the ones you were given.
7. `run()` is a thin adapter over a method that does the work (`retrieve()`,
   `predict()`, `write_documents()`), so every node is usable on its own. Heavy work
   (loading a model) happens in `__init__` or lazily, never at import time. A node
   never branches on the shape of the pipeline it sits in.
8. Defining a subclass registers it under its short name (`Shout`) and its qualified
   name (`my_pkg.nodes.Shout`), so `type: Shout` works in YAML in the same process.
   Packages register nodes for every process through the entry-point group
   `hayrick.nodes`. Two classes with the same short name make the short name
   ambiguous: looking it up is an error that names both; use the qualified name.
"""

from __future__ import annotations

import functools
import inspect
from abc import ABC, abstractmethod
from typing import Any

from hayrick._checks import is_int
from hayrick.core.registry import registry
from hayrick.errors import ComponentError


class BaseComponent(ABC):
    """Base class of every pipeline node. See the module docstring for the contract."""

    outgoing_edges: int = 1
    #: Set by `Pipeline.add_node`; used as the component's name in saved configs.
    name: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        edges = cls.__dict__.get("outgoing_edges", cls.outgoing_edges)
        if not is_int(edges, 0):
            raise ComponentError(
                f"{cls.__module__}.{cls.__qualname__}.outgoing_edges must be an int >= 0, got {edges!r}. "
                "Set `outgoing_edges = 1` for a plain node, N > 1 for a decision node with N branches, or 0 "
                "for a component used only as a parameter of others (a dead end as a node)."
            )
        if "__init__" in cls.__dict__:
            cls.__init__ = _capture_init_parameters(cls.__dict__["__init__"])  # type: ignore[method-assign]
        registry.register(cls)

    @abstractmethod
    def run(self, **kwargs: Any) -> tuple[dict, str]:
        """Do this node's work and return `(outputs, edge_name)`."""

    def run_batch(self, **kwargs: Any) -> tuple[dict, str]:
        """Run many queries: by default calls `run()` once per query in `queries`.

        How the inputs are split per query is written in `hayrick.pipelines.batching`. All
        queries must take the same edge; a decision node that routes the queries of one
        batch differently must override `run_batch`.
        """
        from hayrick.pipelines.batching import (
            run_per_query,  # the rules live with the pipeline runner
        )

        return run_per_query(self, **kwargs)

    @classmethod
    def _calculate_outgoing_edges(cls, component_params: dict[str, Any]) -> int:
        """Number of outgoing edges a node built with `component_params` will have."""
        return cls.outgoing_edges

    @property
    def init_parameters(self) -> dict[str, Any]:
        """The arguments this component was built with (only those given explicitly)."""
        return dict(getattr(self, "_init_parameters", {}))


def filter_kwargs(method: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The entries of `kwargs` that `method` accepts (all of them if it takes `**kwargs`)."""
    accepted, takes_all = accepted_parameters(method)
    if takes_all:
        return kwargs
    return {k: v for k, v in kwargs.items() if k in accepted}


@functools.lru_cache(maxsize=None)
def _signature_info(func: Any) -> tuple[frozenset[str], bool, frozenset[str]]:
    sig = inspect.signature(func)
    names, required, takes_all = set(), set(), False
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            takes_all = True
        elif p.kind is not inspect.Parameter.VAR_POSITIONAL:
            names.add(p.name)
            if p.default is inspect.Parameter.empty:
                required.add(p.name)
    return frozenset(names), takes_all, frozenset(required)


def accepted_parameters(method: Any) -> tuple[frozenset[str], bool]:
    """Names a (bound or unbound) method accepts, and whether it takes `**kwargs`."""
    names, takes_all, _ = _signature_info(getattr(method, "__func__", method))
    return names, takes_all


def required_parameters(method: Any) -> frozenset[str]:
    """Names a method needs (no default)."""
    return _signature_info(getattr(method, "__func__", method))[2]


def _capture_init_parameters(init: Any) -> Any:
    """Wrap `__init__` so the outermost call records the arguments it was given."""
    signature = inspect.signature(init)

    @functools.wraps(init)
    def wrapper(self: BaseComponent, *args: Any, **kwargs: Any) -> None:
        if "_init_parameters" not in self.__dict__:
            try:
                bound = signature.bind(self, *args, **kwargs)
            except TypeError as exc:
                raise ComponentError(
                    f"{type(self).__name__}({_format_args(args, kwargs)}): {exc}. "
                    f"Its parameters are: {_describe_signature(signature)}."
                ) from None
            params: dict[str, Any] = {}
            for key, value in list(bound.arguments.items())[1:]:
                kind = signature.parameters[key].kind
                if kind is inspect.Parameter.VAR_KEYWORD:
                    params.update(value)
                elif kind is inspect.Parameter.VAR_POSITIONAL:
                    if value:
                        raise ComponentError(
                            f"{type(self).__name__} takes *{key}; pass its arguments by name instead "
                            "so they can be saved to YAML."
                        )
                else:
                    params[key] = value
            self.__dict__["_init_parameters"] = params
        init(self, *args, **kwargs)

    return wrapper


def _format_args(args: tuple, kwargs: dict) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) < 200 else text[:197] + "..."


def _describe_signature(signature: inspect.Signature) -> str:
    parts = []
    for p in signature.parameters.values():
        if p.name == "self":
            continue
        text = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(p.kind.name, "") + p.name
        if p.annotation is not inspect.Parameter.empty:
            annotation = p.annotation if isinstance(p.annotation, str) else inspect.formatannotation(p.annotation)
            text += f": {annotation}"
        if p.default is not inspect.Parameter.empty:
            text += f" = {p.default!r}"
        parts.append(text)
    return ", ".join(parts) or "(none)"


def describe_init_parameters(cls: type) -> str:
    """`cls.__init__`'s parameters as readable text, for error messages."""
    if cls.__init__ is object.__init__:
        return "(none)"
    return _describe_signature(inspect.signature(cls.__init__))


class RootNode(BaseComponent):
    """The start of a pipeline, `Query` or `File` (Haystack 1.x's `RootNode`): it passes nothing on.

    `pipeline.get_node("Query")` returns one; it is never written to YAML.
    """

    outgoing_edges = 1

    def run(self) -> tuple[dict, str]:  # type: ignore[override]
        return {}, "output_1"

    def run_batch(self) -> tuple[dict, str]:  # type: ignore[override]
        return {}, "output_1"
