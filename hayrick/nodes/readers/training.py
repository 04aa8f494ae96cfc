"""Fine-tuning an extractive reader on SQuAD-format files, and scoring it on one.

`FARMReader.train(...)` and `FARMReader.eval_on_file(...)` delegate here:

```python
reader = FARMReader("../shared/models/minilm-l6-squad", use_gpu=False)
write_squad(subjqa_to_squad(".../subjqa/electronics/train.csv"), "data/train.json")
write_squad(subjqa_to_squad(".../subjqa/electronics/test.csv"), "data/test.json")
reader.eval_on_file("data", "test.json")          # {"EM": ..., "f1": ..., "top_n_accuracy": ..., ...}
reader.train("data", "train.json", dev_split=0.1, n_epochs=1, save_dir="my-reader")
```

What training does (`train_reader`):

1. Reads the SQuAD v1.1 / v2.0 file(s) (`hayrick.datasets.read_squad_examples`:
   errors name the file and the entry; `plausible_answers` are ignored).
2. Cuts every (question, context) pair into windows with the reader's own windowing
   (`windows.make_windows`, so training sees exactly what inference sees) and labels each
   window with the token positions of the question's FIRST gold answer (`token_span`). A
   window that does not hold the whole answer, and every window of an unanswerable
   question, is labelled with the [CLS] position 0 (start = end = 0).
   `negative_window_share` (default 1.0) is the share of the answer-less windows of
   ANSWERABLE questions that is kept: 1.0 keeps them all, as FARM and Hugging Face's
   `run_qa.py` do, so the model learns to score a window without the answer below the
   window with it (the reader compares answers across windows). Lower it to train faster
   on long contexts (the shared minilm-l6-squad reader was trained with 0.1). Windows of
   unanswerable questions are always kept.
3. AdamW (weight decay 0.01, none on biases and LayerNorm weights), a linear warm-up over
   `warmup_proportion` of the steps then linear decay to 0, the model's own loss
   (mean of the start and end cross-entropies), gradients clipped to norm 1.0, batches
   drawn in a seeded random order each epoch. A tqdm bar shows the running loss.
4. Every `evaluate_every` steps and at the end, the reader answers each dev question on its
   gold paragraph (`reader.predict`), and the SQuAD EM and F1 are printed
   (`hayrick.evaluation.metrics`). The dev set is `dev_filename`, or else a `dev_split`
   share of the training paragraphs (split by paragraph, so no dev context is trained on).
5. The trained model stays in `reader.model`, in eval mode; `save_dir` saves the reader there.

Scoring (`eval_on_file`, `evaluate_examples`) is Haystack 1.x's `eval_on_file`: percentages
of the questions of a file answered on their gold paragraph.
"""

from __future__ import annotations

import logging
import math
import random
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hayrick.datasets.squad import (
    AnswerMismatch,
    SquadAnswer,
    SquadExample,
    read_squad_examples,
)
from hayrick.evaluation.metrics import exact_match, f1_score, max_over_gold
from hayrick.schema import Document

if TYPE_CHECKING:
    import torch

    from hayrick.nodes.readers.windows import QAWindows

logger = logging.getLogger(__name__)

__all__ = [
    "SquadAnswer",
    "SquadExample",
    "TrainingFeatures",
    "eval_on_file",
    "evaluate_examples",
    "featurize_for_training",
    "read_squad_examples",
    "split_dev",
    "train_reader",
]


# ---------------------------------------------------------------------------------------------
# Featurisation
# ---------------------------------------------------------------------------------------------


@dataclass
class TrainingFeatures:
    """The training windows of a set of examples, with their labels.

    Attributes:
        windows: every window of every example (`windows.pair_index[w]` is the example of window w).
        indices: the windows kept for training (answer-less windows of answerable questions may be
            dropped, see `negative_window_share`).
        start_positions, end_positions: the label of each window (indexed like `windows.input_ids`);
            0 (the [CLS] position) for a window without the answer.
        n_answer_windows: windows kept that hold their question's answer.
        n_negative_windows: windows kept without it (of answerable questions).
        n_no_answer_windows: windows of unanswerable questions (all kept).
        n_dropped_windows: answer-less windows of answerable questions that were not kept.
        n_answer_not_in_any_window: answerable questions none of whose windows holds the whole
            first answer (too long for a window, or cut by max_seq_len); they train as no-answer.
    """

    windows: QAWindows
    indices: list[int]
    start_positions: list[int]
    end_positions: list[int]
    n_answer_windows: int = 0
    n_negative_windows: int = 0
    n_no_answer_windows: int = 0
    n_dropped_windows: int = 0
    n_answer_not_in_any_window: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.indices)} training windows: {self.n_answer_windows} with the answer, "
            f"{self.n_negative_windows} without it, {self.n_no_answer_windows} of unanswerable questions "
            f"({self.n_dropped_windows} answer-less windows dropped; "
            f"{self.n_answer_not_in_any_window} answerable questions whose answer fits in no window)"
        )


def featurize_for_training(
    tokenizer: Any,
    examples: Sequence[SquadExample],
    max_seq_len: int,
    doc_stride: int,
    max_query_length: int,
    negative_window_share: float = 1.0,
    seed: int = 42,
) -> TrainingFeatures:
    """Windows and start/end labels for training (see the module docstring, step 2).

    Args:
        tokenizer: the reader's fast tokenizer.
        examples: from `read_squad_examples`.
        max_seq_len, doc_stride, max_query_length: as the reader's windowing takes them.
        negative_window_share: share (0 to 1) of the answer-less windows of answerable questions to
            keep, chosen at random with `seed`.
    """
    from hayrick.nodes.readers.windows import make_windows, token_span

    if not 0.0 <= negative_window_share <= 1.0:
        raise ValueError(f"negative_window_share must be between 0 and 1, got {negative_window_share!r}.")
    windows = make_windows(
        tokenizer,
        [ex.question for ex in examples],
        [ex.context for ex in examples],
        max_seq_len,
        doc_stride,
        max_query_length,
    )
    rng = random.Random(seed)
    n = len(windows.input_ids)
    starts, ends = [0] * n, [0] * n
    indices: list[int] = []
    features = TrainingFeatures(windows, indices, starts, ends)
    answered: set[int] = set()
    for w, pair in enumerate(windows.pair_index):
        example = examples[pair]
        if example.is_impossible or not example.answers:
            indices.append(w)
            features.n_no_answer_windows += 1
            continue
        answer = example.answers[0]
        span = token_span(windows.offsets[w], answer.start, answer.end)
        if span is not None:
            starts[w], ends[w] = span
            indices.append(w)
            answered.add(pair)
            features.n_answer_windows += 1
        elif negative_window_share >= 1.0 or rng.random() < negative_window_share:
            indices.append(w)
            features.n_negative_windows += 1
        else:
            features.n_dropped_windows += 1
    features.n_answer_not_in_any_window = sum(
        1 for i, ex in enumerate(examples) if ex.answers and not ex.is_impossible and i not in answered
    )
    return features


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def _gold_texts(example: SquadExample) -> list[str]:
    return [""] if example.is_impossible or not example.answers else [a.text for a in example.answers]


_EVAL_CHUNK = 64  # questions per predict_batch call: every window of a chunk is batched together


def _predict_all(reader: Any, examples: Sequence[SquadExample], top_k: int) -> list[list[str]]:
    """The reader's answers (best first) to each example, on the example's gold paragraph alone.

    Uses `reader.predict_batch` with one document list per question (the same answers as
    `reader.predict` per question, with the windows of many questions batched together), or
    `reader.predict` for readers without it.
    """
    predictions: list[list[str]] = []
    if not hasattr(reader, "predict_batch"):
        for example in examples:
            result = reader.predict(query=example.question, documents=[Document(content=example.context)], top_k=top_k)
            predictions.append([answer.answer for answer in result["answers"]])
        return predictions
    documents: dict[str, Document] = {}
    for begin in range(0, len(examples), _EVAL_CHUNK):
        chunk = examples[begin : begin + _EVAL_CHUNK]
        docs = [[documents.setdefault(ex.context, Document(content=ex.context))] for ex in chunk]
        result = reader.predict_batch(queries=[ex.question for ex in chunk], documents=docs, top_k=top_k)
        predictions.extend([answer.answer for answer in answers] for answers in result["answers"])
    return predictions


def evaluate_examples(reader: Any, examples: Sequence[SquadExample], top_n: int | None = None) -> dict[str, Any]:
    """EM, F1 and top-n accuracy of `reader` on SQuAD examples, each answered on its gold paragraph.

    All scores are percentages (0 to 100), averaged over questions, with the official SQuAD
    normalisation and the best score over a question's gold answers:

    - `EM`, `f1`: of the reader's best answer (an empty prediction when it returns none).
    - `top_n_accuracy`: share of questions where at least one of the reader's `top_n` best
      answers matches a gold answer exactly (after normalisation). Stricter than FARM's, which
      counts any token overlap (F1 > 0).
    - Unanswerable questions (SQuAD 2.0) have the single gold answer "": only an empty
      prediction (the reader's no-answer) scores on them, so a reader built without
      `return_no_answer=True` scores 0 on them.

    Returns:
        `{"EM", "f1", "top_n_accuracy", "top_n", "n_questions"}`, and when some questions are
        unanswerable also `EM_text_answer`, `f1_text_answer`, `top_n_accuracy_text_answer`,
        `Total_text_answer` and the same four with `_no_answer` (the two groups of questions).
    """
    if top_n is None:
        top_n = int(getattr(reader, "top_k", None) or 5)
    if top_n < 1:
        raise ValueError(f"top_n must be >= 1, got {top_n}.")
    predictions = _predict_all(reader, examples, top_k=top_n)
    rows = []  # (em, f1, in_top_n, is_no_answer)
    for example, preds in zip(examples, predictions, strict=True):
        golds = _gold_texts(example)
        best = preds[0] if preds else ""
        candidates = preds[:top_n] or [""]
        rows.append((
            max_over_gold(exact_match, best, golds),
            max_over_gold(f1_score, best, golds),
            float(any(max_over_gold(exact_match, p, golds) for p in candidates)),
            example.is_impossible or not example.answers,
        ))

    def pct(values: list[float]) -> float:
        return 100.0 * sum(values) / len(values) if values else 0.0

    metrics: dict[str, Any] = {
        "EM": pct([r[0] for r in rows]),
        "f1": pct([r[1] for r in rows]),
        "top_n_accuracy": pct([r[2] for r in rows]),
        "top_n": top_n,
        "n_questions": len(rows),
    }
    if any(r[3] for r in rows):
        for suffix, keep in (("text_answer", False), ("no_answer", True)):
            group = [r for r in rows if r[3] == keep]
            metrics[f"EM_{suffix}"] = pct([r[0] for r in group])
            metrics[f"f1_{suffix}"] = pct([r[1] for r in group])
            metrics[f"top_n_accuracy_{suffix}"] = pct([r[2] for r in group])
            metrics[f"Total_{suffix}"] = len(group)
    return metrics


def eval_on_file(
    reader: Any,
    data_dir: str | Path,
    test_filename: str,
    top_n: int | None = None,
    answer_mismatch: AnswerMismatch = "error",
) -> dict[str, Any]:
    """Scores `reader` on a SQuAD-format file, each question answered on its gold paragraph.

    Args:
        reader: a FARMReader (anything with `predict(query, documents, top_k)`).
        data_dir: folder of the file.
        test_filename: the file name in `data_dir` (SQuAD v1.1 or v2.0 JSON).
        top_n: how many answers count for `top_n_accuracy`; default the reader's `top_k` (5 without one).
        answer_mismatch: what to do with answers whose `answer_start` is wrong (see `read_squad_examples`).

    Returns:
        See `evaluate_examples`: `EM`, `f1`, `top_n_accuracy` (percentages), `top_n`, `n_questions`,
        plus the text-answer / no-answer split for files with unanswerable questions.

    Example:
        >>> reader.eval_on_file("../shared/datasets/squad", "dev-v1.1.json")["EM"]
    """
    examples = read_squad_examples(Path(data_dir) / test_filename, answer_mismatch=answer_mismatch)
    if not examples:
        raise ValueError(f"{Path(data_dir) / test_filename} has no questions to evaluate on.")
    with _eval_mode(reader.model):
        return evaluate_examples(reader, examples, top_n=top_n)


class _eval_mode:
    """Puts a torch module in eval mode for a block, and back in the mode it was in."""

    def __init__(self, model: Any):
        self.model, self.was_training = model, bool(getattr(model, "training", False))

    def __enter__(self) -> None:
        self.model.eval()

    def __exit__(self, *exc: object) -> None:
        self.model.train(self.was_training)


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def split_dev(examples: Sequence[SquadExample], dev_split: float, seed: int) -> tuple[list[SquadExample], list[SquadExample]]:
    """`(train, dev)`: a seeded random `dev_split` share of the paragraphs (and all their questions) as dev."""
    contexts = list(dict.fromkeys(ex.context for ex in examples))
    random.Random(seed).shuffle(contexts)
    n_dev = max(1, round(dev_split * len(contexts)))
    if n_dev >= len(contexts):
        raise ValueError(
            f"dev_split={dev_split} leaves no training data: the file has {len(contexts)} paragraph(s). "
            "Lower dev_split or pass a dev_filename."
        )
    dev_contexts = set(contexts[:n_dev])
    train = [ex for ex in examples if ex.context not in dev_contexts]
    dev = [ex for ex in examples if ex.context in dev_contexts]
    return train, dev


@dataclass
class _History:
    loss: list[float] = field(default_factory=list)
    evals: list[dict[str, Any]] = field(default_factory=list)


def _check_training_args(**args: Any) -> None:
    checks = {
        "batch_size": lambda v: isinstance(v, int) and v >= 1,
        "n_epochs": lambda v: isinstance(v, int) and v >= 1,
        "learning_rate": lambda v: isinstance(v, (int, float)) and v > 0,
        "warmup_proportion": lambda v: isinstance(v, (int, float)) and 0 <= v < 1,
        "dev_split": lambda v: isinstance(v, (int, float)) and 0 <= v < 1,
        "evaluate_every": lambda v: v is None or isinstance(v, int) and v >= 0,
        "max_steps": lambda v: v is None or isinstance(v, int) and v >= 1,
        "max_seq_len": lambda v: v is None or isinstance(v, int) and v >= 16,
        "doc_stride": lambda v: v is None or isinstance(v, int) and v >= 0,
        "max_grad_norm": lambda v: v is None or isinstance(v, (int, float)) and v > 0,
    }
    expected = {
        "batch_size": "an int >= 1", "n_epochs": "an int >= 1", "learning_rate": "a number > 0",
        "warmup_proportion": "a number in [0, 1)", "dev_split": "a number in [0, 1)",
        "evaluate_every": "None, 0 (only at the end) or a number of steps", "max_steps": "None or an int >= 1",
        "max_seq_len": "None (the reader's) or an int >= 16", "doc_stride": "None (the reader's) or an int >= 0",
        "max_grad_norm": "None (no clipping) or a number > 0",
    }
    for name, ok in checks.items():
        value = args[name]
        if isinstance(value, bool) or not ok(value):
            raise ValueError(f"train: {name} must be {expected[name]}, got {value!r}.")


def _training_device(reader: Any, use_gpu: bool | None) -> torch.device:
    import torch

    if use_gpu is None:
        reader_device = getattr(reader, "device", None)
        use_gpu = reader_device is not None and torch.device(reader_device).type == "cuda"
    if use_gpu and not torch.cuda.is_available():
        logger.warning("train: use_gpu=True but CUDA is not available; training on the CPU.")
    return torch.device("cuda") if use_gpu and torch.cuda.is_available() else torch.device("cpu")


def _optimizer(model: Any, learning_rate: float, weight_decay: float) -> Any:
    import torch

    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (no_decay if param.ndim < 2 or "LayerNorm" in name or "layer_norm" in name else decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=learning_rate)


def _linear_schedule(optimizer: Any, warmup_steps: int, total_steps: int) -> Any:
    import torch

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _report(line: str) -> None:
    from tqdm.auto import tqdm

    tqdm.write(line, file=sys.stdout)


def _evaluate_and_print(reader: Any, dev: Sequence[SquadExample], step: int, label: str = "dev") -> dict[str, Any]:
    with _eval_mode(reader.model):
        metrics = evaluate_examples(reader, dev)
    _report(
        f"[step {step}] {label} EM: {metrics['EM']:.2f}  F1: {metrics['f1']:.2f}  "
        f"top-{metrics['top_n']} accuracy: {metrics['top_n_accuracy']:.2f}  ({metrics['n_questions']} questions)"
    )
    return metrics


def train_reader(
    reader: Any,
    data_dir: str | Path,
    train_filename: str,
    dev_filename: str | None = None,
    test_filename: str | None = None,
    use_gpu: bool | None = None,
    batch_size: int = 10,
    n_epochs: int = 2,
    learning_rate: float = 1e-5,
    max_seq_len: int | None = None,
    doc_stride: int | None = None,
    warmup_proportion: float = 0.2,
    dev_split: float = 0.0,
    evaluate_every: int | None = 300,
    save_dir: str | Path | None = None,
    max_steps: int | None = None,
    seed: int = 42,
    progress_bar: bool = True,
    *,
    negative_window_share: float = 1.0,
    weight_decay: float = 0.01,
    max_grad_norm: float | None = 1.0,
    answer_mismatch: AnswerMismatch = "error",
) -> dict[str, Any]:
    """Fine-tunes `reader.model` on a SQuAD-format file (what `FARMReader.train` runs).

    Args:
        reader: a FARMReader: `model`, `tokenizer`, `max_seq_len`, `doc_stride`, `max_query_length`,
            `device`, `predict()` and `save()` are used.
        data_dir: folder holding the files.
        train_filename, dev_filename, test_filename: SQuAD v1.1 or v2.0 JSON files in `data_dir`.
        use_gpu: train on CUDA (when available); None follows `reader.device`. The model stays on the
            device it was trained on, and `reader.device` is set to it.
        batch_size: windows per step.
        n_epochs: passes over the training windows (cut short by `max_steps`).
        learning_rate: peak AdamW learning rate.
        max_seq_len, doc_stride: window size and stride for the TRAINING windows; None takes the
            reader's. Inference (and so the dev evaluation) keeps the reader's own settings.
        warmup_proportion: share of the steps over which the learning rate rises linearly from 0;
            it then falls linearly to 0 at the last step.
        dev_split: without `dev_filename`, this share of the training paragraphs is held out as dev.
        evaluate_every: evaluate on dev every this many steps (and always at the end); 0 or None: only
            at the end.
        save_dir: where to `reader.save()` the trained reader.
        max_steps: stop after this many steps (the schedule is laid out over them).
        seed: seeds torch (dropout), the order of the batches, and the dev split.
        progress_bar: show a tqdm bar with the running loss (the EM/F1 lines are printed either way).
        negative_window_share: share of answer-less windows of answerable questions kept (see module).
        weight_decay: AdamW weight decay (not on biases and LayerNorm weights).
        max_grad_norm: gradient clipping norm; None: no clipping.
        answer_mismatch: what to do with answers whose `answer_start` is wrong ("error", "fix", "drop").

    Returns:
        `{"dev": final dev metrics (see evaluate_examples) or None, "test": metrics on test_filename or
        None, "loss_history": the loss of every step, "eval_history": [{"step", "EM", "f1", ...}] of every
        dev evaluation, "steps", "epochs", "train_questions", "train_windows", "device", "train_seconds"}`.
    """
    import torch
    from tqdm.auto import tqdm

    from hayrick.nodes.readers.windows import padded_batches

    _check_training_args(
        batch_size=batch_size, n_epochs=n_epochs, learning_rate=learning_rate, warmup_proportion=warmup_proportion,
        dev_split=dev_split, evaluate_every=evaluate_every, max_steps=max_steps, max_seq_len=max_seq_len,
        doc_stride=doc_stride, max_grad_norm=max_grad_norm,
    )
    if getattr(reader, "quantize", False):
        raise ValueError(
            "train: this reader's model is int8-quantized for inference and cannot be trained; "
            "train a reader built with quantize=False, save it, and quantize it when loading."
        )
    data_dir = Path(data_dir)
    train_examples = read_squad_examples(data_dir / train_filename, answer_mismatch=answer_mismatch)
    if not train_examples:
        raise ValueError(f"{data_dir / train_filename} has no questions to train on.")
    dev_examples: list[SquadExample] = []
    if dev_filename:
        if dev_split:
            logger.warning("train: dev_filename=%r is given, so dev_split=%s is ignored.", dev_filename, dev_split)
        dev_examples = read_squad_examples(data_dir / dev_filename, answer_mismatch=answer_mismatch)
    elif dev_split:
        train_examples, dev_examples = split_dev(train_examples, dev_split, seed)
    test_examples = read_squad_examples(data_dir / test_filename, answer_mismatch=answer_mismatch) if test_filename else []

    seq_len = max_seq_len or reader.max_seq_len
    stride = reader.doc_stride if doc_stride is None else doc_stride
    if seq_len != reader.max_seq_len or stride != reader.doc_stride:
        from hayrick.nodes.readers.loading import check_window_lengths

        check_window_lengths("train", reader.tokenizer, reader.model, seq_len, stride, reader.max_query_length)

    torch.manual_seed(seed)
    rng = random.Random(seed)
    features = featurize_for_training(
        reader.tokenizer,
        train_examples,
        max_seq_len=seq_len,
        doc_stride=stride,
        max_query_length=reader.max_query_length,
        negative_window_share=negative_window_share,
        seed=seed,
    )
    if not features.indices:
        raise ValueError(f"{data_dir / train_filename}: no training windows could be built.")
    logger.info("train: %s", features.summary())

    device = _training_device(reader, use_gpu)
    model = reader.model
    model.to(device)
    reader.device = device
    pad_id = reader.tokenizer.pad_token_id if reader.tokenizer.pad_token_id is not None else 0

    steps_per_epoch = math.ceil(len(features.indices) / batch_size)
    total_steps = steps_per_epoch * n_epochs if max_steps is None else min(max_steps, steps_per_epoch * n_epochs)
    optimizer = _optimizer(model, learning_rate, weight_decay)
    scheduler = _linear_schedule(optimizer, int(warmup_proportion * total_steps), total_steps)
    starts = torch.tensor(features.start_positions, dtype=torch.long)
    ends = torch.tensor(features.end_positions, dtype=torch.long)

    history = _History()
    dev_metrics: dict[str, Any] | None = None
    recent: deque[float] = deque(maxlen=50)
    step = epoch = 0
    began = time.perf_counter()
    bar = tqdm(total=total_steps, desc="Training", disable=not progress_bar, file=sys.stderr)
    model.train()
    try:
        while step < total_steps:
            epoch += 1
            order = list(features.indices)
            rng.shuffle(order)
            for window_ids, inputs in padded_batches(features.windows, order, batch_size, pad_id, bucket=False):
                inputs = {k: v.to(device) for k, v in inputs.items()}
                ids = torch.tensor(window_ids, dtype=torch.long)
                outputs = model(
                    **inputs, start_positions=starts[ids].to(device), end_positions=ends[ids].to(device)
                )
                loss = outputs.loss
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if max_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
                optimizer.step()
                scheduler.step()
                step += 1
                history.loss.append(float(loss.detach()))
                recent.append(history.loss[-1])
                bar.update(1)
                bar.set_postfix(loss=f"{sum(recent) / len(recent):.4f}", epoch=epoch)
                if dev_examples and evaluate_every and step % evaluate_every == 0 and step < total_steps:
                    metrics = _evaluate_and_print(reader, dev_examples, step)
                    history.evals.append({"step": step, **metrics})
                if step >= total_steps:
                    break
    finally:
        bar.close()
        model.eval()
    seconds = time.perf_counter() - began
    _report(
        f"Training done: {step} steps, {epoch} epoch(s), {len(features.indices)} windows of "
        f"{len(train_examples)} questions, {seconds:.1f} s; mean loss of the last "
        f"{len(recent)} steps {sum(recent) / max(1, len(recent)):.4f}"
    )
    if dev_examples:
        dev_metrics = _evaluate_and_print(reader, dev_examples, step)
        history.evals.append({"step": step, **dev_metrics})
    test_metrics = _evaluate_and_print(reader, test_examples, step, label="test") if test_examples else None
    model.eval()
    if save_dir is not None:
        reader.save(save_dir)
    return {
        "dev": dev_metrics,
        "test": test_metrics,
        "loss_history": history.loss,
        "eval_history": history.evals,
        "steps": step,
        "epochs": epoch,
        "train_questions": len(train_examples),
        "train_windows": len(features.indices),
        "device": str(device),
        "train_seconds": seconds,
    }
