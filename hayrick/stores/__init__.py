"""Document stores: the store contract, filters, the BM25 kernel, in-memory, SQL and FAISS stores.

SQLAlchemy and FAISS are imported when a store is built, not when this package is imported.
"""

from hayrick.stores.base import BaseDocumentStore
from hayrick.stores.faiss import FAISSDocumentStore
from hayrick.stores.memory import InMemoryDocumentStore
from hayrick.stores.sql import SQLDocumentStore

__all__ = ["BaseDocumentStore", "FAISSDocumentStore", "InMemoryDocumentStore", "SQLDocumentStore"]
