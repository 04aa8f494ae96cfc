"""Training a `DensePassageRetriever`: in-batch negatives plus hard negatives, NLL over similarity scores.

```python
retriever = DensePassageRetriever(store, query_embedding_model=minilm, passage_embedding_model=minilm)
report = retriever.train("data/dpr", "train.json", dev_filename="dev.json", batch_size=8,
                         num_hard_negatives=1, n_epochs=1, learning_rate=2e-5, save_dir="saved/dpr")
report["dev"]        # {"acc": ..., "average_rank": ..., "loss": ...}
```

Each step takes `batch_size` questions. Each question brings its first `num_positives` (1)
positive passage and up to `num_hard_negatives` hard negatives (`hard_negative_ctxs`, then
`negative_ctxs` to fill up); every question is scored against every passage of the step (the
others' positives and negatives are its in-batch negatives), and the loss is the negative
log-likelihood of its positive under a softmax over those scores (dot product, or cosine with
`similarity_function="cosine"`). Evaluation (on dev every `evaluate_every` steps and at the end,
on test at the end) runs the same scoring without gradients and reports `acc` (the positive
scores highest) and `average_rank` (0-based rank of the positive among the step's passages).
"""

from __future__ import annotations

import inspect
import logging
import math
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hayrick._checks import check_int
from hayrick.datasets.dpr import read_dpr
from hayrick.errors import ComponentError
from hayrick.lazy_imports import require

logger = logging.getLogger(__name__)


@dataclass
class TrainingSample:
    """One question with its positive passage and its hard negatives (as (title, text) pairs)."""

    question: str
    positive: tuple[str, str]
    negatives: list[tuple[str, str]]


def to_training_samples(raw: list[dict[str, Any]], num_hard_negatives: int, source: str) -> list[TrainingSample]:
    """`TrainingSample`s from DPR samples; samples without a positive passage are skipped with a warning."""
    samples, skipped = [], 0
    for sample in raw:
        if not sample["positive_ctxs"]:
            skipped += 1
            continue
        pos = sample["positive_ctxs"][0]
        pool = sample["hard_negative_ctxs"] + sample["negative_ctxs"]
        negatives = [(c.get("title") or "", c["text"]) for c in pool[:num_hard_negatives]]
        samples.append(TrainingSample(sample["question"], (pos.get("title") or "", pos["text"]), negatives))
    if skipped:
        logger.warning("%s: skipped %d sample(s) without a positive passage.", source, skipped)
    return samples


def _check_arguments(args: dict[str, Any]) -> None:
    for name in ("batch_size", "n_epochs", "evaluate_every", "grad_acc_steps", "n_gpu", "max_processes"):
        check_int(args[name], name, owner="DensePassageRetriever.train")
    if args["num_positives"] != 1:
        raise ComponentError(
            f"DensePassageRetriever.train: num_positives={args['num_positives']!r}; only 1 positive passage per "
            "question is supported (the NLL loss has one target per question)."
        )
    check_int(args["num_hard_negatives"], "num_hard_negatives", owner="DensePassageRetriever.train", minimum=0)
    if not 0 <= args["dev_split"] < 1:
        raise ComponentError(f"DensePassageRetriever.train: dev_split must be in [0, 1), got {args['dev_split']!r}.")
    if not args["optimizer_correct_bias"]:
        raise ComponentError(
            "DensePassageRetriever.train: optimizer_correct_bias=False is not supported; torch's optimizers "
            "always correct the bias of their moment estimates."
        )
    if args["max_steps"] is not None:
        check_int(args["max_steps"], "max_steps", owner="DensePassageRetriever.train")


def _load_splits(args: dict[str, Any]) -> tuple[list[TrainingSample], list[TrainingSample], list[TrainingSample]]:
    data_dir, n_neg = Path(args["data_dir"]), args["num_hard_negatives"]
    train_raw = read_dpr(data_dir / args["train_filename"])
    if args["max_samples"] is not None:
        train_raw = train_raw[: args["max_samples"]]
    dev_raw: list[dict[str, Any]] = []
    if args["dev_filename"]:
        dev_raw = read_dpr(data_dir / args["dev_filename"])
    elif args["dev_split"]:
        shuffled = list(train_raw)
        random.Random(args["seed"]).shuffle(shuffled)
        n_dev = max(1, int(len(shuffled) * args["dev_split"]))
        dev_raw, train_raw = shuffled[:n_dev], shuffled[n_dev:]
    test_raw = read_dpr(data_dir / args["test_filename"]) if args["test_filename"] else []
    train = to_training_samples(train_raw, n_neg, args["train_filename"])
    if not train:
        raise ComponentError(f"DensePassageRetriever.train: {data_dir / args['train_filename']} has no usable sample.")
    return train, to_training_samples(dev_raw, n_neg, "dev"), to_training_samples(test_raw, n_neg, "test")


def _batch_scores(retriever: Any, batch: list[TrainingSample]) -> tuple[Any, Any]:
    """Scores (questions x passages of the batch) and the index of each question's positive."""
    torch = require("torch", owner="Dense retrievers", extra="inference")
    passages: list[tuple[str, str]] = []
    targets = []
    for sample in batch:
        targets.append(len(passages))
        passages.append(sample.positive)
        passages.extend(sample.negatives)
    first, pairs = retriever.passage_inputs([t for t, _ in passages], [x for _, x in passages])
    q = retriever.query_encoder.forward(retriever.query_encoder.tokenize([s.question for s in batch]))
    p = retriever.passage_encoder.forward(retriever.passage_encoder.tokenize(first, pairs))
    if retriever.similarity_function == "cosine":
        q, p = torch.nn.functional.normalize(q, dim=-1), torch.nn.functional.normalize(p, dim=-1)
    return q.float() @ p.float().T, torch.tensor(targets, device=q.device)


def evaluate(retriever: Any, samples: list[TrainingSample], batch_size: int) -> dict[str, float]:
    """In-batch accuracy, average 0-based rank of the positive, and loss over `samples`."""
    torch = require("torch", owner="Dense retrievers", extra="inference")
    if not samples:
        return {}
    correct = rank_sum = loss_sum = 0.0
    towers = (retriever.query_encoder.model, retriever.passage_encoder.model)
    modes = [m.training for m in towers]
    for m in towers:
        m.eval()
    with torch.inference_mode():
        for start in range(0, len(samples), batch_size):
            batch = samples[start : start + batch_size]
            scores, targets = _batch_scores(retriever, batch)
            loss_sum += float(torch.nn.functional.cross_entropy(scores, targets, reduction="sum"))
            positive = scores.gather(1, targets.unsqueeze(1))
            ranks = (scores > positive).sum(dim=1)
            correct += float((ranks == 0).sum())
            rank_sum += float(ranks.sum())
    for m, mode in zip(towers, modes):
        m.train(mode)
    n = len(samples)
    return {"acc": correct / n, "average_rank": rank_sum / n, "loss": loss_sum / n}


def _optimizer(retriever: Any, args: dict[str, Any]) -> Any:
    torch = require("torch", owner="Dense retrievers", extra="inference")
    cls = getattr(torch.optim, args["optimizer_name"], None)
    if not isinstance(cls, type) or not issubclass(cls, torch.optim.Optimizer):
        raise ComponentError(
            f"DensePassageRetriever.train: optimizer_name {args['optimizer_name']!r} is not a torch.optim optimizer "
            "(e.g. 'AdamW', 'Adam', 'SGD')."
        )
    decay: list[Any] = []
    no_decay: list[Any] = []
    for model in (retriever.query_encoder.model, retriever.passage_encoder.model):
        for name, param in model.named_parameters():
            if param.requires_grad:
                (no_decay if name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name else decay).append(param)
    groups = [{"params": decay, "weight_decay": args["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}]
    kwargs: dict[str, Any] = {"lr": args["learning_rate"]}
    if "eps" in inspect.signature(cls).parameters:
        kwargs["eps"] = args["epsilon"]
    return cls(groups, **kwargs)


def train_dpr(retriever: Any, **args: Any) -> dict[str, Any]:
    """Train `retriever`'s towers in place; the arguments are those of `DensePassageRetriever.train`.

    Beyond Haystack's arguments: `max_steps` and `max_seconds` stop training early (after that many
    optimizer steps, or once that much time has passed), and `seed` fixes shuffling and dropout.
    `max_processes` and `n_gpu` > 1 are accepted for compatibility (batches are tokenised on the fly,
    and one device is used). `use_amp` uses float16 autocast on a GPU and is ignored on a CPU.
    """
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    torch = require("torch", owner="Dense retrievers", extra="inference")
    _check_arguments(args)
    random.seed(args["seed"])
    torch.manual_seed(args["seed"])
    if args["n_gpu"] > 1:
        logger.warning("DensePassageRetriever.train: n_gpu=%d; training uses one device.", args["n_gpu"])
    if args["embed_title"] != retriever.embed_title:
        logger.info("DensePassageRetriever.train: embed_title=%s from now on.", args["embed_title"])
    retriever.embed_title = args["embed_title"]
    train, dev, test = _load_splits(args)
    batch_size, acc_steps = args["batch_size"], args["grad_acc_steps"]
    batches_per_epoch = math.ceil(len(train) / batch_size)
    total_steps = max(1, math.ceil(batches_per_epoch * args["n_epochs"] / acc_steps))
    if args["max_steps"]:
        total_steps = min(total_steps, args["max_steps"])
    optimizer = _optimizer(retriever, args)
    scheduler = get_linear_schedule_with_warmup(optimizer, min(args["num_warmup_steps"], total_steps), total_steps)
    use_amp = bool(args["use_amp"]) and retriever.device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda") if use_amp else None
    towers = (retriever.query_encoder.model, retriever.passage_encoder.model)
    params = [p for m in towers for p in m.parameters()]
    history: list[dict[str, Any]] = []

    def run_dev(step: int, loss: float | None) -> None:
        if dev:
            metrics = evaluate(retriever, dev, batch_size)
            history.append({"step": step, "train_loss": loss, **metrics})
            tqdm.write(f"step {step}: dev acc={metrics['acc']:.3f} average_rank={metrics['average_rank']:.3f} "
                       f"loss={metrics['loss']:.4f}")

    run_dev(0, None)
    start, step, batch_index, running = time.monotonic(), 0, 0, []
    stop = False
    for m in towers:
        m.train()
    with tqdm(total=total_steps, desc="Training DPR", unit="step", disable=not retriever.progress_bar) as bar:
        for epoch in range(args["n_epochs"]):
            order = list(train)
            random.Random(args["seed"] + epoch).shuffle(order)
            for b in range(0, len(order), batch_size):
                with torch.autocast("cuda", dtype=torch.float16, enabled=use_amp):
                    scores, targets = _batch_scores(retriever, order[b : b + batch_size])
                    loss = torch.nn.functional.cross_entropy(scores.float(), targets) / acc_steps
                (scaler.scale(loss) if scaler else loss).backward()
                running.append(loss.detach().item() * acc_steps)
                batch_index += 1
                if batch_index % acc_steps:
                    continue
                if scaler:
                    scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                if scaler:
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                mean_loss = sum(running) / len(running)
                running = []
                bar.update(1)
                bar.set_postfix(epoch=epoch + 1, loss=f"{mean_loss:.4f}")
                if step % args["evaluate_every"] == 0 and step < total_steps:
                    run_dev(step, mean_loss)
                timed_out = args["max_seconds"] is not None and time.monotonic() - start > args["max_seconds"]
                if step >= total_steps or timed_out:
                    stop = True
                    break
            if stop:
                break
    for m in towers:
        m.eval()
    if not history or history[-1]["step"] != step:
        run_dev(step, None)
    report: dict[str, Any] = {"steps": step, "seconds": time.monotonic() - start, "history": history,
                              "dev": history[-1] if history else None, "test": None}
    if test:
        report["test"] = evaluate(retriever, test, batch_size)
        tqdm.write(f"test: acc={report['test']['acc']:.3f} average_rank={report['test']['average_rank']:.3f}")
    if args["save_dir"] is not None:
        report["save_dir"] = str(retriever.save(
            os.fspath(args["save_dir"]), args["query_encoder_save_dir"], args["passage_encoder_save_dir"]
        ))
    return report
