"""FARMReader against TransformersReader and the real transformers 4.57 QA pipeline on SQuAD v1.1 dev.

Run: python benchmarks/reader_squad.py [--limit N] [--quantize] [--model DIR] [--squad FILE]

Every question is answered on its gold paragraph by the same model (default
../shared/models/minilm-l6-squad) with max_seq_len 256 and doc_stride 128; EM and F1 are the
official SQuAD ones (`hayrick.evaluation.metrics`, best over the gold answers), in percent.

- FARMReader: hayrick's FARM-style decoding (raw start + end logits).
- TransformersReader: hayrick's re-implementation of the transformers 4.x QA pipeline's decoding.
- pipeline 4.57: the real `pipeline("question-answering")` of transformers 4.57 (the last release
  that has it). transformers 5 cannot run it, so the script makes its own virtual environment
  (~/.cache/hayrick-bench/hf457, or $HAYRICK_BENCH_VENV: `python -m venv`, then
  `pip install torch==<this torch> transformers==4.57.*`; reused when present) and runs the
  pipeline there in a subprocess (`PIPELINE_WORKER` below), exchanging questions and answers as
  JSON lines over stdin/stdout.
- `--quantize` adds FARMReader(quantize=True) (int8 linear layers, see `hayrick.nodes.readers.quantization`)
  and prints its EM/F1 cost against the fp32 FARMReader.

Reference: the pipeline gives EM 68.67 / F1 73.68 on the first 300 dev questions (--limit 300).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAYRICK_SHARED_DIR", REPO.parent / "shared"))
DEFAULT_MODEL = SHARED / "models" / "minilm-l6-squad"
DEFAULT_SQUAD = SHARED / "datasets" / "squad" / "dev-v1.1.json"
VENV = Path(os.environ.get("HAYRICK_BENCH_VENV", Path.home() / ".cache" / "hayrick-bench" / "hf457"))
TRANSFORMERS_PIN = "transformers==4.57.*"
MAX_SEQ_LEN, DOC_STRIDE = 256, 128

# Runs inside the transformers 4.57 venv. Reads one JSON command per stdin line, answers one JSON
# line on stdout. {"cmd": "predict", "questions": [...], "contexts": [...]} -> {"answers": [...],
# "seconds": time spent in the pipeline call}. Only the pipeline call is timed.
PIPELINE_WORKER = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
config = json.loads(sys.argv[1])
import torch
torch.set_num_threads(config["threads"])
import transformers
from transformers import pipeline
transformers.logging.set_verbosity_error()
qa = pipeline("question-answering", model=config["model"], tokenizer=config["model"], device=-1)
print(json.dumps({"ready": True, "transformers": transformers.__version__, "torch": torch.__version__}), flush=True)
for line in sys.stdin:
    command = json.loads(line)
    if command["cmd"] == "quit":
        break
    t, cpu = time.perf_counter(), time.process_time()
    out = qa(question=command["questions"], context=command["contexts"], max_seq_len=config["max_seq_len"],
             doc_stride=config["doc_stride"], batch_size=config["batch_size"], top_k=1)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    if isinstance(out, dict):
        out = [out]
    print(json.dumps({"answers": [o["answer"] for o in out], "seconds": seconds, "cpu_seconds": cpu}), flush=True)
"""


def ensure_venv(venv: Path = VENV) -> Path:
    """The python of the transformers 4.57 venv, made (and filled) when missing."""
    import torch

    python = venv / "bin" / "python"
    marker = venv / ".hayrick-ready"
    if marker.is_file() and python.is_file():
        return python
    print(f"creating {venv} (python -m venv; pip install torch=={torch.__version__.split('+')[0]} {TRANSFORMERS_PIN}) ...", flush=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    if not python.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    torch_pin = f"torch=={torch.__version__.split('+')[0]}"
    subprocess.run([str(python), "-m", "pip", "install", "-q", torch_pin, TRANSFORMERS_PIN], check=True)
    marker.write_text(torch_pin + " " + TRANSFORMERS_PIN + "\n")
    return python


class PipelineWorker:
    """The transformers 4.57 QA pipeline in its venv, in a subprocess; `predict` returns answers and seconds."""

    def __init__(self, model: str | Path, threads: int, batch_size: int = 16, max_seq_len: int = MAX_SEQ_LEN, doc_stride: int = DOC_STRIDE):
        python = ensure_venv()
        config = {"model": str(model), "threads": threads, "batch_size": batch_size, "max_seq_len": max_seq_len, "doc_stride": doc_stride}
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false", PYTHONPATH="")
        self.proc = subprocess.Popen(
            [str(python), "-c", PIPELINE_WORKER, json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        self.info = self._read()
        if not self.info.get("ready"):
            raise RuntimeError(f"pipeline worker did not start: {self.info}")

    def _read(self) -> dict:
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"pipeline worker exited with code {self.proc.wait()}")
        return json.loads(line)

    def predict(self, questions: list[str], contexts: list[str]) -> tuple[list[str], float]:
        """The pipeline's answers and the wall-clock seconds of the pipeline call."""
        answers, seconds, _ = self.predict_timed(questions, contexts)
        return answers, seconds

    def predict_timed(self, questions: list[str], contexts: list[str]) -> tuple[list[str], float, float]:
        """The pipeline's answers, and the wall-clock and CPU seconds (all threads) of the pipeline call."""
        self.proc.stdin.write(json.dumps({"cmd": "predict", "questions": questions, "contexts": contexts}) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        reply = self._read()
        return reply["answers"], reply["seconds"], reply["cpu_seconds"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
            self.proc.wait(timeout=30)


def hayrick_best_answers(reader, questions: list[str], contexts: list[str], chunk: int = 64) -> tuple[list[str], float]:
    """The reader's best answer per question on its own context (predict_batch, `chunk` questions a call)."""
    from hayrick.schema import Document

    answers: list[str] = []
    seconds = 0.0
    docs: dict[str, Document] = {}
    for begin in range(0, len(questions), chunk):
        qs = questions[begin : begin + chunk]
        ds = [[docs.setdefault(c, Document(content=c))] for c in contexts[begin : begin + chunk]]
        t = time.perf_counter()
        result = reader.predict_batch(queries=qs, documents=ds, top_k=1)
        seconds += time.perf_counter() - t
        answers.extend(a[0].answer if a else "" for a in result["answers"])
    return answers, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="first N dev questions (default: all 10,570)")
    parser.add_argument("--quantize", action="store_true", help="also FARMReader(quantize=True) and its EM/F1 cost")
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--squad", default=str(DEFAULT_SQUAD))
    parser.add_argument("--skip-pipeline", action="store_true", help="leave out the transformers 4.57 pipeline")
    parser.add_argument("--save-predictions", default=None, help="write every system's answers to this JSON file")
    args = parser.parse_args()

    import torch

    from hayrick.datasets import read_squad_examples
    from hayrick.evaluation.metrics import squad_em_f1
    from hayrick.nodes.readers import FARMReader, TransformersReader, loading

    def done(name: str) -> None:  # partial results as they come
        em, f1 = squad_em_f1(rows[-1][1], golds)
        print(f"  {name} done in {rows[-1][2]:.0f}s: EM {100 * em:.2f} F1 {100 * f1:.2f} "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)

    loading.configure_torch_threads()
    threads = torch.get_num_threads()
    examples = read_squad_examples(args.squad)
    if args.limit:
        examples = examples[: args.limit]
    questions = [ex.question for ex in examples]
    contexts = [ex.context for ex in examples]
    golds = [[a.text for a in ex.answers] for ex in examples]
    print(f"{len(examples)} SQuAD dev questions (gold paragraph), model {args.model}, max_seq_len {MAX_SEQ_LEN}, "
          f"doc_stride {DOC_STRIDE}, torch threads {threads}, load average at start {os.getloadavg()[0]:.1f}", flush=True)

    rows: list[tuple[str, list[str], float]] = []
    farm = FARMReader(args.model, use_gpu=False, progress_bar=False, max_seq_len=MAX_SEQ_LEN, doc_stride=DOC_STRIDE)
    rows.append(("FARMReader", *hayrick_best_answers(farm, questions, contexts)))
    done("FARMReader")
    del farm
    if args.quantize:
        farm_q = FARMReader(args.model, use_gpu=False, progress_bar=False, quantize=True, max_seq_len=MAX_SEQ_LEN, doc_stride=DOC_STRIDE)
        rows.append(("FARMReader quantize=True", *hayrick_best_answers(farm_q, questions, contexts)))
        done("FARMReader quantize=True")
        del farm_q
    tr = TransformersReader(args.model, use_gpu=False, max_seq_len=MAX_SEQ_LEN, doc_stride=DOC_STRIDE)
    rows.append(("TransformersReader", *hayrick_best_answers(tr, questions, contexts)))
    done("TransformersReader")
    del tr
    pipeline_label = None
    if not args.skip_pipeline:
        worker = PipelineWorker(args.model, threads)
        pipeline_label = f"pipeline {worker.info['transformers']}"
        answers: list[str] = []
        seconds = 0.0
        for begin in range(0, len(questions), 256):
            a, s = worker.predict(questions[begin : begin + 256], contexts[begin : begin + 256])
            answers.extend(a)
            seconds += s
        worker.close()
        rows.append((pipeline_label, answers, seconds))
        done(pipeline_label)

    scores = {name: squad_em_f1(answers, golds) for name, answers, _ in rows}
    reference = rows[-1][1] if pipeline_label else None
    print(f"\nSQuAD v1.1 dev, first {len(examples)} questions (load average now {os.getloadavg()[0]:.1f})")
    header = f"{'reader':28s} {'EM':>7s} {'F1':>7s} {'seconds':>8s}" + ("  same answer as pipeline" if reference else "")
    print(header)
    print("-" * len(header))
    for name, answers, seconds in rows:
        em, f1 = scores[name]
        line = f"{name:28s} {100 * em:7.2f} {100 * f1:7.2f} {seconds:8.1f}"
        if reference:
            same = sum(a.strip() == b.strip() for a, b in zip(answers, reference)) / len(answers)
            line += f"  {100 * same:6.1f}%"
        print(line)
    if args.quantize:
        em0, f10 = scores["FARMReader"]
        em1, f11 = scores["FARMReader quantize=True"]
        print(f"\nquantize=True cost: EM {100 * (em0 - em1):+.2f} points, F1 {100 * (f10 - f11):+.2f} points (positive = worse)")
    if pipeline_label:
        em_f, f1_f = scores["FARMReader"]
        em_p, f1_p = scores[pipeline_label]
        verdict = "holds" if em_f >= em_p and f1_f >= f1_p else "FAILS"
        print(f"goal 'FARMReader not worse than the pipeline': {verdict} "
              f"(EM {100 * (em_f - em_p):+.2f}, F1 {100 * (f1_f - f1_p):+.2f})")
    if args.save_predictions:
        Path(args.save_predictions).write_text(json.dumps({name: answers for name, answers, _ in rows}))


if __name__ == "__main__":
    main()
