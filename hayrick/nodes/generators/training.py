"""Fine-tuning a `Seq2SeqGenerator` on SQuAD-format data: question and passage in, the answer out.

```python
generator = Seq2SeqGenerator("path/to/bart-or-bert2bert", use_gpu=True)
report = generator.train(data_dir="data/squad", train_filename="train-v1.1.json", dev_filename="dev-v1.1.json",
                         n_epochs=2, batch_size=32, save_dir="my-generator")
report["dev_f1"]          # SQuAD F1 of the answers generated for the dev questions
```

Each answerable question becomes one example: the generator's input (its input converter, so
training and `predict` read the same text) with the passage as the only document, and the first
gold answer as the target. Training is teacher-forced cross-entropy with AdamW and a linear warm-up
and decay; the dev set is scored with greedy generation against every gold answer (EM and F1 as in
SQuAD). The trained model and its tokenizer are saved to `save_dir` and load back with
`Seq2SeqGenerator(save_dir)`.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

from hayrick._checks import check_int, check_number
from hayrick.errors import ComponentError
from hayrick.schema import Document

logger = logging.getLogger(__name__)


def squad_pairs(path: Path, limit: int | None = None) -> list[tuple[str, str, list[str]]]:
    """`(question, passage, gold answers)` of each answerable question of a SQuAD file."""
    from hayrick.datasets.squad import read_squad_examples

    pairs = [(e.question, e.context, [a.text for a in e.answers]) for e in read_squad_examples(path, answer_mismatch="fix")
             if e.answers]  # fmt: skip
    return pairs[:limit] if limit else pairs


def train_generator(
    generator: Any,
    data_dir: str | Path,
    train_filename: str,
    dev_filename: str | None = None,
    n_epochs: int = 2,
    batch_size: int = 16,
    learning_rate: float = 5e-5,
    max_seq_len: int = 384,
    max_answer_len: int = 32,
    save_dir: str | Path | None = None,
    use_gpu: bool | None = None,
    warmup_proportion: float = 0.1,
    max_examples: int | None = None,
    seed: int = 42,
    progress_bar: bool | None = None,
) -> dict[str, Any]:
    """Train `generator` in place (see the module docstring); returns the losses and dev EM/F1."""
    import torch
    from tqdm import tqdm
    from transformers import get_linear_schedule_with_warmup

    owner = "Seq2SeqGenerator.train"
    for name, value in (("n_epochs", n_epochs), ("batch_size", batch_size), ("max_seq_len", max_seq_len),
                        ("max_answer_len", max_answer_len)):  # fmt: skip
        check_int(value, name, owner=owner)
    check_int(max_examples, "max_examples", owner=owner, allow_none=True)
    check_number(learning_rate, "learning_rate", owner=owner, allow_nan=False)
    if learning_rate <= 0:
        raise ComponentError(f"{owner}: learning_rate must be positive, got {learning_rate}.")
    folder = Path(data_dir)
    train_path = folder / train_filename
    if not train_path.is_file():
        raise ComponentError(f"{owner}: {train_path} not found; data_dir and train_filename must name a SQuAD file.")
    train = squad_pairs(train_path, max_examples)
    dev = squad_pairs(folder / dev_filename, max_examples) if dev_filename else []
    if not train:
        raise ComponentError(f"{owner}: {train_path} has no answerable question to train on.")
    show = generator.progress_bar if progress_bar is None else progress_bar
    from hayrick.nodes.readers.loading import select_device

    device = select_device(owner, generator.use_gpu if use_gpu is None else use_gpu, generator.devices)
    model, tokenizer = generator.model.to(device), generator.tokenizer
    generator.device = device

    def encode(batch: list[tuple[str, str, list[str]]]) -> dict[str, Any]:
        inputs = [generator.converter(tokenizer=tokenizer, query=q, documents=[Document(p)], top_k=1) for q, p, _ in batch]
        features = [{"input_ids": e["input_ids"][0][:max_seq_len], "attention_mask": e["attention_mask"][0][:max_seq_len]}
                    for e in inputs]  # fmt: skip
        padded = tokenizer.pad(features, return_tensors="pt")
        targets = tokenizer(text_target=[answers[0] for _, _, answers in batch], max_length=max_answer_len,
                            truncation=True, padding=True, return_tensors="pt")["input_ids"]  # fmt: skip
        targets[targets == tokenizer.pad_token_id] = -100
        return {"input_ids": padded["input_ids"].to(device), "attention_mask": padded["attention_mask"].to(device),
                "labels": targets.to(device)}  # fmt: skip

    rng = random.Random(seed)
    torch.manual_seed(seed)
    steps = n_epochs * ((len(train) + batch_size - 1) // batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    schedule = get_linear_schedule_with_warmup(optimizer, int(warmup_proportion * steps), steps)
    losses: list[float] = []
    model.train()
    with tqdm(total=steps, desc="Training generator", unit="batches", disable=not show) as bar:
        for _ in range(n_epochs):
            order = train[:]
            rng.shuffle(order)
            total = 0.0
            for start in range(0, len(order), batch_size):
                loss = model(**encode(order[start : start + batch_size])).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                total += loss.item() * len(order[start : start + batch_size])
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}")
            losses.append(total / len(order))
    model.eval()
    report: dict[str, Any] = {"train_loss": losses, "train_examples": len(train)}
    if dev:
        report.update(evaluate_generator(generator, dev, max_answer_len, batch_size))
        print(f"Seq2SeqGenerator dev ({len(dev)} questions): EM {report['dev_em']:.4f}, F1 {report['dev_f1']:.4f}")
    if save_dir is not None:
        Path(save_dir).mkdir(parents=True, exist_ok=True)
        model.save_pretrained(save_dir)
        tokenizer.save_pretrained(save_dir)
    return report


def evaluate_generator(
    generator: Any, pairs: list[tuple[str, str, list[str]]], max_answer_len: int = 32, batch_size: int = 16
) -> dict[str, float]:
    """`{"dev_em", "dev_f1", "dev_examples"}`: SQuAD EM/F1 of greedy answers for `(question, passage, golds)`."""
    from hayrick.evaluation.metrics import exact_match, f1_score, max_over_gold

    queries = [q for q, _, _ in pairs]
    documents = [[Document(p)] for _, p, _ in pairs]
    saved = (generator.num_beams, generator.top_k, generator.max_length, generator.min_length)
    generator.num_beams, generator.top_k, generator.max_length, generator.min_length = 1, 1, max_answer_len, 0
    try:
        answers = generator.predict_batch(queries, documents, batch_size=batch_size)["answers"]
    finally:
        generator.num_beams, generator.top_k, generator.max_length, generator.min_length = saved
    predictions = [group[0].answer if group else "" for group in answers]
    em = [max_over_gold(exact_match, p, golds) for p, (_, _, golds) in zip(predictions, pairs)]
    f1 = [max_over_gold(f1_score, p, golds) for p, (_, _, golds) in zip(predictions, pairs)]
    return {"dev_em": sum(em) / len(em), "dev_f1": sum(f1) / len(f1), "dev_examples": len(pairs)}
