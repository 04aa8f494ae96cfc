"""`DocumentEmbedder`: embeds documents in an indexing pipeline, before the store writes them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from hayrick.core import BaseComponent
from hayrick.errors import ComponentError, NodeError
from hayrick.schema import Document

logger = logging.getLogger(__name__)


class DocumentEmbedder(BaseComponent):
    """Sets each text document's `embedding` with a dense retriever's `embed_documents`.

    In an indexing pipeline it sits between the PreProcessor and the document store, so the
    store writes documents with their vectors (no `update_embeddings` pass afterwards). It is
    a node of its own, rather than a retriever that behaves differently under a `File` root
    (as in Haystack 1.x), because a node never branches on the shape of its pipeline.

    Example:
        >>> store = InMemoryDocumentStore(embedding_dim=384, similarity="cosine")
        >>> retriever = EmbeddingRetriever(store, embedding_model="sentence-transformers/all-MiniLM-L6-v2")
        >>> p = Pipeline()
        >>> p.add_node(TextConverter(), "TextConverter", ["File"])
        >>> p.add_node(PreProcessor(), "PreProcessor", ["TextConverter"])
        >>> p.add_node(DocumentEmbedder(retriever), "Embedder", ["PreProcessor"])
        >>> p.add_node(store, "DocumentStore", ["Embedder"])
        >>> p.run(file_paths=["review.txt"])

    Documents that are not text (tables, images) pass through without an embedding.

    Args:
        retriever: a dense retriever (`EmbeddingRetriever`, `DensePassageRetriever`): any node with
            `embed_documents(list[Document]) -> np.ndarray`.
    """

    outgoing_edges = 1

    def __init__(self, retriever: BaseComponent):
        if not isinstance(retriever, BaseComponent) or not callable(getattr(retriever, "embed_documents", None)):
            raise ComponentError(
                "DocumentEmbedder: retriever must be a node with embed_documents(documents), such as "
                f"EmbeddingRetriever or DensePassageRetriever; got {type(retriever).__name__}."
            )
        self.retriever: Any = retriever

    def embed(self, documents: list[Document | Mapping[str, Any]]) -> list[Document]:
        """Copies of `documents` with their embedding set (the inputs are left as they are)."""
        from hayrick.stores.base import to_documents

        docs = to_documents(documents)
        text = [i for i, d in enumerate(docs) if d.content_type == "text"]
        if len(text) < len(docs):
            logger.warning("DocumentEmbedder: %d document(s) are not text and get no embedding.", len(docs) - len(text))
        if not text:
            return list(docs)
        vectors = np.asarray(self.retriever.embed_documents([docs[i] for i in text]), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(text):
            raise NodeError(
                f"DocumentEmbedder: {type(self.retriever).__name__}.embed_documents returned shape {vectors.shape} "
                f"for {len(text)} documents; expected one row per document."
            )
        out = list(docs)
        for row, i in enumerate(text):
            out[i] = docs[i].model_copy(update={"embedding": vectors[row].copy()})
        return out

    def run(self, documents: list[Document | Mapping[str, Any]]) -> tuple[dict, str]:
        return {"documents": self.embed(documents)}, "output_1"
