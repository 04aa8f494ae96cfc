"""The node contract: the one page to read before writing a node.

Every component of a pipeline (document store, retriever, reader, converter,
router, your own node) subclasses `BaseComponent`:

```python
from hayrick.nodes import BaseComponent

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
2. `outgoing_edges` is a positive int, checked when the subclass is defined. A
   decision node sets it > 1 and returns the edge it chose. A node whose number of
   edges depends on its init arguments sets `self.outgoing_edges` in `__init__`
   and overrides the classmethod `_calculate_outgoing_edges(component_params)`, so
   that YAML files can be validated without building the node.
3. A node with several predecessors (a join) must accept `inputs`: it receives
   `inputs=[outputs_of_a, outputs_of_b, ...]`.
4. `run_batch(**inputs)` takes `queries=[...]` and by default calls `run()` once per
   query; override it where batching pays (models on a GPU).
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
import importlib
import importlib.metadata
import inspect
import logging
import threading
from abc import ABC, abstractmethod
from typing import Any

from hayrick.errors import ComponentError, NodeError

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "hayrick.nodes"


class BaseComponent(ABC):
    """Base class of every pipeline node. See the module docstring for the contract."""

    outgoing_edges: int = 1
    #: Set by `Pipeline.add_node`; used as the component's name in saved configs.
    name: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        edges = cls.__dict__.get("outgoing_edges", cls.outgoing_edges)
        if isinstance(edges, bool) or not isinstance(edges, int) or edges < 1:
            raise ComponentError(
                f"{cls.__module__}.{cls.__qualname__}.outgoing_edges must be a positive int, got {edges!r}. "
                "Set `outgoing_edges = 1` for a plain node, or N > 1 for a decision node with N branches."
            )
        if "__init__" in cls.__dict__:
            cls.__init__ = _capture_init_parameters(cls.__dict__["__init__"])  # type: ignore[method-assign]
        _registry.register(cls)

    @abstractmethod
    def run(self, **kwargs: Any) -> tuple[dict, str]:
        """Do this node's work and return `(outputs, edge_name)`."""

    def run_batch(self, **kwargs: Any) -> tuple[dict, str]:
        """Run many queries: by default calls `run()` once per query in `queries`.

        Inputs with one entry per query are split: `documents`, `meta` and
        `file_paths` given as a list of lists, and any other list as long as
        `queries` (the batch outputs of earlier nodes, `labels`); everything else is
        passed to each call as it is. Each output key becomes a list with one value
        per query. All queries must take the same edge; a decision node that routes
        the queries of one batch differently must override `run_batch`.
        """
        queries = kwargs.pop("queries", None)
        if queries is None:
            output, edge = self.run(**_filter_kwargs(self.run, kwargs))
            return output, edge
        n = len(queries)
        per_query = {k: v for k, v in kwargs.items() if _is_per_query(k, v, n)}
        shared = {k: v for k, v in kwargs.items() if k not in per_query}
        outputs: dict[str, list] = {}
        edges: set[str] = set()
        for i, query in enumerate(queries):
            call = {**shared, **{k: v[i] for k, v in per_query.items()}, "query": query}
            out, edge = self.run(**_filter_kwargs(self.run, call))
            edges.add(edge)
            for key, value in out.items():
                outputs.setdefault(key, []).append(value)
        if len(edges) > 1:
            raise NodeError(
                f"{type(self).__name__}.run_batch: the queries of one batch took different edges "
                f"{sorted(edges)}. Override run_batch in {type(self).__name__} to route a batch, "
                "or run the queries one by one with Pipeline.run."
            )
        if "query" in outputs:
            outputs["queries"] = outputs.pop("query")
        return outputs, edges.pop() if edges else "output_1"

    @classmethod
    def _calculate_outgoing_edges(cls, component_params: dict[str, Any]) -> int:
        """Number of outgoing edges a node built with `component_params` will have."""
        return cls.outgoing_edges

    @property
    def init_parameters(self) -> dict[str, Any]:
        """The arguments this component was built with (only those given explicitly)."""
        return dict(getattr(self, "_init_parameters", {}))


def _is_per_query(key: str, value: Any, n: int) -> bool:
    """Whether `value` holds one entry per query of a batch of `n`.

    `documents`, `meta` and `file_paths` are per query when they are a list of n lists
    (a flat list is shared by every query); any other list of length n is per query,
    as the batch outputs of earlier nodes are.
    """
    if not isinstance(value, list) or len(value) != n:
        return False
    if key in ("documents", "meta", "file_paths"):
        return all(isinstance(v, (list, type(None))) for v in value)
    return True


def _filter_kwargs(method: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
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


def _is_abstract(cls: type) -> bool:
    names = {n for base in cls.__mro__[1:] for n in getattr(base, "__abstractmethods__", ())}
    names |= {n for n, v in cls.__dict__.items() if getattr(v, "__isabstractmethod__", False)}
    return any(getattr(getattr(cls, n, None), "__isabstractmethod__", False) for n in names)


class _Registry:
    """Short and qualified names of every defined component class."""

    def __init__(self) -> None:
        self._by_short: dict[str, dict[str, type[BaseComponent]]] = {}
        self._by_qualified: dict[str, type[BaseComponent]] = {}
        self._entry_points_loaded = False
        self._lock = threading.Lock()

    @staticmethod
    def qualified_name(cls: type) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"

    def register(self, cls: type[BaseComponent]) -> None:
        # ABCMeta sets __abstractmethods__ only after __init_subclass__ has run, so look for
        # methods that are still abstract by hand; abstract families (BaseRetriever) are not listed.
        if _is_abstract(cls) or cls.__dict__.get("_hidden_from_registry", False):
            return
        qualified = self.qualified_name(cls)
        with self._lock:
            self._by_qualified[qualified] = cls
            self._by_short.setdefault(cls.__name__, {})[qualified] = cls

    def load_entry_points(self, force: bool = False) -> None:
        """Import every class or module that packages declare in the `hayrick.nodes` entry-point group."""
        if self._entry_points_loaded and not force:
            return
        self._entry_points_loaded = True
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin must not break every pipeline
                logger.warning("Could not load hayrick node plugin %r (%s): %s", ep.name, ep.value, exc)
                continue
            if isinstance(obj, type) and not issubclass(obj, BaseComponent):
                logger.warning("Entry point %r (%s) is not a BaseComponent subclass; ignored", ep.name, ep.value)

    def names(self) -> list[str]:
        """Every name usable as YAML `type:`: unambiguous short names, then qualified names."""
        self._load_builtins()
        self.load_entry_points()
        short = sorted(name for name, classes in self._by_short.items() if len(classes) == 1)
        return short + sorted(self._by_qualified)

    def short_names(self) -> list[str]:
        self._load_builtins()
        self.load_entry_points()
        return sorted(self._by_short)

    def type_name(self, cls: type) -> str:
        """The name to write in YAML for `cls`: its short name if unambiguous, else the qualified one."""
        if len(self._by_short.get(cls.__name__, {})) == 1 and self._by_short[cls.__name__].get(
            self.qualified_name(cls)
        ) is cls:
            return cls.__name__
        return self.qualified_name(cls)

    def get(self, name: str) -> type[BaseComponent]:
        """The class for a YAML `type:`; raises `ComponentError` naming the valid choices."""
        cls = self._lookup(name)
        if cls is None:
            self._load_builtins()
            cls = self._lookup(name)
        if cls is None:
            self.load_entry_points()
            cls = self._lookup(name)
        if cls is None and "." in name:
            cls = self._import_qualified(name)
        if cls is None:
            import difflib

            choices = self.short_names()
            close = difflib.get_close_matches(name, choices, n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ComponentError(
                f"Unknown component type {name!r}.{hint} Valid types: {', '.join(choices) or '(none registered)'}. "
                "A custom node must be defined (imported) before the pipeline is loaded, be importable by "
                "its qualified name (my_pkg.nodes.MyNode), or be declared in the 'hayrick.nodes' entry-point group."
            )
        return cls

    def _lookup(self, name: str) -> type[BaseComponent] | None:
        if name in self._by_qualified:
            return self._by_qualified[name]
        classes = self._by_short.get(name)
        if not classes:
            return None
        if len(classes) > 1:
            raise ComponentError(
                f"Component type {name!r} is ambiguous: it names {' and '.join(sorted(classes))}. "
                "Use the qualified name in `type:` to pick one."
            )
        return next(iter(classes.values()))

    def _import_qualified(self, name: str) -> type[BaseComponent] | None:
        module_name, _, attr = name.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        obj = getattr(module, attr, None)
        if isinstance(obj, type) and issubclass(obj, BaseComponent):
            return obj
        return None

    @staticmethod
    def _load_builtins() -> None:
        for module in ("hayrick.nodes", "hayrick.nodes.evaluators", "hayrick.stores"):
            importlib.import_module(module)


_registry = _Registry()


def get_component_class(name: str) -> type[BaseComponent]:
    """The component class registered under `name` (short or qualified)."""
    return _registry.get(name)


def component_type_name(cls: type) -> str:
    """The YAML `type:` that refers to `cls`."""
    return _registry.type_name(cls)


def registered_component_names() -> list[str]:
    """Every name valid as a YAML `type:`."""
    return _registry.names()


def load_entry_point_nodes(force: bool = False) -> None:
    """Import the node classes that installed packages declare in the `hayrick.nodes` entry-point group."""
    _registry.load_entry_points(force=force)
