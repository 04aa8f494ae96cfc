"""EqualityIndex narrows filters without changing what they select; the in-memory store keeps it current."""

from __future__ import annotations

import random

from hayrick import Document
from hayrick.stores import InMemoryDocumentStore
from hayrick.stores.filters import EqualityIndex, matches, parse_filters

VALUES = ["a", "b", "B1", 1, 2, 1.0, 0, True, False, None, "1", [], ["a", 2], ["b", None], {"x": 1}]


def _random_meta(rng: random.Random) -> dict:
    return {field: rng.choice(VALUES) for field in ("f", "g", "h") if rng.random() < 0.7}


def _scalar(rng: random.Random):
    return rng.choice(["a", "b", "B1", 1, 2, 1.0, 0, True, None, "1", "zzz"])


def _random_filter(rng: random.Random, depth: int = 0) -> dict:
    field = rng.choice(["f", "g", "h", "missing"])
    kind = rng.random()
    if depth < 2 and kind < 0.25:
        op = rng.choice(["$and", "$or", "$not"])
        return {op: [_random_filter(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if kind < 0.45:
        return {field: [_scalar(rng) for _ in range(rng.randint(1, 3))]}  # $in
    if kind < 0.65:
        return {field: _scalar(rng)}  # $eq
    op = rng.choice(["$ne", "$nin", "$gt", "$lte", "$eq", "$in"])
    if op in ("$nin", "$in"):
        return {field: {op: [_scalar(rng), _scalar(rng)]}}
    if op in ("$gt", "$lte"):
        return {field: {op: rng.choice([1, "b"])}}
    return {field: {op: _scalar(rng)}}


def test_candidates_always_hold_every_match():
    rng = random.Random(11)
    narrowed = 0
    for _ in range(400):
        metas = {f"d{i}": _random_meta(rng) for i in range(rng.randint(0, 30))}
        index = EqualityIndex(metas.items())
        tree = parse_filters(_random_filter(rng))
        expected = {doc_id for doc_id, meta in metas.items() if matches(tree, meta)}
        candidates = index.candidates(tree)
        if candidates is not None:
            narrowed += 1
            assert expected <= candidates, tree
    assert narrowed > 150  # the index had something to say in most cases
    index = EqualityIndex([("x", {"item_id": ["B1", "B2"]}), ("y", {"item_id": "B3"}), ("z", {"n": 1})])
    assert index.candidates(parse_filters({"item_id": ["B2"]})) == {"x"}
    assert index.candidates(parse_filters({"n": True})) == {"z"}  # bools count as numbers, as in matching
    assert index.candidates(parse_filters({"n": "1"})) == set()  # a number never equals a string
    assert index.candidates(parse_filters({"item_id": {"$ne": "B1"}})) is None  # nothing to narrow


def test_memory_store_filters_follow_writes_deletes_and_meta_updates():
    store = InMemoryDocumentStore()
    store.write_documents([Document("one", meta={"item_id": "A"}), Document("two", meta={"item_id": "B"})])

    def by_item(item: str) -> list[str]:
        return [d.content for d in store.get_all_documents(filters={"item_id": [item]})]

    assert by_item("A") == ["one"]
    store.write_documents([Document("three", meta={"item_id": "A"})])
    assert by_item("A") == ["one", "three"]
    one = store.get_all_documents(filters={"item_id": "A"})[0]
    one.meta["item_id"] = "B"  # a returned copy: the stored document keeps its meta
    assert by_item("A") == ["one", "three"]
    store.update_document_meta(one.id, {"item_id": "B"})
    assert by_item("A") == ["three"] and by_item("B") == ["one", "two"]  # store order kept
    store.delete_documents(filters={"item_id": "B"})
    assert by_item("B") == [] and store.get_document_count() == 1
