"""`FilterRetriever`: every document that passes the filters, whatever the query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hayrick.nodes.retrievers.base import BaseRetriever
from hayrick.schema import Document


class FilterRetriever(BaseRetriever):
    """Returns the documents that pass `filters` (the query is ignored), up to `top_k` if given.

    Useful to hand a reader all reviews of one product:

    Example:
        >>> retriever = FilterRetriever(document_store=store)
        >>> retriever.retrieve("ignored", filters={"item_id": ["B0074BW614"]})

    Args:
        document_store: any document store.
        top_k: the most documents to return; None returns all that pass the filters.
        scale_score: accepted for Haystack 1.x compatibility (the documents carry no score to scale).
    """

    requires_document_store = True

    def __init__(self, document_store: Any, top_k: int | None = None, scale_score: bool = True):
        super().__init__(document_store, top_k if top_k is not None else 10)
        self.top_k = top_k  # type: ignore[assignment]
        self.scale_score = scale_score

    def retrieve(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[Document]:
        documents = self.document_store.get_all_documents(index=index, filters=filters)
        limit = top_k or self.top_k
        return documents[:limit] if limit else documents
