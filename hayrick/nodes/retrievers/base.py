"""`BaseRetriever`: what every retriever shares (the node adapter and batch handling)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from hayrick._checks import check_int
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError
from hayrick.schema import Document

StoreCapability = Literal["supports_bm25", "supports_embeddings"]

#: What a retriever says when its store lacks a capability (after "<Retriever>: ").
_MISSING_CAPABILITY: dict[str, str] = {
    "supports_bm25": "{store} as configured has no BM25 index. Build it with use_bm25=True (InMemoryDocumentStore(use_bm25=True)).",
    "supports_embeddings": "{store} does not store embeddings; use InMemoryDocumentStore or FAISSDocumentStore for dense retrieval.",
}


class BaseRetriever(BaseComponent):
    """A node that finds the documents relevant to a query in a document store.

    Subclasses implement `retrieve()`; `run`, `run_batch` and `retrieve_batch` come from here.
    A subclass names the store capabilities it needs in `store_capabilities` (the store's
    `supports_bm25` / `supports_embeddings` flags); they are checked when it is built. As in
    Haystack 1.x, a retriever of your own may work without a store (`document_store=None`, or
    no call to `super().__init__()`): then `document_store` is None and `top_k` is 10.
    """

    outgoing_edges = 1
    store_capabilities: ClassVar[tuple[StoreCapability, ...]] = ()
    #: Whether the retriever searches a store; hayrick's own do. A subclass of yours may leave it False.
    requires_document_store: ClassVar[bool] = False
    document_store: Any = None
    top_k: int = 10

    def __init__(self, document_store: Any = None, top_k: int = 10):
        from hayrick.stores.base import BaseDocumentStore

        if document_store is None and not self.store_capabilities and not self.requires_document_store:
            check_int(top_k, "top_k", owner=type(self).__name__)
            self.document_store, self.top_k = None, top_k
            return
        if not isinstance(document_store, BaseDocumentStore):
            raise ComponentError(
                f"{type(self).__name__}: document_store must be a document store (e.g. InMemoryDocumentStore()), "
                f"got {type(document_store).__name__}."
            )
        check_int(top_k, "top_k", owner=type(self).__name__)
        for capability in self.store_capabilities:
            if not getattr(document_store, capability):
                message = _MISSING_CAPABILITY[capability].format(store=type(document_store).__name__)
                raise ComponentError(f"{type(self).__name__}: {message}")
        self.document_store = document_store
        self.top_k = top_k

    @abstractmethod
    def retrieve(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[Document]:
        """The `top_k` documents most relevant to `query` that pass `filters`, best first."""

    def retrieve_batch(
        self,
        queries: list[str],
        filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[list[Document]]:
        """`retrieve` for each query; `filters` is one dict for all queries or a list with one per query."""
        per_query = self._filters_per_query(queries, filters)
        return [self.retrieve(q, filters=f, top_k=top_k, index=index, scale_score=scale_score) for q, f in zip(queries, per_query)]

    def _filters_per_query(
        self, queries: list[str], filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None
    ) -> list[Mapping[str, Any] | None]:
        """The filters of each query: `filters` itself if it is a list (one per query), else `filters` for every query.

        Raises:
            ComponentError: a list of filters is not as long as `queries`.
        """
        from hayrick.stores.base import filters_per_query

        return filters_per_query(len(queries), filters, f"{type(self).__name__}.retrieve_batch", ComponentError)

    def run(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> tuple[dict, str]:
        documents = self.retrieve(query, filters=filters, top_k=top_k, index=index, scale_score=scale_score)
        return {"documents": documents}, "output_1"

    def run_batch(
        self,
        queries: list[str],
        filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> tuple[dict, str]:
        documents = self.retrieve_batch(queries, filters=filters, top_k=top_k, index=index, scale_score=scale_score)
        return {"documents": documents}, "output_1"


