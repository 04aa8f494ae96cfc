"""Four product reviews in a BM25 store: what the sparse retrievers' tests search."""

from __future__ import annotations

from hayrick import Document
from hayrick.stores.memory import InMemoryDocumentStore

REVIEWS = [
    ("Great for reading books at night, the backlight is even.", {"item_id": "B1", "split": "train"}),
    ("The battery lasts a week of reading.", {"item_id": "B1", "split": "test"}),
    ("Bass is weak but the headphones are comfortable.", {"item_id": "B2", "split": "train"}),
    ("Sound quality is great and the bass is deep.", {"item_id": "B3", "split": "train"}),
]


def review_store() -> InMemoryDocumentStore:
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents([Document(content=c, meta=m) for c, m in REVIEWS])
    return store
