"""Tests for reader training and file evaluation (hayrick/nodes/readers/training.py) and the SQuAD /
SubjQA loaders they read (hayrick/evaluation/datasets.py).

A tiny randomly initialised BERT (hidden 32, 2 layers, a 60-word WordPiece vocab) learns a synthetic
task: every context says "the <thing> is <value> ." among filler sentences, and the answer is always
the word after "is".
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from hayrick.errors import FileConversionError
from hayrick.evaluation.datasets import (
    load_squad,
    read_squad_examples,
    squad_examples_from_dict,
    strip_answer_not_found,
    subjqa_to_squad,
    write_squad,
)
from hayrick.nodes.readers.training import (
    eval_on_file,
    featurize_for_training,
    split_dev,
    train_reader,
)

THINGS = ["car", "dog", "cat", "house", "sky", "ball", "door", "lamp", "shirt", "cup", "book", "bike", "boat", "tree",
          "hat", "box"]
VALUES = ["red", "blue", "green", "yellow", "black", "white", "big", "small", "old", "new", "warm", "cold"]
FILLER = [
    "we saw a bird near the park today .",
    "they like to walk in the city .",
    "then we went home and it rained .",
    "my friend made tea for us .",
    "a man sang a song at night .",
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCAB = SPECIAL + sorted({w for s in FILLER for w in s.split()} | set(THINGS) | set(VALUES) | {"is", "what", "?", "."})
METRIC_KEYS = {"EM", "f1", "top_n_accuracy"}


# ------------------------------------------------------------------------------------------------
# Helpers: synthetic SQuAD files and a tiny model
# ------------------------------------------------------------------------------------------------


def synthetic_squad(n: int, seed: int, unanswerable: int = 0) -> dict:
    """`n` questions "what is the X ?" whose answer is the word after "is" in the context.

    The last `unanswerable` questions ask about a thing the context does not mention (SQuAD 2.0 style).
    """
    rng = random.Random(seed)
    paragraphs = []
    for i in range(n):
        thing, value = rng.choice(THINGS), rng.choice(VALUES)
        before = " ".join(rng.sample(FILLER, rng.randint(0, 3)))
        after = " ".join(rng.sample(FILLER, rng.randint(0, 2)))
        fact = f"the {thing} is {value} ."
        context = " ".join(part for part in (before, fact, after) if part)
        start = context.index(fact) + len(f"the {thing} is ")
        if i >= n - unanswerable:
            other = rng.choice([t for t in THINGS if t != thing])
            qa = {"id": f"q{seed}-{i}", "question": f"what is the {other} ?", "answers": [],
                  "is_impossible": True, "plausible_answers": [{"text": value, "answer_start": start}]}
        else:
            qa = {"id": f"q{seed}-{i}", "question": f"what is the {thing} ?",
                  "answers": [{"text": value, "answer_start": start}], "is_impossible": False}
        paragraphs.append({"context": context, "qas": [qa]})
    return {"version": "synthetic", "data": [{"title": "synthetic", "paragraphs": paragraphs}]}


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


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


# ------------------------------------------------------------------------------------------------
# Malformed SQuAD files
# ------------------------------------------------------------------------------------------------


def test_missing_key_names_file_and_entry(tmp_path):
    data = synthetic_squad(3, seed=8)
    del data["data"][0]["paragraphs"][1]["qas"][0]["question"]
    path = write_json(tmp_path / "bad.json", data)
    with pytest.raises(FileConversionError, match=r"bad\.json: data\[0\]\.paragraphs\[1\]\.qas\[0\] has no 'question'"):
        read_squad_examples(path)
    data = {"data": [{"title": "x", "paragraphs": [{"qas": []}]}]}
    with pytest.raises(FileConversionError, match=r"data\[0\]\.paragraphs\[0\] has no 'context'"):
        read_squad_examples(write_json(tmp_path / "bad2.json", data))
    with pytest.raises(FileConversionError, match="has no 'data'"):
        read_squad_examples(write_json(tmp_path / "bad3.json", {"paragraphs": []}))


def test_not_json_and_missing_file(tmp_path):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FileConversionError, match=r"broken\.json: not valid JSON"):
        read_squad_examples(tmp_path / "broken.json")
    with pytest.raises(FileNotFoundError, match="nowhere.json"):
        read_squad_examples(tmp_path / "nowhere.json")


def test_answer_start_mismatch_is_counted_fixed_or_dropped(tmp_path):
    data = synthetic_squad(5, seed=9)
    paragraphs = data["data"][0]["paragraphs"]
    paragraphs[1]["qas"][0]["answers"][0]["answer_start"] += 3   # text occurs elsewhere: fixable
    paragraphs[3]["qas"][0]["answers"][0]["text"] = "purple"     # nowhere in the context
    path = write_json(tmp_path / "mismatch.json", data)
    with pytest.raises(FileConversionError, match=r"mismatch\.json: 2 answer\(s\) do not match") as info:
        read_squad_examples(path)
    assert "data[0].paragraphs[1].qas[0]" in str(info.value) and "answer_mismatch='fix'" in str(info.value)

    fixed = read_squad_examples(path, answer_mismatch="fix")
    assert len(fixed) == 4  # the question whose only answer is nowhere in its context is dropped
    answer = fixed[1].answers[0]
    assert fixed[1].context[answer.start : answer.end] == answer.text
    assert len(read_squad_examples(path, answer_mismatch="drop")) == 3


def test_training_on_malformed_file_fails_before_training(tmp_path):
    data = synthetic_squad(3, seed=10)
    data["data"][0]["paragraphs"][2]["qas"][0]["answers"][0]["answer_start"] = "12"
    write_json(tmp_path / "train.json", data)
    with pytest.raises(FileConversionError, match=r"answers\[0\]\['answer_start'\] must be int"):
        train_reader(SimpleNamespace(), tmp_path, "train.json")


# ------------------------------------------------------------------------------------------------
# load_squad and subjqa_to_squad on the shared data sets
# ------------------------------------------------------------------------------------------------


def _slice_of(path: Path, n_articles: int, out: Path) -> tuple[Path, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["data"] = data["data"][:n_articles]
    return write_json(out, data), data


def test_load_squad_v1_slice(shared_dir, tmp_path):
    path, data = _slice_of(shared_dir / "datasets/squad/dev-v1.1.json", 2, tmp_path / "dev-slice.json")
    docs, labels = load_squad(path)
    paragraphs = [p for a in data["data"] for p in a["paragraphs"]]
    assert len(docs) == len({p["context"] for p in paragraphs})
    assert {d.meta["title"] for d in docs} == {a["title"] for a in data["data"]}
    assert len(labels) == sum(len(q["answers"]) for p in paragraphs for q in p["qas"])
    by_id = {d.id: d for d in docs}
    for label in labels:
        assert label.origin == "gold-label" and label.is_correct_answer and label.is_correct_document
        assert not label.no_answer and label.answer.document_ids == [label.document.id]
        span = label.answer.offsets_in_document[0]
        assert by_id[label.document.id].content[span.start : span.end] == label.answer.answer
    assert len({label.meta["question_id"] for label in labels}) == sum(len(p["qas"]) for p in paragraphs)


def test_load_squad_v2_slice_has_no_answer_labels(shared_dir, tmp_path):
    path, data = _slice_of(shared_dir / "datasets/squad/dev-v2.0-half.json", 1, tmp_path / "v2-slice.json")
    _, labels = load_squad(path)
    qas = [q for a in data["data"] for p in a["paragraphs"] for q in p["qas"]]
    impossible = {q["id"] for q in qas if q.get("is_impossible")}
    assert impossible
    no_answer = [label for label in labels if label.no_answer]
    assert {label.meta["question_id"] for label in no_answer} == impossible
    assert all(label.answer.answer == "" for label in no_answer)


def test_subjqa_to_squad_test_split(shared_dir, tmp_path):
    csv_path = shared_dir / "datasets/subjqa/electronics/test.csv"
    squad = subjqa_to_squad(csv_path)
    qas = [(p["context"], q) for a in squad["data"] for p in a["paragraphs"] for q in p["qas"]]
    assert len(qas) == 358 and len({q["id"] for _, q in qas}) == 358
    with csv_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {q["id"] for _, q in qas} == {r["q_review_id"] for r in rows}
    reviews = {strip_answer_not_found(r["review"]) for r in rows}
    for context, qa in qas:
        assert not context.endswith("ANSWERNOTFOUND") and context in reviews
        assert qa["is_impossible"] == (qa["answers"] == [])
        for answer in qa["answers"]:
            start = answer["answer_start"]
            assert context[start : start + len(answer["text"])] == answer["text"]
            assert "ANSWERNOTFOUND" not in answer["text"]
    # a question is unanswerable only when every annotation of it is ANSWERNOTFOUND (or runs into it)
    impossible = {q["id"] for _, q in qas if q["is_impossible"]}
    assert all(r["human_ans_spans"] == "ANSWERNOTFOUND" or r["human_ans_spans"].endswith(" ANSWERNOTFOUND")
               for r in rows if r["q_review_id"] in impossible)
    assert 100 <= len(impossible) < 358 - 200
    assert {a["title"] for a in squad["data"]} == {r["item_id"] for r in rows}

    # written out, it reads back as SQuAD with every answer_start right, and loads as labels
    path = write_squad(squad, tmp_path / "subjqa-test.json")
    assert len(read_squad_examples(path)) == 358
    docs, labels = load_squad(path)
    assert len(docs) == len({context for context, _ in qas})
    assert len({label.meta["question_id"] for label in labels}) == 358
    assert sum(label.no_answer for label in labels) == len(impossible)
    answerable_only = subjqa_to_squad(csv_path, include_no_answer=False)
    assert sum(len(p["qas"]) for a in answerable_only["data"] for p in a["paragraphs"]) == 358 - len(impossible)
