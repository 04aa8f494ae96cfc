"""TransformersReader: the pipeline's scoring on a stub model, and the node: init, errors, config, run, pipelines."""

from __future__ import annotations

import math

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError
from hayrick.nodes.readers import TransformersReader
from hayrick.nodes.readers.windows import make_windows, token_span
from hayrick.nodes.retrievers import FilterRetriever
from hayrick.stores.memory import InMemoryDocumentStore

FILLER = "the city is old and large . "
ANSWER = "carla lives in berlin"
QUESTION = "who lives in berlin ?"
SMALL = {"max_seq_len": 24, "doc_stride": 8, "max_question_len": 6, "use_gpu": False}


@pytest.fixture()
def stub_reader(tiny_model_dir, stub_model):
    def make(cls_logit: float = 0.0, **kwargs) -> TransformersReader:
        reader = TransformersReader(tiny_model_dir("bert"), **{**SMALL, **kwargs})
        ids = reader.tokenizer.convert_tokens_to_ids
        reader.model = stub_model(ids("carla"), ids("berlin"), cls=cls_logit)
        return reader

    return make


def _window_probability(n_context: int, cls_logit: float) -> tuple[float, float]:
    """p_start(carla) * p_end(berlin) and the [CLS] product in a window with one 'carla' and one 'berlin'."""
    z = math.exp(10.0) + math.exp(cls_logit) + (n_context - 1) * math.exp(-5.0)
    return (math.exp(10.0) / z) ** 2, (math.exp(cls_logit) / z) ** 2


def _windows_holding(reader, text):
    windows = make_windows(reader.tokenizer, [QUESTION], [text], 24, 8, 6)
    start = text.index(ANSWER)
    return windows, [w for w, o in enumerate(windows.offsets) if token_span(o, start, start + len(ANSWER))]


def test_scores_are_the_pipelines_probabilities(stub_reader):
    reader = stub_reader(top_k_per_candidate=5)
    text = FILLER + ANSWER + " ."
    windows, holding = _windows_holding(reader, text)
    assert len(windows) == 1 == len(holding)
    n_context = sum(o is not None for o in windows.offsets[0])
    expected, _ = _window_probability(n_context, 0.0)
    answers = reader.predict(QUESTION, [Document(text)])["answers"]
    assert answers[0].answer == ANSWER and answers[0].score == pytest.approx(expected, rel=1e-4)
    assert len(answers) == 5 and all(a.score <= answers[0].score for a in answers)


def test_same_text_in_overlapping_windows_adds_up(stub_reader):
    reader = stub_reader(top_k_per_candidate=1)
    for n_before in range(12):
        text = FILLER * n_before + ANSWER + " . " + FILLER * 6
        windows, holding = _windows_holding(reader, text)
        if len(holding) >= 2:
            break
    else:
        raise AssertionError("no layout puts the answer into two windows")
    expected = 0.0
    for w in holding:
        n_context = sum(o is not None for o in windows.offsets[w])
        expected += _window_probability(n_context, 0.0)[0]
    (answer,) = reader.predict(QUESTION, [Document(text)])["answers"]
    assert answer.answer == ANSWER and answer.score == pytest.approx(expected, rel=1e-4) and answer.score > 1.0


def test_no_answer_is_the_smallest_cls_product(stub_reader):
    text = FILLER + ANSWER + " ."
    reader = stub_reader(cls_logit=12.0, return_no_answers=True)
    windows, _ = _windows_holding(reader, text)
    n_context = sum(o is not None for o in windows.offsets[0])
    span_p, null_p = _window_probability(n_context, 12.0)
    result = reader.predict(QUESTION, [Document(text)])
    assert result["answers"][0].answer == "" and result["answers"][0].score == pytest.approx(null_p, rel=1e-4)
    assert result["answers"][1].answer == ANSWER and result["answers"][1].score == pytest.approx(span_p, rel=1e-4)
    assert result["no_ans_gap"] == pytest.approx(span_p - null_p, rel=1e-4)
    other = Document("mary lives in rome . " + ANSWER)  # a second document: the smaller [CLS] product counts
    two = reader.predict(QUESTION, [Document(text), other])["answers"]
    assert sum(a.answer == "" for a in two) == 1
    without = stub_reader(cls_logit=12.0).predict(QUESTION, [Document(text)])["answers"]
    assert all(a.answer for a in without)


def test_max_answer_len_and_context_window(stub_reader):
    text = FILLER * 2 + ANSWER + " . " + FILLER
    short = stub_reader(max_answer_len=3, top_k_per_candidate=5).predict(QUESTION, [Document(text)])["answers"]
    assert ANSWER not in [a.answer for a in short] and all(len(a.answer.split()) <= 3 for a in short)
    (best,) = stub_reader(context_window_size=10).predict(QUESTION, [Document(text)], top_k=1)["answers"]
    span = best.offsets_in_document[0]
    assert best.context == text[span.start - 10 : span.end + 10]


def test_default_init_with_the_real_model(minilm_path):
    reader = TransformersReader(str(minilm_path))
    assert reader.init_parameters == {"model_name_or_path": str(minilm_path)}
    assert (reader.top_k, reader.top_k_per_candidate, reader.max_answer_len, reader.context_window_size) == (10, 3, 15, 70)
    answers = reader.predict_on_texts("Where does Carla live?", ["My name is Carla and I live in Berlin."])["answers"]
    assert answers[0].answer == "Berlin" and 0.0 < answers[0].score <= 1.0


def test_invalid_init(tiny_model_dir, tmp_path):
    path = tiny_model_dir("bert")
    cases = [
        ({"max_seq_len": 64, "doc_stride": 64}, "must be smaller than max_seq_len"),
        ({"max_seq_len": 40, "doc_stride": 33, "max_question_len": 5}, "smaller than the context tokens a window holds"),
        ({"top_k": 0}, "top_k must be a positive int, got 0"),
        ({"top_k_per_candidate": 0}, "top_k_per_candidate must be a positive int"),
        ({"max_answer_len": 0}, "max_answer_len must be a positive int"),
        ({"return_no_answers": 1}, "return_no_answers must be True or False"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ComponentError, match=message):
            TransformersReader(path, **{"use_gpu": False, **kwargs})
    with pytest.raises(ComponentError, match="does not exist"):
        TransformersReader(str(tmp_path / "nope" / "model"))


def test_config_round_trip_run_and_pipeline(tiny_model_dir, stub_model):
    reader = TransformersReader(str(tiny_model_dir("bert")), top_k=2, **SMALL)
    p = Pipeline()
    p.add_node(reader, "Reader", ["Query"])
    config = p.get_config()
    assert config["components"][0]["type"] == "TransformersReader"
    assert config["components"][0]["params"] == {"model_name_or_path": str(tiny_model_dir("bert")), "top_k": 2, **SMALL}
    loaded = Pipeline.load(config)
    assert loaded.get_config() == config
    docs = [Document("carla lives in berlin ."), Document("john lives in paris .")]
    assert loaded.get_node("Reader").predict(QUESTION, docs)["answers"] == reader.predict(QUESTION, docs)["answers"]

    ids = reader.tokenizer.convert_tokens_to_ids
    reader.model = stub_model(ids("carla"), ids("berlin"))
    output, edge = reader.run(query=QUESTION, documents=docs)
    assert edge == "output_1" and output["answers"][0].answer == ANSWER and len(output["answers"]) == 2
    store = InMemoryDocumentStore()
    store.write_documents([Document(FILLER + ANSWER, meta={"item_id": "A"}), Document("mary lives in rome .", meta={"item_id": "B"})])
    pipeline = Pipeline()
    pipeline.add_node(FilterRetriever(document_store=store), "Retriever", ["Query"])
    pipeline.add_node(reader, "Reader", ["Retriever"])
    result = pipeline.run(query=QUESTION, params={"Retriever": {"filters": {"item_id": ["A"]}}})
    assert result["answers"][0].answer == ANSWER and result["answers"][0].meta == {"item_id": "A"}
    batch = pipeline.run_batch(queries=[QUESTION, QUESTION], params={"Reader": {"top_k": 1}})
    assert [[a.answer for a in answers] for answers in batch["answers"]] == [[ANSWER], [ANSWER]]
