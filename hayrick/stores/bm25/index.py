"""`BM25Index`: BM25 on a sparse inverted index, the kernel behind the stores' `query`.

`BM25Index` maps keys (the store's document ids) to token lists (`tokenize(text)`), takes
`add`/`remove` at any time without a rebuild, and answers `top_k(tokens, k, candidates=...)`
where a filter arrives as the set of keys it allows. See the class for an example.

Scores equal rank_bm25 0.2.2's (`BM25Okapi`, `BM25L`, `BM25Plus`) for the same token lists,
quirks included: the formulas are in `scoring.py`, one function per variant, picked once at
init. Top-k selection is `selection.top_k_positions`.

Data layout (numpy arrays, float64 scores). Documents live in slots numbered in insertion
order; re-adding a key removes it and adds it again at the end. Per slot: `_len` (tokens),
`_alive`, `_keys`, and its distinct term ids and counts as a range `_start`/`_count` of the flat
arrays `_dt`/`_dtf` (what a delete must undo). Per term id (`_tid` maps a token to it): `_df`,
and its postings `_ps`/`_pf` (slots ascending, tfs); a later write adds a chunk to `_tail`,
merged in on the term's next query. A delete clears `_alive`, lowers `_df` and bumps `_epoch`;
a term drops dead slots from its postings when it is next queried, and the index compacts
(live slots renumbered in order, unused terms dropped) once a third of the slots are dead.
N, avgdl and each idf come from the live counts at query time; `L` per slot and Okapi's mean
idf are cached until the next write. A query reads only its terms' postings: it scatters their
contributions into a score buffer and selects the best k among the documents holding a query
term with `np.partition` (no full sort); ties go to the earlier slot.

Persistence without pickle: `to_state()` gives a dict of plain values and numpy arrays
(`.tolist()` them for JSON): parameters, keys in order, vocabulary, each document's term counts;
`BM25Index.from_state(state)` rebuilds the index without re-tokenising (keys and tokens must be
JSON values for a JSON file). One `threading.RLock` guards every method: concurrent readers and
writers see consistent states and lose no write.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np

from hayrick._checks import is_int
from hayrick.stores.bm25.scoring import check_parameters
from hayrick.stores.bm25.selection import kth_largest, top_k_positions

_MAX_CHUNKS = 8
_STATE_FORMAT = "hayrick.bm25/1"


def _check_tokens(tokens: Any, what: str) -> None:
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"{what} must be a list of tokens, got a string {tokens!r:.60}; pass tokenize(text) instead.")


class BM25Index:
    """A BM25 index over keyed token lists, updated in place by `add`/`remove`.

    Args:
        algorithm: one of `ALGORITHMS` ("BM25Okapi", "BM25L", "BM25Plus").
        k1: term-frequency saturation, >= 0 (default 1.5).
        b: length normalisation, in [0, 1] (default 0.75).
        epsilon: BM25Okapi only, floor for negative idf as a fraction of the mean idf (default 0.25).
        delta: BM25L (default 0.5) and BM25Plus (default 1.0) only, >= 0.

    Example:
        >>> from hayrick.stores.bm25 import tokenize
        >>> index = BM25Index("BM25Okapi")  # or "BM25L", "BM25Plus"
        >>> texts = {"d1": "Great for reading.", "d2": "Loud bass.", "d3": "Bass, treble"}
        >>> index.add_many(texts, [tokenize(text) for text in texts.values()])
        >>> index.top_k(tokenize("reading"), 5)
        [('d1', 0.45263029953948547)]
        >>> index.top_k(tokenize("bass"), 5, candidates={"d1", "d2"})  # a filter: the keys it allows
        [('d2', 0.09098675232473118)]
        >>> index.remove("d2"); index.add("d1", tokenize("A new text"))  # in place, no rebuild
        True
    """

    def __init__(
        self, algorithm: str = "BM25Okapi", k1: float = 1.5, b: float = 0.75,
        epsilon: float | None = None, delta: float | None = None,
    ) -> None:
        self._variant, params = check_parameters(algorithm, k1, b, epsilon, delta)
        self.algorithm, self.k1, self.b = algorithm, params["k1"], params["b"]
        self.epsilon: float | None = params.get("epsilon")
        self.delta: float | None = params.get("delta")
        self._extra = params[self._variant.extra]
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self._slot: dict[Hashable, int] = {}
        self._keys: list[Hashable | None] = []
        self._len, self._alive = np.zeros(16, np.float64), np.zeros(16, bool)
        self._start, self._count = np.zeros(16, np.int64), np.zeros(16, np.int64)
        self._dt, self._dtf, self._used = np.zeros(16, np.int64), np.zeros(16, np.float64), 0
        self._tid: dict[Hashable, int] = {}
        self._df = np.zeros(16, np.int64)
        self._ps: list[np.ndarray | None] = []  # per term: slots
        self._pf: list[np.ndarray | None] = []  # per term: tfs
        self._tail: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._pe: list[int] = []  # per term: the epoch when its postings were last cleaned
        self._n_slots = self._n_alive = self._total_len = self._epoch = 0
        self._invalidate()

    def _invalidate(self) -> None:  # drops what depends on the whole corpus
        self._lnorm: np.ndarray | None = None
        self._floor: float | None = None

    @property
    def params(self) -> dict[str, float]:
        """The scoring parameters: k1, b and epsilon (Okapi) or delta (BM25L, BM25Plus)."""
        return {"k1": self.k1, "b": self.b, self._variant.extra: self._extra}

    def __len__(self) -> int:
        return self._n_alive

    def __contains__(self, key: object) -> bool:
        return key in self._slot

    def keys(self) -> list[Hashable]:
        """The indexed keys in insertion order (the tie-break order of `top_k`)."""
        with self._lock:
            return list(self._slot)

    # ------------------------------------------------------------------ writes
    def add(self, key: Hashable, tokens: Iterable[Hashable]) -> None:
        """Indexes `tokens` under `key`, replacing what `key` held before (it then moves to the end)."""
        self.add_many([key], [tokens])

    def add_many(self, keys: Iterable[Hashable], token_lists: Iterable[Iterable[Hashable]]) -> None:
        """Indexes each token list under its key; a key given twice keeps its last token list."""
        keys, token_lists = list(keys), list(token_lists)
        if len(keys) != len(token_lists):
            raise ValueError(f"add_many got {len(keys)} keys but {len(token_lists)} token lists; give one per key.")
        batch: dict[Hashable, Sequence[Hashable]] = {}
        for key, tokens in zip(keys, token_lists):
            _check_tokens(tokens, f"The tokens of key {key!r}")
            batch.pop(key, None)
            batch[key] = tokens if isinstance(tokens, (list, tuple)) else list(tokens)
        docs = list(batch.values())
        lens = np.fromiter(map(len, docs), np.int64, len(docs))
        words = dict.fromkeys(chain.from_iterable(docs))  # also checks that tokens are hashable
        with self._lock:
            tid = self._tid
            new = [word for word in words if word not in tid]
            tid.update(zip(new, range(len(tid), len(tid) + len(new))))
            ids = np.fromiter(map(tid.__getitem__, chain.from_iterable(docs)), np.int64, int(lens.sum()))
            pairs, tf = np.unique(np.repeat(np.arange(len(docs)), lens) * len(tid) + ids, return_counts=True)
            nuniq = np.bincount(pairs // len(tid), minlength=len(docs))
            t, f = pairs % len(tid), tf.astype(np.float64)
            for key in batch:
                if key in self._slot:
                    self._kill(self._slot.pop(key))
            self._append(list(batch), t, f, nuniq)
            self._maybe_compact()

    def _append(self, keys: list[Hashable], t: np.ndarray, f: np.ndarray, nuniq: np.ndarray) -> None:
        """Adds documents in new slots: `t`/`f` hold their distinct term ids/counts, `nuniq[i]` of them for doc i."""
        n, first, vocab, used = len(keys), self._n_slots, len(self._tid), self._used
        self._len, self._alive = _grow(self._len, first + n), _grow(self._alive, first + n)
        self._start, self._count = _grow(self._start, first + n), _grow(self._count, first + n)
        self._dt, self._dtf = _grow(self._dt, used + len(t)), _grow(self._dtf, used + len(t))
        self._df, grown = _grow(self._df, vocab), vocab - len(self._ps)
        self._ps.extend([None] * grown)
        self._pf.extend([None] * grown)
        self._pe.extend([self._epoch] * grown)
        lens = np.bincount(np.repeat(np.arange(n), nuniq), weights=f, minlength=n)
        self._len[first : first + n], self._alive[first : first + n] = lens, True
        self._start[first : first + n], self._count[first : first + n] = used + np.cumsum(nuniq) - nuniq, nuniq
        self._dt[used : used + len(t)], self._dtf[used : used + len(t)] = t, f
        self._used += len(t)
        self._slot.update(zip(keys, range(first, first + n)))
        self._keys.extend(keys)
        np.add.at(self._df, t, 1)
        self._n_slots, self._n_alive, self._total_len = first + n, self._n_alive + n, self._total_len + int(lens.sum())
        self._invalidate()
        slots = np.repeat(np.arange(first, first + n, dtype=np.int64), nuniq)
        order = np.argsort(t, kind="stable")  # keeps slots ascending within each term
        t, slots, f = t[order], slots[order], f[order]
        starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]]) if len(t) else np.zeros(0, np.int64)
        ps, pf, tail = self._ps, self._pf, self._tail
        for term, a, e in zip(t[starts].tolist(), starts.tolist(), np.r_[starts[1:], len(t)].tolist()):
            if ps[term] is None:  # plain views, no Python containers: bulk loads stay clear of the GC
                ps[term], pf[term] = slots[a:e], f[a:e]
            else:
                tail.setdefault(term, []).append((slots[a:e], f[a:e]))
                if len(tail[term]) >= _MAX_CHUNKS:
                    self._merge(term)

    def remove(self, key: Hashable) -> bool:
        """Removes `key`; returns whether it was indexed (a missing key is not an error)."""
        return self.remove_many([key]) == 1

    def remove_many(self, keys: Iterable[Hashable]) -> int:
        """Removes every key given that is indexed; returns how many were removed."""
        with self._lock:
            slots = [slot for slot in map(self._slot.pop, keys, repeat(None)) if slot is not None]
            for slot in slots:
                self._kill(slot)
            self._maybe_compact()
            return len(slots)

    def _kill(self, slot: int) -> None:
        self._df[self._dt[self._start[slot] : self._start[slot] + self._count[slot]]] -= 1  # distinct ids
        self._alive[slot], self._keys[slot] = False, None
        self._total_len, self._n_alive = self._total_len - int(self._len[slot]), self._n_alive - 1
        self._epoch += 1
        self._invalidate()

    def _maybe_compact(self) -> None:
        """Once a third of the slots are dead: renumbers the live ones in order, drops unused terms."""
        dead = self._n_slots - self._n_alive
        if dead <= 64 or 3 * dead <= self._n_slots:
            return
        keys, t, f, nuniq = self._documents()
        live = np.flatnonzero(self._df[: len(self._tid)] > 0)
        remap = np.full(len(self._tid), -1, np.int64)
        remap[live] = np.arange(len(live))
        terms = list(self._tid)
        self._reset()
        self._tid.update((terms[i], j) for j, i in enumerate(live.tolist()))
        self._append(keys, remap[t], f, nuniq)

    def _documents(self) -> tuple[list[Hashable], np.ndarray, np.ndarray, np.ndarray]:
        """The live documents in order: keys, concatenated term ids and counts, distinct terms per doc."""
        live = np.flatnonzero(self._alive[: self._n_slots])
        nuniq = self._count[live]
        at = np.repeat(self._start[live] - (np.cumsum(nuniq) - nuniq), nuniq) + np.arange(int(nuniq.sum()))
        return [self._keys[s] for s in live.tolist()], self._dt[at], self._dtf[at], nuniq

    # ----------------------------------------------------------------- scoring
    def _postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """The live (slots, tfs) of a term, merged into one chunk and cleaned of dead slots."""
        self._merge(term)
        slots, tf = self._ps[term], self._pf[term]
        assert slots is not None and tf is not None  # a term with df > 0 has postings
        if self._pe[term] != self._epoch:
            keep = self._alive[slots]
            if not keep.all():
                slots, tf = self._ps[term], self._pf[term] = slots[keep], tf[keep]
            self._pe[term] = self._epoch
        return slots, tf

    def _merge(self, term: int) -> None:  # folds the chunks written since into the term's postings
        chunks = self._tail.pop(term, None)
        if chunks:
            self._ps[term] = np.concatenate([self._ps[term], *(c[0] for c in chunks)])
            self._pf[term] = np.concatenate([self._pf[term], *(c[1] for c in chunks)])

    def _idf_floor(self) -> float:  # the variant's replacement for a negative idf, cached until a write
        if self._floor is None:
            df = self._df[: len(self._tid)]
            self._floor = self._variant.floor(df[df > 0], self._n_alive, self._extra)
        return self._floor

    def _accumulate(self, query_tokens: Iterable[Hashable]) -> tuple[np.ndarray, list[np.ndarray], float]:
        """(buffer, slots of each distinct known term, base): a slot's score is `base + buffer[slot]`."""
        buf = np.zeros(self._n_slots, np.float64)
        done: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
        base, k1, b, extra, n = 0.0, self.k1, self.b, self._extra, self._n_alive
        idf_of, weight, absent = self._variant.idf, self._variant.weight, self._variant.absent
        for tok in query_tokens:
            term = self._tid.get(tok)
            if term is None or self._df[term] <= 0:
                continue
            if term not in done:
                if self._lnorm is None:
                    self._lnorm = 1.0 - b + b * self._len[: self._n_slots] / (self._total_len / n)
                slots, tf = self._postings(term)
                idf = idf_of(int(self._df[term]), n, self._idf_floor)
                done[term] = (slots, weight(tf, self._lnorm[slots], idf, k1, extra), absent(idf, extra))
            slots, part, constant = done[term]
            buf[slots] += part  # slots are distinct within a term
            base += constant
        return buf, [slots for slots, _, _ in done.values()], base

    def scores(self, query_tokens: Iterable[Hashable], keys: Iterable[Hashable] | None = None) -> dict[Hashable, float]:
        """The score of every indexed key (or of `keys`), in insertion order, as rank_bm25's `get_scores`.

        Raises:
            KeyError: a key in `keys` is not indexed.
        """
        _check_tokens(query_tokens, "query_tokens")
        with self._lock:
            if keys is None:
                slots = np.flatnonzero(self._alive[: self._n_slots])
            else:
                keys = list(keys)
                slots = np.fromiter(map(self._slot.get, keys, repeat(-1)), np.int64, len(keys))
                if (slots < 0).any():
                    missing = [k for k in keys if k not in self._slot][:5]
                    raise KeyError(f"Keys not in the index: {missing!r}; score only keys that were added.")
            if not len(slots):
                return {}
            buf, _, base = self._accumulate(query_tokens)
            return dict(zip([self._keys[s] for s in slots.tolist()], (base + buf[slots]).tolist()))

    def top_k(
        self, query_tokens: Iterable[Hashable], k: int, candidates: Iterable[Hashable] | None = None,
        require_all_terms: bool = False, include_non_matching: bool = False,
    ) -> list[tuple[Hashable, float]]:
        """The `k` best (key, score) pairs, best first; equal scores keep insertion order.

        Args:
            query_tokens: the query's tokens (`tokenize(query)`); repeated tokens count each time.
            k: how many results at most, >= 0.
            candidates: if given, only these keys can be returned (unknown keys are ignored);
                this is how filters apply. Scores stay those of the whole index.
            require_all_terms: only documents holding every query term (an empty query matches nothing).
            include_non_matching: also rank documents without any query term (score 0, or BM25Plus's
                constant) to fill up `k`, as sorting rank_bm25's `get_scores` would.
        """
        if not is_int(k, minimum=0):
            raise ValueError(f"k must be an integer >= 0, got {k!r}.")
        _check_tokens(query_tokens, "query_tokens")
        query_tokens = list(query_tokens)
        with self._lock:
            if k == 0 or self._n_alive == 0:
                return []
            buf, term_slots, base = self._accumulate(query_tokens)
            hits = np.zeros(self._n_slots, np.int32)
            for slots in term_slots:
                hits[slots] += 1
            n_terms = len(set(query_tokens)) if require_all_terms else 0  # each must be a known term
            matched = (hits == n_terms) & (n_terms == len(term_slots) > 0) if require_all_terms else hits > 0
            allowed = None
            if candidates is not None:
                wanted = np.fromiter(map(self._slot.get, candidates, repeat(-1)), np.int64)
                allowed = np.zeros(self._n_slots, bool)
                allowed[wanted[wanted >= 0]] = True
                matched &= allowed
            pool = np.flatnonzero(matched)
            vals = base + buf[pool]
            if include_non_matching and not require_all_terms and (len(pool) < k or kth_largest(vals, k) <= base):
                # documents without a query term all score `base`: the first k of them may rank
                rest = self._alive[: self._n_slots] & (hits == 0) & (True if allowed is None else allowed)
                filler = np.flatnonzero(rest)[:k]
                pool, vals = np.r_[pool, filler], np.r_[vals, np.full(len(filler), base)]
            best = top_k_positions(vals, k, order_by=pool, no_nan=True)  # ties: the earlier slot first
            return [(self._keys[s], v) for s, v in zip(pool[best].tolist(), vals[best].tolist())]

    # ------------------------------------------------------------- persistence
    def to_state(self) -> dict[str, Any]:
        """The index as plain values and numpy arrays (no pickle); see `from_state`."""
        with self._lock:
            keys, t, f, nuniq = self._documents()
            return {"format": _STATE_FORMAT, "algorithm": self.algorithm, "params": self.params, "keys": keys,
                    "terms": list(self._tid), "doc_term_counts": nuniq, "term_ids": t, "term_freqs": f.astype(np.int64)}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> BM25Index:
        """Rebuilds an index from `to_state()`'s dict (its arrays may be lists, e.g. after JSON)."""
        if not isinstance(state, Mapping) or state.get("format") != _STATE_FORMAT:
            raise ValueError(f"Not a BM25Index state: expected a dict with format {_STATE_FORMAT!r} from to_state().")
        index = cls(state["algorithm"], **state["params"])
        keys, terms = list(state["keys"]), list(state["terms"])
        nuniq = np.asarray(state["doc_term_counts"], np.int64)
        t, f = np.asarray(state["term_ids"], np.int64), np.asarray(state["term_freqs"], np.float64)
        if (len(nuniq) != len(keys) or len(t) != len(f) or len(t) != int(nuniq.sum()) or len(set(keys)) != len(keys)
                or len(set(terms)) != len(terms) or (len(t) and (t.min() < 0 or t.max() >= len(terms) or f.min() < 1))):
            raise ValueError("Inconsistent BM25Index state: its keys, terms, doc_term_counts, term_ids and "
                             "term_freqs disagree; pass the dict that to_state() returned.")
        index._tid.update((term, i) for i, term in enumerate(terms))
        index._append(keys, t, f, nuniq)
        return index


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    """`array` with room for at least `size` items (capacity doubles, new items are zero)."""
    if size <= len(array):
        return array
    grown = np.zeros(max(size, 2 * len(array)), array.dtype)
    grown[: len(array)] = array
    return grown
