"""Retrievers: find the documents relevant to a query (each name loads its module on first use).
"""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {
    "BaseRetriever": ".base",
    "BM25Retriever": ".bm25",
    "DensePassageRetriever": ".dpr",
    "BaseDenseRetriever": ".embedding",
    "EmbeddingRetriever": ".embedding",
    "FilterRetriever": ".filter",
    "TfidfRetriever": ".tfidf",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
