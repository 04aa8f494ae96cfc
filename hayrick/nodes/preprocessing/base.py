"""`BasePreProcessor`: the node side of preprocessors (`run`, `run_batch`, joins), over `process()`."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from hayrick.core import BaseComponent
from hayrick.schema import Document

DocumentLike = Document | dict[str, Any]


class BasePreProcessor(BaseComponent):
    """Base class of preprocessors: implement `process()`, `clean()` and `split()`.

    `run()` accepts the documents directly (`documents=[...]`) or, in a pipeline where several
    nodes feed it (e.g. one converter per file type behind a `FileTypeClassifier`), through
    `inputs`: the documents of every predecessor that ran are gathered, in the order of the
    node's inputs (a document object that arrives through several inputs counts once; documents
    that are merely equal are all kept). No separate join node is needed.

    Example:
        >>> class Lower(BasePreProcessor):
        ...     def process(self, documents, **kwargs):
        ...         return [Document(content=d.content.lower(), meta=d.meta) for d in documents]
        ...     def clean(self, document, **kwargs):
        ...         return document
        ...     def split(self, document, **kwargs):
        ...         return [document]
        >>> Lower().run(documents=[Document("HELLO")])[0]["documents"][0].content
        'hello'
    """

    outgoing_edges: ClassVar[int] = 1

    @abstractmethod
    def process(self, documents: DocumentLike | list[DocumentLike], **kwargs: Any) -> list[Document]:
        """Clean and split `documents`; returns the resulting documents."""

    @abstractmethod
    def clean(self, document: DocumentLike, **kwargs: Any) -> Document:
        """One document with its text cleaned."""

    @abstractmethod
    def split(self, document: DocumentLike, **kwargs: Any) -> list[Document]:
        """One document split into several."""

    def run(  # type: ignore[override]
        self,
        documents: list[DocumentLike] | None = None,
        clean_whitespace: bool | None = None,
        clean_header_footer: bool | None = None,
        clean_empty_lines: bool | None = None,
        remove_substrings: list[str] | None = None,
        split_by: str | None = None,
        split_length: int | None = None,
        split_overlap: int | None = None,
        split_respect_sentence_boundary: bool | None = None,
        id_hash_keys: list[str] | None = None,
        inputs: list[dict[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Process the documents; returns `({"documents": [...]}, "output_1")`.

        Args:
            documents: the documents to process (Documents or dicts with `content` and `meta`).
            clean_whitespace ... id_hash_keys: override the preprocessor's settings for this run
                (None keeps them).
            inputs: set by the pipeline when this node is a join: the outputs of each predecessor
                that ran. When given, the documents come from the `documents` of each of them and
                the `documents` argument is not used (the pipeline passes its own root inputs too).
        """
        gathered = self._gather(documents, inputs, batch=False)
        processed = self.process(
            gathered,
            **_overrides(
                clean_whitespace=clean_whitespace,
                clean_header_footer=clean_header_footer,
                clean_empty_lines=clean_empty_lines,
                remove_substrings=remove_substrings,
                split_by=split_by,
                split_length=split_length,
                split_overlap=split_overlap,
                split_respect_sentence_boundary=split_respect_sentence_boundary,
                id_hash_keys=id_hash_keys,
            ),
        )
        return {"documents": processed}, "output_1"

    def run_batch(  # type: ignore[override]
        self,
        documents: list[DocumentLike] | list[list[DocumentLike]] | None = None,
        clean_whitespace: bool | None = None,
        clean_header_footer: bool | None = None,
        clean_empty_lines: bool | None = None,
        remove_substrings: list[str] | None = None,
        split_by: str | None = None,
        split_length: int | None = None,
        split_overlap: int | None = None,
        split_respect_sentence_boundary: bool | None = None,
        id_hash_keys: list[str] | None = None,
        inputs: list[dict[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Like `run()`; a list of lists of documents gives a list of lists of processed documents."""
        options = _overrides(
            clean_whitespace=clean_whitespace,
            clean_header_footer=clean_header_footer,
            clean_empty_lines=clean_empty_lines,
            remove_substrings=remove_substrings,
            split_by=split_by,
            split_length=split_length,
            split_overlap=split_overlap,
            split_respect_sentence_boundary=split_respect_sentence_boundary,
            id_hash_keys=id_hash_keys,
        )
        gathered = self._gather(documents, inputs, batch=True)
        if gathered and all(isinstance(group, list) for group in gathered):
            return {"documents": [self.process(group, **options) for group in gathered]}, "output_1"
        return {"documents": self.process(gathered, **options)}, "output_1"

    def _gather(self, documents: Any, inputs: list[dict[str, Any]] | None, batch: bool) -> list[Any]:
        owner = type(self).__name__
        if inputs is None:
            if documents is None:
                raise ValueError(
                    f"{owner}.run needs documents: pass documents=[...] (or connect a node that outputs them)."
                )
            if not isinstance(documents, list):
                raise TypeError(f"{owner}: documents must be a list of Documents, got {type(documents).__name__}.")
            return documents
        found = [output["documents"] for output in inputs if output.get("documents") is not None]
        if not found:
            keys = sorted({key for output in inputs for key in output})
            raise ValueError(
                f"{owner}: none of its {len(inputs)} input(s) has 'documents' (they have: "
                f"{', '.join(keys) or 'nothing'}). Feed it from nodes that output documents, such as converters "
                "or retrievers."
            )
        nested = batch and all(items and all(isinstance(g, list) for g in items) for items in found)
        if not nested:
            return _unique([doc for items in found for doc in items])
        sizes = {len(items) for items in found}
        if len(sizes) > 1:
            raise ValueError(
                f"{owner}.run_batch: its inputs hold different numbers of document groups ({sorted(sizes)}); "
                "each input must give one group per batch entry."
            )
        return [_unique([doc for items in found for doc in items[i]]) for i in range(sizes.pop())]


def _unique(documents: list[Any]) -> list[Any]:
    """`documents` without repeats of the same object (one that reached the join through several inputs)."""
    seen: set[int] = set()
    kept = []
    for doc in documents:
        if id(doc) not in seen:
            seen.add(id(doc))
            kept.append(doc)
    return kept


def _overrides(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
