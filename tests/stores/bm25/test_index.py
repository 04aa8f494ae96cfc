"""BM25Index against rank_bm25 0.2.2 on real SQuAD text, after writes and deletes, under threads, and through its state."""

from __future__ import annotations

import json
import random
import threading

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hayrick.stores.bm25 import ALGORITHMS, BM25Index
from tests.stores.bm25.helpers import RTOL, assert_same_scores, reference


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_scores_equal_rank_bm25_on_squad(squad, algorithm):
    docs, queries = squad
    index = BM25Index(algorithm)
    index.add_many(range(len(docs)), docs)
    assert len(index) == len(docs)
    ref = reference(algorithm, docs)
    assert_same_scores(index, list(range(len(docs))), ref, queries)
    for query in queries[:20]:
        expected = ref.get_scores(query)
        top = index.top_k(query, 10, include_non_matching=True)
        best = np.sort(expected)[::-1][:10]
        np.testing.assert_allclose([s for _, s in top], best, rtol=RTOL, atol=0)
        np.testing.assert_allclose([expected[key] for key, _ in top], best, rtol=RTOL, atol=0)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_interleaved_writes_and_deletes_match_a_fresh_rank_bm25(squad, algorithm):
    docs, queries = squad
    rng = random.Random(7)
    index, expected = BM25Index(algorithm), {}

    def add(key, tokens):
        index.add(key, tokens)
        expected.pop(key, None)  # re-adding moves the key to the end
        expected[key] = tokens

    def check():
        assert len(index) == len(expected)
        assert_same_scores(index, list(expected), reference(algorithm, list(expected.values())), queries[:15])

    index.add_many(range(400), docs[:400])
    expected.update(zip(range(400), docs[:400]))
    check()
    for key in rng.sample(range(400), 40):  # a few deletes: postings are cleaned lazily, no compaction yet
        assert index.remove(key)
        del expected[key]
    assert not index.remove(-1)
    check()
    for key in rng.sample(list(expected), 60):  # re-adds with other text
        add(key, docs[400 + key])
    for key in range(1000, 1100):  # new keys, one at a time
        add(key, docs[key])
    check()
    gone = rng.sample(list(expected), 250)  # enough to trigger a compaction
    assert index.remove_many(gone + [-5]) == 250
    for key in gone:
        del expected[key]
    check()
    for key in gone[:30]:  # removed keys come back
        add(key, docs[1500 + key % 400])
    add("empty", [])  # an empty document counts in N and avgdl
    check()


@settings(max_examples=80, deadline=None)
@given(
    algorithm=st.sampled_from(ALGORITHMS),
    ops=st.lists(
        st.tuples(st.booleans(), st.integers(0, 7), st.lists(st.sampled_from("abcdef"), max_size=6)), max_size=30
    ),
    query=st.lists(st.sampled_from("abcdefg"), max_size=4),
)
def test_random_writes_and_deletes_match_rank_bm25(algorithm, ops, query):
    """Tiny vocabularies reach the corner cases: negative and zero idf, empty documents, df back to 0."""
    index, expected = BM25Index(algorithm), {}
    for is_add, key, tokens in ops:
        if is_add:
            index.add(key, tokens)
            expected.pop(key, None)
            expected[key] = tokens
        else:
            assert index.remove(key) == (expected.pop(key, None) is not None)
    assume(any(expected.values()))  # rank_bm25 divides by zero on an empty corpus or avgdl = 0
    got = index.scores(query)
    assert list(got) == list(expected)
    ref = reference(algorithm, list(expected.values())).get_scores(query)
    np.testing.assert_allclose(list(got.values()), ref, rtol=RTOL, atol=1e-12)


def test_add_many_with_a_repeated_key_keeps_the_last_tokens():
    index = BM25Index()
    index.add_many(["a", "b", "a"], [["old"], ["x", "y"], ["new", "words"]])
    assert index.keys() == ["b", "a"] and len(index) == 2
    assert index.top_k(["old"], 5) == []
    assert [key for key, _ in index.top_k(["new"], 5)] == ["a"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_candidates_restrict_results(squad, algorithm):
    docs, queries = squad
    index = BM25Index(algorithm)
    index.add_many(range(500), docs[:500])
    ref = reference(algorithm, docs[:500])
    allowed = set(range(0, 500, 7))
    for query in queries[:10]:
        scores = ref.get_scores(query)
        matching = [key for key in sorted(allowed) if set(query) & set(docs[key])]
        expected = sorted(matching, key=lambda key: -scores[key])[:10]
        top = index.top_k(query, 10, candidates=list(allowed) + ["not-a-key"])
        assert {key for key, _ in top} <= allowed
        np.testing.assert_allclose([s for _, s in top], [scores[key] for key in expected], rtol=RTOL)
    assert index.top_k(queries[0], 10, candidates=[]) == []
    filled = index.top_k(["zzzunknownzzz"], 3, candidates=[9, 8, 400], include_non_matching=True)
    assert [key for key, _ in filled] == [8, 9, 400]


def test_require_all_terms_and_unknown_terms(squad):
    docs, _ = squad
    index = BM25Index()
    index.add_many(range(500), docs[:500])
    top = index.top_k(["river", "city"], 50, require_all_terms=True)
    assert top and all({"river", "city"} <= set(docs[key]) for key, _ in top)
    assert len(top) == sum({"river", "city"} <= set(doc) for doc in docs[:500]) or len(top) == 50
    assert index.top_k(["river", "zzzunknownzzz"], 5, require_all_terms=True) == []
    assert index.top_k(["zzzunknownzzz"], 5) == []
    assert set(index.scores(["zzzunknownzzz"]).values()) == {0.0}
    assert index.top_k([], 5) == [] and index.top_k(["river"], 0) == []


def test_empty_index():
    index = BM25Index("BM25Plus")
    assert len(index) == 0 and "a" not in index
    assert index.scores(["x"]) == {} and index.top_k(["x"], 5, include_non_matching=True) == []
    assert not index.remove("a") and index.remove_many(["a", "b"]) == 0
    index.add("a", ["x"])
    index.remove("a")
    assert len(index) == 0 and index.top_k(["x"], 5) == [] and index.scores(["x"]) == {}
    assert len(BM25Index.from_state(index.to_state())) == 0


def test_invalid_calls():
    index = BM25Index()
    with pytest.raises(TypeError, match="tokenize"):
        index.add("a", "a plain string")
    with pytest.raises(TypeError, match="tokenize"):
        index.top_k("a plain string", 3)
    with pytest.raises(ValueError, match="2 keys but 1 token lists"):
        index.add_many(["a", "b"], [["x"]])
    with pytest.raises(ValueError, match="k must be an integer"):
        index.top_k(["x"], -1)
    with pytest.raises(KeyError, match="nope"):
        index.scores(["x"], keys=["nope"])


def test_threads_lose_nothing(squad):
    docs, queries = squad
    index, errors = BM25Index("BM25Plus"), []
    final: dict[int, dict] = {w: {} for w in range(4)}
    stop = threading.Event()

    def writer(w: int) -> None:
        try:
            rng, mine = random.Random(w), final[w]
            for i in range(150):
                key = w * 1000 + i
                index.add(key, docs[key % 2000])
                mine[key] = docs[key % 2000]
                if i % 2 == 1:  # re-add an earlier key with other text, or remove one (compacts)
                    old = rng.choice(list(mine))
                    if i % 4 == 1:
                        index.add(old, docs[(old + 777) % 2000])
                        mine[old] = docs[(old + 777) % 2000]
                    else:
                        assert index.remove(old)
                        del mine[old]
        except Exception as exc:  # noqa: BLE001 - collected and re-raised in the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                for query in queries[:5]:
                    top = index.top_k(query, 10)
                    assert all(isinstance(score, float) for _, score in top)
                    index.scores(query)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert not errors, errors
    survivors = {key: tokens for mine in final.values() for key, tokens in mine.items()}
    assert len(index) == len(survivors) and all(key in index for key in survivors)
    fresh = BM25Index("BM25Plus")
    fresh.add_many(list(survivors), list(survivors.values()))
    for query in queries[:10]:
        got, want = index.scores(query), fresh.scores(query)
        assert got.keys() == want.keys()
        np.testing.assert_allclose([got[k] for k in want], list(want.values()), rtol=1e-12)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_state_round_trip_through_json(squad, algorithm):
    docs, queries = squad
    index = BM25Index(algorithm, k1=1.2, b=0.7)
    index.add_many([f"d{i}" for i in range(300)], docs[:300])
    index.remove_many([f"d{i}" for i in range(0, 300, 3)])
    state = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in index.to_state().items()}
    loaded = BM25Index.from_state(json.loads(json.dumps(state)))
    assert loaded.params == index.params and loaded.algorithm == algorithm
    assert loaded.keys() == index.keys()
    for query in queries[:10]:
        assert loaded.scores(query) == pytest.approx(index.scores(query), rel=1e-12)
        assert [k for k, _ in loaded.top_k(query, 10)] == [k for k, _ in index.top_k(query, 10)]
    loaded.add("d1", docs[500])
    index.add("d1", docs[500])
    assert loaded.scores(queries[0]) == pytest.approx(index.scores(queries[0]), rel=1e-12)


def test_from_state_rejects_bad_states():
    state = BM25Index().to_state()
    with pytest.raises(ValueError, match="to_state"):
        BM25Index.from_state({"keys": []})
    with pytest.raises(ValueError, match="Inconsistent"):
        BM25Index.from_state({**state, "keys": ["a"]})
