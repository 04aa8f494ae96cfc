"""Top-k selection without a full sort, with a stable tie-break.

```python
import numpy as np
from hayrick.stores.bm25.selection import top_k_positions

scores = np.array([0.2, 0.9, 0.5, 0.9])
top_k_positions(scores, 2)                               # array([1, 3]): ties go to the lower position
top_k_positions(scores, 2, order_by=np.array([9, 8, 7, 6]))  # array([3, 1]): ties go to the lower key
```

`np.partition` finds the k-th best score in linear time; only the scores at least as good are
sorted (a handful, unless many scores tie the k-th). NaN scores count as -inf.
"""

from __future__ import annotations

import numpy as np

_EMPTY = np.empty(0, dtype=np.int64)


def kth_largest(scores: np.ndarray, k: int) -> float:
    """The `k`-th highest of `scores` (1 <= k <= len(scores))."""
    return float(np.partition(scores, len(scores) - k)[len(scores) - k])


def top_k_positions(
    scores: np.ndarray, k: int, order_by: np.ndarray | None = None, *, no_nan: bool = False
) -> np.ndarray:
    """Positions of the `k` highest `scores`, best first.

    Equal scores are ordered by `order_by` (one distinct sort key per position, e.g. document
    slots), lowest first; by position when it is None. Every score that ties the k-th best is
    considered, so the result does not depend on how `np.partition` breaks ties. `no_nan=True`
    skips the NaN pass for callers whose scores cannot be NaN (BM25).
    """
    n = len(scores)
    k = min(k, n)
    if k <= 0:
        return _EMPTY
    if not no_nan and scores.dtype.kind == "f" and np.isnan(scores).any():  # np.partition would rank NaN first
        scores = np.where(np.isnan(scores), -np.inf, scores)
    candidates = np.flatnonzero(scores >= kth_largest(scores, k)) if k < n else np.arange(n)
    keys = candidates if order_by is None else order_by[candidates]
    return candidates[np.lexsort((keys, -scores[candidates]))[:k]]
