"""TransformersSummarizer on tiny random BART and BigBird-Pegasus: generate()'s summaries, chunks, sparse attention, pipelines."""

from __future__ import annotations

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BM25Retriever, TransformersSummarizer
from hayrick.pipelines import SearchSummarizationPipeline
from hayrick.stores import InMemoryDocumentStore
from tests.nodes.generators.tiny_models import (
    build_tiny_bart,
    build_tiny_bigbird_pegasus,
)

DOCS = [Document("Carla lives in Berlin. The battery life is great."), Document("Paris is the capital of France.")]


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("summarizers")
    return {"bart": str(build_tiny_bart(folder / "bart")), "bigbird": str(build_tiny_bigbird_pegasus(folder / "bigbird"))}


def summarizer(path: str, **kwargs) -> TransformersSummarizer:
    return TransformersSummarizer(path, use_gpu=False, progress_bar=False, **{"max_length": 8, "min_length": 3, **kwargs})


def test_default_and_invalid_init(models):
    default = TransformersSummarizer(models["bart"])
    assert (default.max_length, default.min_length, default.batch_size) == (200, 5, 16)  # Haystack 1.x's
    assert default.separator_for_single_summary == " " and not default.generate_single_summary
    assert default.max_input_length == 256  # the model's maximum
    with pytest.raises(ComponentError, match="min_length"):
        TransformersSummarizer(models["bart"], min_length=10, max_length=5)
    with pytest.raises(ComponentError, match="BigBird-Pegasus settings"):
        TransformersSummarizer(models["bart"], attention_type="block_sparse")
    with pytest.raises(ComponentError, match="attention_type"):
        TransformersSummarizer(models["bigbird"], attention_type="sparse")
    with pytest.raises(ComponentError, match="more than the model reads"):
        TransformersSummarizer(models["bart"], max_input_length=10_000)


def test_summaries_are_what_generate_gives(models):
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    docs = summarizer(models["bart"]).predict(documents=DOCS)
    model, tokenizer = AutoModelForSeq2SeqLM.from_pretrained(models["bart"]).eval(), AutoTokenizer.from_pretrained(models["bart"])
    batch = tokenizer([d.content for d in DOCS], padding=True, truncation=True, return_tensors="pt")
    with torch.inference_mode():
        ids = model.generate(**batch, min_length=3, max_length=8)
    assert [d.meta["summary"] for d in docs] == [t.strip() for t in tokenizer.batch_decode(ids, skip_special_tokens=True)]
    assert [d.content for d in docs] == [d.content for d in DOCS] and "summary" not in DOCS[0].meta  # copies
    single = summarizer(models["bart"]).predict(documents=DOCS, generate_single_summary=True)
    assert len(single) == 1 and single[0].meta["document_ids"] == [d.id for d in DOCS]
    with pytest.raises(NodeError, match="at least one document"):
        summarizer(models["bart"]).predict(documents=[])


def test_long_documents_are_summarised_in_chunks(models):
    long = Document(" ".join(["Carla lives in Berlin and the battery life is great."] * 30))
    result = summarizer(models["bart"], max_input_length=40).predict(documents=[long])[0]
    assert result.meta["summary_chunks"] > 1 and isinstance(result.meta["summary"], str)
    short = summarizer(models["bart"], max_input_length=40).predict(documents=[DOCS[1]])[0]
    assert "summary_chunks" not in short.meta


def test_bigbird_pegasus_block_sparse_and_its_settings(models):
    sparse = summarizer(models["bigbird"], attention_type="block_sparse", block_size=4, num_random_blocks=1)
    config = sparse.model.config
    assert (config.attention_type, config.block_size, config.num_random_blocks) == ("block_sparse", 4, 1)
    long = Document(" ".join(["Carla lives in Berlin and the battery life is great."] * 12))  # long enough for sparse
    assert sparse.predict(documents=[long, DOCS[1]])[0].meta["summary"] is not None  # short ones fall back to full
    full = summarizer(models["bigbird"], attention_type="original_full")
    assert full.model.config.attention_type == "original_full"


def test_in_a_search_summarization_pipeline_and_yaml(models, tmp_path):
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents(DOCS)
    retriever = BM25Retriever(document_store=store)
    pipe = SearchSummarizationPipeline(summarizer=summarizer(models["bart"]), retriever=retriever)
    docs = pipe.run(query="Where does Carla live?", params={"Retriever": {"top_k": 1}})["documents"]
    assert len(docs) == 1 and "summary" in docs[0].meta
    as_answers = SearchSummarizationPipeline(summarizer(models["bart"]), retriever, generate_single_summary=True,
                                             return_in_answer_format=True)  # fmt: skip
    answers = as_answers.run(query="Carla or Paris?", params={"Retriever": {"top_k": 2}})["answers"]
    assert len(answers) == 1 and answers[0].type == "generative" and len(answers[0].document_ids) == 2
    pipe.save(tmp_path / "summarize.yml")
    assert isinstance(Pipeline.load(tmp_path / "summarize.yml").get_node("Summarizer"), TransformersSummarizer)
