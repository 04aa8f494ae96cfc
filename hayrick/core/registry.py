"""The component registry: which class a YAML `type:` names.

Three sources, looked up in this order:

1. classes already defined in the process: defining a `BaseComponent` subclass registers it
   under its short name (`Shout`) and its qualified name (`my_pkg.nodes.Shout`);
2. hayrick's built-in components, listed in `BUILTIN_COMPONENTS` by the module that defines
   them: looking one up imports that one module, so a BM25 pipeline never loads the reader;
3. packages that declare nodes in the entry-point group `hayrick.nodes`.

A dotted `type:` naming a module that is not imported yet is imported on demand.
Two classes with the same short name from different modules make it ambiguous: looking it up
is an error that names both, and the qualified name picks one. Within one module the class
defined last takes the short name (a notebook cell run again, classes defined in functions), as
in Haystack 1.x.

This module imports nothing of hayrick's but `errors`: a class counts as a component when it
was registered (by `BaseComponent.__init_subclass__`), so no check needs the base class.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import logging
import threading
from typing import Any

from hayrick.errors import ComponentError

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "hayrick.nodes"

#: Every built-in component, by short name: the module that defines it. A test checks
#: that this table and the classes hayrick defines agree.
BUILTIN_COMPONENTS: dict[str, str] = {
    "RootNode": "hayrick.core.component",  # a pipeline's Query/File root, as Haystack 1.x has it
    # document stores
    "InMemoryDocumentStore": "hayrick.stores.memory",
    "SQLDocumentStore": "hayrick.stores.sql",
    "FAISSDocumentStore": "hayrick.stores.faiss",
    "MilvusDocumentStore": "hayrick.stores.milvus",
    # retrievers
    "BM25Retriever": "hayrick.nodes.retrievers.bm25",
    "TfidfRetriever": "hayrick.nodes.retrievers.tfidf",
    "FilterRetriever": "hayrick.nodes.retrievers.filter",
    "EmbeddingRetriever": "hayrick.nodes.retrievers.embedding",
    "DensePassageRetriever": "hayrick.nodes.retrievers.dpr",
    # readers
    "FARMReader": "hayrick.nodes.readers.farm",
    "TransformersReader": "hayrick.nodes.readers.transformers_reader",
    "DPRReader": "hayrick.nodes.readers.dpr_reader",
    # files and documents
    "TextConverter": "hayrick.nodes.file_converter.txt",
    "PDFToTextConverter": "hayrick.nodes.file_converter.pdf",
    "MarkdownConverter": "hayrick.nodes.file_converter.markdown",
    "PreProcessor": "hayrick.nodes.preprocessing.preprocessor",
    "FileTypeClassifier": "hayrick.nodes.routing.file_type_classifier",
    "DocumentEmbedder": "hayrick.nodes.embedders.document_embedder",
    # joins
    "JoinDocuments": "hayrick.nodes.joiners.join_documents",
    "JoinAnswers": "hayrick.nodes.joiners.join_answers",
    # evaluation nodes
    "Seq2SeqGenerator": "hayrick.nodes.generators.seq2seq",
    "RAGenerator": "hayrick.nodes.generators.rag",
    "TransformersSummarizer": "hayrick.nodes.summarizer.transformers",
    "EvalDocuments": "hayrick.nodes.evaluators.eval_documents",
    "EvalAnswers": "hayrick.nodes.evaluators.eval_answers",
}


def qualified_name(cls: type) -> str:
    """`module.QualName` of a class: the name that always picks it."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_abstract(cls: type) -> bool:
    names = {n for base in cls.__mro__[1:] for n in getattr(base, "__abstractmethods__", ())}
    names |= {n for n, v in cls.__dict__.items() if getattr(v, "__isabstractmethod__", False)}
    return any(getattr(getattr(cls, n, None), "__isabstractmethod__", False) for n in names)


class Registry:
    """Short and qualified names of every defined component class, and the built-ins not loaded yet."""

    def __init__(self, builtins: dict[str, str] | None = None) -> None:
        self._builtins = dict(BUILTIN_COMPONENTS if builtins is None else builtins)
        self._by_short: dict[str, dict[str, type]] = {}
        self._by_qualified: dict[str, type] = {}
        self._entry_points_loaded = False
        self._lock = threading.Lock()

    def register(self, cls: type) -> None:
        """Record a component class (called when a `BaseComponent` subclass is defined).

        Abstract families (`BaseRetriever`) and classes that set `_hidden_from_registry` are left out.
        """
        # ABCMeta sets __abstractmethods__ only after __init_subclass__ has run, so look for
        # methods that are still abstract by hand.
        if _is_abstract(cls) or cls.__dict__.get("_hidden_from_registry", False):
            return
        qualified = qualified_name(cls)
        with self._lock:
            self._by_qualified[qualified] = cls
            short = self._by_short.setdefault(cls.__name__, {})
            for earlier in [q for q, c in short.items() if c.__module__ == cls.__module__]:
                del short[earlier]  # the module's newest class of this name takes the short name
            short[qualified] = cls

    def is_registered(self, obj: Any) -> bool:
        """Whether `obj` is a component class that the registry knows."""
        return isinstance(obj, type) and self._by_qualified.get(qualified_name(obj)) is obj

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
            if isinstance(obj, type) and not self.is_registered(obj):
                logger.warning(
                    "Entry point %r (%s) is not a BaseComponent subclass that can be built; ignored", ep.name, ep.value
                )

    def _builtin_qualified(self) -> dict[str, str]:
        return {f"{module}.{name}": name for name, module in self._builtins.items()}

    def names(self) -> list[str]:
        """Every name usable as YAML `type:`: unambiguous short names, then qualified names."""
        self.load_entry_points()
        short = sorted(name for name in self._all_short() if len(self._candidates(name)) == 1)
        return short + sorted(set(self._by_qualified) | set(self._builtin_qualified()))

    def short_names(self) -> list[str]:
        """Every short name known, ambiguous ones included."""
        self.load_entry_points()
        return sorted(self._all_short())

    def _all_short(self) -> set[str]:
        return set(self._by_short) | set(self._builtins)

    def _candidates(self, short: str) -> set[str]:
        """Qualified names that `short` may mean: defined classes, and the built-in not loaded yet."""
        found = set(self._by_short.get(short, {}))
        if short in self._builtins:
            found.add(f"{self._builtins[short]}.{short}")
        return found

    def type_name(self, cls: type) -> str:
        """The name to write in YAML for `cls`: its short name if unambiguous, else the qualified one."""
        qualified = qualified_name(cls)
        if self._candidates(cls.__name__) == {qualified} and self._by_qualified.get(qualified) is cls:
            return cls.__name__
        return qualified

    def get(self, name: str) -> type:
        """The class for a YAML `type:`; raises `ComponentError` naming the valid choices."""
        self._load_builtin(name)
        cls = self._lookup(name)
        if cls is None:
            self.load_entry_points()
            cls = self._lookup(name)
        if cls is None and "." in name:
            cls = self._import_qualified(name)
        if cls is None:
            choices = self.short_names()
            close = difflib.get_close_matches(name, choices, n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ComponentError(
                f"Unknown component type {name!r}.{hint} Valid types: {', '.join(choices) or '(none registered)'}. "
                "A custom node must be defined (imported) before the pipeline is loaded, be importable by "
                "its qualified name (my_pkg.nodes.MyNode), or be declared in the 'hayrick.nodes' entry-point group."
            )
        return cls

    def _load_builtin(self, name: str) -> None:
        """Import the module of the built-in that `name` (short or qualified) names, if it is one."""
        short = self._builtin_qualified().get(name, name)
        module = self._builtins.get(short)
        if module is not None:
            importlib.import_module(module)

    def _lookup(self, name: str) -> type | None:
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

    def _import_qualified(self, name: str) -> type | None:
        module_name, _, attr = name.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        obj = getattr(module, attr, None)
        return obj if self.is_registered(obj) else None


#: The process-wide registry that `BaseComponent` subclasses register with.
registry = Registry()


def get_component_class(name: str) -> type:
    """The component class registered under `name` (short or qualified)."""
    return registry.get(name)


def component_type_name(cls: type) -> str:
    """The YAML `type:` that refers to `cls`."""
    return registry.type_name(cls)


def registered_component_names() -> list[str]:
    """Every name valid as a YAML `type:`."""
    return registry.names()


def load_entry_point_nodes(force: bool = False) -> None:
    """Import the node classes that installed packages declare in the `hayrick.nodes` entry-point group."""
    registry.load_entry_points(force=force)
