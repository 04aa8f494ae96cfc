"""Dataset loaders: SubjQA reviews as documents (and, with the evaluation issue, SQuAD files as labels).

```python
from hayrick.evaluation.datasets import load_subjqa_documents

docs = load_subjqa_documents("../shared/datasets/subjqa/electronics")   # 1,615 reviews
store.write_documents(docs)
```
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from hayrick.schema import Document

SUBJQA_SPLITS = ("train", "dev", "test")
ANSWER_NOT_FOUND = " ANSWERNOTFOUND"


def strip_answer_not_found(review: str) -> str:
    """SubjQA appends the literal " ANSWERNOTFOUND" to every review; remove it."""
    return review[: -len(ANSWER_NOT_FOUND)] if review.endswith(ANSWER_NOT_FOUND) else review


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
