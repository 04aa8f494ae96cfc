"""SubjQA split CSVs: the reviews as documents, and the questions as a SQuAD-format dict.

```python
from hayrick.datasets import load_subjqa_documents, subjqa_to_squad, write_squad

docs = load_subjqa_documents("../shared/datasets/subjqa/electronics")   # 1,615 reviews
store.write_documents(docs)
squad = subjqa_to_squad("../shared/datasets/subjqa/electronics/train.csv")
write_squad(squad, "subjqa-train.json")                                # FARMReader.train reads it
```
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hayrick.errors import FileConversionError
from hayrick.schema import Document

__all__ = [
    "ANSWER_NOT_FOUND",
    "SUBJQA_SPLITS",
    "load_subjqa_documents",
    "read_subjqa_rows",
    "strip_answer_not_found",
    "subjqa_to_squad",
]

SUBJQA_SPLITS = ("train", "dev", "test")
ANSWER_NOT_FOUND = " ANSWERNOTFOUND"


def strip_answer_not_found(review: str) -> str:
    """SubjQA appends the literal " ANSWERNOTFOUND" to every review; remove it."""
    return review.removesuffix(ANSWER_NOT_FOUND)


def read_subjqa_rows(csv_path: str | Path) -> list[dict[str, str]]:
    """The rows (one annotation each) of a SubjQA split CSV."""
    path = Path(csv_path)
    if not path.is_file():
        raise FileNotFoundError(f"SubjQA split not found: {path} (expected e.g. .../subjqa/electronics/train.csv)")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_subjqa_documents(folder: str | Path, splits: Iterable[str] = SUBJQA_SPLITS) -> list[Document]:
    """One document per distinct review of the SubjQA domain in `folder`, as the book indexes them.

    Each document's meta has `item_id` (the product), `question_id` (the `q_review_id` of the
    first question asked about it) and `split`: the list of splits the review occurs in
    (258 electronics reviews occur in more than one), so `filters={"split": ["train"]}`
    finds every review of the training split.
    """
    folder = Path(folder)
    by_review: dict[str, Document] = {}
    for split in splits:
        if split not in SUBJQA_SPLITS:
            raise ValueError(f"Unknown SubjQA split {split!r}; valid splits: {', '.join(SUBJQA_SPLITS)}.")
        for row in read_subjqa_rows(folder / f"{split}.csv"):
            content = strip_answer_not_found(row["review"])
            doc = by_review.get(content)
            if doc is None:
                by_review[content] = Document(
                    content=content,
                    meta={"item_id": row["item_id"], "question_id": row["q_review_id"], "split": [split]},
                )
            elif split not in doc.meta["split"]:
                doc.meta["split"].append(split)
    return list(by_review.values())


_INDICES = re.compile(r"^\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)\s*$")


def subjqa_to_squad(csv_path: str | Path, include_no_answer: bool = True) -> dict[str, Any]:
    """Converts a SubjQA split CSV to a SQuAD-v2-style dict that `FARMReader.train` and `load_squad` read.

    - Rows are annotations: they are grouped by `q_review_id`, one SQuAD question each (its id).
    - The context is the review without its " ANSWERNOTFOUND" suffix; articles are products
      (`title` = `item_id`), with one paragraph per review and that review's questions under it.
    - A gold answer is `review[start:end]` from `human_ans_indices` (not `human_ans_spans`, which is
      re-tokenised in ~8% of rows), without surrounding whitespace; several annotators giving the
      same span give one answer.
    - An annotation is a no-answer annotation when `human_ans_spans` is "ANSWERNOTFOUND" or when its
      span runs into the suffix (10 rows of the electronics domain select up to the literal suffix).
      A question is `is_impossible` when all its annotations are no-answers; a question with both
      kinds keeps its answers (as the SubjQA Hugging Face dataset does).

    Args:
        csv_path: e.g. `../shared/datasets/subjqa/electronics/train.csv`.
        include_no_answer: False drops the no-answer questions (for a SQuAD v1.1-style file).
    """
    rows = read_subjqa_rows(csv_path)
    questions: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            qid, review, spans, indices = row["q_review_id"], row["review"], row["human_ans_spans"], row["human_ans_indices"]
            question, item_id = row["question"], row["item_id"]
        except KeyError as exc:
            raise FileConversionError(f"{csv_path}: no column {exc} (line {n}); is this a SubjQA split CSV?") from None
        context = strip_answer_not_found(review)
        entry = questions.setdefault(
            qid, {"question": question, "context": context, "item_id": item_id, "spans": []}
        )
        if entry["context"] != context or entry["question"] != question:
            raise FileConversionError(
                f"{csv_path}: line {n}: q_review_id {qid!r} occurs with a different question or review; "
                "each q_review_id must name one question about one review."
            )
        if spans.strip() == "ANSWERNOTFOUND":
            continue
        match = _INDICES.match(indices)
        if match is None:
            raise FileConversionError(
                f"{csv_path}: line {n} (q_review_id {qid!r}): human_ans_indices {indices!r} is not like '(547, 561)'."
            )
        start, end = int(match[1]), int(match[2])
        if end > len(context) or start >= end:
            continue  # the span runs into " ANSWERNOTFOUND": a no-answer annotation
        text = context[start:end]
        start += len(text) - len(text.lstrip())
        text = text.strip()
        if text and (start, text) not in entry["spans"]:
            entry["spans"].append((start, text))

    articles: dict[str, dict[str, dict[str, Any]]] = {}  # item_id -> context -> paragraph
    for qid, entry in questions.items():
        answers = [{"text": text, "answer_start": start} for start, text in entry["spans"]]
        if not answers and not include_no_answer:
            continue
        paragraphs = articles.setdefault(entry["item_id"], {})
        paragraph = paragraphs.setdefault(entry["context"], {"context": entry["context"], "qas": []})
        paragraph["qas"].append(
            {"id": qid, "question": entry["question"], "answers": answers, "is_impossible": not answers}
        )
    return {
        "version": "subjqa-v2-style",
        "data": [{"title": item, "paragraphs": list(paras.values())} for item, paras in articles.items()],
    }
