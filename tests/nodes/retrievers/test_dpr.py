"""DensePassageRetriever with tiny random models: DPR checkpoints and BERT towers, titles, stores, save/load, pipelines.

The models are built here from a config (hidden size 32, 2 layers) with a WordPiece vocabulary in a
temporary folder, saved, and loaded by path, so the DPR code path runs offline in seconds.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path

import numpy as np
import pytest

from tests.optional import need

torch = need("torch")
transformers = need("transformers")
need("faiss")

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError
from hayrick.nodes.retrievers.dpr import DensePassageRetriever
from hayrick.nodes.retrievers.encoders import POOLER_OUTPUT
from hayrick.stores.faiss import FAISSDocumentStore
from hayrick.stores.memory import InMemoryDocumentStore
from hayrick.stores.sql import SQLDocumentStore

pytestmark = pytest.mark.usefixtures("one_torch_thread")


WORDS = ["battery", "screen", "bass", "camera", "lens", "charger", "cable", "speaker", "keyboard", "mouse", "remote", "tripod", "case", "strap", "plug", "adapter", "alpha", "beta", "gamma", "delta", "it", "is", "very", "quite", "good", "bad", "nice", "the", "a", "and", "for", "with", "works", "how", "about", "what", "reading", "night"]
TINY = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
        "max_position_embeddings": 64, "initializer_range": 0.1, "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0}


def make_tiny_models(folder: Path, seed: int = 0) -> dict[str, str]:
    """Tiny DPR question/context encoders and a tiny BERT, each with a WordPiece tokenizer; their folders."""
    from transformers import (
        BertConfig,
        BertModel,
        BertTokenizerFast,
        DPRConfig,
        DPRContextEncoder,
        DPRQuestionEncoder,
    )

    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tokenizer = BertTokenizerFast(vocab=str(vocab))
    torch.manual_seed(seed)
    models = {
        "query": DPRQuestionEncoder(DPRConfig(vocab_size=len(WORDS) + 5, **TINY)),
        "passage": DPRContextEncoder(DPRConfig(vocab_size=len(WORDS) + 5, **TINY)),
        "bert": BertModel(BertConfig(vocab_size=len(WORDS) + 5, **TINY)),
    }
    paths = {}
    for name, model in models.items():
        model.save_pretrained(folder / name)
        tokenizer.save_pretrained(folder / name)
        paths[name] = str(folder / name)
    return paths


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, str]:
    return make_tiny_models(tmp_path_factory.mktemp("tiny_dpr"))


DOCS = [
    Document(content="the battery is good for reading at night", meta={"name": "battery", "item_id": "B1"}),
    Document(content="the screen is nice", meta={"name": "screen", "item_id": "B1"}),
    Document(content="bass and speaker quite bad", meta={"title": "bass", "item_id": "B2"}),
    Document(content="camera lens and tripod", meta={"item_id": "B3"}),
]


def dpr(store, tiny, **kwargs) -> DensePassageRetriever:
    return DensePassageRetriever(store, tiny["query"], tiny["passage"], use_gpu=False, progress_bar=False, **kwargs)


def test_default_init(tiny):
    store = InMemoryDocumentStore(embedding_dim=32)
    retriever = DensePassageRetriever(store, query_embedding_model=tiny["query"], passage_embedding_model=tiny["passage"])
    assert retriever.init_parameters == {"document_store": store, "query_embedding_model": tiny["query"],
                                         "passage_embedding_model": tiny["passage"]}
    assert (retriever.max_seq_len_query, retriever.max_seq_len_passage, retriever.batch_size) == (64, 256, 16)
    assert retriever.embed_title and retriever.similarity_function == "dot_product" and retriever.top_k == 10
    assert retriever.embedding_dim == 32
    assert type(retriever.query_encoder.model).__name__ == "DPRQuestionEncoder"
    assert type(retriever.passage_encoder.model).__name__ == "DPRContextEncoder"
    assert retriever.query_encoder.pooling == (POOLER_OUTPUT,)
    bert = dpr(store, {"query": tiny["bert"], "passage": tiny["bert"]})
    assert type(bert.query_encoder.model).__name__ == "BertModel" and bert.query_encoder.pooling == ("cls",)


def test_invalid_init(tiny):
    store = InMemoryDocumentStore(embedding_dim=32)
    with pytest.raises(ComponentError, match="similarity_function must be one of 'dot_product', 'cosine', got 'l2'"):
        dpr(store, tiny, similarity_function="l2")
    with pytest.raises(ComponentError, match="max_seq_len_query must be a positive int, got 0"):
        dpr(store, tiny, max_seq_len_query=0)
    with pytest.raises(ComponentError, match="batch_size must be a positive int"):
        dpr(store, tiny, batch_size=-1)
    with pytest.raises(ComponentError, match="is a DPRContextEncoder checkpoint, but it was given as the query encoder"):
        DensePassageRetriever(store, tiny["passage"], tiny["passage"], use_gpu=False)
    with pytest.raises(ComponentError, match="vectors of length 32, but InMemoryDocumentStore has embedding_dim=768"):
        dpr(InMemoryDocumentStore(), tiny)
    with pytest.raises(ComponentError, match="SQLDocumentStore does not store embeddings"):
        dpr(SQLDocumentStore(), tiny)
    with pytest.raises(ComponentError, match="could not load the query encoder"):
        DensePassageRetriever(store, str(Path(tiny["query"]).parent / "missing"), tiny["passage"], use_gpu=False)


def test_embeddings_equal_the_models_own_outputs(tiny):
    retriever = dpr(InMemoryDocumentStore(embedding_dim=32), tiny, batch_size=3)
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny["query"])
    q_model = transformers.DPRQuestionEncoder.from_pretrained(tiny["query"]).eval()
    p_model = transformers.DPRContextEncoder.from_pretrained(tiny["passage"]).eval()
    queries = ["how about the battery", "screen", "what about reading at night with a nice lens"]
    with torch.no_grad():
        expected_q = np.vstack([q_model(**tokenizer(q, return_tensors="pt")).pooler_output.numpy() for q in queries])
        titles = ["battery", "screen", "bass", ""]  # meta name, then meta title, then nothing
        expected_p = np.vstack([p_model(**tokenizer(t, d.content, return_tensors="pt")).pooler_output.numpy()
                                for t, d in zip(titles, DOCS)])
        no_title = np.vstack([p_model(**tokenizer(d.content, return_tensors="pt")).pooler_output.numpy() for d in DOCS])
    assert retriever.embed_queries(queries).dtype == np.float32
    np.testing.assert_allclose(retriever.embed_queries(queries), expected_q, atol=1e-5)
    np.testing.assert_allclose(retriever.embed_documents(DOCS), expected_p, atol=1e-5)
    retriever.embed_title = False
    np.testing.assert_allclose(retriever.embed_documents(DOCS), no_title, atol=1e-5)
    with pytest.raises(ComponentError, match="takes a list of queries"):
        retriever.embed_queries("battery")  # type: ignore[arg-type]


def test_bert_towers_use_the_cls_vector(tiny):
    retriever = dpr(InMemoryDocumentStore(embedding_dim=32), {"query": tiny["bert"], "passage": tiny["bert"]},
                    embed_title=False)
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny["bert"])
    model = transformers.AutoModel.from_pretrained(tiny["bert"]).eval()
    with torch.no_grad():
        expected = np.vstack([model(**tokenizer(d.content, return_tensors="pt")).last_hidden_state[:, 0].numpy() for d in DOCS])
    np.testing.assert_allclose(retriever.embed_documents(DOCS), expected, atol=1e-5)


@pytest.mark.parametrize("store_class", ["memory", "faiss"])
def test_update_embeddings_and_retrieve(tiny, store_class, capsys):
    store = InMemoryDocumentStore(embedding_dim=32) if store_class == "memory" else FAISSDocumentStore(embedding_dim=32)
    store.write_documents(DOCS)
    retriever = dpr(store, tiny, top_k=3, scale_score=False)
    store.update_embeddings(retriever)
    assert "Updating embeddings" in capsys.readouterr().err  # the store's progress bar
    assert store.get_document_count(only_documents_without_embedding=True) == 0
    vectors = retriever.embed_documents(DOCS)
    query = retriever.embed_queries(["battery for reading"])[0]
    expected = [DOCS[i].id for i in np.argsort(-(vectors @ query), kind="stable")[:3]]
    found = retriever.retrieve("battery for reading")
    assert [d.id for d in found] == expected
    np.testing.assert_allclose([d.score for d in found], np.sort(vectors @ query)[::-1][:3], rtol=1e-4)
    assert {d.meta["item_id"] for d in retriever.retrieve("battery", filters={"item_id": ["B1"]})} == {"B1"}
    assert len(retriever.retrieve("battery", top_k=1)) == 1
    assert all(0 < d.score < 1 for d in retriever.retrieve("battery", scale_score=True))
    batch = retriever.retrieve_batch(["battery", "bass"], filters=[{"item_id": "B2"}, None], top_k=2)
    assert [len(b) for b in batch] == [1, 2]


def test_save_and_load_round_trip(tiny, tmp_path):
    store = InMemoryDocumentStore(embedding_dim=32)
    retriever = dpr(store, tiny, max_seq_len_query=16, embed_title=False, similarity_function="cosine")
    saved = retriever.save(tmp_path / "dpr")
    files = {p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file()}
    assert {"dpr_settings.json", "query_encoder/model.safetensors", "passage_encoder/model.safetensors",
            "query_encoder/tokenizer.json", "passage_encoder/config.json"} <= files
    assert not any(f.endswith((".bin", ".pkl", ".pt")) for f in files)
    loaded = DensePassageRetriever.load(saved, store, use_gpu=False, top_k=4)
    assert (loaded.max_seq_len_query, loaded.embed_title, loaded.similarity_function, loaded.top_k) == (16, False, "cosine", 4)
    assert type(loaded.passage_encoder.model).__name__ == "DPRContextEncoder"
    np.testing.assert_allclose(loaded.embed_documents(DOCS), retriever.embed_documents(DOCS), atol=1e-6)
    np.testing.assert_allclose(loaded.embed_queries(["bass"]), retriever.embed_queries(["bass"]), atol=1e-6)
    with pytest.raises(ComponentError, match="has no dpr_settings.json"):
        DensePassageRetriever.load(tmp_path, store)


def test_config_round_trip(tiny):
    p = Pipeline()
    p.add_node(dpr(InMemoryDocumentStore(embedding_dim=32), tiny, top_k=2), "Retriever", ["Query"])
    config = p.get_config()
    params = config["components"][1]["params"]
    assert config["components"][1]["type"] == "DensePassageRetriever"
    assert params["query_embedding_model"] == tiny["query"] and params["top_k"] == 2
    loaded = Pipeline.load(config)
    assert isinstance(loaded.get_node("Retriever"), DensePassageRetriever)
    assert loaded.get_config() == config


def test_in_a_pipeline(tiny):
    store = InMemoryDocumentStore(embedding_dim=32, progress_bar=False)
    store.write_documents(DOCS)
    retriever = dpr(store, tiny)
    store.update_embeddings(retriever)
    p = Pipeline()
    p.add_node(retriever, "Retriever", ["Query"])
    result = p.run(query="battery", params={"Retriever": {"top_k": 2}, "filters": {"item_id": ["B1", "B2"]}})
    assert len(result["documents"]) == 2 and all(d.meta["item_id"] in ("B1", "B2") for d in result["documents"])
    batch = p.run_batch(queries=["battery", "bass", "lens"], params={"top_k": 1})
    assert [len(docs) for docs in batch["documents"]] == [1, 1, 1]
