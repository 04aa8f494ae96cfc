"""DPRReader on a tiny random DPR reader checkpoint: decode_best_spans' spans, exact offsets, pipelines, YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError
from hayrick.nodes import BM25Retriever, DPRReader
from hayrick.pipelines import ExtractiveQAPipeline
from hayrick.stores import InMemoryDocumentStore
from tests.nodes.readers.tiny_models import write_wordpiece_vocab

DOCS = [
    Document("Carla lives in Berlin, the capital of Germany.", meta={"name": "Carla"}),
    Document("Paris is the capital of France and John lives there.", meta={"name": "Paris"}),
]
QUERY = "Who lives in Berlin?"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> str:
    import torch
    from transformers import DPRConfig, DPRReaderTokenizerFast
    from transformers import DPRReader as HFDPRReader

    folder: Path = tmp_path_factory.mktemp("dpr-reader")
    vocab = write_wordpiece_vocab(folder)
    tokenizer = DPRReaderTokenizerFast(vocab_file=str(vocab))
    torch.manual_seed(0)
    config = DPRConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=37, architectures=["DPRReader"])  # fmt: skip
    HFDPRReader(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def test_spans_are_decode_best_spans_with_exact_offsets(checkpoint):
    import torch
    from transformers import DPRReader as HFDPRReader
    from transformers import DPRReaderTokenizerFast

    reader = DPRReader(checkpoint, top_k=5, top_k_per_passage=3, max_answer_length=6, use_gpu=False)
    answers = reader.predict(QUERY, DOCS)["answers"]
    model, tokenizer = HFDPRReader.from_pretrained(checkpoint).eval(), DPRReaderTokenizerFast.from_pretrained(checkpoint)
    encoded = tokenizer(questions=[QUERY] * 2, titles=["Carla", "Paris"], texts=[d.content for d in DOCS], padding=True,
                        truncation=True, max_length=256, return_tensors="pt")  # fmt: skip
    with torch.inference_mode():
        output = model(**encoded)
    spans = tokenizer.decode_best_spans(encoded, output, num_spans=5, max_answer_length=6, num_spans_per_passage=3)
    assert len(answers) == len(spans) == 5
    for answer, span in zip(answers, spans):
        assert answer.document_ids == [DOCS[span.doc_id].id]
        assert answer.score == pytest.approx(float(span.span_score))
        assert answer.meta["relevance_score"] == pytest.approx(float(span.relevance_score))
        start, end = answer.offsets_in_document[0].start, answer.offsets_in_document[0].end
        assert DOCS[span.doc_id].content[start:end] == answer.answer  # character-exact
        assert tokenizer.decode(tokenizer(answer.answer, add_special_tokens=False)["input_ids"]) == span.text


def test_default_and_invalid_init(checkpoint, tmp_path):
    reader = DPRReader(checkpoint, use_gpu=False)
    assert (reader.top_k, reader.top_k_per_passage, reader.max_answer_length, reader.max_seq_len) == (10, 4, 64, 256)
    with pytest.raises(ComponentError, match="top_k"):
        DPRReader(checkpoint, top_k=0)
    from tests.nodes.readers.tiny_models import build_tiny_model

    with pytest.raises(ComponentError, match="not a DPR reader checkpoint"):
        DPRReader(str(build_tiny_model("bert", tmp_path / "bert")))


def test_a_drop_in_for_farm_reader_in_an_extractive_pipeline_and_yaml(checkpoint, tmp_path):
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents(DOCS)
    pipe = ExtractiveQAPipeline(reader=DPRReader(checkpoint, top_k=2, use_gpu=False), retriever=BM25Retriever(store))
    result = pipe.run(query=QUERY, params={"Retriever": {"top_k": 2}, "Reader": {"top_k": 1}})
    assert len(result["answers"]) == 1 and result["answers"][0].type == "extractive"
    pipe.save(tmp_path / "dpr_reader.yml")
    again = Pipeline.load(tmp_path / "dpr_reader.yml")
    again.get_document_store().write_documents(DOCS)
    assert again.run(query=QUERY, params={"Retriever": {"top_k": 2}, "Reader": {"top_k": 1}})["answers"] == result["answers"]
    assert pipe.pipeline.get_node("Reader").predict(QUERY, [])["answers"] == []
