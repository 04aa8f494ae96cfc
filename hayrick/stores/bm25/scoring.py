"""The BM25 variants as small pure functions, equal to rank_bm25 0.2.2's, quirks included.

With N live documents, `df` the number holding a term, `tf` its count in a document of `dl`
tokens, `avgdl` the mean `dl` and `L = 1 - b + b * dl / avgdl` (`lnorm`), a query scores the SUM
over its tokens (a repeated token counts each time, one no document holds adds 0) of:

- BM25Okapi: `idf * tf * (k1 + 1) / (tf + k1 * L)` with `idf = log(N - df + 0.5) - log(df + 0.5)`;
  a negative idf becomes `epsilon * mean idf`, the mean over the whole live vocabulary.
- BM25L: `idf * tf * (k1 + 1) * (c + delta) / (k1 + c + delta)` with `c = tf / L` and
  `idf = log(N + 1) - log(df + 0.5)`: rank_bm25 multiplies by `tf` once more than the paper,
  so a document without the term gets 0 here.
- BM25Plus: `idf * (delta + tf * (k1 + 1) / (k1 * L + tf))` with `idf = log((N + 1) / df)`, so a
  document WITHOUT the term still gets `idf * delta` (`absent` below).

An index picks its `Variant` once (`VARIANTS[algorithm]`) and calls its functions; nothing here
keeps state. `check_parameters` validates and completes a variant's parameters.

```python
from hayrick.stores.bm25.scoring import VARIANTS

okapi = VARIANTS["BM25Okapi"]
idf = okapi.idf(df=3, n=100, floor=lambda: 0.0)
weights = okapi.weight(tf, lnorm, idf, 1.5, 0.25)  # tf, lnorm: numpy arrays over a term's postings
```
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from hayrick._checks import check_number


class Variant(NamedTuple):
    """One BM25 variant: its third parameter and the functions that score with it."""

    name: str
    #: The name of the third parameter (`epsilon` or `delta`) and its rank_bm25 default.
    extra: str
    default: float
    #: `idf(df, n, floor)`: the idf of a term held by `df` of `n` documents; `floor()` gives the
    #: corpus-wide replacement for a negative idf (only BM25Okapi calls it).
    idf: Callable[[int, int, Callable[[], float]], float]
    #: `weight(tf, lnorm, idf, k1, extra)`: the term's score in each document of its postings.
    weight: Callable[[np.ndarray, np.ndarray, float, float, float], np.ndarray]
    #: `absent(idf, extra)`: the term's score in a document that does not hold it.
    absent: Callable[[float, float], float]
    #: `floor(live_df, n, extra)`: what replaces a negative idf, from the df of every live term.
    floor: Callable[[np.ndarray, int, float], float]


def okapi_idf(df: int, n: int, floor: Callable[[], float]) -> float:
    idf = math.log(n - df + 0.5) - math.log(df + 0.5)
    return idf if idf >= 0 else floor()


def okapi_floor(live_df: np.ndarray, n: int, epsilon: float) -> float:
    """`epsilon` times the mean Okapi idf over the live vocabulary (negative idfs included)."""
    live_df = live_df.astype(np.float64)
    return epsilon * float(np.mean(np.log(n - live_df + 0.5) - np.log(live_df + 0.5)))


def okapi_weight(tf: np.ndarray, lnorm: np.ndarray, idf: float, k1: float, epsilon: float) -> np.ndarray:
    return idf * (tf * (k1 + 1) / (tf + k1 * lnorm))


def bm25l_idf(df: int, n: int, floor: Callable[[], float]) -> float:
    return math.log(n + 1) - math.log(df + 0.5)


def bm25l_weight(tf: np.ndarray, lnorm: np.ndarray, idf: float, k1: float, delta: float) -> np.ndarray:
    ctd = tf / lnorm
    return idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)


def plus_idf(df: int, n: int, floor: Callable[[], float]) -> float:
    return math.log((n + 1) / df)


def plus_weight(tf: np.ndarray, lnorm: np.ndarray, idf: float, k1: float, delta: float) -> np.ndarray:
    return idf * ((tf * (k1 + 1)) / (k1 * lnorm + tf))


def plus_absent(idf: float, delta: float) -> float:
    return idf * delta


def no_absent(idf: float, extra: float) -> float:
    return 0.0


def no_floor(live_df: np.ndarray, n: int, extra: float) -> float:
    return 0.0


VARIANTS: dict[str, Variant] = {
    "BM25Okapi": Variant("BM25Okapi", "epsilon", 0.25, okapi_idf, okapi_weight, no_absent, okapi_floor),
    "BM25L": Variant("BM25L", "delta", 0.5, bm25l_idf, bm25l_weight, no_absent, no_floor),
    "BM25Plus": Variant("BM25Plus", "delta", 1.0, plus_idf, plus_weight, plus_absent, no_floor),
}
ALGORITHMS: tuple[str, ...] = tuple(VARIANTS)


def check_parameters(
    algorithm: str, k1: float = 1.5, b: float = 0.75, epsilon: float | None = None, delta: float | None = None
) -> tuple[Variant, dict[str, float]]:
    """The variant of `algorithm` and its parameters `{"k1", "b", extra}` as floats (rank_bm25's defaults).

    Raises:
        ValueError: an unknown algorithm, a parameter out of range, or the other variant's parameter.
        TypeError: a parameter that is not a number.
    """
    variant = VARIANTS.get(algorithm)  # type: ignore[arg-type]
    if variant is None:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}.")
    given, other = (epsilon, delta) if variant.extra == "epsilon" else (delta, epsilon)
    if other is not None:
        wrong, owners = ("delta", "BM25L and BM25Plus") if variant.extra == "epsilon" else ("epsilon", "BM25Okapi")
        raise ValueError(f"{wrong} applies to {owners} only, not {algorithm}; its parameters are k1, b, {variant.extra}.")
    params = {"k1": k1, "b": b, variant.extra: variant.default if given is None else given}
    for name, value in params.items():
        check_number(value, f"parameter {name}", owner=algorithm, error=TypeError)
        if not math.isfinite(value) or value < 0 or (name == "b" and value > 1):
            bound = "in [0, 1]" if name == "b" else "a finite number >= 0"
            raise ValueError(f"{algorithm} parameter {name} must be {bound}, got {value!r}.")
    return variant, {name: float(value) for name, value in params.items()}
