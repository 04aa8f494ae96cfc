"""The old home of the stores' BM25 settings, kept so existing imports work: see `hayrick.stores.bm25.store`."""

from hayrick.stores.bm25.store import DEFAULT_TOKENIZATION_REGEX, BM25Settings

__all__ = ["DEFAULT_TOKENIZATION_REGEX", "BM25Settings"]
