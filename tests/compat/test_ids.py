"""Document ids as Haystack 1.26 computes them, and moving a store written with the older SHA-256 ids over."""

from __future__ import annotations

import hashlib

from hayrick import Document
from hayrick.schema import Answer, Label, Span
from hayrick.stores import InMemoryDocumentStore


def test_a_label_exported_from_haystack_points_at_the_document_indexed_here():
    # a label dict as Haystack 1.26 writes it (its document id is Haystack's own)
    exported = {
        "id": "fbd9b7a0-4c7e-4c61-9a1b-7d1c2c5c7d11",
        "query": "what is in the text?",
        "document": {"content": "some text", "content_type": "text", "id": "c216d056ab381f2f730e4b3639f4dbc5"},
        "is_correct_answer": True,
        "is_correct_document": True,
        "origin": "gold-label",
        "answer": {"answer": "some", "offsets_in_document": [{"start": 0, "end": 4}]},
    }
    label = Label.from_dict(exported)
    store = InMemoryDocumentStore()
    store.write_documents([{"content": "some text"}])
    assert store.get_document_by_id(label.document.id) is not None
    assert label.id == exported["id"]  # a given label id is kept


def test_moving_a_store_with_sha256_ids_over():
    texts = ["Great for reading books.", "The battery lasts a week."]
    store = InMemoryDocumentStore()
    old_ids = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    store.write_documents([Document(content=t, id=i, meta={"n": n}) for n, (t, i) in enumerate(zip(texts, old_ids))])
    store.write_labels([
        Label(query="battery?", document=store.get_document_by_id(old_ids[1]), is_correct_answer=True,
              is_correct_document=True, origin="gold-label", answer=Answer("a week", offsets_in_document=[Span(18, 24)]))
    ])
    # the recipe of docs/haystack1.md
    old = store.get_all_documents(return_embedding=True)
    store.delete_documents()
    store.write_documents([
        Document(content=d.content, content_type=d.content_type, meta=d.meta, embedding=d.embedding,
                 id_hash_keys=None if d.id_hash_keys == ["content"] else d.id_hash_keys)
        for d in old
    ])
    labels = store.get_all_labels()
    store.delete_labels()
    store.write_labels([
        label.model_copy(update={"document": Document(content=label.document.content, meta=label.document.meta)})
        for label in labels
    ])
    assert sorted(d.id for d in store.get_all_documents()) == sorted(Document(t).id for t in texts)
    assert [d.meta["n"] for d in store.get_all_documents()] == [0, 1]
    (label,) = store.get_all_labels()
    assert label.document.id == Document(texts[1]).id and store.get_document_by_id(label.document.id) is not None
