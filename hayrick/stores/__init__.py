"""Document stores: the store contract, filters, the BM25 kernel, in-memory, SQL and FAISS stores.

`from hayrick.stores import InMemoryDocumentStore` imports that store's module and nothing else
(the names load on first use); SQLAlchemy and FAISS are imported when a store is built.
"""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {
    "BaseDocumentStore": ".base",
    "FAISSDocumentStore": ".faiss",
    "InMemoryDocumentStore": ".memory",
    "MilvusDocumentStore": ".milvus",
    "SQLDocumentStore": ".sql",
    "VectorIndex": ".vectors",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
