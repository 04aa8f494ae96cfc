"""`BaseGenerator`: the node side of generators (`run`, `run_batch`, the answers they return)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from hayrick._checks import check_int
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError, NodeError
from hayrick.schema import Answer, Document, MultiLabel


class BaseGenerator(BaseComponent):
    """Base class of generators: implement `predict(query, documents, top_k)`.

    `run` answers one query from the documents of the node before it (no documents: no answers, as
    in Haystack 1.x); `run_batch` answers several, each from its own list of documents.

    Example:
        >>> class Echo(BaseGenerator):
        ...     def predict(self, query, documents, top_k=None, max_tokens=None):
        ...         return {"query": query, "answers": self.create_answers([documents[0].content], documents)}
        >>> Echo().run(query="q", documents=[Document("an answer")])[0]["answers"][0].answer
        'an answer'
    """

    outgoing_edges: ClassVar[int] = 1

    def __init__(self, progress_bar: bool = True) -> None:
        self.progress_bar = progress_bar

    @abstractmethod
    def predict(
        self, query: str, documents: list[Document], top_k: int | None = None, max_tokens: int | None = None
    ) -> dict[str, Any]:
        """`{"query": query, "answers": [Answer, ...]}`: answers generated from `documents`."""

    def predict_batch(
        self,
        queries: list[str],
        documents: list[Document] | list[list[Document]],
        top_k: int | None = None,
        batch_size: int | None = None,
        max_tokens: int | None = None,
    ) -> dict[str, Any]:
        """`{"queries": queries, "answers": [[Answer, ...] per query]}`.

        `documents` is one list per query, or one list for every query.
        """
        groups = documents_per_query(queries, documents, type(self).__name__)
        answers = [self.predict(q, docs, top_k=top_k, max_tokens=max_tokens)["answers"] for q, docs in zip(queries, groups)]
        return {"queries": queries, "answers": answers}

    def run(  # type: ignore[override]
        self,
        query: str,
        documents: list[Document],
        top_k: int | None = None,
        labels: MultiLabel | None = None,
        add_isolated_node_eval: bool = False,
        max_tokens: int | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Answers `query` from `documents`; `({"query", "answers"}, "output_1")`."""
        results = self.predict(query, documents, top_k=top_k, max_tokens=max_tokens) if documents else {"answers": []}
        if add_isolated_node_eval and labels is not None:
            gold = list({label.document.id: label.document for label in labels.labels}.values())
            results["answers_isolated"] = self.predict(query, gold, top_k=top_k, max_tokens=max_tokens)["answers"]
        return results, "output_1"

    def run_batch(  # type: ignore[override]
        self,
        queries: list[str],
        documents: list[Document] | list[list[Document]],
        top_k: int | None = None,
        labels: list[MultiLabel] | None = None,
        batch_size: int | None = None,
        add_isolated_node_eval: bool = False,
        max_tokens: int | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Answers each query from its documents; `({"queries", "answers": [[...] per query]}, "output_1")`."""
        return self.predict_batch(queries, documents, top_k=top_k, batch_size=batch_size, max_tokens=max_tokens), "output_1"

    # ----------------------------------------------------------------- helpers
    def positive(self, value: int | None, name: str, default: int) -> int:
        """`value` (a run-time `top_k`, `batch_size`, ...), or `default` when None; a `NodeError` naming
        `name` unless it is a positive int."""
        if value is None:
            return default
        check_int(value, name, owner=type(self).__name__, error=NodeError)
        return value

    def check_inputs(self, query: Any, documents: Any) -> list[Document]:
        """`documents` as a list of Documents; a `NodeError` for an empty query or no documents."""
        owner = type(self).__name__
        if not isinstance(query, str) or not query.strip():
            raise NodeError(f"{owner}: the query must be a non-empty string, got {query!r}.")
        if not documents:
            raise NodeError(
                f"{owner}: no documents to generate the answer from. Put a retriever before the generator "
                "(GenerativeQAPipeline(generator, retriever)) or pass documents=[...]."
            )
        bad = [type(d).__name__ for d in documents if not isinstance(d, Document)]
        if bad:
            raise NodeError(f"{owner}: documents must be Documents, got {', '.join(sorted(set(bad)))}.")
        return list(documents)

    @staticmethod
    def create_answers(
        generated: Sequence[str], documents: Sequence[Document], prompt: str | None = None, **meta: Any
    ) -> list[Answer]:
        """Haystack 1.x's generative answers: the documents' ids, and their scores, texts, titles and meta."""
        base = {
            "doc_scores": [d.score for d in documents],
            "content": [d.content for d in documents],
            "titles": [d.meta.get("name", "") for d in documents],
            "doc_metas": [dict(d.meta) for d in documents],
            "prompt": prompt,
            **meta,
        }
        return [
            Answer(answer=text, type="generative", document_ids=[d.id for d in documents], meta=dict(base))
            for text in generated
        ]


def documents_per_query(
    queries: Sequence[str], documents: Sequence[Any], owner: str
) -> list[list[Document]]:
    """One list of documents per query: `documents` as given (one list each) or the same list for all."""
    if documents and all(isinstance(group, (list, tuple)) for group in documents):
        if len(documents) != len(queries):
            raise NodeError(
                f"{owner}.run_batch: {len(documents)} lists of documents for {len(queries)} queries; give one "
                "list per query, or one list for all of them."
            )
        return [list(group) for group in documents]
    return [list(documents)] * len(queries)


def model_location(owner: str, model_name_or_path: Any, token: str | bool | None) -> tuple[str, dict[str, Any]]:
    """`(name, from_pretrained kwargs)`: a model folder that exists, or a hub name; a `ComponentError` otherwise."""
    import os

    from hayrick.nodes.readers.loading import _looks_local, configure_torch_threads

    configure_torch_threads()
    name = os.path.expanduser(str(model_name_or_path or ""))
    if not name:
        raise ComponentError(f"{owner}: model_name_or_path must be a model folder or a model hub name, got ''.")
    if _looks_local(name) and not os.path.isdir(name):
        raise ComponentError(f"{owner}: model folder {name!r} does not exist; pass a folder written by save_pretrained.")
    return name, ({} if token is None else {"token": token})


def load_model_and_tokenizer(owner: str, what: str, name: str, model_cls: Any, tokenizer_cls: Any, **kwargs: Any) -> tuple[Any, Any]:
    """`model_cls.from_pretrained(name)` in eval mode and `tokenizer_cls.from_pretrained(name)`, errors named."""
    try:
        model = model_cls.from_pretrained(name, **kwargs)
        tokenizer = tokenizer_cls.from_pretrained(name, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise ComponentError(f"{owner}: could not load the {what} model or tokenizer from {name!r}: {exc}") from exc
    model.eval()
    return model, tokenizer
