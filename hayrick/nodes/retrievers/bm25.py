"""`BM25Retriever`: keyword search through the document store's BM25 index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hayrick._checks import check_int
from hayrick.nodes.retrievers.base import BaseRetriever
from hayrick.schema import Document


class BM25Retriever(BaseRetriever):
    """Ranks documents with BM25, as scored by the store (`document_store.query`).

    Example:
        >>> store = InMemoryDocumentStore(use_bm25=True)
        >>> store.write_documents([{"content": "Great for reading.", "meta": {"item_id": "B0074BW614"}}])
        >>> retriever = BM25Retriever(document_store=store, top_k=3)
        >>> retriever.retrieve("Is it good for reading?", filters={"item_id": ["B0074BW614"]})

    Args:
        document_store: a store with a BM25 index (`InMemoryDocumentStore(use_bm25=True)`, `SQLDocumentStore`).
        top_k: how many documents to return by default.
        all_terms_must_match: only documents that contain every query term.
        scale_score: map scores to (0, 1) (sigmoid(score / 8)); False keeps raw BM25 scores.
    """

    store_capabilities = ("supports_bm25",)

    def __init__(self, document_store: Any, top_k: int = 10, all_terms_must_match: bool = False, scale_score: bool = True):
        super().__init__(document_store, top_k)
        self.all_terms_must_match = all_terms_must_match
        self.scale_score = scale_score

    def retrieve(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[Document]:
        if top_k is not None:
            check_int(top_k, "top_k", owner="BM25Retriever.retrieve")
        return self.document_store.query(
            query,
            filters=filters,
            top_k=top_k or self.top_k,
            index=index,
            scale_score=self.scale_score if scale_score is None else scale_score,
            all_terms_must_match=self.all_terms_must_match,
        )
