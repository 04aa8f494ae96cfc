"""Domain adaptation of the reader to SubjQA electronics (NLP with Transformers, ch. 7): EM/F1 before and after.

Run: python benchmarks/reader_domain_adaptation.py [--max-steps N] [--epochs E] [--batch-size B]
        [--learning-rate LR] [--test-limit N] [--out DIR]

1. `subjqa_to_squad` turns ../shared/datasets/subjqa/electronics/{train,test}.csv into SQuAD-v2-style
   JSON files (`write_squad`, in --out; no-answer questions included, as the book).
2. FARMReader on ../shared/models/minilm-l6-squad, return_no_answer=True, max_seq_len 384,
   doc_stride 128 (the book's reader), scored on test with `eval_on_file` (each question on its own
   review; no-answer questions count when the best answer is "").
3. `FARMReader.train` on train (--epochs, cut short by --max-steps), then the same score again.

Reference (measured by another engineer on this loaded box): 64 steps, batch 16, lr 5e-5 give
EM 5.0 -> 43.3, F1 18.4 -> 47.6 in about 16 minutes. Use e.g. `--max-steps 4 --test-limit 100`
for a quick check that the script works.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAYRICK_SHARED_DIR", REPO.parent / "shared"))


def limited(squad: dict, limit: int | None) -> dict:
    """The SQuAD dict with only its first `limit` questions (all when None)."""
    if not limit:
        return squad
    left = limit
    data = []
    for article in squad["data"]:
        paragraphs = []
        for paragraph in article["paragraphs"]:
            if left <= 0:
                break
            qas = paragraph["qas"][:left]
            left -= len(qas)
            paragraphs.append({**paragraph, "qas": qas})
        if paragraphs:
            data.append({**article, "paragraphs": paragraphs})
    return {**squad, "data": data}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(SHARED / "models" / "minilm-l6-squad"))
    parser.add_argument("--subjqa", default=str(SHARED / "datasets" / "subjqa" / "electronics"))
    parser.add_argument("--max-steps", type=int, default=None, help="stop training after this many steps")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--test-limit", type=int, default=None, help="score on the first N test questions only")
    parser.add_argument("--out", default=None, help="folder for the SQuAD files and the trained model (default: temporary)")
    parser.add_argument("--save-model", action="store_true", help="save the trained reader under --out/model")
    args = parser.parse_args()

    from hayrick.datasets import subjqa_to_squad, write_squad
    from hayrick.nodes.readers import FARMReader

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="subjqa-da-"))
    train = subjqa_to_squad(Path(args.subjqa) / "train.csv")
    test = limited(subjqa_to_squad(Path(args.subjqa) / "test.csv"), args.test_limit)
    write_squad(train, out / "electronics-train.json")
    write_squad(test, out / "electronics-test.json")
    n_train = sum(len(p["qas"]) for a in train["data"] for p in a["paragraphs"])
    n_test = sum(len(p["qas"]) for a in test["data"] for p in a["paragraphs"])
    print(f"SubjQA electronics: {n_train} train questions, {n_test} test questions (files in {out}); "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)

    reader = FARMReader(args.model, use_gpu=False, return_no_answer=True, max_seq_len=384, doc_stride=128, progress_bar=False)
    t = time.perf_counter()
    before = reader.eval_on_file(str(out), "electronics-test.json")
    print(f"before: EM {before['EM']:.1f}  F1 {before['f1']:.1f}  ({time.perf_counter() - t:.0f}s)", flush=True)

    t = time.perf_counter()
    reader.train(data_dir=str(out), train_filename="electronics-train.json", use_gpu=False, n_epochs=args.epochs,
                 batch_size=args.batch_size, learning_rate=args.learning_rate, max_steps=args.max_steps,
                 evaluate_every=0, progress_bar=False,
                 save_dir=str(out / "model") if args.save_model else None)
    trained = time.perf_counter() - t
    t = time.perf_counter()
    after = reader.eval_on_file(str(out), "electronics-test.json")
    print(f"after:  EM {after['EM']:.1f}  F1 {after['f1']:.1f}  ({time.perf_counter() - t:.0f}s)", flush=True)

    steps = f"max_steps {args.max_steps}" if args.max_steps else f"{args.epochs} epoch(s)"
    print(f"\nSubjQA electronics test ({n_test} questions), FARMReader minilm-l6-squad, return_no_answer=True, "
          f"max_seq_len 384, doc_stride 128; training: {steps}, batch {args.batch_size}, lr {args.learning_rate:g}, "
          f"{trained:.0f}s; load average {os.getloadavg()[0]:.1f}")
    print(f"{'':8s} {'EM':>6s} {'F1':>6s}")
    print(f"{'before':8s} {before['EM']:6.1f} {before['f1']:6.1f}")
    print(f"{'after':8s} {after['EM']:6.1f} {after['f1']:6.1f}")
    print(json.dumps({"before": before, "after": after}, default=float))


if __name__ == "__main__":
    main()
