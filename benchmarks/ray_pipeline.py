"""RayPipeline under concurrent load: 1 and 2 reader replicas, next to Pipeline in one process.

Run: python benchmarks/ray_pipeline.py [--reader ../shared/models/minilm-l6-squad] [--queries 48]
                                       [--clients 1,4] [--top-k 5]

The pipeline is yaml_pipelines/ray_qa.yml's query pipeline: BM25Retriever (top_k 5) + FARMReader
(top_k 3) over the sample reviews (hayrick/samples/reviews, indexed into a SQLite file by the
file's indexing pipeline). Rows, each for 1 and for 4 clients (closed loop: each client sends its
next query when the last one is answered; 48 queries per row, after 4 warm-up queries):

- `Pipeline, 2 torch threads`: `Pipeline.load` of the same file, queries from that many threads in
  this process (torch uses both cores for each query).
- `Pipeline, 1 torch thread`: the same with `torch.set_num_threads(1)`, the compute a replica gets.
- `RayPipeline, reader x1` and `x2`: the file as written but with `num_replicas` 1 or 2 for the
  reader, `num_cpus: 1` each (Ray then gives each replica OMP_NUM_THREADS=1, so torch runs on one
  thread there), on a local Ray started with num_cpus=2; clients are asyncio tasks on `run_async`.

Speed-up is queries/s against `Pipeline, 2 torch threads` at the same number of clients.

Ray's overhead per query is measured on the retriever alone (the same file's query pipeline without
the reader, 300 queries at one client, RayPipeline and Pipeline alternating in 3 rounds): the p50
of `RayPipeline.run` minus the p50 of `Pipeline.run`, which is what an actor call, the pickling of
the query and the documents and the driver's walk cost. Against the reader's ~100 ms the QA rows'
difference is within the run-to-run noise, so it is not read as overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REVIEWS = REPO / "hayrick" / "samples" / "reviews"
CONFIG = REPO / "yaml_pipelines" / "ray_qa.yml"

# the API benchmark's questions about the reviews (importable once REPO is on sys.path)
from benchmarks.api_load import QUERIES


def config(db: str, reader: str, replicas: int, top_k: int) -> dict:
    from hayrick.pipelines.config import read_config

    cfg = read_config(CONFIG)
    for component in cfg["components"]:
        if component["name"] == "DocumentStore":
            component["params"]["url"] = f"sqlite:///{db}"
        if component["name"] == "Retriever":
            component["params"]["top_k"] = top_k
        if component["name"] == "Reader":
            component["params"]["model_name_or_path"] = reader
    for pipeline in cfg["pipelines"]:
        for node in pipeline["nodes"]:
            if node["name"] == "Reader":
                node["serve_deployment_kwargs"]["num_replicas"] = replicas
        if replicas == 0 and pipeline["name"] == "query":  # the retriever alone
            pipeline["nodes"] = [n for n in pipeline["nodes"] if n["name"] != "Reader"]
    return cfg


def overhead(ray_pipeline, pipeline, n: int = 100, rounds: int = 3) -> tuple[float, float]:
    """p50 ms of RayPipeline.run and Pipeline.run on the same queries, alternating rounds."""
    remote: list[float] = []
    here: list[float] = []
    for _ in range(rounds):
        for pipe, into in ((ray_pipeline, remote), (pipeline, here)):
            for i in range(n):
                start = time.perf_counter()
                pipe.run(query=QUERIES[i % len(QUERIES)])
                into.append((time.perf_counter() - start) * 1000)
    return statistics.median(remote), statistics.median(here)


def load_threads(run, clients: int, n: int) -> tuple[float, list[float]]:
    """Closed loop from `clients` threads; returns (seconds, latencies in ms)."""
    latencies: list[float] = []
    lock, counter = threading.Lock(), iter(range(n))

    def client() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            start = time.perf_counter()
            run(QUERIES[i % len(QUERIES)])
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return time.perf_counter() - start, latencies


def load_async(pipe, clients: int, n: int) -> tuple[float, list[float]]:
    """Closed loop from `clients` asyncio tasks on `run_async`."""
    latencies: list[float] = []
    counter = iter(range(n))

    async def client() -> None:
        for i in counter:
            start = time.perf_counter()
            await pipe.run_async(query=QUERIES[i % len(QUERIES)])
            latencies.append((time.perf_counter() - start) * 1000)

    async def main() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        return time.perf_counter() - start

    return asyncio.run(main()), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", default=str(REPO.parent / "shared" / "models" / "minilm-l6-squad"))
    parser.add_argument("--queries", type=int, default=48)
    parser.add_argument("--clients", default="1,4")
    parser.add_argument("--top-k", type=int, default=5)
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    logging.getLogger("hayrick").setLevel(logging.WARNING)

    import ray
    import torch

    from hayrick import Pipeline
    from hayrick.pipelines import RayPipeline

    rows: list[tuple[str, int, float, float]] = []  # (row, clients, queries/s, p50 ms)

    def record(name: str, c: int, seconds: float, latencies: list[float]) -> None:
        rows.append((name, c, len(latencies) / seconds, statistics.median(latencies)))
        print(f"  {name:<28} {c:>2} clients: {len(latencies) / seconds:6.2f} q/s, p50 {statistics.median(latencies):7.1f} ms",
              flush=True)  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "reviews.db")
        indexing = Pipeline.load(config(db, args.reader, 1, args.top_k), pipeline_name="indexing")
        indexing.run(file_paths=sorted(str(p) for p in REVIEWS.glob("*.txt")))
        local = Pipeline.load(config(db, args.reader, 1, args.top_k), pipeline_name="query")
        answers = local.run(query=QUERIES[0])["answers"]
        print(f"{len(list(REVIEWS.glob('*.txt')))} reviews indexed; '{QUERIES[0]}' -> {answers[0].answer!r}")

        for threads in (torch.get_num_threads(), 1):
            torch.set_num_threads(threads)
            name = f"Pipeline, {threads} torch thread{'s' if threads > 1 else ''}"
            load_threads(lambda q: local.run(query=q), 1, 4)
            for c in clients:
                record(name, c, *load_threads(lambda q: local.run(query=q), c, args.queries))

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        bm25 = RayPipeline.load(config(db, args.reader, 0, args.top_k), pipeline_name="query")
        bm25_here = Pipeline.load(config(db, args.reader, 0, args.top_k), pipeline_name="query")
        overhead(bm25, bm25_here, n=20, rounds=1)
        ray_p50, local_p50 = overhead(bm25, bm25_here)
        bm25.shutdown()
        for replicas in (1, 2):
            start = time.perf_counter()
            pipe = RayPipeline.load(config(db, args.reader, replicas, args.top_k), pipeline_name="query")
            print(f"  RayPipeline with {replicas} reader replica(s) started in {time.perf_counter() - start:.1f} s")
            check = pipe.run(query=QUERIES[0])["answers"]
            assert [a.answer for a in check] == [a.answer for a in answers], "RayPipeline answered differently"
            load_async(pipe, replicas, 4)
            for c in clients:
                record(f"RayPipeline, reader x{replicas}", c, *load_async(pipe, c, args.queries))
            pipe.shutdown()
        ray.shutdown()

    by = {(name, c): (qps, p50) for name, c, qps, p50 in rows}
    base = rows[0][0]  # Pipeline with torch's default threads
    print(f"\n{'':<28} {'clients':>7} {'queries/s':>10} {'p50 ms':>8} {'vs ' + base:>34}")
    for name, c, qps, p50 in rows:
        print(f"{name:<28} {c:>7} {qps:>10.2f} {p50:>8.1f} {qps / by[(base, c)][0]:>33.2f}x")
    print(f"\nRetriever alone, 1 client: RayPipeline p50 {ray_p50:.2f} ms, Pipeline p50 {local_p50:.2f} ms: "
          f"Ray adds {ray_p50 - local_p50:.2f} ms per query (one node).")
    top = max(clients)
    print(f"Reader x2 against x1 at {top} clients: {by[('RayPipeline, reader x2', top)][0] / by[('RayPipeline, reader x1', top)][0]:.2f}x.")


if __name__ == "__main__":
    main()
