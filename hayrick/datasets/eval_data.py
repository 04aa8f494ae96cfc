"""SQuAD-format evaluation data for a document store: what `BaseDocumentStore.add_eval_data` writes.

```python
docs, labels = squad_eval_data("dev-v1.1.json", preprocessor=PreProcessor(split_length=100), max_docs=50)
```

Without a preprocessor each paragraph is one document. With one, each paragraph is cleaned and
split, and every label is moved to the split that contains its answer, with its offsets made
relative to that split (as Haystack 1.x's `eval_data_from_json` does); a no-answer label is
repeated for each split of its paragraph. An answer that no single split contains (it straddles
two splits, or cleaning changed its text) is dropped, with one warning that counts them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hayrick._checks import check_int
from hayrick.datasets.squad import load_squad
from hayrick.schema import Answer, Document, Label, Span

logger = logging.getLogger(__name__)


def squad_eval_data(
    filename: str | Path, preprocessor: Any = None, max_docs: int | None = None
) -> tuple[list[Document], list[Label]]:
    """Documents and labels of a SQuAD file, optionally split by `preprocessor`, first `max_docs` paragraphs only."""
    check_int(max_docs, "max_docs", allow_none=True, error=ValueError)
    documents, labels = load_squad(filename)
    if max_docs is not None:
        documents = documents[:max_docs]
        kept = {doc.id for doc in documents}
        labels = [label for label in labels if label.document.id in kept]
    if preprocessor is None:
        return documents, labels
    return split_eval_data(documents, labels, preprocessor)


def split_eval_data(
    documents: list[Document], labels: list[Label], preprocessor: Any
) -> tuple[list[Document], list[Label]]:
    """Split `documents` with `preprocessor` and move each label to the split holding its answer."""
    splits_of: dict[str, list[tuple[int, Document]]] = {}
    cleaned_of: dict[str, tuple[str, str]] = {}
    all_splits: list[Document] = []
    for doc in documents:
        cleaned = preprocessor.clean(doc) if hasattr(preprocessor, "clean") else doc
        parts = preprocessor.split(cleaned) if hasattr(preprocessor, "split") else preprocessor.process([doc])
        splits_of[doc.id] = _with_offsets(str(cleaned.content), parts)
        cleaned_of[doc.id] = (str(doc.content), str(cleaned.content))
        all_splits.extend(parts)
    moved: list[Label] = []
    dropped = 0
    for label in labels:
        parts = splits_of.get(label.document.id)
        if parts is None:
            moved.append(label)  # its document is not among those split: keep it as it is
            continue
        if label.no_answer or label.answer is None:
            moved.extend(_relabel(label, split, None) for _, split in parts)
            continue
        original, cleaned = cleaned_of[label.document.id]
        span = _answer_span(label.answer, original, cleaned)
        target = None
        if span is not None:
            start, end = span
            target = next(((off, s) for off, s in parts if off <= start and end <= off + len(str(s.content))), None)
        if target is None:
            dropped += 1
            continue
        offset, split = target
        moved.append(_relabel(label, split, Span(span[0] - offset, span[1] - offset)))  # type: ignore[index]
    if dropped:
        logger.warning(
            "add_eval_data: %d of %d answers lie in no single split (they straddle two splits, or cleaning changed "
            "them); their labels were dropped. Use a longer split_length or split_overlap to keep them.",
            dropped,
            len(labels),
        )
    return all_splits, moved


def _with_offsets(text: str, parts: list[Document]) -> list[tuple[int, Document]]:
    """Each split with where it starts in `text` (`_split_offset`, else found by searching in order)."""
    result, cursor = [], 0
    for part in parts:
        offset = part.meta.get("_split_offset")
        content = str(part.content)
        if not isinstance(offset, int) or text[offset : offset + len(content)] != content:
            found = text.find(content, cursor)
            offset = found if found >= 0 else text.find(content)
        if offset < 0:
            continue
        cursor = offset
        result.append((offset, part))
    return result


def _answer_span(answer: Answer, original: str, cleaned: str) -> tuple[int, int] | None:
    """Where the answer lies in the cleaned text (its first document offset, moved if cleaning changed the text)."""
    text = answer.answer
    spans = answer.offsets_in_document or []
    start = spans[0].start if spans else original.find(text)
    if start < 0:
        return None
    if cleaned == original and original[start : start + len(text)] == text:
        return start, start + len(text)
    best, position = None, cleaned.find(text)
    while position >= 0:
        if best is None or abs(position - start) < abs(best - start):
            best = position
        position = cleaned.find(text, position + 1)
    return None if best is None else (best, best + len(text))


def _relabel(label: Label, split: Document, span: Span | None) -> Label:
    answer = label.answer
    if span is not None and answer is not None:
        answer = answer.model_copy(update={
            "context": str(split.content), "offsets_in_document": [span], "offsets_in_context": [span],
            "document_ids": [split.id],
        })  # fmt: skip
    data = {name: getattr(label, name) for name in type(label).model_fields if name not in ("id", "document", "answer")}
    return Label(**data, document=split, answer=answer)
