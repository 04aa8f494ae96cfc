"""Dense retrieval: `BaseDenseRetriever` (what every dense retriever shares) and `EmbeddingRetriever`,
one sentence-embedding model for queries and documents."""

from __future__ import annotations

import logging
import os
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from hayrick._checks import check_choice, check_int
from hayrick.errors import ComponentError
from hayrick.nodes.retrievers.base import BaseRetriever
from hayrick.nodes.retrievers.encoders import (
    POOLING_ALIASES,
    TextEncoder,
    select_device,
)
from hayrick.schema import Document

logger = logging.getLogger(__name__)

MODEL_FORMATS = ("sentence_transformers", "transformers")
POOLING_STRATEGIES = ("mean", "cls", "max", *POOLING_ALIASES)


class BaseDenseRetriever(BaseRetriever):
    """A retriever that embeds queries and documents and searches the store by vector.

    Subclasses load their encoders and implement `embed_queries` and `embed_documents`;
    `retrieve` and `retrieve_batch` (which embeds all queries of a batch at once) come from here.

    Example:
        >>> store.update_embeddings(retriever)             # embeds with retriever.embed_documents
        >>> retriever.retrieve("Is it good for reading?", top_k=3)
    """

    store_capabilities = ("supports_embeddings",)

    def __init__(self, document_store: Any, top_k: int = 10, scale_score: bool = True, progress_bar: bool = True):
        super().__init__(document_store, top_k)
        self.scale_score = scale_score
        self.progress_bar = progress_bar

    @abstractmethod
    def embed_queries(self, queries: list[str]) -> np.ndarray:
        """float32 vectors of the queries, one row each."""

    @abstractmethod
    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        """float32 vectors of the documents, one row each (what `document_store.update_embeddings` calls)."""

    def _check_store_dim(self, dim: int) -> None:
        expected = getattr(self.document_store, "embedding_dim", None)
        if expected is not None and expected != dim:
            raise ComponentError(
                f"{type(self).__name__}: the model makes vectors of length {dim}, but "
                f"{type(self.document_store).__name__} has embedding_dim={expected}. Build the store with "
                f"embedding_dim={dim}."
            )

    def retrieve(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[Document]:
        return self.retrieve_batch([query], filters=filters, top_k=top_k, index=index, scale_score=scale_score)[0]

    def retrieve_batch(
        self,
        queries: list[str],
        filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[list[Document]]:
        if top_k is not None:
            check_int(top_k, "top_k", owner=f"{type(self).__name__}.retrieve")
        per_query = self._filters_per_query(queries, filters)
        if not queries:
            return []
        vectors = self.embed_queries(list(queries))
        scale = self.scale_score if scale_score is None else scale_score
        search: Callable[..., list[Document]] = self.document_store.query_by_embedding
        return [
            search(vector, filters=f, top_k=top_k or self.top_k, index=index, scale_score=scale)
            for vector, f in zip(vectors, per_query)
        ]


def document_texts(documents: Sequence[Document], owner: str) -> list[str]:
    """The text of each document; raises `ComponentError` for tables, images and other non-text content."""
    texts = []
    for doc in documents:
        if doc.content_type != "text" or not isinstance(doc.content, str):
            raise ComponentError(
                f"{owner} embeds text documents only; document {doc.id} has content_type {doc.content_type!r}."
            )
        texts.append(doc.content)
    return texts


class EmbeddingRetriever(BaseDenseRetriever):
    """Embeds queries and documents with one model and searches the store by vector similarity.

    Example:
        >>> store = InMemoryDocumentStore(embedding_dim=384, similarity="cosine")
        >>> store.write_documents([{"content": "Great for reading.", "meta": {"item_id": "B0074BW614"}}])
        >>> retriever = EmbeddingRetriever(store, embedding_model="sentence-transformers/all-MiniLM-L6-v2")
        >>> store.update_embeddings(retriever)
        >>> retriever.retrieve("Is it good for reading?", top_k=3)

    `model_format="sentence_transformers"` reads the model folder's `modules.json` (the pooling
    config, Dense layers, the Normalize layer, `max_seq_length` of `sentence_bert_config.json`) and
    applies them with plain transformers, so vectors equal sentence-transformers' `encode`
    without that library. `model_format="transformers"` runs an `AutoModel` with `pooling_strategy`.

    Args:
        document_store: a store with vector search (`InMemoryDocumentStore`, `FAISSDocumentStore`) whose
            `embedding_dim` equals the model's vector length.
        embedding_model: a Hugging Face hub name or a local model folder.
        model_format: `sentence_transformers` or `transformers`.
        pooling_strategy: `mean`, `cls` or `max` (also the Haystack names `reduce_mean`, `cls_token`,
            `reduce_max`): used by `model_format="transformers"`, and by a sentence-transformers
            folder that has no `modules.json`.
        batch_size: texts per forward pass.
        max_seq_len: longer texts are truncated (a sentence-transformers folder's own `max_seq_length`
            caps it further).
        top_k: how many documents `retrieve` returns by default.
        use_gpu: run on a GPU if there is one.
        scale_score: scores in [0, 1] (cosine: (s + 1) / 2, dot product: sigmoid(s / 100)).
        progress_bar: show a progress bar while embedding documents.
    """

    def __init__(
        self,
        document_store: Any,
        embedding_model: str | os.PathLike,
        model_format: str = "sentence_transformers",
        pooling_strategy: str = "mean",
        batch_size: int = 32,
        max_seq_len: int = 512,
        top_k: int = 10,
        use_gpu: bool = True,
        scale_score: bool = True,
        progress_bar: bool = True,
    ):
        super().__init__(document_store, top_k=top_k, scale_score=scale_score, progress_bar=progress_bar)
        if not isinstance(embedding_model, (str, os.PathLike)) or not str(embedding_model):
            raise ComponentError(
                f"EmbeddingRetriever: embedding_model must be a hub name or a model folder, got {embedding_model!r}."
            )
        check_choice(model_format, "model_format", MODEL_FORMATS, owner="EmbeddingRetriever")
        check_choice(pooling_strategy, "pooling_strategy", POOLING_STRATEGIES, owner="EmbeddingRetriever")
        check_int(batch_size, "batch_size", owner="EmbeddingRetriever")
        check_int(max_seq_len, "max_seq_len", owner="EmbeddingRetriever")
        self.embedding_model = str(embedding_model)
        self.model_format = model_format
        self.pooling_strategy = POOLING_ALIASES.get(pooling_strategy, pooling_strategy)
        self.batch_size = batch_size
        self.max_seq_len = max_seq_len
        self.use_gpu = use_gpu
        self.device = select_device(use_gpu)
        if model_format == "sentence_transformers":
            self.encoder = TextEncoder.from_sentence_transformers(
                self.embedding_model, max_seq_len, self.device, default_pooling=self.pooling_strategy
            )
        else:
            self.encoder = TextEncoder.from_transformers(self.embedding_model, self.pooling_strategy, max_seq_len, self.device)
        self._check_store_dim(self.encoder.embedding_dim)
        if self.encoder.normalize and getattr(document_store, "similarity", None) == "dot_product" and scale_score:
            logger.warning(
                "EmbeddingRetriever: %s makes unit-length vectors and the store uses dot_product, whose scaled "
                "scores (sigmoid(s / 100)) all lie near 0.5; build the store with similarity='cosine' for scores "
                "in [0, 1] that spread (the ranking is the same).",
                self.embedding_model,
            )

    @property
    def embedding_dim(self) -> int:
        """Length of the vectors this retriever makes."""
        return self.encoder.embedding_dim

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        """float32 vectors of `queries`, shape (len(queries), embedding_dim)."""
        if isinstance(queries, str):
            raise ComponentError("EmbeddingRetriever.embed_queries takes a list of queries; wrap the query in a list.")
        return self.encoder.encode(
            list(queries), batch_size=self.batch_size, desc="Embedding queries",
            progress_bar=self.progress_bar and len(queries) > self.batch_size,
        )

    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        """float32 vectors of the documents' text, shape (len(documents), embedding_dim)."""
        texts = document_texts(documents, "EmbeddingRetriever")
        return self.encoder.encode(
            texts, batch_size=self.batch_size, desc="Embedding documents",
            progress_bar=self.progress_bar and len(texts) > self.batch_size,
        )
