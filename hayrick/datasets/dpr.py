"""The DPR training-data format: samples from SQuAD examples, passages, reading and writing files.

```python
from hayrick.datasets import read_dpr, write_dpr

write_dpr(samples, "data/dpr/subjqa-train.json")      # DensePassageRetriever.train reads it
samples = read_dpr("data/dpr/subjqa-train.json")
```

A DPR sample (the format of the DPR paper's files and of Haystack 1.x):
`{"question", "answers": [str], "positive_ctxs": [{"title", "text", "passage_id"}],
"negative_ctxs": [], "hard_negative_ctxs": [{"title", "text", "passage_id"}]}`.
The positive passage is the question's own paragraph. Mining the hard negatives needs a BM25
store, so it lives with the retrievers (`hayrick.nodes.retrievers.hard_negatives.squad_to_dpr`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hayrick.datasets.squad import SquadExample
from hayrick.errors import FileConversionError
from hayrick.schema import Document

_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    """Whether `text` contains one of `answers` (case-insensitive, whitespace-normalised)."""
    haystack = _normal(text)
    return any(a.strip() and _normal(a) in haystack for a in answers)


def dpr_passage(doc: Document) -> dict[str, Any]:
    """A document as a DPR passage: `{"title": meta["title"] or "", "text", "passage_id": its id}`."""
    return {"title": doc.meta.get("title") or "", "text": doc.content, "passage_id": doc.id}


def dpr_sample(example: SquadExample, hard_negative_ctxs: list[dict[str, Any]]) -> dict[str, Any]:
    """The DPR sample of an answerable SQuAD question: its distinct answers, its paragraph as the positive."""
    positive = Document(content=example.context, meta={"title": example.title or ""})
    return {
        "id": example.id,
        "question": example.question,
        "answers": list(dict.fromkeys(a.text for a in example.answers)),
        "positive_ctxs": [dpr_passage(positive)],
        "negative_ctxs": [],
        "hard_negative_ctxs": hard_negative_ctxs,
    }


def write_dpr(samples: list[dict[str, Any]], path: str | Path) -> Path:
    """Write DPR samples to a JSON file (a list of samples); return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(samples, ensure_ascii=False), encoding="utf-8")
    return path


def _check_ctxs(value: Any, key: str, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FileConversionError(f"{where}[{key!r}] must be a list of {{title, text}} objects, got {type(value).__name__}.")
    for i, ctx in enumerate(value):
        if not isinstance(ctx, dict) or not isinstance(ctx.get("text"), str):
            raise FileConversionError(f"{where}[{key!r}][{i}] must be an object with a 'text' string, got {ctx!r:.80}.")
    return value


def read_dpr(path: str | Path) -> list[dict[str, Any]]:
    """DPR samples from a JSON file (a list of samples), checked; errors name the sample that is wrong.

    Raises:
        FileNotFoundError: no file at `path`.
        FileConversionError: not JSON, or not in the DPR format.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"DPR file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FileConversionError(f"{path}: not valid JSON ({exc}); expected a list of DPR samples.") from exc
    if not isinstance(data, list):
        raise FileConversionError(
            f"{path}: a DPR file is a JSON list of samples {{question, answers, positive_ctxs, negative_ctxs, "
            f"hard_negative_ctxs}}; got {type(data).__name__}."
        )
    for i, sample in enumerate(data):
        where = f"{path}: sample {i}"
        if not isinstance(sample, dict) or not isinstance(sample.get("question"), str):
            raise FileConversionError(f"{where} must be an object with a 'question' string, got {sample!r:.80}.")
        for key in ("positive_ctxs", "negative_ctxs", "hard_negative_ctxs"):
            sample[key] = _check_ctxs(sample.get(key), key, where)
    return data
