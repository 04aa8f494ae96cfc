"""BM25 kernel (`hayrick.stores.bm25.BM25Index`) against rank_bm25 and bm25s on real SQuAD text.

Run: python benchmarks/bm25.py [--sizes 10000,100000] [--queries 200] [--ref-queries 0]

Corpus: the paragraphs of SQuAD v1.1 train + dev (../shared/datasets/squad), split into
sentences (about 105k), the first N of them for each size; queries: SQuAD dev questions,
spread over the file. Every library gets the same tokens (`hayrick.stores.bm25.tokenize`);
tokenising is not timed. Timed per library: building the index, and one query at a time
for the top 10 (rank_bm25: `get_scores` + a stable sort, as a store would use it).
rank_bm25 is slow at 100k documents, so it answers only the first `--ref-queries` queries
(0 = all of them up to 20k documents, a quarter of them above); the agreement columns compare
the top-10 keys with rank_bm25's on those queries: as sets ("top10 set") and in order
("top10 order"; ties broken by insertion order on both sides). bm25s (if installed) runs with
method="atire", idf_method="robertson", its closest match to rank_bm25's BM25Okapi (it clips
negative idf to 0 instead of epsilon * mean idf, so small disagreements are expected).
Below each size: the cost of live updates (1,000 single-document adds, then 1,000 removes, one
call each), which rank_bm25 can only follow by rebuilding its whole index.
Goal from the issue: at 100k documents, queries at least 50x faster than rank_bm25.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from hayrick.stores.bm25 import BM25Index, tokenize

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def find_squad() -> Path:
    here = Path(__file__).resolve().parents[1]
    for base in (os.environ.get("HAYRICK_SHARED_DIR"), here.parent / "shared", here / "shared"):
        if base and (Path(base) / "datasets" / "squad" / "train-v1.1.json").is_file():
            return Path(base) / "datasets" / "squad"
    sys.exit("SQuAD not found: set HAYRICK_SHARED_DIR to the folder holding datasets/squad/.")


def load_corpus(squad: Path, n_docs: int, n_queries: int) -> tuple[list[str], list[list[str]]]:
    """The first `n_docs` sentences of SQuAD train + dev paragraphs, and `n_queries` dev questions' tokens."""
    sentences: list[str] = []
    questions: list[str] = []
    for name in ("train-v1.1.json", "dev-v1.1.json"):
        for article in json.loads((squad / name).read_text())["data"]:
            for paragraph in article["paragraphs"]:
                sentences.extend(s for s in SENTENCE_END.split(paragraph["context"]) if s.strip())
                if name.startswith("dev"):
                    questions.extend(qa["question"] for qa in paragraph["qas"])
    if n_docs > len(sentences):
        sys.exit(f"Asked for {n_docs} documents, SQuAD has {len(sentences)} sentences; use smaller --sizes.")
    step = max(1, len(questions) // n_queries)
    queries = [tokenize(q) for q in questions[::step]]
    return sentences[:n_docs], [q for q in queries if q][:n_queries]


def latency(fn, queries: list[list[str]]) -> tuple[list, list[float]]:
    results, times = [], []
    for q in queries:
        start = time.perf_counter()
        results.append(fn(q))
        times.append(time.perf_counter() - start)
    return results, times


def row(name: str, index_s: float, times: list[float], agree: tuple[float, float] | None, speedup: str) -> str:
    med, p95 = statistics.median(times) * 1e3, float(np.percentile(times, 95)) * 1e3
    sets, order = (f"{agree[0]:.1%}", f"{agree[1]:.1%}") if agree else ("-", "-")
    return f"{name:<12}{index_s:>10.2f}{med:>12.3f}{p95:>11.3f}{len(times):>9}{sets:>11}{order:>12}{speedup:>10}"


def agreement(got: list[list[int]], ref: list[list[int]]) -> tuple[float, float]:
    pairs = list(zip(got, ref))
    return sum(set(a) == set(b) for a, b in pairs) / len(pairs), sum(a == b for a, b in pairs) / len(pairs)


def bench(size: int, sentences: list[str], queries: list[list[str]], n_ref: int) -> list[str]:
    tokens = [tokenize(s) for s in sentences[:size]]
    lines = []
    start = time.perf_counter()
    index = BM25Index("BM25Okapi")
    index.add_many(range(size), tokens)
    t_kernel = time.perf_counter() - start
    index.top_k(queries[0], 10)  # warm-up: merges the postings written by add_many
    kernel, k_times = latency(lambda q: [key for key, _ in index.top_k(q, 10)], queries)

    start = time.perf_counter()
    ref_index = BM25Okapi(tokens)
    t_ref = time.perf_counter() - start
    ref_queries = queries[:n_ref]
    ref, r_times = latency(lambda q: np.argsort(-ref_index.get_scores(q), kind="stable")[:10].tolist(), ref_queries)
    speedup = statistics.median(r_times) / statistics.median(k_times)
    lines.append(row("hayrick", t_kernel, k_times, agreement(kernel[:n_ref], ref), f"{speedup:.0f}x"))
    lines.append(row("rank_bm25", t_ref, r_times, (1.0, 1.0), "1x"))
    extra = [tokenize(s) for s in sentences[-1000:]]
    start = time.perf_counter()
    for i, doc in enumerate(extra):
        index.add(("new", i), doc)
    t_add = (time.perf_counter() - start) / len(extra)
    start = time.perf_counter()
    for i in range(len(extra)):
        index.remove(("new", i))
    t_remove = (time.perf_counter() - start) / len(extra)
    assert [key for key, _ in index.top_k(queries[0], 10)] == kernel[0]
    update = f"  hayrick live updates: {t_add * 1e3:.3f} ms per add, {t_remove * 1e3:.3f} ms per remove"
    try:
        import bm25s
    except ImportError:
        lines.append(f"{'bm25s':<12}  not installed (pip install bm25s)")
        return [*lines, update]
    start = time.perf_counter()
    retriever = bm25s.BM25(method="atire", idf_method="robertson", k1=1.5, b=0.75)
    retriever.index(tokens, show_progress=False)
    t_bm25s = time.perf_counter() - start

    def bm25s_top(q: list[str]) -> list[int]:
        docs, _ = retriever.retrieve([q], k=10, show_progress=False, n_threads=1)
        return docs[0].tolist()

    bm25s_top(queries[0])
    got, s_times = latency(bm25s_top, queries)
    speed = statistics.median(r_times) / statistics.median(s_times)
    lines.append(row("bm25s", t_bm25s, s_times, agreement(got[:n_ref], ref), f"{speed:.0f}x"))
    return [*lines, update + f" (a rank_bm25 rebuild: {t_ref:.2f} s)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--queries", type=int, default=200, help="queries for hayrick and bm25s")
    parser.add_argument("--ref-queries", type=int, default=0, help="queries for rank_bm25 (0: auto)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    sentences, queries = load_corpus(find_squad(), max(sizes), args.queries)
    print(f"SQuAD v1.1 sentences as documents, {len(queries)} dev questions as queries, top 10, BM25Okapi")
    print(f"{'library':<12}{'index (s)':>10}{'median (ms)':>12}{'p95 (ms)':>11}{'queries':>9}"
          f"{'top10 set':>11}{'top10 order':>12}{'speedup':>10}")
    for size in sizes:
        n_ref = args.ref_queries or (len(queries) if size <= 20_000 else max(1, len(queries) // 4))
        print(f"--- {size:,} documents (rank_bm25 and agreement on the first {min(n_ref, len(queries))} queries)")
        for line in bench(size, sentences, queries, min(n_ref, len(queries))):
            print(line, flush=True)
    print("speedup: rank_bm25's median query latency / this library's. Goal at 100k: hayrick >= 50x.")


if __name__ == "__main__":
    main()
