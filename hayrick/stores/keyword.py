"""BM25 settings shared by the stores that keep a BM25 index (in-memory, SQL)."""

from __future__ import annotations

import re
from typing import Any

from hayrick.errors import DocumentStoreError
from hayrick.stores.bm25 import ALGORITHMS, BM25Index

DEFAULT_TOKENIZATION_REGEX = r"(?u)\b\w\w+\b"


class BM25Settings:
    """Validated BM25 settings of a store: tokenizer, algorithm and its parameters."""

    def __init__(self, algorithm: str, parameters: dict[str, float] | None, tokenization_regex: str):
        if algorithm not in ALGORITHMS:
            raise DocumentStoreError(f"bm25_algorithm must be one of {', '.join(ALGORITHMS)}, got {algorithm!r}.")
        if parameters is not None and not isinstance(parameters, dict):
            raise DocumentStoreError(f"bm25_parameters must be a dict like {{'k1': 1.2, 'b': 0.75}}, got {parameters!r}.")
        try:
            self.pattern = re.compile(tokenization_regex)
        except (re.error, TypeError) as exc:
            raise DocumentStoreError(f"bm25_tokenization_regex {tokenization_regex!r} is not a valid regex: {exc}") from None
        self.algorithm = algorithm
        self.parameters = dict(parameters or {})
        self.new_index()  # validates the parameters now

    def tokenize(self, text: str) -> list[str]:
        """The BM25 tokens of `text`: regex matches in the lower-cased text."""
        return self.pattern.findall(text.lower())

    def new_index(self) -> BM25Index:
        try:
            return BM25Index(self.algorithm, **self.parameters)
        except (TypeError, ValueError) as exc:
            raise DocumentStoreError(f"bm25_parameters {self.parameters!r}: {exc}") from None

    def index_documents(self, index: BM25Index, documents: list[Any]) -> None:
        """Add the text documents of `documents` to `index` (other content types are not searched)."""
        text = [d for d in documents if d.content_type == "text"]
        index.add_many([d.id for d in text], [self.tokenize(d.content) for d in text])
