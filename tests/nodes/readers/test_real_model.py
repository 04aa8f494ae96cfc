"""Both readers with the real SQuAD reader (../shared/models/minilm-l6-squad) on SQuAD v1.1 dev questions."""

from __future__ import annotations

import pytest

from hayrick import Document
from hayrick.evaluation.metrics import exact_match, max_over_gold
from hayrick.nodes.readers.windows import make_windows, token_span

# first SQuAD v1.1 dev questions (Super_Bowl_50, paragraph 0) that the model answers right
KNOWN = [0, 2, 3, 6, 9, 11]


def _questions(squad_dev, indices):
    paragraph = squad_dev[0]["paragraphs"][0]
    return [(paragraph["qas"][i]["question"], [a["text"] for a in paragraph["qas"][i]["answers"]], paragraph["context"]) for i in indices]


@pytest.mark.parametrize("reader_fixture", ["real_farm", "real_transformers"])
def test_known_squad_answers(reader_fixture, request, squad_dev):
    reader = request.getfixturevalue(reader_fixture)
    items = _questions(squad_dev, KNOWN)
    result = reader.predict_batch([q for q, _, _ in items], [[Document(c, meta={"title": "Super_Bowl_50"})] for _, _, c in items], top_k=3)
    for (question, golds, context), answers in zip(items, result["answers"]):
        best = answers[0]
        assert max_over_gold(exact_match, best.answer, golds) == 1.0, (question, best.answer, golds)
        span = best.offsets_in_document[0]
        assert context[span.start : span.end] == best.answer and best.meta == {"title": "Super_Bowl_50"}
        assert [a.score for a in answers] == sorted((a.score for a in answers), reverse=True)
    single = reader.predict(items[0][0], [Document(items[0][2])], top_k=3)["answers"]
    assert [(a.answer, a.score) for a in single] == [(a.answer, pytest.approx(a.score, abs=1e-5)) for a in result["answers"][0]]


def test_long_document_answer_in_the_overlap_found_once(real_farm, real_transformers, squad_dev):
    paragraphs = squad_dev[0]["paragraphs"][:5]
    text = "\n\n".join(p["context"] for p in paragraphs)
    question = "Which Carolina Panthers player was named Most Valuable Player?"
    start = text.index("Cam Newton")
    end = start + len("Cam Newton")
    windows = make_windows(real_farm.tokenizer, [question], [text], 256, 128, 64)
    assert len(windows) >= 3
    assert sum(token_span(o, start, end) is not None for o in windows.offsets) == 2  # in the overlap of two windows

    farm = real_farm.predict(question, [Document(text)], top_k=5)["answers"]
    assert farm[0].answer == "Cam Newton" and farm[0].offsets_in_document[0].start == start
    assert [(a.offsets_in_document[0].start, a.offsets_in_document[0].end) for a in farm].count((start, end)) == 1
    assert len(farm[0].context) == 150 and farm[0].context[farm[0].offsets_in_context[0].start :].startswith("Cam Newton")

    pipeline = real_transformers.predict(question, [Document(text)], top_k=5)["answers"]
    assert pipeline[0].answer == "Cam Newton" and [a.answer for a in pipeline].count("Cam Newton") == 1
    assert pipeline[0].score > 1.0  # the pipeline adds up the scores of the same text found in two windows


def test_scores_compare_across_documents(real_farm, squad_dev):
    question, golds, context = _questions(squad_dev, [0])[0]
    other = squad_dev[1]["paragraphs"][0]["context"]  # another article: no answer to this question
    answers = real_farm.predict(question, [Document(other), Document(context)], top_k=3)["answers"]
    assert answers[0].answer in golds and answers[0].document_ids == [Document(context).id]
    assert all(0.0 <= a.score <= 1.0 for a in answers)


def test_the_books_call(minilm_path):
    """The book's call: FARMReader(..., return_no_answer=True).predict_on_texts(question=..., texts=[...], top_k=1)."""
    from hayrick.nodes.readers import FARMReader

    reader = FARMReader(model_name_or_path=str(minilm_path), progress_bar=False, max_seq_len=384, doc_stride=128,
                        return_no_answer=True, use_gpu=False)
    question = "How much music can this hold?"
    context = "An MP3 is about 1 MB/minute, so about 6000 hours depending on file size."
    result = reader.predict_on_texts(question=question, texts=[context], top_k=1)
    assert set(result) == {"query", "no_ans_gap", "answers"} and result["query"] == question
    (answer,) = result["answers"]
    span = answer.offsets_in_document[0]
    assert answer.answer and context[span.start : span.end] == answer.answer and answer.context == context
    assert isinstance(result["no_ans_gap"], float) and result["no_ans_gap"] > 0  # an answer beats "no answer"
    three = reader.predict_on_texts(question=question, texts=[context], top_k=3)["answers"]
    assert "" in [a.answer for a in three]  # return_no_answer: the no-answer prediction is ranked too
