"""Retrievers: find the documents relevant to a query."""

from hayrick.nodes.retrievers.base import BaseRetriever
from hayrick.nodes.retrievers.bm25 import BM25Retriever
from hayrick.nodes.retrievers.dpr import DensePassageRetriever
from hayrick.nodes.retrievers.embedding import BaseDenseRetriever, EmbeddingRetriever
from hayrick.nodes.retrievers.filter import FilterRetriever
from hayrick.nodes.retrievers.tfidf import TfidfRetriever

__all__ = [
    "BaseDenseRetriever",
    "BaseRetriever",
    "BM25Retriever",
    "DensePassageRetriever",
    "EmbeddingRetriever",
    "FilterRetriever",
    "TfidfRetriever",
]
