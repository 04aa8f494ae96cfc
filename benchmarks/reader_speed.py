"""Reader throughput: FARMReader against TransformersReader, the transformers 4.57 QA pipeline and the bare model.

Run: python benchmarks/reader_speed.py [--queries 30] [--rounds 5] [--no-quantize] [--no-onnx] [--model DIR]

Inputs, the same for everyone: `--queries` SQuAD v1.1 dev questions (spread over the file), each
with the 10 passages BM25 returns for it from all SQuAD dev paragraphs (hayrick's
`InMemoryDocumentStore(use_bm25=True)`), read with max_seq_len 256 and doc_stride 128. One "call"
is one question with its 10 passages (`reader.predict(question, passages)`; for the pipeline
`pipeline(question=[q] * 10, context=passages, batch_size=16)` in the transformers 4.57 venv
that `reader_squad.py` makes, timed inside its subprocess so the JSON exchange is not counted).

Systems are measured alternately: in every round each query is run by every system in turn (the
order rotating from query to query), so changes in the load of a shared machine hit them alike;
the median over rounds is reported (after a warm-up of two calls each, not counted). Besides
wall-clock passages/s, passages per CPU-second (time.process_time of the process doing the
work, all threads; the pipeline's measured inside its subprocess) is printed: on a loaded
machine it varies far less than wall time.

"limit (bare model)" is the same fp32 model's forward passes alone over the same windows
(FARMReader's windows, length-bucketed batches of FARMReader's batch_size, under inference_mode),
without tokenisation or decoding: what no reader with this model can beat. "limit int8" is the
same for the model FARMReader(quantize=True) runs. "FARMReader onnxruntime" (and "int8") is
FARMReader(backend="onnxruntime") (with quantize=True: ONNX Runtime's dynamic int8), exported once
and cached before the rounds start.

Goals from the issue: FARMReader's default path within 10% of the limit; quantize=True at least 2x
the pipeline (its EM/F1 cost on SQuAD dev: `reader_squad.py --quantize`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader_squad import (
    DEFAULT_MODEL,
    DEFAULT_SQUAD,
    DOC_STRIDE,
    MAX_SEQ_LEN,
    PipelineWorker,
)


def retrieve(squad: str, n_queries: int, top_k: int = 10) -> list[tuple[str, list]]:
    """`n_queries` dev questions spread over the file, each with its BM25 top-`top_k` dev paragraphs."""
    from hayrick.datasets import load_squad, read_squad_examples
    from hayrick.stores import InMemoryDocumentStore

    documents, _ = load_squad(squad)
    store = InMemoryDocumentStore(use_bm25=True, progress_bar=False)
    store.write_documents(documents)
    examples = read_squad_examples(squad)
    step = max(1, len(examples) // n_queries)
    picked = examples[::step][:n_queries]
    return [(ex.question, store.query(ex.question, top_k=top_k)) for ex in picked]


def bare_model_timer(reader, calls):
    """`run(i)`: wall and CPU seconds of the bare forward passes of `reader.model` over call i's windows."""
    import torch

    from hayrick.nodes.readers.windows import make_windows, padded_batches

    prepared = []
    for question, docs in calls:
        windows = make_windows(reader.tokenizer, [question] * len(docs), [d.content for d in docs],
                               reader.max_seq_len, reader.doc_stride, reader.max_query_length)
        batches = list(padded_batches(windows, list(range(len(windows))), reader.batch_size,
                                      reader.tokenizer.pad_token_id, bucket=True))
        prepared.append([{k: v for k, v in inputs.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
                         for _, inputs in batches])

    def run(i: int) -> tuple[float, float]:
        t, cpu = time.perf_counter(), time.process_time()
        with torch.inference_mode():
            for inputs in prepared[i]:
                reader.model(**inputs)
        return time.perf_counter() - t, time.process_time() - cpu

    return run


def reader_timer(reader, calls):
    def run(i: int) -> tuple[float, float]:
        question, docs = calls[i]
        t, cpu = time.perf_counter(), time.process_time()
        reader.predict(question, docs)
        return time.perf_counter() - t, time.process_time() - cpu

    return run


def pipeline_timer(worker: PipelineWorker, calls):
    def run(i: int) -> tuple[float, float]:
        question, docs = calls[i]
        _, seconds, cpu = worker.predict_timed([question] * len(docs), [d.content for d in docs])
        return seconds, cpu

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over all queries (after a 2-call warm-up)")
    parser.add_argument("--no-quantize", action="store_true", help="leave out FARMReader(quantize=True)")
    parser.add_argument("--no-onnx", action="store_true", help="leave out FARMReader(backend='onnxruntime')")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--pipeline-batch-size", type=int, default=16)
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--squad", default=str(DEFAULT_SQUAD))
    args = parser.parse_args()

    import torch

    from hayrick.nodes.readers import FARMReader, TransformersReader, loading

    loading.configure_torch_threads()
    threads = torch.get_num_threads()
    calls = retrieve(args.squad, args.queries)
    passages = sum(len(docs) for _, docs in calls)
    settings = {"use_gpu": False, "max_seq_len": MAX_SEQ_LEN, "doc_stride": DOC_STRIDE}
    farm = FARMReader(args.model, progress_bar=False, **settings)
    systems = {"limit (bare model)": bare_model_timer(farm, calls), "FARMReader": reader_timer(farm, calls)}
    if not args.no_quantize:
        farm_q = FARMReader(args.model, progress_bar=False, quantize=True, **settings)
        systems["FARMReader quantize=True"] = reader_timer(farm_q, calls)
        systems["limit int8 (bare model)"] = bare_model_timer(farm_q, calls)
    if not args.no_onnx:
        onnx = FARMReader(args.model, progress_bar=False, backend="onnxruntime", **settings)
        systems["FARMReader onnxruntime"] = reader_timer(onnx, calls)
        onnx_q = FARMReader(args.model, progress_bar=False, backend="onnxruntime", quantize=True, **settings)
        systems["FARMReader onnxruntime int8"] = reader_timer(onnx_q, calls)
    systems["TransformersReader"] = reader_timer(TransformersReader(args.model, **settings), calls)
    worker = None
    if not args.skip_pipeline:
        worker = PipelineWorker(args.model, threads, batch_size=args.pipeline_batch_size)
        systems[f"pipeline {worker.info['transformers']}"] = pipeline_timer(worker, calls)
    names = list(systems)
    print(f"{len(calls)} questions x 10 BM25 passages = {passages} passages per round; model {args.model}; "
          f"max_seq_len {MAX_SEQ_LEN}, doc_stride {DOC_STRIDE}; torch threads {threads}; "
          f"{args.rounds} rounds; pipeline batch_size {args.pipeline_batch_size}", flush=True)

    # warm-up: the first two calls, every system; then rounds over all calls, the systems taking
    # turns on every call (order rotating), so a change in the machine's load hits them alike
    for i in range(min(2, len(calls))):
        for name in names:
            systems[name](i)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    loads = []
    for r in range(args.rounds):
        wall_round = dict.fromkeys(names, 0.0)
        cpu_round = dict.fromkeys(names, 0.0)
        for i in range(len(calls)):
            k = (r * len(calls) + i) % len(names)
            for name in names[k:] + names[:k]:
                w, c = systems[name](i)
                wall_round[name] += w
                cpu_round[name] += c
            loads.append(os.getloadavg()[0])
        for name in names:
            seconds[name].append(wall_round[name])
            cpu[name].append(cpu_round[name])
        print(f"  round {r + 1}: " + ", ".join(f"{name} {passages / wall_round[name]:.1f}/s" for name in names), flush=True)
    if worker:
        worker.close()

    rate = {name: passages / statistics.median(values) for name, values in seconds.items()}
    limit = rate["limit (bare model)"]
    pipeline_name = next((n for n in names if n.startswith("pipeline")), None)
    print(f"\nload average (1 min) during the rounds: {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} CPUs")
    cpu_rate = {name: passages / statistics.median(values) for name, values in cpu.items()}
    header = (f"{'system':28s} {'passages/s':>11s} {'vs limit':>9s} {'vs pipeline':>12s} {'min..max/s':>14s}"
              f" {'passages/CPU-s':>15s} {'vs limit':>9s} {'vs pipeline':>12s}")
    print(header)
    print("-" * len(header))
    for name in names:
        values = [passages / s for s in seconds[name]]
        vs_pipe = f"{rate[name] / rate[pipeline_name]:11.2f}x" if pipeline_name else f"{'-':>12s}"
        cpu_vs_pipe = f"{cpu_rate[name] / cpu_rate[pipeline_name]:11.2f}x" if pipeline_name else f"{'-':>12s}"
        print(f"{name:28s} {rate[name]:11.1f} {rate[name] / limit:8.0%} {vs_pipe} {min(values):6.1f}..{max(values):<6.1f}"
              f" {cpu_rate[name]:15.2f} {cpu_rate[name] / cpu_rate['limit (bare model)']:8.0%} {cpu_vs_pipe}")
    print("(passages/CPU-s: passages per CPU-second used by the process, all its threads: less sensitive to the load)")
    for label, r in (("wall clock", rate), ("CPU time", cpu_rate)):
        ratio = r["FARMReader"] / r["limit (bare model)"]
        print(f"goal 'FARMReader within 10% of the limit' ({label}): {'holds' if ratio >= 0.9 else 'FAILS'} ({ratio:.0%})")
        if pipeline_name and "FARMReader quantize=True" in r:
            q = r["FARMReader quantize=True"] / r[pipeline_name]
            print(f"goal 'quantize=True at least 2x the pipeline' ({label}): {'holds' if q >= 2 else 'FAILS'} ({q:.2f}x)")


if __name__ == "__main__":
    main()
