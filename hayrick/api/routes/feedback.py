"""User feedback, stored as `Label`s in the pipelines' document store: `/feedback`, `/eval-feedback`,
`/export-feedback` (SQuAD format), as in Haystack 1.x."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Body, Request

from hayrick.api.routes.search import _check_filters, service_of
from hayrick.api.schema import CreateLabelSerialized, FeedbackMetrics, FilterRequest
from hayrick.api.serialize import JSON, label_body
from hayrick.api.service import APIError
from hayrick.schema import Label

router = APIRouter(tags=["feedback"])
logger = logging.getLogger("hayrick.api")

USER_FEEDBACK = {"origin": ["user-feedback"]}


@router.post("/feedback")
def post_feedback(feedback: CreateLabelSerialized, http: Request, index: str | None = None) -> dict[str, str]:
    """Store one judgement of an answer as a Label (origin "user-feedback" unless given). Answers its id.

    Example: `{"query": "...", "document": {"content": "...", "id": "..."}, "answer": {"answer": "..."},
    "is_correct_answer": true, "is_correct_document": true, "origin": "user-feedback"}`.
    """
    service = service_of(http)
    store = service.require_store()
    data = feedback.model_dump(exclude_none=True)
    try:
        label = Label.from_dict(data)
    except ValueError as exc:  # pydantic's ValidationError included: contradicting fields
        raise APIError(422, f"The feedback is not a valid label: {exc}") from None
    store.write_labels([label], index=index)
    return {"id": label.id}


@router.get("/feedback")
def get_feedback(http: Request, index: str | None = None) -> JSON:
    """Every label in the store's label index (feedback and gold labels)."""
    store = service_of(http).require_store()
    return JSON([label_body(label) for label in store.get_all_labels(index=index)])


@router.delete("/feedback")
def delete_feedback(http: Request, index: str | None = None) -> dict[str, int]:
    """Delete the labels that came as user feedback (gold labels stay). Answers how many were deleted."""
    store = service_of(http).require_store()
    ids = [label.id for label in store.get_all_labels(index=index) if label.origin == "user-feedback"]
    if ids:
        store.delete_labels(ids=ids, index=index)
    return {"deleted": len(ids)}


@router.post("/eval-feedback", response_model=FeedbackMetrics)
def get_feedback_metrics(
    http: Request, filters: FilterRequest | None = Body(None), index: str | None = None
) -> dict[str, Any]:
    """The share of feedback that judged the answer, and the document, correct; `filters` narrows the labels.

    Example: `{"filters": {"query": ["Is it good for reading?"]}}`.
    """
    store = service_of(http).require_store()
    conditions = dict((filters.filters if filters else None) or {})
    _check_filters(conditions, "filters")
    conditions.update(USER_FEEDBACK)
    labels = store.get_all_labels(filters=conditions, index=index)
    if not labels:
        return {"answer_accuracy": None, "document_accuracy": None, "n_feedback": 0}
    return {
        "answer_accuracy": sum(1 for label in labels if label.is_correct_answer) / len(labels),
        "document_accuracy": sum(1 for label in labels if label.is_correct_document) / len(labels),
        "n_feedback": len(labels),
    }


@router.get("/export-feedback")
def export_feedback(
    http: Request,
    context_size: int = 100_000,
    full_document_context: bool = True,
    only_positive_labels: bool = False,
    index: str | None = None,
) -> dict[str, Any]:
    """The feedback as a SQuAD file (`{"data": [...]}`), to train a reader on what users judged.

    Labels that call the document right but the answer wrong are left out (SQuAD has no place for
    them); `only_positive_labels` keeps only correct answers. With `full_document_context=false`
    each context is cut to about `context_size` characters around the answer.
    """
    if context_size < 1:
        raise APIError(422, f"context_size must be a positive int, got {context_size}.")
    store = service_of(http).require_store()
    if only_positive_labels:
        labels = store.get_all_labels(filters={"is_correct_answer": [True], **USER_FEEDBACK}, index=index)
    else:
        labels = [
            label for label in store.get_all_labels(filters=USER_FEEDBACK, index=index)
            if not (label.is_correct_document is True and label.is_correct_answer is False)
        ]  # fmt: skip
    return {"data": [squad_entry(label, context_size, full_document_context) for label in labels]}


def squad_entry(label: Label, context_size: int, full_document_context: bool) -> dict[str, Any]:
    """One label as a SQuAD article with one paragraph and one question."""
    answer_text = label.answer.answer if label.answer is not None else ""
    start_in_document = 0
    if label.answer is not None and label.answer.offsets_in_document:
        first = label.answer.offsets_in_document[0]
        start_in_document = getattr(first, "start", getattr(first, "row", 0))
    text = label.document.content if isinstance(label.document.content, str) else str(label.document.content)
    if full_document_context:
        context, answer_start = text, start_in_document
    else:
        context, answer_start = cut_context(text, start_in_document, len(answer_text), context_size)
    impossible = label.is_correct_answer is False and label.is_correct_document is False
    answers = [] if impossible else [{"text": answer_text, "answer_start": answer_start}]
    if answers and context[answer_start : answer_start + len(answer_text)] != answer_text:
        logger.error("Feedback label %s: the answer %r is not at its offset in the context", label.id, answer_text)
    question = {"question": label.query, "id": label.id, "is_impossible": impossible, "answers": answers}
    return {"paragraphs": [{"context": context, "id": label.document.id, "qas": [question]}]}


def cut_context(text: str, answer_start: int, answer_length: int, context_size: int) -> tuple[str, int]:
    """About `context_size` characters of `text` around the answer, the same number on each side where the
    text allows (what one side lacks goes to the other); returns the context and the answer's start in it."""
    side = max((context_size - answer_length) // 2, 0)
    start = max(answer_start - side, 0)
    end = min(answer_start + answer_length + side, len(text))
    start = max(0, start - max(answer_start + answer_length + side - len(text), 0))  # end short: more before
    end = min(len(text), end + max(side - answer_start, 0))  # start short: more after
    return text[start:end], answer_start - start
