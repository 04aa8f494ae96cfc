"""What the stores with a BM25 index share: validated settings and the one keyword search.

```python
from hayrick.stores.bm25.store import BM25Settings, keyword_search

settings = BM25Settings("BM25Okapi", {"k1": 1.2}, r"(?u)\\b\\w\\w+\\b")  # DocumentStoreError if invalid
index = settings.new_index()
settings.index_documents(index, documents)             # text documents only
keyword_search(index, settings, "battery life", top_k=3, documents={d.id: d for d in documents})
```

`InMemoryDocumentStore.query` and `SQLDocumentStore.query` both search this way (`keyword_hits`
then `scored_documents`); they differ only in where a filter's candidates and the documents come from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hayrick.errors import DocumentStoreError
from hayrick.schema import Document
from hayrick.stores.base import scale_bm25_score
from hayrick.stores.bm25.index import BM25Index
from hayrick.stores.bm25.scoring import ALGORITHMS
from hayrick.stores.bm25.tokenization import DEFAULT_TOKENIZATION_REGEX, Tokenizer

__all__ = ["DEFAULT_TOKENIZATION_REGEX", "BM25Settings", "keyword_hits", "keyword_search", "scored_documents"]


class BM25Settings:
    """Validated BM25 settings of a store: tokenizer, algorithm and its parameters.

    Raises:
        DocumentStoreError: an unknown algorithm, bad parameters or a regex that does not compile.
    """

    def __init__(self, algorithm: str, parameters: dict[str, float] | None, tokenization_regex: str):
        if algorithm not in ALGORITHMS:
            raise DocumentStoreError(f"bm25_algorithm must be one of {', '.join(ALGORITHMS)}, got {algorithm!r}.")
        if parameters is not None and not isinstance(parameters, dict):
            raise DocumentStoreError(f"bm25_parameters must be a dict like {{'k1': 1.2, 'b': 0.75}}, got {parameters!r}.")
        try:
            self.tokenize = Tokenizer(tokenization_regex)
        except ValueError as exc:
            raise DocumentStoreError(f"bm25_tokenization_regex {exc}") from None
        self.algorithm = algorithm
        self.parameters = dict(parameters or {})
        self.new_index()  # validates the parameters now

    def new_index(self) -> BM25Index:
        """An empty index with these settings."""
        try:
            return BM25Index(self.algorithm, **self.parameters)
        except (TypeError, ValueError) as exc:
            raise DocumentStoreError(f"bm25_parameters {self.parameters!r}: {exc}") from None

    def index_documents(self, index: BM25Index, documents: Iterable[Any]) -> None:
        """Add the text documents of `documents` to `index` (other content types are not searched)."""
        text = [d for d in documents if d.content_type == "text"]
        index.add_many([d.id for d in text], [self.tokenize(d.content) for d in text])


def _with_score(document: Document, score: float) -> Document:
    return document.model_copy(update={"score": score})


def keyword_hits(
    index: BM25Index,
    settings: BM25Settings,
    query: str,
    top_k: int,
    candidates: Iterable[str] | None = None,
    all_terms_must_match: bool = False,
) -> list[tuple[str, float]]:
    """The `top_k` best (id, raw score) pairs for `query`; `candidates` are the ids a filter allows."""
    return index.top_k(settings.tokenize(query), top_k, candidates=candidates, require_all_terms=all_terms_must_match)


def scored_documents(
    hits: list[tuple[str, float]],
    documents: Mapping[str, Document] | Callable[[list[str]], Mapping[str, Document]],
    scale_score: bool = True,
    with_score: Callable[[Document, float], Document] = _with_score,
) -> list[Document]:
    """The documents of `hits`, in order, each a copy carrying its (scaled) score; ids not found are left out."""
    if not hits:
        return []
    found = documents([key for key, _ in hits]) if callable(documents) else documents
    return [
        with_score(found[key], scale_bm25_score(score) if scale_score else score)
        for key, score in hits
        if key in found
    ]


def keyword_search(
    index: BM25Index,
    settings: BM25Settings,
    query: str,
    *,
    top_k: int,
    documents: Mapping[str, Document] | Callable[[list[str]], Mapping[str, Document]],
    candidates: Iterable[str] | None = None,
    all_terms_must_match: bool = False,
    scale_score: bool = True,
    with_score: Callable[[Document, float], Document] = _with_score,
) -> list[Document]:
    """The `top_k` best documents for `query`, best first, each a copy carrying its score.

    `keyword_hits` then `scored_documents`; a store that must take the hits under its lock and
    read the documents outside it calls the two itself.

    Args:
        documents: the store's documents by id, or a function that returns those of the ids
            it is given (ids it cannot find are left out of the result).
        candidates: the ids a filter allows (None: every indexed document).
        scale_score: map scores to (0, 1) with `scale_bm25_score`, as Haystack 1.x does.
        with_score: how a store copies a found document with its score (default `model_copy`).
    """
    hits = keyword_hits(index, settings, query, top_k, candidates, all_terms_must_match)
    return scored_documents(hits, documents, scale_score, with_score)
