"""Every built-in node, one family per folder (retrievers/, readers/, joiners/, embedders/, evaluators/, ...).

`from hayrick.nodes import BaseComponent` is the base class of every node; see
`hayrick/nodes/base.py` for the node contract. Heavy libraries (torch, transformers,
pypdf) are imported inside the nodes that need them, so importing this module is cheap;
the evaluators (`EvalDocuments`, `EvalAnswers`) load `hayrick.evaluation` and are imported
on first use of their names.
"""

from typing import Any

from hayrick.nodes.base import BaseComponent, get_component_class, load_entry_point_nodes, registered_component_names
from hayrick.nodes.embedders import DocumentEmbedder
from hayrick.nodes.file_converter import BaseConverter, MarkdownConverter, PDFToTextConverter, TextConverter
from hayrick.nodes.joiners import JoinAnswers, JoinDocuments, JoinNode
from hayrick.nodes.preprocessing import BasePreProcessor, PreProcessor
from hayrick.nodes.readers import BaseReader, FARMReader, TransformersReader
from hayrick.nodes.retrievers import (
    BaseDenseRetriever,
    BaseRetriever,
    BM25Retriever,
    DensePassageRetriever,
    EmbeddingRetriever,
    FilterRetriever,
    TfidfRetriever,
)
from hayrick.nodes.routing import FileTypeClassifier

__all__ = [
    "BaseComponent",
    "BaseDenseRetriever",
    "DensePassageRetriever",
    "DocumentEmbedder",
    "EmbeddingRetriever",
    "EvalAnswers",
    "EvalDocuments",
    "JoinAnswers",
    "JoinDocuments",
    "JoinNode",
    "BaseConverter",
    "BasePreProcessor",
    "BaseReader",
    "BaseRetriever",
    "BM25Retriever",
    "FARMReader",
    "FileTypeClassifier",
    "FilterRetriever",
    "MarkdownConverter",
    "PDFToTextConverter",
    "PreProcessor",
    "TextConverter",
    "TfidfRetriever",
    "TransformersReader",
    "get_component_class",
    "load_entry_point_nodes",
    "registered_component_names",
]


def __getattr__(name: str) -> Any:
    """`EvalAnswers` and `EvalDocuments`, imported from `hayrick.nodes.evaluators` when first asked for."""
    if name in ("EvalAnswers", "EvalDocuments"):
        from hayrick.nodes import evaluators

        return getattr(evaluators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
