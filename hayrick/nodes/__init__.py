"""Every built-in node, one family per folder (retrievers/, readers/, preprocessing/, ...).

`from hayrick.nodes import BaseComponent` is the base class of every node; see
`hayrick/nodes/base.py` for the node contract. Heavy libraries (torch, transformers,
pypdf) are imported inside the nodes that need them, so importing this module is cheap.
"""

from hayrick.nodes.base import BaseComponent, get_component_class, load_entry_point_nodes, registered_component_names
from hayrick.nodes.file_converter import BaseConverter, MarkdownConverter, PDFToTextConverter, TextConverter
from hayrick.nodes.other import DocumentEmbedder, JoinAnswers, JoinDocuments, JoinNode
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
