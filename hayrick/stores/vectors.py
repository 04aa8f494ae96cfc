"""Vector search as a collaborator: the `VectorIndex` interface and the `VectorPlan` of a write.

`SQLDocumentStore` keeps text, meta and labels in SQL and hands the vectors to a `VectorIndex`
(`SQLDocumentStore(vector_index=None)`, the default, is a store without vector search).
`FAISSDocumentStore` is `SQLDocumentStore` with `hayrick.stores.faiss.FAISSVectorIndex`.

The store owns the ids: each document with an embedding has an integer vector id in its row, and
ids only grow, so a removed vector's id is never reused. A vector index keeps one set of vectors
per document index (`index`, the store's index name) under those ids. The store calls it at fixed
points, all under its lock:

- a write: `check_documents` before anything is written; then, inside the transaction, the store
  fills a `VectorPlan` (`replace` per document) and calls `apply(plan)` just before the commit,
  so a failing SQL statement leaves the vectors untouched;
- `update_embeddings`: `check_ready`, `as_matrix` on the retriever's output, then a plan and `apply`;
- a delete: `delete(index, vector_ids)` inside the deleting transaction (None: every vector);
- a search: `as_matrix` on the query, then `count` and `search` (restricted to the vector ids that
  pass the filters, which the store selects);
- a read with `return_embedding`: `reconstruct`.

```python
class MyVectors(VectorIndex):
    similarity = "dot_product"
    ...                                   # the abstract methods below

store = SQLDocumentStore(url="sqlite:///docs.db", vector_index=MyVectors())
store.query_by_embedding(query_emb, filters={"item_id": ["B0074BW614"]}, top_k=5)
```
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hayrick.schema import Document


@dataclass
class VectorPlan:
    """What one write does to the vectors of `index`: remove `remove_ids`, add `add_vectors` under `add_ids`.

    The store makes it inside its transaction with the first free id (`next_id`), calls `replace` once
    per document it writes, and passes it to `VectorIndex.apply` just before the commit.
    """

    index: str
    next_id: int = 0
    add_ids: list[int] = field(default_factory=list)
    add_vectors: list[Any] = field(default_factory=list)
    remove_ids: list[int] = field(default_factory=list)

    def replace(self, old_vector_id: int | None, embedding: Any | None) -> int | None:
        """Plan one document: its old vector (if any) goes, its embedding (if any) gets the next id, returned."""
        if old_vector_id is not None:
            self.remove_ids.append(old_vector_id)
        if embedding is None:
            return None
        vector_id = self.next_id
        self.next_id += 1
        self.add_ids.append(vector_id)
        self.add_vectors.append(embedding)
        return vector_id


class VectorIndex(ABC):
    """The vectors of a document store, one set per document index, keyed by the store's integer vector ids.

    Every method raises `DocumentStoreError` with a message that says what to do.
    """

    #: "dot_product" or "cosine": how `search` scores (the store scales scores with it).
    similarity: str = "dot_product"

    @abstractmethod
    def check_documents(self, documents: list[Document], index: str) -> None:
        """Raise, before anything is written, where a document's embedding does not fit (dimension, untrained index)."""

    @abstractmethod
    def check_ready(self, index: str) -> None:
        """Raise where `index` cannot take vectors yet (e.g. an IVF index before training)."""

    @abstractmethod
    def as_matrix(self, embeddings: Any, what: str) -> np.ndarray:
        """`embeddings` as a float32 matrix, one row each, checked against the dimension; errors name `what`."""

    @abstractmethod
    def apply(self, plan: VectorPlan) -> None:
        """Remove `plan.remove_ids`, then add `plan.add_vectors` under `plan.add_ids` (nothing changes if it raises)."""

    @abstractmethod
    def delete(self, index: str, vector_ids: Sequence[int] | None) -> None:
        """Remove these vectors of `index`; None removes every vector of `index`."""

    @abstractmethod
    def count(self, index: str) -> int:
        """How many vectors `index` holds."""

    @abstractmethod
    def search(self, index: str, query: np.ndarray, top_k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """The `top_k` (vector id, raw similarity) pairs nearest to `query` (a row of `as_matrix`), best first.

        `allowed`: only these vector ids (all that pass the filters; never fewer results than there are).
        """

    @abstractmethod
    def reconstruct(self, index: str, vector_ids: Sequence[int]) -> np.ndarray:
        """The stored vectors with these ids, one row each (normalised where similarity is cosine)."""


__all__ = ["VectorIndex", "VectorPlan"]
