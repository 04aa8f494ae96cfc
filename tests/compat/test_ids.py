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
              is_correct_document=True, origin="gold-label", answer=Answer("a week", offsets_in_document=[Span(18, 24)], document_ids=[old_ids[1]]))
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
    moved = []
    for label in labels:
        doc = Document(content=label.document.content, content_type=label.document.content_type, meta=label.document.meta)
        answer = label.answer
        if answer is not None and answer.document_ids:
            answer = answer.model_copy(update={"document_ids": [doc.id]})
        moved.append(label.model_copy(update={"document": doc, "answer": answer}))
    store.write_labels(moved)
    assert sorted(d.id for d in store.get_all_documents()) == sorted(Document(t).id for t in texts)
    assert [d.meta["n"] for d in store.get_all_documents()] == [0, 1]
    (label,) = store.get_all_labels()
    assert label.document.id == Document(texts[1]).id and store.get_document_by_id(label.document.id) is not None
    assert label.answer.document_ids == [Document(texts[1]).id]


def test_tables_pandas_would_print_cut_short_get_ids_from_all_their_cells():
    import pandas as pd

    long = pd.DataFrame({"x": range(100)})
    changed = long.copy()
    changed.loc[50, "x"] = -1  # a row pandas hides when it prints the table
    assert Document(long, content_type="table").id != Document(changed, content_type="table").id
    wide = pd.DataFrame([list(range(30))], columns=[f"c{i}" for i in range(30)])
    other = wide.copy()
    other["c15"] = -1
    assert Document(wide, content_type="table").id != Document(other, content_type="table").id
    with pd.option_context("display.max_columns", 3, "display.width", 20):  # ids do not follow display options
        assert Document([["col1", "col2"], ["text_1", 1], ["text_2", 2]], content_type="table").id == (
            "fe5cb68f8226776914781f6bd40ad718"
        )
