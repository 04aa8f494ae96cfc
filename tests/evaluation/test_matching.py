"""GoldLabels.match_documents against a plain reading of the matching rules, on random documents."""

from __future__ import annotations

import random

from hayrick import Document, MultiLabel
from hayrick.evaluation.matching import GoldLabels, TextCache, collapse
from tests.evaluation.helpers import make_label

WORDS = ["battery", "lasts", "about", "6000", "hours", "the", "screen", "Bass", "deep", "case", "\n", "  "]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _reference(gold: list, documents: list[Document]) -> tuple[list, list, list]:
    """The rules of the module docstring, one document and one label at a time."""
    by_id, by_answer, by_context = [], [], []
    for doc in documents:
        text = doc.content.lower()
        by_id.append([i for i, label in enumerate(gold) if label.document.id == doc.id])
        by_answer.append([i for i, label in enumerate(gold) if label.answer.answer.lower() in text])
        by_context.append([
            i for i, label in enumerate(gold)
            if label.document.id == doc.id or collapse(label.document.content) in collapse(doc.content)
        ])  # fmt: skip
    return by_id, by_answer, by_context


def test_match_documents_agrees_with_the_rules_read_plainly():
    rng = random.Random(3)
    for _ in range(300):
        golds = []
        for _ in range(rng.randint(1, 4)):
            content = "Review: " + _text(rng, rng.randint(2, 9))
            start = rng.randrange(len(content) - 1)
            answer = content[start : start + rng.randint(1, 15)]
            golds.append(make_label("q?", content, answer if answer.strip() else "Review"))
        documents = [Document(_text(rng, rng.randint(1, 14))) for _ in range(rng.randint(0, 8))]
        documents += [rng.choice(golds).document for _ in range(rng.randint(0, 2))]  # the gold documents themselves
        documents += [Document("x " + rng.choice(golds).document.content.upper() + " y")] * rng.randint(0, 1)
        gold = GoldLabels(MultiLabel(labels=golds), TextCache())
        got = gold.match_documents(documents)
        assert [list(x) for x in got[0]] == _reference(gold.labels, documents)[0]
        assert [list(x) for x in got[1]] == _reference(gold.labels, documents)[1]
        assert [list(x) for x in got[2]] == _reference(gold.labels, documents)[2]
        assert gold.match_documents(documents, with_context=False)[2] == [[]] * len(documents)


def test_document_columns_put_every_query_s_rows_in_place():
    from hayrick.evaluation.pipeline_eval import document_columns
    from hayrick.evaluation.result import PER_QUERY

    battery = make_label("How long?", "The battery lasts about 6000 hours.", "6000 hours")
    screen = make_label("Screen?", "The Screen is bright.", "bright")
    other = Document("A bright case; the battery is big.")
    runs = []
    for label, documents in ((battery, [other, battery.document]), (screen, []), (screen, [screen.document])):
        multilabel = MultiLabel(labels=[label])
        runs.append((multilabel.id, multilabel.query, multilabel, [d.id for d in documents],
                     [d.content for d in documents], [0.5] * len(documents), None))  # fmt: skip
    columns = document_columns(runs, "Retriever")
    assert columns["rank"].tolist() == [1, 2, 0, 1]  # the query that got nothing keeps one row, rank 0
    assert columns["document_id"] == [other.id, battery.document.id, "", screen.document.id]
    assert columns["content"][2] == "" and columns["score"][:2] == [0.5, 0.5]
    assert [list(m) for m in columns["gold_id_matches"]] == [[], [0], [], [0]]
    assert [list(m) for m in columns["answer_matches"]] == [[], [0], [], [0]]
    assert "context_matches" not in columns  # computed when first needed, by EvaluationResult
    assert [q[0] for q in columns[PER_QUERY]] == [2, 1, 1]  # rows per query
    assert [q[8] for q in columns[PER_QUERY]] == [[battery.document.content], [screen.document.content]] * 1 + [
        [screen.document.content]
    ]  # the gold contexts, as they are


def test_text_cache_lowers_each_id_once_and_keeps_the_order():
    cache = TextCache()
    assert cache.lower_all(["a", "b", "a"], ["ÄB", "Cd", "ÄB"]) == ["äb", "cd", "äb"]
    assert cache.lower_all(["b", "c"], ["ignored: b is known", "X  Y"]) == ["cd", "x  y"]
    assert cache.collapsed("c", "unused") == "x y" and cache.collapsed("d", "P\n Q") == "p q"
