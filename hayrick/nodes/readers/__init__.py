"""Readers: extract answers to a query from documents (each name loads its module on first use).
"""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {
    "BaseReader": ".base",
    "FARMReader": ".farm",
    "TransformersReader": ".transformers_reader",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
