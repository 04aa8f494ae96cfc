"""RAGenerator on a tiny random RAG checkpoint: token for token what transformers' RAG generate() gives."""

from __future__ import annotations

import numpy as np
import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import DensePassageRetriever
from hayrick.nodes.generators import RAGenerator
from hayrick.pipelines import GenerativeQAPipeline
from hayrick.stores import InMemoryDocumentStore
from tests.nodes.generators.tiny_models import build_tiny_rag
from tests.nodes.retrievers.test_dpr import make_tiny_models

DOCS = [
    Document("Carla lives in Berlin.", meta={"name": '"Carla"'}),
    Document("Paris is the capital of France.", meta={"name": "Paris"}),
]
QUERY = "Who lives in Berlin?"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("rag")
    dpr = make_tiny_models(folder / "dpr")
    return {**dpr, "rag": str(build_tiny_rag(folder / "rag", dpr["query"]))}


@pytest.fixture(scope="module")
def retriever(tiny) -> DensePassageRetriever:
    store = InMemoryDocumentStore(embedding_dim=32)
    return DensePassageRetriever(store, query_embedding_model=tiny["query"], passage_embedding_model=tiny["passage"],
                                 use_gpu=False, progress_bar=False)  # fmt: skip


def embedded(retriever) -> list[Document]:
    vectors = retriever.embed_documents(DOCS)
    return [d.model_copy(update={"embedding": v}) for d, v in zip(DOCS, vectors)]


def expected(tiny, generator_type: str, docs: list[Document], num_beams: int, top_k: int) -> list[str]:
    """What transformers' own RAG model generates for the same documents, scores and contexts."""
    import torch
    from transformers import (
        RagSequenceForGeneration,
        RagTokenForGeneration,
        RagTokenizer,
    )

    cls = RagTokenForGeneration if generator_type == "token" else RagSequenceForGeneration
    model, tokenizer = cls.from_pretrained(tiny["rag"]).eval(), RagTokenizer.from_pretrained(tiny["rag"])
    with torch.inference_mode():
        question = model.question_encoder(tokenizer([QUERY], return_tensors="pt")["input_ids"])[0]
        passages = torch.as_tensor(np.vstack([d.embedding for d in docs]))
        scores = question @ passages.T
        texts = [f"Carla / {docs[0].content} // {QUERY}", f"Paris / {docs[1].content} // {QUERY}"]
        context = tokenizer.generator(texts, max_length=48, padding="max_length", truncation=True, return_tensors="pt")
        ids = model.generate(context_input_ids=context["input_ids"], context_attention_mask=context["attention_mask"],
                             doc_scores=scores, num_beams=num_beams, num_return_sequences=top_k, max_length=8,
                             min_length=3, n_docs=2)  # fmt: skip
    return tokenizer.batch_decode(ids, skip_special_tokens=True)


@pytest.mark.parametrize("generator_type", ["token", "sequence"])
@pytest.mark.parametrize(("num_beams", "top_k"), [(1, 1), (2, 2)])
def test_answers_are_token_for_token_transformers_rag(tiny, retriever, generator_type, num_beams, top_k):
    docs = embedded(retriever)
    generator = RAGenerator(tiny["rag"], generator_type=generator_type, num_beams=num_beams, top_k=top_k, max_length=8,
                            min_length=3, use_gpu=False)  # fmt: skip
    answers = generator.predict(query=QUERY, documents=docs)["answers"]
    assert [a.answer for a in answers] == expected(tiny, generator_type, docs, num_beams, top_k)
    assert all(a.type == "generative" and a.document_ids == [d.id for d in docs] for a in answers)
    scores = answers[0].meta["doc_scores"]
    assert len(scores) == 2 and sum(answers[0].meta["doc_probabilities"]) == pytest.approx(1.0)


def test_documents_without_embeddings_are_embedded_by_the_retriever(tiny, retriever):
    with_retriever = RAGenerator(tiny["rag"], retriever=retriever, max_length=8, use_gpu=False)
    without = RAGenerator(tiny["rag"], max_length=8, use_gpu=False)
    assert with_retriever.predict(query=QUERY, documents=DOCS)["answers"] == without.predict(
        query=QUERY, documents=embedded(retriever))["answers"]  # fmt: skip
    with pytest.raises(NodeError, match="no retriever to embed them"):
        without.predict(query=QUERY, documents=DOCS)


def test_default_and_invalid_init(tiny, tmp_path):
    generator = RAGenerator(tiny["rag"])
    assert (generator.generator_type, generator.top_k, generator.max_length, generator.num_beams) == ("token", 2, 200, 2)
    assert generator.embed_title and generator.prefix is None
    with pytest.raises(ComponentError, match="generator_type"):
        RAGenerator(tiny["rag"], generator_type="beam")
    with pytest.raises(ComponentError, match="top_k"):
        RAGenerator(tiny["rag"], top_k=0)
    with pytest.raises(ComponentError, match="not a RAG checkpoint"):
        RAGenerator(tiny["query"])  # a DPR question encoder alone
    with pytest.raises(ComponentError, match="does not exist"):
        RAGenerator(str(tmp_path / "no" / "model"))


def test_in_a_generative_pipeline_and_yaml(tiny, retriever, tmp_path):
    store = retriever.document_store
    store.write_documents(DOCS)
    store.update_embeddings(retriever)
    generator = RAGenerator(tiny["rag"], retriever=retriever, max_length=8, top_k=1, use_gpu=False)
    pipe = GenerativeQAPipeline(generator=generator, retriever=retriever)
    result = pipe.run(query=QUERY, params={"Retriever": {"top_k": 2}})
    assert len(result["answers"]) == 1 and set(result["answers"][0].document_ids) == {d.id for d in DOCS}
    pipe.save(tmp_path / "rag.yml")
    again = Pipeline.load(tmp_path / "rag.yml")
    assert isinstance(again.get_node("Generator"), RAGenerator)
    assert again.get_node("Generator").retriever is again.get_node("Retriever")
    with pytest.raises(NodeError, match="non-empty string"):
        generator.predict(query="", documents=DOCS)


def test_the_generative_qa_yaml_validates_and_runs_with_tiny_models(tiny, repo_root, tmp_path, monkeypatch):
    from hayrick.pipelines import validate_config

    path = repo_root / "yaml_pipelines" / "generative_qa.yml"
    monkeypatch.setenv("DOCUMENTSTORE_PARAMS_URL", f"sqlite:///{tmp_path / 'g.db'}")
    monkeypatch.setenv("PASSAGEENCODER_PARAMS_QUERY_EMBEDDING_MODEL", tiny["query"])
    monkeypatch.setenv("PASSAGEENCODER_PARAMS_PASSAGE_EMBEDDING_MODEL", tiny["passage"])
    monkeypatch.setenv("GENERATOR_PARAMS_MODEL_NAME_OR_PATH", tiny["rag"])
    monkeypatch.setenv("GENERATOR_PARAMS_USE_GPU", "false")
    monkeypatch.setenv("ENCODERSTORE_PARAMS_EMBEDDING_DIM", "32")
    import yaml

    validate_config(yaml.safe_load(path.read_text()))
    indexing = Pipeline.load(path, pipeline_name="indexing")
    reviews = tmp_path / "review.txt"
    reviews.write_text("Carla lives in Berlin. The screen is easy on the eyes when reading at night.")
    indexing.run(file_paths=[reviews])
    query = Pipeline.load(path, pipeline_name="query")
    answers = query.run(query=QUERY, params={"Retriever": {"top_k": 1}})["answers"]
    assert len(answers) == 1 and answers[0].type == "generative"
