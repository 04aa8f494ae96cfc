"""Tiny evaluation data and a scripted reader, shared by the evaluation tests."""

from __future__ import annotations

import json
from pathlib import Path

from hayrick import Answer, BaseComponent, Document, Label, MultiLabel, Pipeline, Span
from hayrick.nodes import BM25Retriever
from hayrick.stores import InMemoryDocumentStore

PARAGRAPHS = [
    ("Kindle", "The Kindle battery lasts about 6000 hours on standby. The screen is easy on the eyes in sunlight.",
     [("q1", "How long does the battery last?", ["about 6000 hours", "6000 hours"]),
      ("q2", "Is the screen good for reading in sunlight?", ["easy on the eyes"])]),
    ("Kindle", "The leather case costs 30 dollars and protects the screen well.",
     [("q3", "What is the case made of?", ["leather"])]),
    ("Headphones", "These headphones have deep bass. The cable broke after two weeks of use.",
     [("q4", "How good is the bass?", ["deep bass"]),
      ("q5", "Does it come with a warranty?", [])]),
    ("Speaker", "The speaker battery lasts ten hours and the sound is loud and clear.",
     [("q6", "How long does the speaker battery last?", ["ten hours"])]),
]  # fmt: skip


def squad_dict() -> dict:
    """The paragraphs above in the SQuAD v2.0 format (q5 is a no-answer question)."""
    articles: dict[str, list] = {}
    for title, context, questions in PARAGRAPHS:
        qas = [
            {"id": qid, "question": question, "is_impossible": not answers,
             "answers": [{"text": a, "answer_start": context.index(a)} for a in answers]}
            for qid, question, answers in questions
        ]  # fmt: skip
        articles.setdefault(title, []).append({"context": context, "qas": qas})
    return {"version": "v2.0", "data": [{"title": t, "paragraphs": p} for t, p in articles.items()]}


def write_squad_file(folder: Path) -> Path:
    path = Path(folder) / "tiny-squad.json"
    path.write_text(json.dumps(squad_dict()), encoding="utf-8")
    return path


def make_label(query: str, content: str, answer: str | None, meta: dict | None = None, **flags) -> Label:
    """A gold label; `answer=None` makes a no-answer label."""
    doc = Document(content)
    if answer is None:
        return Label(query=query, document=doc, is_correct_answer=True, is_correct_document=True,
                     origin="gold-label", answer=Answer(""), no_answer=True, meta=meta or {})  # fmt: skip
    start = content.index(answer)
    span = Span(start, start + len(answer))
    return Label(
        query=query, document=doc, origin="gold-label", meta=meta or {},
        answer=Answer(answer, context=content, offsets_in_document=[span], offsets_in_context=[span],
                      document_ids=[doc.id]),
        is_correct_answer=flags.get("is_correct_answer", True),
        is_correct_document=flags.get("is_correct_document", True),
    )  # fmt: skip


def tiny_labels() -> list[MultiLabel]:
    """One MultiLabel per question of PARAGRAPHS, with `meta={"item_id": title}`."""
    result = []
    for title, context, questions in PARAGRAPHS:
        for _, question, answers in questions:
            labels = [make_label(question, context, a, {"item_id": title}) for a in answers] or [
                make_label(question, context, None, {"item_id": title})
            ]
            result.append(MultiLabel(labels=labels))
    return result


def tiny_store() -> InMemoryDocumentStore:
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents([Document(context, meta={"item_id": title}) for title, context, _ in PARAGRAPHS])
    return store


class ScriptedReader(BaseComponent):
    """A reader with scripted answers: for each text in `script[query]`, the first input document containing it.

    "" is a no-answer prediction. Texts found in no document are left out, as a real reader could not extract them.
    """

    def __init__(self, script: dict[str, list[str]], top_k: int = 10):
        self.script = script
        self.top_k = top_k
        self.calls = 0

    def run(self, query: str, documents: list[Document], top_k: int | None = None):
        self.calls += 1
        answers = []
        for i, text in enumerate(self.script.get(query, [])):
            score = 1.0 - i * 0.1
            if text == "":
                answers.append(Answer("", score=score))
                continue
            for doc in documents:
                start = doc.content.find(text)
                if start >= 0:
                    span = Span(start, start + len(text))
                    answers.append(Answer(text, score=score, context=doc.content, offsets_in_document=[span],
                                          offsets_in_context=[span], document_ids=[doc.id]))  # fmt: skip
                    break
        return {"answers": answers[: top_k or self.top_k]}, "output_1"


SCRIPT = {
    "How long does the battery last?": ["6000 hours", "ten hours"],  # top-1 EM 1 (matches "6000 hours")
    "Is the screen good for reading in sunlight?": ["the screen", "easy on the eyes"],  # top-1 wrong, top-2 right
    "What is the case made of?": ["leather case"],  # F1 2/3 against "leather"
    "How good is the bass?": ["deep bass"],
    "Does it come with a warranty?": [""],  # correct no-answer
    "How long does the speaker battery last?": ["6000 hours"],  # wrong
}


def qa_pipeline(store: InMemoryDocumentStore | None = None, reader: BaseComponent | None = None) -> Pipeline:
    store = store or tiny_store()
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=store, top_k=3), "Retriever", ["Query"])
    p.add_node(reader or ScriptedReader(SCRIPT), "Reader", ["Retriever"])
    return p
