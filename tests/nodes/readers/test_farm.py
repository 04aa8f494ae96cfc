"""FARMReader: decoding end to end on a stub model, and the node: init, errors, config, save, run, pipelines."""

from __future__ import annotations

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError
from hayrick.nodes.readers import FARMReader, TransformersReader
from hayrick.nodes.readers.decoding import confidence
from hayrick.nodes.readers.windows import make_windows, token_span
from hayrick.nodes.retrievers import FilterRetriever
from hayrick.stores.memory import InMemoryDocumentStore

FILLER = "the city is old and large . "
ANSWER = "carla lives in berlin"
QUESTION = "who lives in berlin ?"
SMALL = {"max_seq_len": 24, "doc_stride": 8, "max_query_length": 6, "use_gpu": False, "progress_bar": False}


def _overlap_document(tokenizer) -> tuple[str, int]:
    """A document where ANSWER lies in (at least) two overlapping windows, and its start."""
    for n_before in range(12):
        text = FILLER * n_before + ANSWER + " . " + FILLER * 6
        start = text.index(ANSWER)
        windows = make_windows(tokenizer, [QUESTION], [text], 24, 8, 6)
        if sum(token_span(o, start, start + len(ANSWER)) is not None for o in windows.offsets) >= 2:
            return text, start
    raise AssertionError("no layout puts the answer into two windows")


@pytest.fixture()
def stub_reader(tiny_model_dir, stub_model):
    def make(cls_logit: float = 0.0, **kwargs) -> FARMReader:
        reader = FARMReader(tiny_model_dir("bert"), **{**SMALL, **kwargs})
        ids = reader.tokenizer.convert_tokens_to_ids
        reader.model = stub_model(ids("carla"), ids("berlin"), cls=cls_logit)
        return reader

    return make


def test_span_in_overlapping_windows_is_reported_once(stub_reader):
    reader = stub_reader()
    text, start = _overlap_document(reader.tokenizer)
    answers = reader.predict(QUESTION, [Document(text)])["answers"]
    assert answers[0].answer == ANSWER and answers[0].offsets_in_document[0].start == start
    assert [a.answer for a in answers].count(ANSWER) == 1
    assert answers[0].score == pytest.approx(confidence(20.0))
    unfiltered = stub_reader(duplicate_filtering=-1).predict(QUESTION, [Document(text)])["answers"]
    assert [a.answer for a in unfiltered].count(ANSWER) >= 2


def test_same_passage_in_two_documents_is_reported_once(stub_reader):
    reader = stub_reader()
    passage = FILLER + ANSWER + " . " + FILLER
    docs = [Document(passage, meta={"part": 1}), Document("intro . " + passage, meta={"part": 2})]
    assert docs[0].id != docs[1].id
    answers = reader.predict(QUESTION, docs)["answers"]
    assert [a.answer for a in answers].count(ANSWER) == 1
    other = [Document(FILLER + ANSWER + " and more", meta={"part": 3})]  # different surroundings: kept
    assert [a.answer for a in reader.predict(QUESTION, docs[:1] + other)["answers"]].count(ANSWER) == 2
    both = stub_reader(duplicate_filtering=-1).predict(QUESTION, docs)["answers"]
    assert [a.answer for a in both].count(ANSWER) >= 2


def test_no_answer_from_cls_logits_and_boost(stub_reader):
    text = FILLER + ANSWER + " . " + FILLER
    strong_null = stub_reader(cls_logit=15.0, return_no_answer=True)  # [CLS] span scores 30 > 20
    result = strong_null.predict(QUESTION, [Document(text)])
    assert result["no_ans_gap"] == pytest.approx(20.0 - 30.0)
    first, second = result["answers"][:2]
    assert first.answer == "" and first.document_ids is None and first.offsets_in_document[0].end == 0
    assert first.score == pytest.approx(confidence(30.0)) and second.answer == ANSWER
    boosted = stub_reader(cls_logit=15.0, return_no_answer=True, no_ans_boost=-20.0).predict(QUESTION, [Document(text)])
    assert boosted["no_ans_gap"] == pytest.approx(20.0 - (30.0 - 20.0))
    assert boosted["answers"][0].answer == ANSWER
    no_answer = next(a for a in boosted["answers"] if a.answer == "")
    assert no_answer.score == pytest.approx(confidence(20.0 - 10.0))
    hidden = stub_reader(cls_logit=15.0).predict(QUESTION, [Document(text)])
    assert hidden["answers"][0].answer == ANSWER and all(a.answer for a in hidden["answers"])
    assert hidden["no_ans_gap"] == pytest.approx(-10.0)


def test_span_bounds_scores_and_context(stub_reader):
    text = FILLER * 3 + ANSWER + " . " + FILLER * 3
    short = stub_reader(max_answer_length=3).predict(QUESTION, [Document(text)])["answers"]
    assert all(len(a.answer.split()) <= 3 for a in short) and short[0].answer != ANSWER
    raw = stub_reader(use_confidence_scores=False).predict(QUESTION, [Document(text)])["answers"]
    assert raw[0].score == pytest.approx(20.0)
    assert stub_reader(confidence_threshold=0.95).predict(QUESTION, [Document(text)])["answers"] == []
    kept = stub_reader(confidence_threshold=0.9).predict(QUESTION, [Document(text)])["answers"]
    assert [a.answer for a in kept] == [ANSWER]
    best = stub_reader(context_window_size=41).predict(QUESTION, [Document(text)], top_k=1)["answers"]
    (answer,) = best
    span = answer.offsets_in_context[0]
    assert len(answer.context) == 41 and answer.context[span.start : span.end] == ANSWER
    assert abs(span.start - (41 - span.end)) <= 1  # centred
    assert stub_reader(top_k_per_sample=3, top_k_per_candidate=2).predict(QUESTION, [Document(text)])["answers"][1:]


def test_default_init_with_the_real_model(minilm_path):
    reader = FARMReader(str(minilm_path))
    assert reader.init_parameters == {"model_name_or_path": str(minilm_path)}
    assert (reader.max_seq_len, reader.doc_stride, reader.max_query_length, reader.top_k) == (256, 128, 64, 10)
    assert reader.device.type in ("cpu", "cuda") and reader.tokenizer.is_fast
    assert reader.predict_on_texts("Where does Carla live?", ["My name is Carla and I live in Berlin."])[
        "answers"
    ][0].answer == "Berlin"


def test_invalid_init(tiny_model_dir, tmp_path, monkeypatch):
    path = tiny_model_dir("bert")
    cases = [
        ({"max_seq_len": 64, "doc_stride": 64}, r"doc_stride \(64\) \+ max question tokens \(64\) must be smaller"),
        ({"max_seq_len": 40, "doc_stride": 33, "max_query_length": 5}, "smaller than the context tokens a window holds"),
        ({"max_seq_len": 600, "doc_stride": 64}, "max_seq_len=600 exceeds what the model reads"),
        ({"max_seq_len": "256"}, "max_seq_len must be an int"),
        ({"doc_stride": -1}, "doc_stride must be an int >= 0"),
        ({"top_k": 0}, "top_k must be a positive int, got 0"),
        ({"no_ans_boost": "high"}, "no_ans_boost must be a number, got str"),
        ({"confidence_threshold": 1.5}, r"confidence_threshold must lie in \[0, 1\]"),
        ({"duplicate_filtering": -2}, "duplicate_filtering must be an int >= -1"),
        ({"return_no_answer": "yes"}, "return_no_answer must be True or False"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ComponentError, match=message):
            FARMReader(path, **{"use_gpu": False, **kwargs})
    with pytest.raises(ComponentError, match=r"model folder .*missing.* does not exist"):
        FARMReader(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ComponentError, match="could not load an extractive QA model"):
        FARMReader(tmp_path / "empty")
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with pytest.raises(ComponentError, match="quantize=True gives a CPU-only int8 model"):
        FARMReader(path, quantize=True)


def test_config_round_trip_and_save(tiny_model_dir, tmp_path):
    small = {"max_seq_len": 32, "doc_stride": 8, "max_query_length": 8, "use_gpu": False}
    reader = FARMReader(str(tiny_model_dir("bert")), top_k=4, progress_bar=False, **small)
    p = Pipeline()
    p.add_node(reader, "Reader", ["Query"])
    config = p.get_config()
    assert config["components"][0]["type"] == "FARMReader"
    assert config["components"][0]["params"]["top_k"] == 4
    loaded = Pipeline.load(config)
    assert loaded.get_config() == config
    docs = [Document("carla lives in berlin . the city is old ."), Document("john lives in paris .")]
    expected = reader.predict(QUESTION, docs)["answers"]
    assert loaded.get_node("Reader").predict(QUESTION, docs)["answers"] == expected

    reader.save(tmp_path / "saved")
    again = FARMReader(tmp_path / "saved", top_k=4, progress_bar=False, **small)
    reloaded = again.predict(QUESTION, docs)["answers"]
    assert [a.answer for a in reloaded] == [a.answer for a in expected]
    assert [a.score for a in reloaded] == pytest.approx([a.score for a in expected], abs=1e-6)
    small["max_question_len"] = small.pop("max_query_length")
    assert TransformersReader(tmp_path / "saved", **small).predict(QUESTION, docs)["answers"]


def test_run_run_batch_and_predict_batch(stub_reader):
    reader = stub_reader()
    docs = [Document(FILLER + ANSWER + " .", meta={"k": 1}), Document("john lives in paris .", meta={"k": 2})]
    output, edge = reader.run(query=QUESTION, documents=docs, top_k=2)
    assert edge == "output_1" and set(output) == {"answers"} and len(output["answers"]) == 2
    assert output["answers"][0].answer == ANSWER and output["answers"][0].meta == {"k": 1}
    batch, edge = reader.run_batch(queries=[QUESTION, "where ?"], documents=docs, top_k=1)
    assert edge == "output_1" and [len(a) for a in batch["answers"]] == [1, 1]
    per_query = reader.predict_batch([QUESTION, QUESTION], [docs[:1], docs[1:]])
    assert per_query["answers"][0][0].answer == ANSWER
    assert per_query["answers"][1] and all(a.document_ids == [docs[1].id] for a in per_query["answers"][1])
    assert len(per_query["no_ans_gaps"]) == 2
    assert reader.predict_batch([QUESTION], [[]])["answers"] == [[]]
    assert reader.predict(QUESTION, [])["answers"] == []
    with pytest.raises(ValueError, match="2 lists of documents for 3 queries"):
        reader.predict_batch(["a", "b", "c"], [docs, docs])
    with pytest.raises(ValueError, match="top_k must be a positive int"):
        reader.predict(QUESTION, docs, top_k=0)
    with pytest.raises(ValueError, match="content_type='table'"):
        reader.predict(QUESTION, [Document(content=[["a", "b"]], content_type="table")])


def test_in_a_pipeline_with_a_filter_retriever(stub_reader):
    store = InMemoryDocumentStore()
    store.write_documents([
        Document(FILLER + ANSWER + " .", meta={"item_id": "A"}),
        Document("mary lives in rome . " + ANSWER + " too .", meta={"item_id": "B"}),
    ])
    p = Pipeline()
    p.add_node(FilterRetriever(document_store=store), "Retriever", ["Query"])
    p.add_node(stub_reader(), "Reader", ["Retriever"])
    result = p.run(query=QUESTION, params={"Retriever": {"filters": {"item_id": ["B"]}}, "Reader": {"top_k": 2}})
    assert result["answers"][0].answer == ANSWER and all(a.meta["item_id"] == "B" for a in result["answers"])
    batch = p.run_batch(queries=[QUESTION, QUESTION], params={"Reader": {"top_k": 1}})
    assert [[a.answer for a in answers] for answers in batch["answers"]] == [[ANSWER], [ANSWER]]


def test_quantize_on_cpu(tiny_model_dir, tmp_path):
    reader = FARMReader(tiny_model_dir("bert"), quantize=True, **SMALL)
    import torch

    from hayrick.nodes.readers.quantization import Int8GroupMember, Int8Linear

    assert not any(type(m) is torch.nn.Linear for m in reader.model.modules())  # every Linear is int8
    assert any(isinstance(m, Int8GroupMember) for m in reader.model.modules())
    assert any(isinstance(m, Int8Linear) for m in reader.model.modules())
    assert reader.predict(QUESTION, [Document(FILLER + ANSWER)])["answers"]
    with pytest.raises(ValueError, match="quantized model cannot be saved"):
        reader.save(tmp_path / "q")


def test_train_and_eval_delegate_to_the_training_module(stub_reader, monkeypatch):
    from hayrick.nodes.readers import training

    calls = {}
    monkeypatch.setattr(training, "train_reader", lambda reader, **kwargs: calls.setdefault("train", (reader, kwargs)))
    monkeypatch.setattr(training, "eval_on_file", lambda *args: calls.setdefault("eval", args))
    reader = stub_reader()
    reader.train("data", "train.json", n_epochs=1, max_steps=3)
    assert calls["train"][0] is reader
    assert calls["train"][1]["n_epochs"] == 1 and calls["train"][1]["max_steps"] == 3
    assert calls["train"][1]["dev_split"] == 0.0 and calls["train"][1]["train_filename"] == "train.json"
    assert len(calls["train"][1]) == 17
    reader.eval_on_file("data", "dev.json", device="cpu")
    assert calls["eval"] == (reader, "data", "dev.json")


def test_quantize_true_with_the_real_model(shared_dir):
    """quantize=True: every Linear int8 (query/key/value fused per layer); answers SQuAD right, near the fp32 logits."""
    import json

    import torch

    from hayrick.nodes.readers.quantization import (
        Int8GroupMember,
        Int8Linear,
        Int8LinearGroup,
    )

    model_dir = shared_dir / "models" / "minilm-l6-squad"
    reader = FARMReader(str(model_dir), use_gpu=False, quantize=True, progress_bar=False)
    layers = reader.model.config.num_hidden_layers
    modules = dict(reader.model.named_modules())
    assert not any(type(m) is torch.nn.Linear for m in modules.values())
    assert sum(isinstance(m, Int8LinearGroup) for m in modules.values()) == layers
    assert sum(isinstance(m, Int8GroupMember) for m in modules.values()) == 3 * layers
    assert sum(isinstance(m, Int8Linear) for m in modules.values()) == 3 * layers + 1  # attn out, up, down; head
    with open(shared_dir / "datasets" / "squad" / "dev-v1.1.json", encoding="utf-8") as f:
        paragraph = json.load(f)["data"][0]["paragraphs"][0]  # Super_Bowl_50
    for qa in paragraph["qas"][:1]:  # "Which NFL team represented the AFC at Super Bowl 50?"
        answers = reader.predict(qa["question"], [Document(paragraph["context"])], top_k=1)["answers"]
        assert answers[0].answer in {a["text"] for a in qa["answers"]}, (qa["question"], answers[0].answer)
