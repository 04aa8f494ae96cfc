"""`TfidfRetriever`: cosine similarity of TF-IDF vectors, fitted on the store's documents."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from hayrick._checks import check_int
from hayrick.nodes.retrievers.base import BaseRetriever
from hayrick.schema import Document
from hayrick.stores.bm25.selection import top_k_positions
from hayrick.stores.bm25.tokenization import DEFAULT_TOKENIZATION_REGEX, Tokenizer

TOKEN_PATTERN = DEFAULT_TOKENIZATION_REGEX  # scikit-learn's default token_pattern


class _Fitted:
    """The TF-IDF matrix of one index: ids, vocabulary, idf and L2-normalised rows (CSR)."""

    def __init__(self, documents: list[Document], tokenize: Tokenizer):
        from scipy.sparse import csr_matrix

        self.ids = [d.id for d in documents]
        counts = [Counter(tokenize(d.content)) for d in documents]
        self.vocabulary: dict[str, int] = {}
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        for term in sorted(df):
            self.vocabulary[term] = len(self.vocabulary)
        n = len(documents)
        # scikit-learn's TfidfVectorizer defaults: smooth idf, raw counts, L2 norm.
        self.idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in self.vocabulary], dtype=np.float64)
        rows, cols, vals = [], [], []
        for row, c in enumerate(counts):
            cols_row = [self.vocabulary[t] for t in c]
            weights = np.array([c[t] for t in c], dtype=np.float64) * self.idf[cols_row] if cols_row else np.zeros(0)
            norm = float(np.linalg.norm(weights)) or 1.0
            rows += [row] * len(cols_row)
            cols += cols_row
            vals += list(weights / norm)
        self.matrix = csr_matrix((vals, (rows, cols)), shape=(n, max(len(self.vocabulary), 1)))

    def scores(self, tokens: list[str]) -> np.ndarray:
        c = Counter(t for t in tokens if t in self.vocabulary)
        if not c:
            return np.zeros(len(self.ids))
        cols = [self.vocabulary[t] for t in c]
        weights = np.array([c[t] for t in c], dtype=np.float64) * self.idf[cols]
        weights /= np.linalg.norm(weights)
        return np.asarray(self.matrix[:, cols] @ weights).ravel()


class TfidfRetriever(BaseRetriever):
    """Ranks documents by the cosine similarity of TF-IDF vectors (scikit-learn's defaults).

    The matrix is fitted on the text documents of the store when first needed, and fitted
    again when the number of documents in the index changed (`auto_fit`).

    Example:
        >>> retriever = TfidfRetriever(document_store=store, top_k=5)
        >>> retriever.retrieve("battery life", filters={"item_id": ["B0074BW614"]})

    Args:
        document_store: any document store.
        top_k: how many documents to return by default.
        auto_fit: refit when the document count of an index changed since the last fit.
    """

    requires_document_store = True

    def __init__(self, document_store: Any, top_k: int = 10, auto_fit: bool = True):
        super().__init__(document_store, top_k)
        self.auto_fit = auto_fit
        self._tokenize = Tokenizer()  # the BM25 tokens, as scikit-learn's default token_pattern
        self._fitted: dict[str, _Fitted] = {}

    def fit(self, index: str | None = None) -> None:
        """Fit the TF-IDF matrix on the text documents of `index`."""
        index = index or self.document_store.index
        docs = [d for d in self.document_store.get_all_documents(index=index) if d.content_type == "text"]
        self._fitted[index] = _Fitted(docs, self._tokenize)

    def retrieve(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int | None = None,
        index: str | None = None,
        scale_score: bool | None = None,
    ) -> list[Document]:
        if top_k is not None:
            check_int(top_k, "top_k", owner="TfidfRetriever.retrieve")
        index = index or self.document_store.index
        fitted = self._fitted.get(index)
        if fitted is None or (self.auto_fit and len(fitted.ids) != self.document_store.get_document_count(index=index)):
            self.fit(index)
            fitted = self._fitted[index]
        scores = fitted.scores(self._tokenize(query))
        if filters:
            allowed = {d.id for d in self.document_store.get_all_documents(index=index, filters=filters)}
            scores = np.where([i in allowed for i in fitted.ids], scores, 0.0)
        best = top_k_positions(scores, min(top_k or self.top_k, int((scores > 0).sum())))
        if not len(best):
            return []
        found = self.document_store.get_documents_by_id([fitted.ids[i] for i in best], index=index)
        by_id = {d.id: d for d in found}
        return [
            by_id[fitted.ids[i]].model_copy(update={"score": float(scores[i])}) for i in best if fitted.ids[i] in by_id
        ]
