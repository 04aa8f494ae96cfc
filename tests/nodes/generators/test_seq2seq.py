"""Seq2SeqGenerator on a tiny random BART: what generate() gives, converters, batches, errors, YAML, pipelines."""

from __future__ import annotations

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BM25Retriever
from hayrick.nodes.generators import (
    Seq2SeqGenerator,
    default_input_converter,
    register_input_converter,
)
from hayrick.nodes.generators.seq2seq import INPUT_CONVERTERS
from hayrick.pipelines import GenerativeQAPipeline, print_answers
from hayrick.stores import InMemoryDocumentStore
from tests.nodes.generators.tiny_models import build_tiny_bart

DOCS = [Document("Carla lives in Berlin.", meta={"name": "Carla"}), Document("Paris is the capital of France.")]


@pytest.fixture(scope="module")
def bart(tmp_path_factory) -> str:
    return str(build_tiny_bart(tmp_path_factory.mktemp("bart")))


def generator(bart: str, **kwargs) -> Seq2SeqGenerator:
    return Seq2SeqGenerator(bart, use_gpu=False, progress_bar=False, **{"min_length": 4, "max_length": 10, **kwargs})


def test_default_init(bart):
    g = Seq2SeqGenerator(bart)
    assert (g.top_k, g.max_length, g.min_length, g.num_beams) == (1, 200, 2, 8)  # Haystack 1.x's defaults
    assert g.converter is default_input_converter and g.init_parameters == {"model_name_or_path": bart}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"top_k": 0}, "top_k"), ({"num_beams": -1}, "num_beams"), ({"min_length": 20, "max_length": 10}, "min_length"),
     ({"input_converter": "question: {q}"}, "input_converter must be a callable")],
)  # fmt: skip
def test_invalid_init(bart, kwargs, message):
    with pytest.raises(ComponentError, match=message):
        Seq2SeqGenerator(bart, **kwargs)


def test_a_model_that_is_not_seq2seq_is_refused(tmp_path):
    from tests.nodes.readers.tiny_models import build_tiny_model

    folder = build_tiny_model("bert", tmp_path / "bert")
    with pytest.raises(ComponentError, match=r"is a 'bert' model, not a sequence-to-sequence one"):
        Seq2SeqGenerator(str(folder))
    with pytest.raises(ComponentError, match="does not exist"):
        Seq2SeqGenerator(str(tmp_path / "missing" / "model"))


def test_answers_are_what_generate_gives(bart):
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    g = generator(bart, num_beams=3, top_k=2)
    result = g.predict(query="Who lives in Berlin?", documents=DOCS)
    model, tokenizer = AutoModelForSeq2SeqLM.from_pretrained(bart).eval(), AutoTokenizer.from_pretrained(bart)
    inputs = tokenizer(["question: Who lives in Berlin? context: Carla lives in Berlin. Paris is the capital of France."],
                       return_tensors="pt")  # fmt: skip
    with torch.inference_mode():
        ids = model.generate(**inputs, min_length=4, max_length=10, num_beams=3, num_return_sequences=2, do_sample=False,
                             early_stopping=True)  # fmt: skip
    assert [a.answer for a in result["answers"]] == tokenizer.batch_decode(ids, skip_special_tokens=True)
    answer = result["answers"][0]
    assert answer.type == "generative" and answer.document_ids == [d.id for d in DOCS]
    assert answer.meta["content"] == [d.content for d in DOCS] and answer.meta["titles"] == ["Carla", ""]


def test_batches_give_each_query_its_own_answers(bart):
    g = generator(bart, num_beams=2)
    queries = ["Who lives in Berlin?", "What is the capital of France?"]
    batch = g.predict_batch(queries, [[DOCS[0]], [DOCS[1]]], batch_size=2)["answers"]
    one_by_one = [g.predict(q, [d])["answers"] for q, d in zip(queries, DOCS)]
    assert [[a.answer for a in group] for group in batch] == [[a.answer for a in group] for group in one_by_one]
    assert len(g.run_batch(queries=queries, documents=DOCS)[0]["answers"]) == 2  # one list for every query


def test_converters_by_name_then_type_then_default(bart):
    seen = []

    def mine(tokenizer, query, documents, top_k=None):
        seen.append(query)
        return default_input_converter(tokenizer, query.upper(), documents, top_k)

    assert generator(bart, input_converter=mine).converter is mine
    try:
        register_input_converter("bart", mine)
        generator(bart).predict(query="who?", documents=DOCS)
        assert seen == ["who?"]
    finally:
        INPUT_CONVERTERS.pop("bart", None)
    with pytest.raises(ComponentError, match="callable"):
        register_input_converter("bart", "not a function")


def test_bad_inputs_say_what_to_pass(bart):
    g = generator(bart)
    with pytest.raises(NodeError, match="no documents"):
        g.predict(query="who?", documents=[])
    with pytest.raises(NodeError, match="non-empty string"):
        g.predict(query="  ", documents=DOCS)
    with pytest.raises(NodeError, match="top_k"):
        g.predict(query="who?", documents=DOCS, top_k=0)
    with pytest.raises(NodeError, match="batch_size"):
        g.predict_batch(["who?"], DOCS, batch_size=0)
    with pytest.raises(NodeError, match="max_tokens"):
        g.predict(query="who?", documents=DOCS, max_tokens=0)
    assert g.run(query="who?", documents=[])[0] == {"answers": []}  # as Haystack: no documents, no answers


def test_in_a_generative_pipeline_and_yaml(bart, tmp_path, capsys):
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents(DOCS)
    pipe = GenerativeQAPipeline(generator=generator(bart), retriever=BM25Retriever(document_store=store))
    result = pipe.run(query="Who lives in Berlin?", params={"Retriever": {"top_k": 1}})
    assert len(result["answers"]) == 1 and result["answers"][0].document_ids == [DOCS[0].id]
    print_answers(result, details="minimum")
    assert "Who lives in Berlin?" in capsys.readouterr().out
    pipe.save(tmp_path / "generative.yml")
    again = Pipeline.load(tmp_path / "generative.yml")
    assert isinstance(again.get_node("Generator"), Seq2SeqGenerator)
    again.get_document_store().write_documents(DOCS)  # the YAML holds the store's settings, not its documents
    assert again.run(query="Who lives in Berlin?", params={"Retriever": {"top_k": 1}})["answers"] == result["answers"]


def test_train_learns_answers_and_saves_a_model_that_loads_back(bart, tmp_path):
    import json

    from hayrick.nodes.generators.training import evaluate_generator, squad_pairs

    paragraphs = [
        ("Carla lives in Berlin.", "Who lives in Berlin?", "Carla"),
        ("Paris is the capital of France.", "What is the capital of France?", "Paris"),
        ("The battery life is great.", "How is the battery life?", "great"),
    ]
    squad = {"data": [{"title": "t", "paragraphs": [
        {"context": c, "qas": [{"id": str(i), "question": q, "answers": [{"text": a, "answer_start": c.index(a)}]}]}
        for i, (c, q, a) in enumerate(paragraphs)]}]}  # fmt: skip
    (tmp_path / "train.json").write_text(json.dumps(squad))
    g = generator(bart, min_length=0)
    before = evaluate_generator(g, squad_pairs(tmp_path / "train.json"), max_answer_len=6)
    report = g.train(data_dir=str(tmp_path), train_filename="train.json", dev_filename="train.json", n_epochs=100,
                     batch_size=3, learning_rate=1e-2, max_answer_len=6, save_dir=str(tmp_path / "trained"),
                     progress_bar=False)  # fmt: skip
    assert report["train_loss"][-1] < report["train_loss"][0] / 2  # the loss falls
    assert report["dev_f1"] > before["dev_f1"] and report["dev_f1"] > 0
    reloaded = Seq2SeqGenerator(str(tmp_path / "trained"), use_gpu=False, max_length=6, min_length=0, num_beams=1)
    assert evaluate_generator(reloaded, squad_pairs(tmp_path / "train.json"), max_answer_len=6)["dev_f1"] == report["dev_f1"]
    with pytest.raises(ComponentError, match="not found"):
        g.train(data_dir=str(tmp_path), train_filename="missing.json")
