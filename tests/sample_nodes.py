"""Small sample nodes for pipeline-shape tests: chain, diamond with join, decision node, indexing root."""

from __future__ import annotations

import os
import time
from typing import Any

from hayrick import BaseComponent, Document


class AppendText(BaseComponent):
    """Appends `text` to the query; records its name in `trace`."""

    def __init__(self, text: str = "+", label: str | None = None):
        self.text = text
        self.label = label or text

    def run(self, query: str, trace: tuple = ()):
        return {"query": query + self.text, "trace": trace + (self.label,)}, "output_1"


class KeywordDocuments(BaseComponent):
    """Returns the texts that share a word with the query, as documents (a toy retriever)."""

    def __init__(self, texts: list[str] | None = None, top_k: int = 3):
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        self.texts = list(texts or [])
        self.top_k = top_k

    def run(self, query: str, top_k: int | None = None, trace: tuple = ()):
        words = set(query.lower().split())
        hits = [Document(content=t, score=float(len(words & set(t.lower().split())))) for t in self.texts]
        hits = sorted((d for d in hits if d.score), key=lambda d: -d.score)[: top_k or self.top_k]
        return {"documents": hits, "trace": trace + (self.name,)}, "output_1"


class QuestionRouter(BaseComponent):
    """Decision node: questions (ending in '?') go to output_1, keywords to output_2."""

    outgoing_edges = 2

    def run(self, query: str, trace: tuple = ()):
        return {"trace": trace + (self.name,)}, "output_1" if query.strip().endswith("?") else "output_2"


class Broadcast(BaseComponent):
    """Decision node with a configurable number of edges that sends everything to all of them."""

    def __init__(self, branches: int = 2):
        self.outgoing_edges = branches

    @classmethod
    def _calculate_outgoing_edges(cls, component_params: dict[str, Any]) -> int:
        return component_params.get("branches", 2)

    def run(self, query: str):
        return {}, "output_all"


class MergeDocuments(BaseComponent):
    """Join node: concatenates the documents of its inputs, dropping duplicate ids."""

    def run(self, inputs: list[dict]):
        seen, merged = set(), []
        for output in inputs:
            for doc in output.get("documents", []):
                if doc.id not in seen:
                    seen.add(doc.id)
                    merged.append(doc)
        traces = tuple(t for output in inputs for t in output.get("trace", ()))
        return {"documents": merged, "trace": traces + (self.name,)}, "output_1"


class CountFiles(BaseComponent):
    """Indexing-side node: counts the files it is given."""

    def run(self, file_paths: list[str], meta: dict | None = None):
        return {"file_count": len(file_paths), "meta": meta}, "output_1"


class Holder(BaseComponent):
    """A component that refers to another component (like a retriever refers to its document store)."""

    def __init__(self, store: BaseComponent, factor: int = 1):
        self.store = store
        self.factor = factor

    def run(self, query: str):
        return {"held": type(self.store).__name__, "factor": self.factor}, "output_1"


class Fails(BaseComponent):
    """Raises inside run()."""

    def run(self, query: str):
        raise RuntimeError("boom: " + query)


class ExplodesOnInit(BaseComponent):
    """Raises as soon as it is built: proves that a check (validate_config) never constructs components."""

    def __init__(self, setting: int = 0):
        raise ValueError(f"ExplodesOnInit.__init__ was called (setting={setting})")

    def run(self, query: str):  # pragma: no cover - never built
        return {}, "output_1"


class EchoParams(BaseComponent):
    """Takes any keyword parameters and echoes them in its output, so a run shows what it was built with."""

    def __init__(self, **params: Any):
        self.params = params

    def run(self, query: str, echo: tuple = ()):
        return {"echo": echo + ((self.name, self.params),)}, "output_1"


class MetaTagger(BaseComponent):
    """Adds `tag` (and the class of an optional referenced component) to `meta`; fits query and indexing pipelines."""

    def __init__(self, tag: str = "tag", store: BaseComponent | None = None):
        self.tag = tag
        self.store = store

    def run(self, meta: dict | None = None):
        held = type(self.store).__name__ if self.store is not None else None
        return {"meta": {**(meta or {}), "tag": self.tag, "held": held}}, "output_1"


class ProcessId(BaseComponent):
    """Reports the process it ran in, after `delay` seconds (which replica of a RayPipeline served a call)."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay

    def run(self, query: str):
        time.sleep(self.delay)
        return {"pid": os.getpid()}, "output_1"
