"""Both readers on a tiny random model of each architecture, loaded by path through from_pretrained."""

from __future__ import annotations

import pytest

from hayrick import Answer, Document
from hayrick.nodes.readers import FARMReader, TransformersReader
from tests.nodes.readers.tiny_models import ARCHITECTURES

MODEL_CLASSES = {
    "bert": "BertForQuestionAnswering",
    "distilbert": "DistilBertForQuestionAnswering",
    "roberta": "RobertaForQuestionAnswering",
    "roberta-prelayernorm": "RobertaPreLayerNormForQuestionAnswering",
    "electra": "ElectraForQuestionAnswering",
    "minilm": "BertForQuestionAnswering",
}
NO_TOKEN_TYPES = {"distilbert", "roberta", "roberta-prelayernorm"}
LONG = " ".join(
    f"Carla lives in Berlin, which is the capital of Germany. John lived in Paris for {n} years." for n in range(8)
)
DOCS = [
    Document(content=LONG, meta={"name": "long"}),
    Document(content="Rome is the capital of Italy.", meta={"name": "rome"}),
    Document(content="Mary was born in Rome (Italy) one hundred years ago!", meta={"name": "mary"}),
]


def check_answers(answers: list[Answer], documents: list[Document]) -> None:
    by_id = {d.id: d for d in documents}
    assert answers, "a random model still returns spans"
    scores = [a.score for a in answers]
    assert scores == sorted(scores, reverse=True)
    for answer in answers:
        assert isinstance(answer, Answer) and answer.type == "extractive" and answer.answer
        doc = by_id[answer.document_ids[0]]
        span, in_context = answer.offsets_in_document[0], answer.offsets_in_context[0]
        assert doc.content[span.start : span.end] == answer.answer
        assert answer.context[in_context.start : in_context.end] == answer.answer
        assert doc.content.find(answer.context) >= 0
        assert answer.meta == doc.meta


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_farm_reader_per_architecture(arch, tiny_model_dir):
    reader = FARMReader(
        tiny_model_dir(arch), use_gpu=False, max_seq_len=40, doc_stride=10, max_query_length=12,
        top_k=6, top_k_per_sample=2, progress_bar=False, context_window_size=40,
    )
    assert type(reader.model).__name__ == MODEL_CLASSES[arch]
    from hayrick.nodes.readers.windows import make_windows

    windows = make_windows(reader.tokenizer, ["Who lives in Berlin?"], [LONG], 40, 10, 12)
    assert len(windows) > 3  # the long document needs several windows
    assert (windows.token_type_ids is None) == (arch in NO_TOKEN_TYPES)
    result = reader.predict("Who lives in Berlin?", DOCS)
    assert len(result["answers"]) == 6 and isinstance(result["no_ans_gap"], float)
    check_answers(result["answers"], DOCS)
    assert all(0.0 <= a.score <= 1.0 for a in result["answers"])
    assert all(len(a.context) <= max(40, len(a.answer)) for a in result["answers"])


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_transformers_reader_per_architecture(arch, tiny_model_dir):
    reader = TransformersReader(
        tiny_model_dir(arch), use_gpu=False, max_seq_len=40, doc_stride=10, max_question_len=12, top_k=5,
        context_window_size=20,
    )
    assert type(reader.model).__name__ == MODEL_CLASSES[arch]
    result = reader.predict("Who lives in Berlin?", DOCS)
    check_answers(result["answers"], DOCS)
    per_document = {}
    for answer in result["answers"]:
        per_document.setdefault(answer.document_ids[0], []).append(answer)
    assert all(len(answers) <= 3 for answers in per_document.values())  # top_k_per_candidate
