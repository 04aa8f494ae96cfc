"""Tests for reader training and file evaluation (hayrick/nodes/readers/training.py); the SQuAD and
SubjQA readers are tested in tests/datasets/.

A tiny randomly initialised BERT (hidden 32, 2 layers, a 60-word WordPiece vocab) learns a synthetic
task: every context says "the <thing> is <value> ." among filler sentences, and the answer is always
the word after "is".
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from hayrick.datasets.squad import squad_examples_from_dict
from hayrick.errors import FileConversionError
from hayrick.nodes.readers.training import (
    eval_on_file,
    featurize_for_training,
    split_dev,
    train_reader,
)
from tests.datasets.synthetic import FILLER, THINGS, VALUES, synthetic_squad, write_json

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCAB = SPECIAL + sorted({w for s in FILLER for w in s.split()} | set(THINGS) | set(VALUES) | {"is", "what", "?", "."})
METRIC_KEYS = {"EM", "f1", "top_n_accuracy"}


# ------------------------------------------------------------------------------------------------
# Helpers: a tiny model
# ------------------------------------------------------------------------------------------------


def build_tiny_model(folder: Path) -> Path:
    """A randomly initialised BERT QA model (hidden 32, 2 layers) and its WordPiece tokenizer in `folder`."""
    from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    BertTokenizer.from_pretrained(str(folder)).save_pretrained(str(folder))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )
    BertForQuestionAnswering(config).save_pretrained(str(folder))
    return folder


def make_reader(folder: Path, **kwargs):
    from hayrick.nodes.readers.farm import FARMReader

    params = {"use_gpu": False, "progress_bar": False, "max_seq_len": 48, "doc_stride": 16, "max_query_length": 12, "top_k": 3}
    return FARMReader(str(folder), **{**params, **kwargs})


# ------------------------------------------------------------------------------------------------
# Training the tiny model once for the module
# ------------------------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("squad")
    write_json(folder / "train.json", synthetic_squad(200, seed=1))
    write_json(folder / "dev.json", synthetic_squad(30, seed=2))
    write_json(folder / "test-v2.json", synthetic_squad(20, seed=3, unanswerable=5))
    return folder


@pytest.fixture(scope="module")
def trained(tmp_path_factory, data_dir):
    """Trains the tiny model on the synthetic task; returns the reader, what train returned, and what it printed."""
    model_dir = build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")
    reader = make_reader(model_dir)
    before = eval_on_file(reader, data_dir, "dev.json")
    save_dir = tmp_path_factory.mktemp("saved") / "reader"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = reader.train(
            data_dir=str(data_dir), train_filename="train.json", dev_filename="dev.json",
            batch_size=16, n_epochs=15, learning_rate=3e-3, warmup_proportion=0.1,
            evaluate_every=100, save_dir=str(save_dir), seed=0, progress_bar=False,
        )
    return SimpleNamespace(reader=reader, result=result, printed=out.getvalue(), before=before, save_dir=save_dir)


def test_train_learns_the_word_after_is(trained):
    # chance is about 1 in 30 context tokens; the untrained model is near it
    assert trained.before["EM"] < 30, trained.before
    assert trained.result["dev"]["EM"] >= 80, trained.printed
    assert trained.result["dev"]["f1"] >= trained.result["dev"]["EM"]


def test_train_prints_em_and_f1_while_training(trained):
    lines = re.findall(r"\[step (\d+)\] dev EM: ([\d.]+)\s+F1: ([\d.]+)", trained.printed)
    steps = [int(step) for step, _, _ in lines]
    assert steps[:2] == [100, 200], trained.printed
    assert steps[-1] == trained.result["steps"]  # and once more at the end
    assert float(lines[-1][1]) == pytest.approx(trained.result["dev"]["EM"], abs=0.01)


def test_train_returns_loss_history_and_final_metrics(trained):
    result = trained.result
    assert len(result["loss_history"]) == result["steps"] > 200
    first, last = result["loss_history"][:20], result["loss_history"][-20:]
    assert sum(last) / 20 < 0.3 * sum(first) / 20
    assert [e["step"] for e in result["eval_history"]][-1] == result["steps"]
    assert METRIC_KEYS <= set(result["dev"]) and result["test"] is None
    assert result["device"] == "cpu" and result["train_questions"] == 200


def test_trained_model_stays_in_reader_in_eval_mode(trained):
    reader = trained.reader
    assert reader.model.training is False
    from hayrick.schema import Document

    answers = reader.predict(query="what is the lamp ?", documents=[Document("they like to walk in the city . the lamp is warm .")],
                             top_k=1)["answers"]
    assert answers[0].answer == "warm"


def test_saved_folder_loads_in_farm_reader(trained, data_dir):
    reloaded = make_reader(trained.save_dir)
    assert eval_on_file(reloaded, data_dir, "dev.json")["EM"] == pytest.approx(trained.result["dev"]["EM"])


def test_saved_folder_loads_in_transformers_reader(trained):
    module = pytest.importorskip("hayrick.nodes.readers.transformers_reader")
    from hayrick.schema import Document

    reader = module.TransformersReader(str(trained.save_dir), use_gpu=False, max_seq_len=48, doc_stride=16,
                                       max_question_len=12)
    result = reader.predict(query="what is the boat ?", documents=[Document("the boat is green . they like to walk .")],
                            top_k=1)
    assert result["answers"][0].answer == "green"


def test_eval_on_file_keys_and_ranges(trained, data_dir):
    metrics = eval_on_file(trained.reader, data_dir, "test-v2.json")
    split_keys = {f"{m}_{g}" for m in ("EM", "f1", "top_n_accuracy") for g in ("text_answer", "no_answer")}
    assert METRIC_KEYS | split_keys <= set(metrics)
    for key in METRIC_KEYS | split_keys:
        assert 0.0 <= metrics[key] <= 100.0, (key, metrics[key])
    assert metrics["n_questions"] == 20 and metrics["Total_text_answer"] == 15 and metrics["Total_no_answer"] == 5
    assert metrics["top_n"] == 3 and metrics["top_n_accuracy"] >= metrics["EM"]
    assert metrics["EM_text_answer"] >= 80
    v1 = eval_on_file(trained.reader, data_dir, "dev.json")
    assert "EM_no_answer" not in v1 and v1["n_questions"] == 30


# ------------------------------------------------------------------------------------------------
# Featurisation: labels, unanswerable questions, answer-less windows
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    from transformers import BertTokenizer

    folder = tmp_path_factory.mktemp("tok")
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    return BertTokenizer.from_pretrained(str(folder))


def test_answer_windows_labelled_with_the_answer_tokens(tokenizer):
    examples = squad_examples_from_dict(synthetic_squad(30, seed=5))
    features = featurize_for_training(tokenizer, examples, max_seq_len=24, doc_stride=4, max_query_length=8)
    windows = features.windows
    assert len(windows) > len(examples)  # long contexts were cut into several windows
    for w in features.indices:
        example = examples[windows.pair_index[w]]
        start, end = features.start_positions[w], features.end_positions[w]
        if start == 0:
            assert end == 0
            continue
        assert tokenizer.decode(windows.input_ids[w][start : end + 1]) == example.answers[0].text
    # every answer (one word) lies in at least one window, in two where windows overlap on it
    answered = {windows.pair_index[w] for w in features.indices if features.start_positions[w] > 0}
    assert answered == set(range(len(examples))) and features.n_answer_not_in_any_window == 0
    assert features.n_answer_windows >= len(examples)
    assert features.n_negative_windows > 0 and features.n_dropped_windows == 0


def test_unanswerable_questions_labelled_cls(tokenizer):
    data = synthetic_squad(10, seed=6, unanswerable=4)
    examples = squad_examples_from_dict(data)
    assert [ex.is_impossible for ex in examples] == [False] * 6 + [True] * 4
    assert all(ex.answers == [] for ex in examples[6:])  # plausible_answers are ignored
    features = featurize_for_training(tokenizer, examples, max_seq_len=24, doc_stride=4, max_query_length=8,
                                      negative_window_share=0.0)
    impossible = [w for w, pair in enumerate(features.windows.pair_index) if pair >= 6]
    assert impossible and set(impossible) <= set(features.indices)  # all kept, even with share 0
    assert all(features.start_positions[w] == features.end_positions[w] == 0 for w in impossible)
    assert features.n_no_answer_windows == len(impossible)
    # share 0 drops every answer-less window of answerable questions
    assert features.n_negative_windows == 0 and features.n_dropped_windows > 0
    kept_answerable = [w for w in features.indices if features.windows.pair_index[w] < 6]
    assert all(features.start_positions[w] > 0 for w in kept_answerable)


def test_train_on_squad2_file_with_unanswerable_questions(tmp_path, data_dir):
    reader = make_reader(build_tiny_model(tmp_path / "model"))
    result = train_reader(reader, data_dir, "test-v2.json", dev_filename="test-v2.json", batch_size=4,
                          max_steps=3, evaluate_every=0, progress_bar=False)
    assert result["steps"] == 3 and len(result["loss_history"]) == 3
    assert {"EM_no_answer", "EM_text_answer", "Total_no_answer"} <= set(result["dev"])


def test_train_window_settings_checked_against_the_model(tmp_path, data_dir):
    reader = make_reader(build_tiny_model(tmp_path / "model"))
    with pytest.raises(ValueError, match="max_seq_len=128 exceeds"):
        train_reader(reader, data_dir, "dev.json", max_seq_len=128, progress_bar=False)
    with pytest.raises(ValueError, match="doc_stride=40 must be smaller"):
        train_reader(reader, data_dir, "dev.json", doc_stride=40, progress_bar=False)


def test_dev_split_holds_out_whole_paragraphs():
    data = synthetic_squad(20, seed=7)
    data["data"][0]["paragraphs"][0]["qas"].append(
        {"id": "extra", "question": "what ?", "answers": [], "is_impossible": True}
    )
    examples = squad_examples_from_dict(data)
    train, dev = split_dev(examples, 0.25, seed=1)
    assert len(train) + len(dev) == len(examples) and len(dev) >= 5
    assert not {ex.context for ex in train} & {ex.context for ex in dev}
    assert split_dev(examples, 0.25, seed=1) == (train, dev)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"batch_size": 0}, "batch_size"), ({"learning_rate": -1.0}, "learning_rate"),
     ({"dev_split": 1.0}, "dev_split"), ({"max_steps": 0}, "max_steps")],
)
def test_train_rejects_bad_arguments(kwargs, message, data_dir):
    reader = SimpleNamespace()  # the arguments are checked before the reader is used
    with pytest.raises(ValueError, match=message):
        train_reader(reader, data_dir, "train.json", **kwargs)


def test_training_on_malformed_file_fails_before_training(tmp_path):
    data = synthetic_squad(3, seed=10)
    data["data"][0]["paragraphs"][2]["qas"][0]["answers"][0]["answer_start"] = "12"
    write_json(tmp_path / "train.json", data)
    with pytest.raises(FileConversionError, match=r"answers\[0\]\['answer_start'\] must be int"):
        train_reader(SimpleNamespace(), tmp_path, "train.json")
