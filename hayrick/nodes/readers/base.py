"""`BaseReader`: what every reader shares (the node adapter, batching of queries, answer building)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hayrick._checks import check_int
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError
from hayrick.schema import Answer, Document, Span


class BaseReader(BaseComponent):
    """A node that extracts answers to a query from documents.

    Subclasses implement `_answer(queries, documents_per_query, top_k, batch_size)`, which answers
    several queries at once, each over its own documents; `predict`, `predict_batch`,
    `predict_on_texts`, `run` and `run_batch` come from here. A reader written for Haystack 1.x,
    which implements `predict` and `predict_batch` itself, works too (`run` and `run_batch` call
    them); one that implements only `predict` gets a `predict_batch` that calls it per query.

    Example:
        >>> reader = FARMReader("path/to/model")
        >>> reader.predict("Who lives in Berlin?", [Document("My name is Carla and I live in Berlin")])["answers"][0].answer
        'Carla'
    """

    outgoing_edges = 1
    _hidden_from_registry = True  # a family, not a YAML type (its methods are not all abstract)
    top_k: int = 10
    batch_size: int = 50

    def _answer(
        self, queries: list[str], documents_per_query: list[list[Document]], top_k: int, batch_size: int
    ) -> list[tuple[list[Answer], float | None]]:
        """`(answers best first, no_ans_gap)` per query; all queries' documents may be batched together."""
        if type(self).predict is not BaseReader.predict:  # a Haystack-style reader: predict per query
            results = []
            for query, documents in zip(queries, documents_per_query):
                result = self.predict(query, documents, top_k=top_k)
                results.append((result["answers"], result.get("no_ans_gap")))
            return results
        raise NotImplementedError(
            f"{type(self).__name__} answers nothing: implement _answer(queries, documents_per_query, top_k, "
            "batch_size), or predict(query, documents, top_k) and predict_batch(...) as in Haystack 1.x."
        )

    def predict(self, query: str, documents: Sequence[Document | dict], top_k: int | None = None) -> dict[str, Any]:
        """Answers to `query` found in `documents`, best first.

        Args:
            query: the question.
            documents: the documents to read (Documents, or dicts with `content` and `meta`).
            top_k: the most answers to return; default: the reader's `top_k`.

        Returns:
            `{"query": query, "no_ans_gap": float | None, "answers": [Answer, ...]}`. `no_ans_gap`
            is how much better the best answer scored than "no answer" (negative: no answer wins).
        """
        top_k = self._check_top_k(top_k)
        answers, gap = self._answer([query], [_as_documents(documents, type(self).__name__)], top_k, self.batch_size)[0]
        return {"query": query, "no_ans_gap": gap, "answers": answers}

    def predict_batch(
        self,
        queries: Sequence[str],
        documents: Sequence[Document | dict] | Sequence[Sequence[Document | dict]],
        top_k: int | None = None,
        batch_size: int | None = None,
    ) -> dict[str, Any]:
        """Answers to many queries, with every window of every query batched together.

        Args:
            queries: the questions (a single str counts as one).
            documents: one list shared by all queries, or a list with one list of documents per query.
            top_k: the most answers per query; default: the reader's `top_k`.
            batch_size: windows per forward pass; default: the reader's `batch_size`.

        Returns:
            `{"queries": [...], "answers": [[Answer, ...] per query], "no_ans_gaps": [...]}`.
        """
        owner = type(self).__name__
        if isinstance(queries, str):
            queries = [queries]
        queries = list(queries)
        top_k = self._check_top_k(top_k)
        batch_size = self.batch_size if batch_size is None else batch_size
        check_int(batch_size, "batch_size", owner=f"{owner}.predict_batch", error=ValueError)
        items: list[Any] = list(documents)
        if items and all(isinstance(d, (list, tuple)) for d in items):
            if len(items) != len(queries):
                raise ValueError(
                    f"{owner}.predict_batch: {len(items)} lists of documents for {len(queries)} queries; "
                    "give one list per query, or one flat list shared by all queries."
                )
            per_query = [_as_documents(docs, owner) for docs in items]
        else:
            shared = _as_documents(items, owner)
            per_query = [shared] * len(queries)
        results = self._answer(queries, per_query, top_k, batch_size) if queries else []
        return {
            "queries": queries,
            "answers": [answers for answers, _ in results],
            "no_ans_gaps": [gap for _, gap in results],
        }

    def predict_on_texts(self, question: str, texts: Sequence[str], top_k: int | None = None) -> dict[str, Any]:
        """`predict` over plain strings, each read as a Document."""
        if isinstance(texts, str):
            texts = [texts]
        return self.predict(question, [Document(content=text) for text in texts], top_k=top_k)

    def run(self, query: str, documents: list[Document], top_k: int | None = None) -> tuple[dict, str]:
        return {"answers": self.predict(query, documents, top_k=top_k)["answers"]}, "output_1"

    def run_batch(
        self,
        queries: list[str],
        documents: list[Document] | list[list[Document]],
        top_k: int | None = None,
        batch_size: int | None = None,
    ) -> tuple[dict, str]:
        result = self.predict_batch(queries, documents, top_k=top_k, batch_size=batch_size)
        return {"answers": result["answers"]}, "output_1"

    def _check_top_k(self, top_k: int | None) -> int:
        if top_k is None:
            return self.top_k
        check_int(top_k, "top_k", owner=type(self).__name__, error=ValueError)
        return top_k


def _as_documents(documents: Sequence[Any], owner: str) -> list[Document]:
    if documents is None:
        raise ValueError(f"{owner}: documents must be a list of Documents, got None.")
    result = []
    for doc in documents:
        if isinstance(doc, dict):
            doc = Document.from_dict(doc)
        if not isinstance(doc, Document):
            raise TypeError(f"{owner}: documents must be Documents (or dicts with 'content'), got {type(doc).__name__}.")
        if doc.content_type != "text" or not isinstance(doc.content, str):
            raise ValueError(
                f"{owner} reads text documents; document {doc.id[:12]} has content_type={doc.content_type!r}."
            )
        result.append(doc)
    return result


def flatten_pairs(
    queries: list[str], documents_per_query: list[list[Document]]
) -> tuple[list[str], list[str], list[int], list[Document]]:
    """Every (query, document) pair as parallel lists: questions, contexts, the query index, the document."""
    questions, contexts, pair_query, pair_doc = [], [], [], []
    for q, (query, docs) in enumerate(zip(queries, documents_per_query)):
        for doc in docs:
            questions.append(query)
            contexts.append(str(doc.content))
            pair_query.append(q)
            pair_doc.append(doc)
    return questions, contexts, pair_query, pair_doc


def extractive_answer(
    document: Document, start: int, end: int, score: float, context_start: int, context_end: int
) -> Answer:
    """An extractive Answer for `document.content[start:end]` with its context and offsets."""
    text = str(document.content)
    return Answer(
        answer=text[start:end],
        type="extractive",
        score=score,
        context=text[context_start:context_end],
        offsets_in_document=[Span(start, end)],
        offsets_in_context=[Span(start - context_start, end - context_start)],
        document_ids=[document.id],
        meta=dict(document.meta),
    )


def no_answer(score: float) -> Answer:
    """The "no answer" prediction (empty text, zero-length offsets, no document), as Haystack 1.x gives it."""
    return Answer(
        answer="",
        type="extractive",
        score=score,
        context=None,
        offsets_in_document=[Span(0, 0)],
        offsets_in_context=[Span(0, 0)],
        document_ids=None,
    )


def centred_context(length: int, start: int, end: int, size: int) -> tuple[int, int]:
    """A window of `size` characters (at least the answer) centred on `[start, end)` inside `[0, length)`."""
    size = max(size, end - start)
    begin = max(0, start - (size - (end - start)) // 2)
    stop = min(length, begin + size)
    return max(0, stop - size), stop


# --- init-argument checks --------------------------------------------------------------------------


def check_window_args(owner: str, max_seq_len: Any, doc_stride: Any, max_query_length: Any) -> None:
    """Checks before the model loads (the check against the tokenizer's special tokens comes after)."""
    check_int(max_seq_len, "max_seq_len", owner=owner, minimum=8)
    check_int(doc_stride, "doc_stride", owner=owner, minimum=0)
    check_int(max_query_length, "max_query_length", owner=owner)
    if doc_stride + max_query_length >= max_seq_len:
        raise ComponentError(
            f"{owner}: doc_stride ({doc_stride}) + max question tokens ({max_query_length}) must be smaller than "
            f"max_seq_len ({max_seq_len}): a window holds the question, special tokens and context, and "
            "consecutive windows overlap by doc_stride context tokens. Lower doc_stride or raise max_seq_len."
        )
