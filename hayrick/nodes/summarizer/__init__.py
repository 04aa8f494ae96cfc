"""Summarizers: a summary of each document (or one of all of them) with a seq2seq model (Haystack 1.x's)."""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {"BaseSummarizer": ".transformers", "TransformersSummarizer": ".transformers"}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
