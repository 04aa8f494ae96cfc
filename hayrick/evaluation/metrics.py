"""Evaluation metrics as pure functions: SQuAD answer metrics and ranking metrics for documents.

```python
>>> exact_match("6000 hours", "about 6000 hours")
0.0
>>> round(f1_score("6000 hours", "about 6000 hours"), 2)
0.8
```

Normalisation (`normalize_answer`): lower case, punctuation removed, the articles
"a", "an", "the" removed, whitespace collapsed. SQuAD 2.0's rule for empty gold answers:
an empty gold answer (no answer) scores 1 only against an empty prediction, in both EM
and F1. With several gold answers a prediction gets the best score over them.

Document metrics of one query take the relevance of each retrieved document, best first:
`recall_single_hit`, `recall_multi_hit`, `precision`, `reciprocal_rank` (MRR when averaged),
`average_precision` (mAP when averaged) and `ndcg`; `document_metrics` returns them all.

```python
>>> reciprocal_rank([False, True, False])
0.5
```
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces (the official SQuAD normalisation)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 if the normalised prediction equals the normalised gold answer, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1_score(prediction: str, gold: str) -> float:
    """Token-overlap F1 between the normalised prediction and gold answer."""
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    if not pred_tokens or not gold_tokens:  # SQuAD 2.0: no-answer matches only no-answer
        return float(pred_tokens == gold_tokens)
    common = Counter(pred_tokens) & Counter(gold_tokens)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_tokens)
    recall = overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def max_over_gold(metric, prediction: str, golds: Iterable[str]) -> float:
    """The best `metric(prediction, gold)` over several gold answers (0.0 when there are none)."""
    return max((metric(prediction, gold) for gold in golds), default=0.0)


def squad_em_f1(predictions: Iterable[str], golds: Iterable[Iterable[str]]) -> tuple[float, float]:
    """Mean EM and F1 (as fractions in [0, 1]) of predictions against their gold answer lists."""
    em = f1 = 0.0
    n = 0
    for prediction, gold in zip(predictions, golds, strict=True):
        gold = list(gold) or [""]
        em += max_over_gold(exact_match, prediction, gold)
        f1 += max_over_gold(f1_score, prediction, gold)
        n += 1
    return (em / n, f1 / n) if n else (0.0, 0.0)


# ----------------------------------------------------------------------------------------------
# Document (retrieval) metrics for one query.
#
# `relevant[i]` says whether the document at rank i + 1 is relevant. `num_relevant` is how many
# relevant documents exist (retrieved or not); it defaults to the number retrieved. With no
# relevant documents at all (num_relevant == 0, e.g. a no-answer question) every metric is 1.0,
# as in Haystack 1.x: there was nothing to find. With nothing retrieved (and something to find)
# every metric is 0.0.
# ----------------------------------------------------------------------------------------------


def _check_num_relevant(relevant: Sequence[bool], num_relevant: int | None) -> int:
    found = sum(1 for r in relevant if r)
    if num_relevant is None:
        return found
    if num_relevant < found:
        raise ValueError(f"num_relevant={num_relevant} is smaller than the {found} relevant documents retrieved.")
    return num_relevant


def recall_single_hit(relevant: Sequence[bool], num_relevant: int | None = None) -> float:
    """1.0 if any retrieved document is relevant, else 0.0 (the book's "recall@k").

    >>> recall_single_hit([False, True, False])
    1.0
    """
    if num_relevant == 0:
        return 1.0
    return float(any(relevant))


def recall_multi_hit(matched_gold: int, num_gold: int) -> float:
    """The share of the gold items (labels) that some retrieved document matches.

    >>> recall_multi_hit(1, 2)
    0.5
    """
    if matched_gold < 0 or matched_gold > num_gold:
        raise ValueError(f"matched_gold must be in [0, num_gold={num_gold}], got {matched_gold}.")
    return 1.0 if num_gold == 0 else matched_gold / num_gold


def precision(relevant: Sequence[bool], num_relevant: int | None = None) -> float:
    """The share of retrieved documents that are relevant.

    >>> precision([True, False, False, True])
    0.5
    """
    if num_relevant == 0:
        return 1.0
    return sum(1 for r in relevant if r) / len(relevant) if relevant else 0.0


def reciprocal_rank(relevant: Sequence[bool], num_relevant: int | None = None) -> float:
    """1 / the rank of the first relevant document (0.0 when none is retrieved).

    >>> reciprocal_rank([False, False, True])
    0.3333333333333333
    """
    if num_relevant == 0:
        return 1.0
    for rank, r in enumerate(relevant, start=1):
        if r:
            return 1.0 / rank
    return 0.0


def average_precision(relevant: Sequence[bool], num_relevant: int | None = None) -> float:
    """Sum of precision@rank over the ranks of the relevant documents, divided by `num_relevant`.

    >>> average_precision([True, False, True], num_relevant=3)   # (1/1 + 2/3) / 3
    0.5555555555555555
    """
    total = _check_num_relevant(relevant, num_relevant)
    if total == 0:
        return 1.0 if num_relevant == 0 else 0.0
    hits, score = 0, 0.0
    for rank, r in enumerate(relevant, start=1):
        if r:
            hits += 1
            score += hits / rank
    return score / total


def ndcg(relevant: Sequence[bool], num_relevant: int | None = None) -> float:
    """Normalised discounted cumulative gain with binary relevance.

    DCG sums 1 / log2(rank + 1) over the relevant ranks; the ideal DCG puts all
    `num_relevant` relevant documents first (as Haystack 1.x does, not capped at the list length).

    >>> round(ndcg([False, True], num_relevant=1), 4)   # (1 / log2 3) / 1
    0.6309
    """
    total = _check_num_relevant(relevant, num_relevant)
    if total == 0:
        return 1.0 if num_relevant == 0 else 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, r in enumerate(relevant, start=1) if r)
    idcg = sum(1.0 / math.log2(rank + 1) for rank in range(1, total + 1))
    return dcg / idcg


def document_metrics(
    relevant: Sequence[bool], matched_gold: int, num_gold: int, num_relevant: int | None = None
) -> dict[str, float]:
    """Every document metric of one query, keyed as `EvaluationResult.calculate_metrics` reports them.

    Args:
        relevant: per rank (best first), whether the retrieved document is relevant.
        matched_gold: how many gold items (labels) the retrieved documents match.
        num_gold: how many gold items there are (0: nothing to find; every metric is 1.0).
        num_relevant: how many relevant documents exist; defaults to the relevant documents
            retrieved plus the gold items no retrieved document matched (Haystack 1.x).
    """
    if num_gold == 0:
        return dict.fromkeys(DOCUMENT_METRICS, 1.0)
    if num_relevant is None:
        num_relevant = sum(1 for r in relevant if r) + (num_gold - matched_gold)
    if not relevant:
        return dict.fromkeys(DOCUMENT_METRICS, 0.0)
    return {
        "recall_single_hit": float(any(relevant)),
        "recall_multi_hit": recall_multi_hit(matched_gold, num_gold),
        "precision": precision(relevant),
        "map": average_precision(relevant, num_relevant),
        "mrr": reciprocal_rank(relevant),
        "ndcg": ndcg(relevant, num_relevant),
    }


DOCUMENT_METRICS = ("recall_single_hit", "recall_multi_hit", "precision", "map", "mrr", "ndcg")


def answer_in_text(answers: Iterable[str], text: str) -> bool:
    """Whether a non-empty answer occurs in `text`, ignoring case (the open-domain retrieval check)."""
    lowered = text.lower()
    return any(answer and answer.lower() in lowered for answer in answers)
