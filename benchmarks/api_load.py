"""The REST API under load, next to the same queries through `Pipeline.run` in-process.

Run: python benchmarks/api_load.py [--reader ../shared/models/minilm-l6-squad] [--bm25-requests 2000]
                                   [--qa-requests 200] [--clients 1,4,16,64] [--time-limit 60]

A real `hayrick serve` process on 127.0.0.1 (one uvicorn worker, CONCURRENT_REQUEST_PER_WORKER=64)
serves a SQLite store holding the sample reviews (hayrick/samples/reviews, uploaded through
/file-upload). Two query pipelines: `bm25` (BM25Retriever, top_k 5) and `qa` (BM25Retriever top_k 5
+ FARMReader top_k 3); the server is started once per pipeline. For each number of clients, that
many keep-alive HTTP/1.1 connections send POST /query in a closed loop until the fixed number of
requests is done (or the time limit is hit); latency is per request, as a client sees it. Each API
row is followed at once by the same load through `Pipeline.run` in the benchmark's process (the
server idle meanwhile); for one client, which the goal is about, the two alternate in four rounds,
so a drift of the machine's speed during the run falls on both.

The load generator is a small asyncio client written on raw sockets: a general HTTP client
(httpx, requests) spends more time per request than the server does for a BM25 query, and it runs
on the same 2 cores, so it would be measured instead of the API. The in-process rows send the
same queries through `Pipeline.run` from as many threads. "API adds" is the API's p50 minus
the in-process p50 at one client. A last run sends 16 clients to a server left at the default
CONCURRENT_REQUEST_PER_WORKER=4: its 503s are deliberate (busy), every other error counts.

Goal from the issue: the API adds at most 1 ms per BM25 query at p50 and holds 16 clients without an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REVIEWS = REPO / "hayrick" / "samples" / "reviews"
QUERIES = [
    "How long does the battery last?", "Is it good for reading at night?", "Does the noise cancelling work?",
    "Is the case bulky?", "How is the sound quality?", "Does it charge quickly?", "Is the screen too small?",
    "Are the headphones comfortable?", "How are the photos in low light?", "Is the bass strong?",
    "Does it fit in a bag?", "How long does setup take?", "Is it loud enough for a party?",
    "Does the charger get hot?", "Is it light enough to hold?", "What about glare in sunlight?",
]

CONFIG = """
version: "1.0"
components:
  - {{name: DocumentStore, type: SQLDocumentStore, params: {{url: "sqlite:///{db}", use_bm25: true}}}}
  - {{name: Retriever, type: BM25Retriever, params: {{document_store: DocumentStore, top_k: 5}}}}
  - {{name: Reader, type: FARMReader, params: {{model_name_or_path: "{reader}", top_k: 3, progress_bar: false}}}}
  - {{name: TextConverter, type: TextConverter}}
  - {{name: PreProcessor, type: PreProcessor, params: {{split_by: word, split_length: 200, split_overlap: 20}}}}
pipelines:
  - name: bm25
    nodes: [{{name: Retriever, inputs: [Query]}}]
  - name: qa
    nodes: [{{name: Retriever, inputs: [Query]}}, {{name: Reader, inputs: [Retriever]}}]
  - name: indexing
    nodes: [{{name: TextConverter, inputs: [File]}}, {{name: PreProcessor, inputs: [TextConverter]}},
            {{name: DocumentStore, inputs: [PreProcessor]}}]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(port: int, method: str, path: str, body: bytes = b"", content_type: str = "application/json") -> tuple[int, bytes]:
    """One request on a fresh connection (setup only)."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
        sock.sendall(head + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def start_server(yaml: Path, pipeline: str, concurrency: int, upload_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "QUERY_PIPELINE_NAME": pipeline, "CONCURRENT_REQUEST_PER_WORKER": str(concurrency),
           "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "hayrick.cli", "serve", str(yaml), "--port", str(port),
                                "--log-level", "warning", "--file-upload-path", str(upload_dir)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"hayrick serve failed:\n{process.stderr.read()}")
        try:
            if http(port, "GET", "/initialized")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("hayrick serve did not start in 180 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def upload_reviews(port: int) -> None:
    boundary = "hayrickbench"
    parts = []
    for path in sorted(REVIEWS.glob("*.txt")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
                     f"Content-Type: text/plain\r\n\r\n".encode() + path.read_bytes() + b"\r\n")  # fmt: skip
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, answer = http(port, "POST", "/file-upload", body, f"multipart/form-data; boundary={boundary}")
    if status != 200:
        raise SystemExit(f"upload failed: {status} {answer[:300]!r}")


def request_bytes(query: str) -> bytes:
    body = json.dumps({"query": query}).encode()
    return (b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def load(port: int, clients: int, total: int, time_limit: float) -> dict:
    payloads = [request_bytes(q) for q in QUERIES]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    issued = 0
    deadline = time.perf_counter() + time_limit

    async def client(index: int) -> None:
        nonlocal issued, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while issued < total and time.perf_counter() < deadline:
                payload = payloads[(issued + index) % len(payloads)]
                issued += 1
                start = time.perf_counter()
                writer.write(payload)
                try:
                    status = await read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return summarize(latencies, elapsed, statuses, errors)


def summarize(latencies: list[float], elapsed: float, statuses: dict[int, int], errors: int) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")

    bad = errors + sum(n for s, n in statuses.items() if s not in (200, 503))
    return {"requests": len(latencies), "throughput": len(latencies) / elapsed if elapsed else 0.0,
            "p50": statistics.median(ordered) * 1000 if ordered else float("nan"), "p95": pct(0.95),
            "p99": pct(0.99), "ok": statuses.get(200, 0), "errors": bad, "busy": statuses.get(503, 0),
            "latencies": latencies, "elapsed": elapsed, "statuses": statuses, "raw_errors": errors}  # fmt: skip


def in_process(pipeline, clients: int, total: int, time_limit: float) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + time_limit
    errors = 0

    def worker() -> None:
        nonlocal errors
        for i in counter:
            if time.perf_counter() > deadline:
                return
            start = time.perf_counter()
            try:
                pipeline.run(query=QUERIES[i % len(QUERIES)])
            except Exception:
                errors += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarize(latencies, time.perf_counter() - started, {200: len(latencies)}, errors)


def pooled(rounds: list[dict]) -> dict:
    """One summary of several rounds of the same measurement."""
    statuses: dict[int, int] = {}
    for r in rounds:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return summarize([lat for r in rounds for lat in r["latencies"]], sum(r["elapsed"] for r in rounds), statuses,
                     sum(r["raw_errors"] for r in rounds))  # fmt: skip


def row(mode: str, where: str, clients: int, r: dict) -> str:
    return (f"| {mode} | {where} | {clients} | {r['requests']} | {r['ok']} | {r['throughput']:.0f} | {r['p50']:.2f} | "
            f"{r['p95']:.2f} | {r['p99']:.2f} | {r['errors']} | {r['busy']} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", default=str(REPO.parent / "shared" / "models" / "minilm-l6-squad"))
    parser.add_argument("--bm25-requests", type=int, default=2000)
    parser.add_argument("--qa-requests", type=int, default=200)
    parser.add_argument("--clients", default="1,4,16,64")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per row at most")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from hayrick import Pipeline

    folder = Path(tempfile.mkdtemp(prefix="hayrick-api-load-"))
    yaml = folder / "pipelines.yml"
    yaml.write_text(CONFIG.format(db=folder / "reviews.db", reader=args.reader))
    print(f"CPU cores: {os.cpu_count()}; server: 1 uvicorn worker; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    print("| pipeline | where | clients | responses | 200 | responses/s | p50 ms | p95 ms | p99 ms | errors | 503 busy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    p50s: dict[tuple[str, str], float] = {}
    first = True
    for mode, total in (("bm25", args.bm25_requests), ("qa", args.qa_requests)):
        server, port = start_server(yaml, mode, 64, folder / "up")
        try:
            if first:
                upload_reviews(port)
                first = False
            pipeline = Pipeline.load(yaml, pipeline_name=mode)
            asyncio.run(load(port, 4, min(total, 100), args.time_limit))  # warm-up, both sides
            in_process(pipeline, 1, min(total, 50), args.time_limit)
            for clients in levels:
                if clients == 1:  # the figure the goal is about: API and in-process alternate in 4 rounds
                    api_rounds, run_rounds = [], []
                    for _ in range(4):
                        api_rounds.append(asyncio.run(load(port, 1, total // 4, args.time_limit / 4)))
                        run_rounds.append(in_process(pipeline, 1, total // 4, args.time_limit / 4))
                    api, run = pooled(api_rounds), pooled(run_rounds)
                    p50s[(mode, "API")], p50s[(mode, "run")] = api["p50"], run["p50"]
                else:  # back to back, each level
                    api = asyncio.run(load(port, clients, total, args.time_limit))
                    run = in_process(pipeline, clients, total, args.time_limit)
                print(row(mode, "API", clients, api), flush=True)
                print(row(mode, "Pipeline.run", clients, run), flush=True)
        finally:
            stop_server(server)
    server, port = start_server(yaml, "bm25", 4, folder / "up")
    try:
        result = asyncio.run(load(port, 16, args.bm25_requests, args.time_limit))
        print(row("bm25", "API, limit 4", 16, result))
    finally:
        stop_server(server)
    print()
    for mode in ("bm25", "qa"):
        if (mode, "API") in p50s and (mode, "run") in p50s:
            print(f"{mode}: the API adds {p50s[(mode, 'API')] - p50s[(mode, 'run')]:.2f} ms at p50 with one client "
                  f"({p50s[(mode, 'API')]:.2f} ms over HTTP vs {p50s[(mode, 'run')]:.2f} ms in-process)")


if __name__ == "__main__":
    main()
