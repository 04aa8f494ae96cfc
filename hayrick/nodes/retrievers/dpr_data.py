"""DPR training data: SQuAD-format data to the DPR format, with hard negatives mined by BM25.

```python
from hayrick.nodes.retrievers.dpr_data import subjqa_to_dpr, write_dpr

samples = subjqa_to_dpr("../shared/datasets/subjqa/electronics/train.csv", num_hard_negatives=8)
write_dpr(samples, "data/dpr/subjqa-train.json")      # DensePassageRetriever.train reads it
```

A DPR sample (the format of the DPR paper's files and of Haystack 1.x):
`{"question", "answers": [str], "positive_ctxs": [{"title", "text", "passage_id"}],
"negative_ctxs": [], "hard_negative_ctxs": [{"title", "text", "passage_id"}]}`.
The positive passage is the question's own paragraph. Hard negatives are the passages that
hayrick's BM25 (`InMemoryDocumentStore(use_bm25=True)`) scores highest for the question but
that contain none of its gold answers (case-insensitive, whitespace-normalised substring).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hayrick.errors import ComponentError, FileConversionError
from hayrick.schema import Document

_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    """Whether `text` contains one of `answers` (case-insensitive, whitespace-normalised)."""
    haystack = _normal(text)
    return any(a.strip() and _normal(a) in haystack for a in answers)


def _ctx(doc: Document) -> dict[str, Any]:
    return {"title": doc.meta.get("title") or "", "text": doc.content, "passage_id": doc.id}


def squad_to_dpr(
    squad: Mapping[str, Any] | str | Path,
    num_hard_negatives: int = 30,
    documents: list[Document] | None = None,
    prefer_same_title: bool = False,
    search_depth: int | None = None,
) -> list[dict[str, Any]]:
    """DPR samples, one per answerable question of a SQuAD-format dict or file.

    Args:
        squad: a SQuAD v1.1/v2.0 dict (such as `subjqa_to_squad` returns) or the path of a file.
            No-answer questions are left out: a DPR sample needs a positive passage.
        num_hard_negatives: at most this many hard negatives per question (fewer where BM25 finds fewer).
        documents: the corpus to mine negatives from, `meta["title"]` as title; default: the paragraphs
            of `squad` (title: their article's title).
        prefer_same_title: take negatives with the question's title first (for SubjQA: other reviews
            of the same product, which is what a per-product filter leaves to tell apart), then fill up
            from the whole corpus.
        search_depth: how many BM25 hits to look through per search (default: 3 x num_hard_negatives + 10).

    Example:
        >>> samples = squad_to_dpr("../shared/datasets/squad/dev-v1.1.json", num_hard_negatives=2)
        >>> sorted(samples[0])
        ['answers', 'hard_negative_ctxs', 'id', 'negative_ctxs', 'positive_ctxs', 'question']
    """
    from hayrick.evaluation.datasets import squad_examples_from_dict
    from hayrick.stores.memory import InMemoryDocumentStore

    if isinstance(num_hard_negatives, bool) or not isinstance(num_hard_negatives, int) or num_hard_negatives < 0:
        raise ComponentError(f"squad_to_dpr: num_hard_negatives must be an int >= 0, got {num_hard_negatives!r}.")
    source = "<squad dict>" if isinstance(squad, Mapping) else str(squad)
    data = dict(squad) if isinstance(squad, Mapping) else _read_json(Path(squad))
    examples = [e for e in squad_examples_from_dict(data, source=source, answer_mismatch="fix") if e.answers]
    store = InMemoryDocumentStore(use_bm25=True)
    if documents is None:  # every paragraph, those without (answerable) questions too
        documents = [
            Document(content=paragraph["context"], meta={"title": article.get("title") or ""})
            for article in data["data"] for paragraph in article["paragraphs"]
        ]
    store.write_documents(documents, duplicate_documents="skip")
    depth = search_depth or 3 * num_hard_negatives + 10
    samples = []
    for example in examples:
        answers = list(dict.fromkeys(a.text for a in example.answers))
        positive = Document(content=example.context, meta={"title": example.title or ""})
        negatives: list[dict[str, Any]] = []
        searches = [{"title": example.title or ""}, None] if prefer_same_title else [None]
        for filters in searches if num_hard_negatives else []:
            for hit in store.query(example.question, filters=filters, top_k=depth):
                if len(negatives) >= num_hard_negatives:
                    break
                if hit.content == example.context or not isinstance(hit.content, str) or contains_answer(hit.content, answers):
                    continue
                if all(n["passage_id"] != hit.id for n in negatives):
                    negatives.append(_ctx(hit))
        samples.append(
            {
                "id": example.id,
                "question": example.question,
                "answers": answers,
                "positive_ctxs": [_ctx(positive)],
                "negative_ctxs": [],
                "hard_negative_ctxs": negatives,
            }
        )
    return samples


def subjqa_to_dpr(
    csv_path: str | Path,
    num_hard_negatives: int = 8,
    documents: list[Document] | None = None,
    prefer_same_title: bool = True,
) -> list[dict[str, Any]]:
    """DPR samples from a SubjQA split CSV: its answerable questions (`subjqa_to_squad`), negatives by BM25.

    Titles are product ids (`item_id`); negatives come from other reviews of the same product
    first (`prefer_same_title`), then from all reviews of the split (or of `documents`, given with
    `meta["title"]`).

    Example:
        >>> samples = subjqa_to_dpr("../shared/datasets/subjqa/electronics/train.csv")
    """
    from hayrick.evaluation.datasets import subjqa_to_squad

    squad = subjqa_to_squad(csv_path, include_no_answer=False)
    return squad_to_dpr(squad, num_hard_negatives=num_hard_negatives, documents=documents,
                        prefer_same_title=prefer_same_title)


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"SQuAD file not found: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FileConversionError(f"{path}: not valid JSON ({exc}); expected a SQuAD-format file.") from exc


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
