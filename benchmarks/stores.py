"""Every document store side by side: indexing, BM25 queries and dense queries with recall@10, in one run.

Run: python benchmarks/stores.py [--n 100000] [--queries 200] [--stores memory,sql,faiss,milvus]

Corpus: the first N sentences of SQuAD v1.1 train + dev (../shared/datasets/squad), each a Document
with a 384-dimensional unit vector as its embedding. The vectors are synthetic: 2,000 Gaussian clusters
with noise (as benchmarks/dense.py), which clusters like sentence embeddings do, without the hour that
embedding 100k sentences with all-MiniLM-L6-v2 takes on 2 cores. BM25 queries are SQuAD dev questions;
dense queries come from the same vector distribution, not in the index. Timed per store:

- write: `write_documents` in batches of 10,000, documents and vectors together (docs/s);
- BM25: `query(question, top_k=10)` one at a time (queries/s), and the share of each top 10 that the
  in-memory store's BM25 top 10 also holds (tokenizers differ: Milvus's standard analyzer, hayrick's regex);
- dense: `query_by_embedding(vector, top_k=10)` one at a time (queries/s), recall@10 against the exact
  top 10 (numpy, inner product).

Stores: InMemoryDocumentStore; SQLDocumentStore (SQLite file; no vectors); FAISSDocumentStore (SQLite +
FAISS, Flat and HNSW; no BM25); MilvusDocumentStore (Milvus Lite file, FLAT and HNSW). Temporary files are removed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hayrick import Document  # noqa: E402

DIM = 384


def load_text(n: int, n_queries: int) -> tuple[list[str], list[str]]:
    """The first `n` SQuAD sentences and `n_queries` dev questions (as benchmarks/bm25.py reads them; a question
    is its tokens joined by spaces)."""
    from benchmarks.bm25 import find_squad, load_corpus

    sentences, queries = load_corpus(find_squad(), n, n_queries)
    return sentences, [" ".join(tokens) for tokens in queries]


def clustered(n: int, n_queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((2000, DIM), dtype=np.float32)
    data = centers[rng.integers(0, len(centers), n + n_queries)]
    data += 0.6 * rng.standard_normal((n + n_queries, DIM), dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    return data[:n], data[n:]


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    scores = queries @ vectors.T
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
    return np.take_along_axis(top, order, axis=1)


def per_second(fn, items: list) -> tuple[float, list]:
    fn(items[0])  # warm up
    start = time.perf_counter()
    out = [fn(item) for item in items]
    return len(items) / (time.perf_counter() - start), out


def stores(kinds: list[str], folder: Path) -> list[tuple[str, object]]:
    made: list[tuple[str, object]] = []
    if "memory" in kinds:
        from hayrick.stores import InMemoryDocumentStore

        made.append(("InMemory", InMemoryDocumentStore(use_bm25=True, embedding_dim=DIM, progress_bar=False)))
    if "sql" in kinds:
        from hayrick.stores import SQLDocumentStore

        made.append(("SQL (SQLite)", SQLDocumentStore(url=f"sqlite:///{folder / 'sql.db'}", use_bm25=True)))
    if "faiss" in kinds:
        from hayrick.stores import FAISSDocumentStore

        for factory in ("Flat", "HNSW"):
            made.append((f"FAISS {factory}", FAISSDocumentStore(
                sql_url=f"sqlite:///{folder / f'faiss_{factory}.db'}", faiss_index_factory_str=factory,
                embedding_dim=DIM, progress_bar=False)))  # fmt: skip
    if "milvus" in kinds:
        from hayrick.stores import MilvusDocumentStore

        for index_type in ("FLAT", "HNSW"):
            made.append((f"Milvus {index_type}", MilvusDocumentStore(
                uri=str(folder / f"milvus_{index_type}.db"), embedding_dim=DIM, index_type=index_type,
                search_params={"ef": 64} if index_type == "HNSW" else None, progress_bar=False)))  # fmt: skip
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--stores", default="memory,sql,faiss,milvus")
    args = parser.parse_args()

    texts, questions = load_text(args.n, args.queries)
    vectors, query_vectors = clustered(len(texts), args.queries)
    truth = exact_top10(vectors, query_vectors)
    docs = [Document(content=t, meta={"n": i}, embedding=v) for i, (t, v) in enumerate(zip(texts, vectors))]
    ids = [d.id for d in docs]
    truth_ids = [{ids[j] for j in row} for row in truth]
    print(f"{len(docs):,} SQuAD sentences with {DIM}-d clustered vectors; {len(questions)} BM25 and "
          f"{len(query_vectors)} dense queries, top 10, one at a time\n")  # fmt: skip
    print("| store | write docs/s | BM25 q/s | BM25 top-10 overlap with InMemory | dense q/s | dense recall@10 |")
    print("|---|---|---|---|---|---|")
    folder = Path(tempfile.mkdtemp(prefix="hayrick-stores-"))
    reference_bm25: list[set[str]] | None = None
    try:
        for name, store in stores(args.stores.split(","), folder):
            start = time.perf_counter()
            for first in range(0, len(docs), 10_000):
                store.write_documents(docs[first : first + 10_000])
            write = len(docs) / (time.perf_counter() - start)
            if getattr(store, "supports_bm25", False):
                bm25_qps, hits = per_second(lambda q: {d.id for d in store.query(q, top_k=10)}, questions)
                if reference_bm25 is None and name == "InMemory":
                    reference_bm25 = hits
                overlap = (np.mean([len(h & r) / max(1, len(r)) for h, r in zip(hits, reference_bm25)])
                           if reference_bm25 is not None else float("nan"))  # fmt: skip
                bm25 = f"{bm25_qps:,.0f} | {overlap:.2f}"
            else:
                bm25 = "n/a | n/a"
            if getattr(store, "supports_embeddings", False):
                dense_qps, found = per_second(lambda v: {d.id for d in store.query_by_embedding(v, top_k=10)},
                                              list(query_vectors))  # fmt: skip
                recall = np.mean([len(f & t) / 10 for f, t in zip(found, truth_ids)])
                dense = f"{dense_qps:,.0f} | {recall:.3f}"
            else:
                dense = "n/a | n/a"
            print(f"| {name} | {write:,.0f} | {bm25} | {dense} |", flush=True)
            if hasattr(store, "close"):
                store.close()
            del store
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
