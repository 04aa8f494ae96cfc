"""SQuAD-format evaluation data for a document store: what `BaseDocumentStore.add_eval_data` writes.

```python
docs, labels = eval_data_from_json("dev-v1.1.json", preprocessor=PreProcessor(split_length=100, ...))
```

As Haystack 1.x's `eval_data_from_json`: each paragraph is a document with `meta={"name": <article
title>}` plus the other keys of its paragraph and article; each gold answer is a label (several
annotators giving the same answer give several labels); an impossible question (SQuAD 2.0) gives one
no-answer label per document of its paragraph. An answer whose `answer_start` does not point at its
text is dropped, with the later answers of its question, and one warning names those questions.
Label ids are stable (derived from the question, the document and the answer), so loading a file
twice gives the same labels, where Haystack made random ones.

With a preprocessor, each paragraph is split; the splits get ids `<split id>-<split number>` and
`meta["_split_offset"]` (where they start in the paragraph), and each answer's label points at the
split where the answer starts, offsets made relative to it. A split that ends inside an answer is
extended to hold the whole answer (as Haystack does, so every answer can be found in its document).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from hayrick._checks import check_int
from hayrick.datasets.squad import read_squad_json
from hayrick.errors import FileConversionError
from hayrick.schema import Answer, Document, Label, Span

logger = logging.getLogger(__name__)


def eval_data_from_json(
    filename: str | Path, max_docs: int | None = None, preprocessor: Any = None, open_domain: bool = False
) -> tuple[list[Document], list[Label]]:
    """Documents and labels of a SQuAD v1.1 or v2.0 file, as Haystack 1.x reads them (see the module docstring).

    Args:
        filename: the SQuAD JSON file.
        max_docs: stop before the first article read once more than `max_docs` documents are read
            (whole articles are kept, as in Haystack).
        preprocessor: a `PreProcessor` to split the paragraphs with.
        open_domain: not supported (Haystack 1.26's labels without a document fail too).

    Raises:
        FileNotFoundError: no such file.
        FileConversionError: the file is not SQuAD JSON.
        ValueError: `open_domain=True`.
    """
    check_int(max_docs, "max_docs", allow_none=True, minimum=0, error=ValueError)
    if open_domain:
        raise ValueError(
            "eval_data_from_json(open_domain=True) is not supported: labels need their document. Load the file "
            "as it is and aggregate with get_all_labels_aggregated(open_domain=True) instead."
        )
    data = read_squad_json(filename)
    articles = data.get("data") if isinstance(data, dict) else None
    if not isinstance(articles, list) or not all(isinstance(a, dict) for a in articles):
        raise FileConversionError(
            f"{filename}: expected the SQuAD format {{'data': [{{'title', 'paragraphs': [{{'context', 'qas'}}]}}]}}."
        )
    if articles and "title" not in articles[0]:
        logger.warning("No title information found for documents in QA file: %s", filename)
    documents: list[Document] = []
    labels: list[Label] = []
    problems: list[Any] = []
    for article in articles:
        if max_docs and len(documents) > max_docs:
            break
        _read_article(article, preprocessor, documents, labels, problems)
    if problems:
        logger.warning(
            "Could not convert an answer for %s questions.\nThere were conversion errors for question ids: %s "
            "(their answer_start does not point at the answer text; those answers were left out).",
            len(problems),
            problems,
        )
    return documents, labels


def squad_eval_data(
    filename: str | Path, preprocessor: Any = None, max_docs: int | None = None
) -> tuple[list[Document], list[Label]]:
    """`eval_data_from_json(filename, max_docs, preprocessor)` (hayrick's earlier name)."""
    return eval_data_from_json(filename, max_docs=max_docs, preprocessor=preprocessor)


def _read_article(
    article: dict[str, Any], preprocessor: Any, documents: list[Document], labels: list[Label], problems: list[Any]
) -> None:
    article_meta = {k: v for k, v in article.items() if k not in ("paragraphs", "title")}
    for paragraph in article.get("paragraphs") or []:
        context = paragraph.get("context")
        if not isinstance(context, str):
            raise FileConversionError(f"SQuAD paragraph without a 'context' text in article {article.get('title')!r}.")
        meta = {"name": article.get("title"), **{k: v for k, v in paragraph.items() if k not in ("qas", "context")}}
        meta.update(article_meta)
        full = Document(content=context, meta=meta)
        splits = [full] if preprocessor is None else _splits(full, preprocessor)
        documents.extend(splits)
        for qa in paragraph.get("qas") or []:
            question_meta = {k: v for k, v in qa.items() if k not in ("is_impossible", "answers", "question", "id", "missing")}
            common = {"query": qa["question"], "is_correct_answer": True, "is_correct_document": True,
                      "origin": "gold-label", "meta": question_meta}  # fmt: skip
            qa_id = qa.get("id", "missing")
            if qa.get("is_impossible", False):
                for split in splits:
                    no_answer = Answer(answer="", type="extractive", score=0.0, offsets_in_document=[Span(0, 0)],
                                       offsets_in_context=[Span(0, 0)])  # fmt: skip
                    labels.append(Label(**common, answer=no_answer, document=split, id=_label_id(qa_id, split.id, 0, "")))
                continue
            for number, gold in enumerate(qa.get("answers") or []):
                text, start = str(gold.get("text", "")), gold.get("answer_start")
                if not isinstance(start, int) or context[start : start + len(text)] != text:
                    problems.append(qa_id)
                    break  # as Haystack: this answer and the question's later ones are left out
                document, offset = _split_of(splits, start)
                begin = start - offset
                if document.content[begin : begin + len(text)] != text:  # the split ends inside the answer
                    document = _extend(document, begin, text, splits, documents)
                span = Span(begin, begin + len(text))
                answer = Answer(answer=text, type="extractive", score=0.0, context=document.content,
                                offsets_in_document=[span], offsets_in_context=[span], document_ids=[document.id])  # fmt: skip
                labels.append(Label(**common, answer=answer, document=document, id=_label_id(qa_id, document.id, number, text)))


def _splits(document: Document, preprocessor: Any) -> list[Document]:
    """The splits of `document`, with Haystack's ids (`<id>-<split number>`) and `meta["_split_offset"]`."""
    text = str(document.content)
    splits, cursor = [], 0
    for part in preprocessor.process([document]):
        found = text.find(str(part.content), cursor)
        offset = found if found >= 0 else cursor
        cursor = offset
        meta = {**part.meta, "_split_offset": offset}
        splits.append(Document(content=part.content, meta=meta, id=f"{part.id}-{part.meta.get('_split_id', len(splits))}"))
    return splits or [document]


def _split_of(splits: list[Document], start: int) -> tuple[Document, int]:
    """The split in which the answer at `start` begins, and where that split starts."""
    if len(splits) == 1:
        return splits[0], 0
    for split in splits:
        offset = split.meta["_split_offset"]
        if offset <= start < offset + len(split.content):
            return split, offset
    last = max((s for s in splits if s.meta["_split_offset"] <= start), key=lambda s: s.meta["_split_offset"])
    return last, last.meta["_split_offset"]


def _extend(document: Document, begin: int, text: str, splits: list[Document], documents: list[Document]) -> Document:
    """`document` with its text cut at `begin` and `text` appended (same id), put in its place in both lists."""
    extended = document.model_copy(update={"content": document.content[:begin] + text})
    for items in (splits, documents):
        for i, item in enumerate(items):
            if item is document:
                items[i] = extended
    return extended


def _label_id(question_id: Any, document_id: str, number: int, text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{question_id}|{document_id}|{number}|{text}"))


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
