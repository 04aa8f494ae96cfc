"""DensePassageRetriever.train on a tiny synthetic DPR file: dev accuracy rises, progress is printed, the result saves."""

from __future__ import annotations

import json
import os
import random

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pytest

from tests.nodes.retrievers.test_dpr import make_tiny_models
from tests.optional import need

torch = need("torch")
need("transformers")

from hayrick.errors import ComponentError, FileConversionError
from hayrick.nodes.retrievers.dpr import DensePassageRetriever
from hayrick.nodes.retrievers.dpr_training import to_training_samples
from hayrick.stores.memory import InMemoryDocumentStore

pytestmark = pytest.mark.usefixtures("one_torch_thread")


TOPICS = ["battery", "screen", "bass", "camera", "lens", "charger", "cable", "speaker", "keyboard", "mouse", "remote", "tripod", "case", "strap", "plug", "adapter"]
DISTRACTORS = ["alpha", "beta", "gamma", "delta"]
FILLER = ["it", "is", "very", "quite", "good", "bad", "nice", "the", "a", "and", "for", "with", "works"]


def synthetic_samples(n: int, seed: int) -> list[dict]:
    """Question "how about the X"; positive: a passage that mentions X; hard negative: one that mentions a distractor."""
    rng = random.Random(seed)

    def passage(word: str) -> dict:
        return {"title": "", "text": f"{rng.choice(FILLER)} {word} {rng.choice(FILLER)}", "passage_id": word}

    return [
        {"question": f"how about the {TOPICS[i % len(TOPICS)]}", "answers": [TOPICS[i % len(TOPICS)]],
         "positive_ctxs": [passage(TOPICS[i % len(TOPICS)])], "negative_ctxs": [],
         "hard_negative_ctxs": [passage(rng.choice(DISTRACTORS))]}
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dpr_data")
    (folder / "train.json").write_text(json.dumps(synthetic_samples(64, seed=1)))
    (folder / "dev.json").write_text(json.dumps(synthetic_samples(len(TOPICS), seed=2)))
    return folder


@pytest.fixture()
def retriever(tmp_path):
    models = make_tiny_models(tmp_path / "models")
    return DensePassageRetriever(InMemoryDocumentStore(embedding_dim=32), models["query"], models["passage"],
                                 max_seq_len_query=16, max_seq_len_passage=32, use_gpu=False, progress_bar=True)


def test_training_raises_dev_accuracy(retriever, data_dir, tmp_path, capsys):
    report = retriever.train(
        data_dir, "train.json", dev_filename="dev.json", test_filename="dev.json", batch_size=8, n_epochs=8,
        learning_rate=3e-3, num_warmup_steps=2, evaluate_every=16, embed_title=False, save_dir=tmp_path / "trained",
    )
    history = report["history"]
    assert [h["step"] for h in history] == [0, 16, 32, 48, 64] and report["steps"] == 64
    before, after = history[0], history[-1]
    assert before["acc"] <= 0.3 and after["acc"] >= 0.8, history
    assert after["average_rank"] < before["average_rank"] - 2
    assert report["test"]["acc"] == pytest.approx(after["acc"])
    printed = capsys.readouterr()
    assert "step 16: dev acc=" in printed.out and "average_rank=" in printed.out
    assert "Training DPR" in printed.err  # the progress bar
    assert retriever.embed_title is False
    loaded = DensePassageRetriever.load(tmp_path / "trained", InMemoryDocumentStore(embedding_dim=32), use_gpu=False)
    assert loaded.embed_title is False
    queries = ["how about the lens"]
    np.testing.assert_allclose(loaded.embed_queries(queries), retriever.embed_queries(queries), atol=1e-5)


def test_dev_split_max_samples_and_step_cap(retriever, data_dir):
    report = retriever.train(data_dir, "train.json", dev_split=0.25, max_samples=40, batch_size=4, n_epochs=1,
                             max_steps=3, evaluate_every=2, save_dir=None, num_hard_negatives=0)
    assert report["steps"] == 3 and [h["step"] for h in report["history"]] == [0, 2, 3]
    assert report["test"] is None and "save_dir" not in report


def test_invalid_training_arguments(retriever, data_dir, tmp_path):
    with pytest.raises(ComponentError, match="only 1 positive passage per question"):
        retriever.train(data_dir, "train.json", num_positives=2, save_dir=None)
    with pytest.raises(ComponentError, match="optimizer_correct_bias=False is not supported"):
        retriever.train(data_dir, "train.json", optimizer_correct_bias=False, save_dir=None)
    with pytest.raises(ComponentError, match="'Lion' is not a torch.optim optimizer"):
        retriever.train(data_dir, "train.json", optimizer_name="Lion", save_dir=None, max_steps=1)
    with pytest.raises(ComponentError, match="batch_size must be a positive int"):
        retriever.train(data_dir, "train.json", batch_size=0, save_dir=None)
    with pytest.raises(FileNotFoundError, match="DPR file not found"):
        retriever.train(data_dir, "missing.json", save_dir=None)
    (tmp_path / "bad.json").write_text(json.dumps({"data": []}))
    with pytest.raises(FileConversionError, match="a DPR file is a JSON list of samples"):
        retriever.train(tmp_path, "bad.json", save_dir=None)


def test_training_samples_fill_up_with_negative_ctxs_and_skip_samples_without_positive():
    raw = [
        {"question": "q1", "positive_ctxs": [{"title": "t", "text": "p"}], "hard_negative_ctxs": [{"text": "h"}],
         "negative_ctxs": [{"text": "n1"}, {"text": "n2"}]},
        {"question": "q2", "positive_ctxs": [], "hard_negative_ctxs": [], "negative_ctxs": []},
    ]
    samples = to_training_samples(raw, num_hard_negatives=2, source="x")
    assert len(samples) == 1
    assert samples[0].positive == ("t", "p") and samples[0].negatives == [("", "h"), ("", "n1")]
