"""Answer metrics with the official SQuAD semantics, as pure functions.

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
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable

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
