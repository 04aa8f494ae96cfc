"""SQuAD-format files: parsing (shared by `load_squad`, reader training and DPR conversion), loading as labels, writing.

```python
from hayrick.datasets import load_squad, read_squad_examples, write_squad

docs, labels = load_squad("../shared/datasets/squad/dev-v1.1.json")   # 2,067 paragraphs
examples = read_squad_examples("../shared/datasets/squad/dev-v1.1.json")
write_squad(squad_dict, "train.json")                                # FARMReader.train reads it
```
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hayrick.errors import FileConversionError
from hayrick.schema import Answer, Document, Label, Span

__all__ = [
    "AnswerMismatch",
    "SquadAnswer",
    "SquadExample",
    "load_squad",
    "read_squad_examples",
    "read_squad_json",
    "squad_examples_from_dict",
    "write_squad",
]

_logger = logging.getLogger(__name__)

AnswerMismatch = Literal["error", "fix", "drop"]
_ANSWER_MISMATCH_CHOICES = ("error", "fix", "drop")


@dataclass
class SquadAnswer:
    """One gold answer: its text and where it starts in the context (`context[start:end] == text`)."""

    text: str
    start: int

    @property
    def end(self) -> int:
        """The end of the answer in the context (exclusive)."""
        return self.start + len(self.text)


@dataclass
class SquadExample:
    """One question of a SQuAD-format file with its paragraph (context) and gold answers.

    `answers` is empty exactly when `is_impossible` (SQuAD 2.0 no-answer question; its
    `plausible_answers` are ignored). `location` says where the question sits in the file
    (`data[3].paragraphs[0].qas[7]`), for error messages.
    """

    id: str
    question: str
    context: str
    answers: list[SquadAnswer] = field(default_factory=list)
    is_impossible: bool = False
    title: str | None = None
    location: str = ""


def _require(obj: Any, key: str, kind: type | tuple[type, ...], where: str, source: str) -> Any:
    if not isinstance(obj, dict):
        raise FileConversionError(f"{source}: {where} must be a JSON object, got {type(obj).__name__}.")
    if key not in obj:
        raise FileConversionError(
            f"{source}: {where} has no {key!r} (it has {sorted(obj) or 'no keys'}). "
            "Expected the SQuAD format: {'data': [{'title', 'paragraphs': [{'context', 'qas': "
            "[{'id', 'question', 'answers': [{'text', 'answer_start'}], 'is_impossible'?}]}]}]}."
        )
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise FileConversionError(
            f"{source}: {where}[{key!r}] must be {names}, got {type(value).__name__}: {value!r:.80}."
        )
    return value


def _nearest_occurrence(context: str, text: str, start: int) -> int | None:
    """The start of the occurrence of `text` in `context` nearest to `start`, or None if there is none."""
    best: int | None = None
    for match in re.finditer(re.escape(text), context):
        if best is None or abs(match.start() - start) < abs(best - start):
            best = match.start()
    return best


def squad_examples_from_dict(
    data: dict[str, Any], source: str = "<dict>", answer_mismatch: AnswerMismatch = "error"
) -> list[SquadExample]:
    """Parses a SQuAD v1.1 or v2.0 dict into one `SquadExample` per question.

    Checks every entry and raises `FileConversionError` naming `source` and the entry
    (`data[3].paragraphs[0].qas[7] (id '...')`) for missing keys or values of the wrong type.
    A question with `is_impossible: true`, or with no answers, is a no-answer question.
    An answer whose `answer_start` does not point at its `text` is handled by `answer_mismatch`:

    - `"error"` (default): raise, with the number of such answers and the first few of them;
    - `"fix"`: move it to the occurrence of its text nearest to `answer_start` (as FARM does),
      and drop it, with a warning, when the text is nowhere in the context;
    - `"drop"`: drop it, with a warning.

    A question whose answers are all dropped is dropped too (it is not a no-answer question).
    """
    if answer_mismatch not in _ANSWER_MISMATCH_CHOICES:
        raise ValueError(f"answer_mismatch must be one of {_ANSWER_MISMATCH_CHOICES}, got {answer_mismatch!r}.")
    articles = _require(data, "data", list, "the top level", source)
    examples: list[SquadExample] = []
    mismatches: list[str] = []
    fixed = dropped_answers = dropped_questions = 0
    for a, article in enumerate(articles):
        where_a = f"data[{a}]"
        paragraphs = _require(article, "paragraphs", list, where_a, source)
        title = article.get("title")
        for p, paragraph in enumerate(paragraphs):
            where_p = f"{where_a}.paragraphs[{p}]"
            context = _require(paragraph, "context", str, where_p, source)
            qas = _require(paragraph, "qas", list, where_p, source)
            for q, qa in enumerate(qas):
                where_q = f"{where_p}.qas[{q}]"
                question = _require(qa, "question", str, where_q, source)
                qid = qa.get("id")
                if qid is None:
                    raise FileConversionError(f"{source}: {where_q} (question {question!r:.60}) has no 'id'.")
                qid = str(qid)
                where_q = f"{where_q} (id {qid!r})"
                is_impossible = qa.get("is_impossible", False)
                if not isinstance(is_impossible, bool):
                    raise FileConversionError(
                        f"{source}: {where_q}['is_impossible'] must be true or false, got {is_impossible!r}."
                    )
                raw_answers = [] if is_impossible else qa.get("answers", [])
                if not isinstance(raw_answers, list):
                    raise FileConversionError(
                        f"{source}: {where_q}['answers'] must be a list, got {type(raw_answers).__name__}."
                    )
                answers: list[SquadAnswer] = []
                for i, raw in enumerate(raw_answers):
                    where_ans = f"{where_q}.answers[{i}]"
                    text = _require(raw, "text", str, where_ans, source)
                    start = _require(raw, "answer_start", int, where_ans, source)
                    if not text:
                        raise FileConversionError(
                            f"{source}: {where_ans} has an empty 'text'. A no-answer question has "
                            "'answers': [] (and 'is_impossible': true in SQuAD 2.0)."
                        )
                    if context[start : start + len(text)] == text and start >= 0:
                        answers.append(SquadAnswer(text, start))
                        continue
                    mismatches.append(
                        f"{where_ans}: text {text!r:.60} at answer_start {start}, but the context there reads "
                        f"{context[max(start, 0) : max(start, 0) + len(text)]!r:.60}"
                    )
                    if answer_mismatch == "fix":
                        nearest = _nearest_occurrence(context, text, start)
                        if nearest is not None:
                            answers.append(SquadAnswer(text, nearest))
                            fixed += 1
                            continue
                    dropped_answers += 1
                if raw_answers and not answers:
                    dropped_questions += 1
                    continue
                examples.append(
                    SquadExample(qid, question, context, answers, not answers, title, location=where_q)
                )
    if mismatches and answer_mismatch == "error":
        shown = "\n  ".join(mismatches[:5])
        more = f"\n  ... and {len(mismatches) - 5} more" if len(mismatches) > 5 else ""
        raise FileConversionError(
            f"{source}: {len(mismatches)} answer(s) do not match the context at their answer_start:\n  {shown}{more}\n"
            "Fix the file, or pass answer_mismatch='fix' to move each answer to the nearest occurrence of its "
            "text (FARM's behaviour), or answer_mismatch='drop' to drop them."
        )
    if mismatches:
        _logger.warning(
            "%s: %d answer(s) did not match the context at their answer_start: %d moved to the nearest "
            "occurrence of their text, %d dropped (%d question(s) left without answers dropped). First: %s",
            source, len(mismatches), fixed, dropped_answers, dropped_questions, mismatches[0],
        )
    return examples


def read_squad_json(path: str | Path) -> dict[str, Any]:
    """The dict of a SQuAD-format JSON file, unchecked (`squad_examples_from_dict` checks it).

    Raises:
        FileNotFoundError: no file at `path`.
        FileConversionError: the file is not JSON.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"SQuAD file not found: {path}")
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as exc:
        raise FileConversionError(f"{path}: not valid JSON ({exc}); expected a SQuAD-format file.") from exc


def read_squad_examples(path: str | Path, answer_mismatch: AnswerMismatch = "error") -> list[SquadExample]:
    """Reads a SQuAD v1.1 or v2.0 JSON file into one `SquadExample` per question.

    See `squad_examples_from_dict` for the checks and `answer_mismatch`.

    Raises:
        FileNotFoundError: no file at `path`.
        FileConversionError: the file is not JSON or not in the SQuAD format; the message names the entry.
    """
    return squad_examples_from_dict(read_squad_json(path), source=str(path), answer_mismatch=answer_mismatch)


def load_squad(path: str | Path, answer_mismatch: AnswerMismatch = "error") -> tuple[list[Document], list[Label]]:
    """Documents and gold labels from a SQuAD v1.1 or v2.0 file, as Haystack 1.x's `eval_data_from_json`.

    Returns:
        `(documents, labels)`: one `Document` per distinct paragraph (`meta={"title": ...}`), and one
        `Label` per gold answer (`origin="gold-label"`, both correctness flags True, the answer's
        `offsets_in_document` and `offsets_in_context` set, `meta={"question_id": ...}`). A no-answer
        question (SQuAD 2.0 `is_impossible`) gets one label with `no_answer=True` and the answer "".
        Several annotators giving the same answer give labels with the same id (a store keeps one).
    """
    documents: dict[str, Document] = {}
    labels: list[Label] = []
    for example in read_squad_examples(path, answer_mismatch=answer_mismatch):
        doc = documents.get(example.context)
        if doc is None:
            doc = documents[example.context] = Document(content=example.context, meta={"title": example.title})
        meta = {"question_id": example.id}
        if example.is_impossible:
            labels.append(
                Label(query=example.question, document=doc, is_correct_answer=True, is_correct_document=True,
                      origin="gold-label", answer=Answer(answer=""), no_answer=True, meta=meta)
            )
        for ans in example.answers:
            span = Span(ans.start, ans.end)
            answer = Answer(answer=ans.text, type="extractive", context=example.context,
                            offsets_in_document=[span], offsets_in_context=[span], document_ids=[doc.id])
            labels.append(
                Label(query=example.question, document=doc, is_correct_answer=True, is_correct_document=True,
                      origin="gold-label", answer=answer, no_answer=False, meta=meta)
            )
    return list(documents.values()), labels


def write_squad(squad: dict[str, Any], path: str | Path) -> Path:
    """Writes a SQuAD-format dict (such as `subjqa_to_squad` returns) to a JSON file; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        json.dump(squad, f, ensure_ascii=False)
    return path
