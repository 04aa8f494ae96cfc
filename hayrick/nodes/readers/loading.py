"""Loading QA models and running them over windows: what both readers share below the node level.

Torch and transformers are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from hayrick.errors import ComponentError
from hayrick.nodes.readers.windows import BATCH_COST_TOKENS, QAWindows, padded_batches

logger = logging.getLogger(__name__)

_threads_configured = False



def available_cpus() -> int:
    """CPUs this process may use: its affinity mask, capped by a cgroup v2 CPU quota if any."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, count)


def configure_torch_threads() -> None:
    """Caps torch's intra-op threads at the CPUs really available, once per process.

    Leaves things alone when the user chose (OMP_NUM_THREADS / MKL_NUM_THREADS set) or when
    torch already uses no more threads than there are CPUs; oversubscribing a container's
    CPU quota makes every forward pass slower.
    """
    global _threads_configured
    if _threads_configured:
        return
    _threads_configured = True
    if os.environ.get("OMP_NUM_THREADS") or os.environ.get("MKL_NUM_THREADS"):
        return
    import torch

    cpus = available_cpus()
    if torch.get_num_threads() > cpus:
        torch.set_num_threads(cpus)


def select_device(owner: str, use_gpu: bool, devices: list[Any] | None) -> Any:
    """The torch device to run on: the first of `devices`, else CUDA when `use_gpu` and available, else CPU.

    Like `use_gpu`, a CUDA device in `devices` falls back to the CPU where CUDA is not available.
    """
    import torch

    if devices:
        if not isinstance(devices, (list, tuple)):
            raise ComponentError(f"{owner}: devices must be a list such as ['cuda:0'] or ['cpu'], got {devices!r}.")
        try:
            device = torch.device(devices[0])
        except (RuntimeError, TypeError) as exc:
            raise ComponentError(f"{owner}: devices[0]={devices[0]!r} is not a torch device ({exc}).") from None
        if not use_gpu or (device.type == "cuda" and not torch.cuda.is_available()):
            return torch.device("cpu")
        return device
    if use_gpu and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def _looks_local(name: str) -> bool:
    """Whether `name` can only be a folder (a hub name is `model` or `org/model`)."""
    return os.path.isabs(name) or name.startswith((".", "~")) or name.count("/") > 1 or (os.sep != "/" and os.sep in name)


def load_qa_model(
    owner: str,
    model_name_or_path: str | Path,
    tokenizer_name_or_path: str | Path | None = None,
    revision: str | None = None,
    token: str | bool | None = None,
    local_files_only: bool = False,
    force_download: bool = False,
    proxies: dict[str, str] | None = None,
) -> tuple[Any, Any]:
    """`AutoModelForQuestionAnswering` and its fast `AutoTokenizer`, from a local folder or a hub name.

    Raises:
        ComponentError: the folder is missing, or the model or tokenizer cannot be loaded (the
            message names what was tried), or the tokenizer is not a fast one.
    """
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    name = os.path.expanduser(str(model_name_or_path))
    tokenizer_name = os.path.expanduser(str(tokenizer_name_or_path)) if tokenizer_name_or_path else name
    for path in {name, tokenizer_name}:
        if not path:
            raise ComponentError(f"{owner}: model_name_or_path must be a model folder or a model hub name, got ''.")
        if _looks_local(path) and not os.path.isdir(path):
            raise ComponentError(
                f"{owner}: model folder {path!r} does not exist. Pass a folder with config.json, the model "
                "weights and tokenizer.json (as written by save_pretrained or reader.save), or a model hub name."
            )
    kwargs: dict[str, Any] = {"revision": revision, "local_files_only": local_files_only, "force_download": force_download}
    if token is not None:
        kwargs["token"] = token
    if proxies is not None:
        kwargs["proxies"] = proxies
    try:
        model = AutoModelForQuestionAnswering.from_pretrained(name, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(tokenizer_name, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise ComponentError(
            f"{owner}: could not load an extractive QA model from {name!r}: {exc}. Pass a local folder with "
            "config.json, model weights and tokenizer.json, or the name of a question-answering model on the hub."
        ) from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ComponentError(
            f"{owner}: the tokenizer of {tokenizer_name!r} is not a fast tokenizer ({type(tokenizer).__name__}); "
            "readers need character offsets. Save the model folder with a tokenizer.json."
        )
    model.eval()
    return model, tokenizer


def check_window_lengths(
    owner: str, tokenizer: Any, model: Any, max_seq_len: int, doc_stride: int, max_query_length: int
) -> None:
    """Raises `ComponentError` when the window settings cannot work with this model and tokenizer."""
    special = tokenizer.num_special_tokens_to_add(pair=True)
    room = max_seq_len - special - max_query_length
    if doc_stride >= room:
        raise ComponentError(
            f"{owner}: doc_stride={doc_stride} must be smaller than the context tokens a window holds: "
            f"max_seq_len ({max_seq_len}) - special tokens ({special}) - max question tokens ({max_query_length}) "
            f"= {room}. doc_stride is the overlap between consecutive windows; lower it (e.g. {max(0, room // 2)}) "
            "or raise max_seq_len."
        )
    limits = []
    if getattr(tokenizer, "model_max_length", None) and tokenizer.model_max_length < 1_000_000:
        limits.append(tokenizer.model_max_length)
    positions = getattr(model.config, "max_position_embeddings", None)
    if positions:
        if "roberta" in getattr(model.config, "model_type", ""):  # position ids start after the padding index
            positions -= (getattr(model.config, "pad_token_id", 1) or 1) + 1
        limits.append(positions)
    if limits and max_seq_len > min(limits):
        raise ComponentError(f"{owner}: max_seq_len={max_seq_len} exceeds what the model reads ({min(limits)} tokens).")


def check_quantizable(owner: str, device: Any) -> None:
    """Raises `ComponentError` unless `device` is the CPU (dynamic int8 quantisation is CPU-only)."""
    if device.type != "cpu":
        raise ComponentError(
            f"{owner}: quantize=True gives a CPU-only int8 model, but the reader runs on {device}. "
            "Pass use_gpu=False (or devices=['cpu']) with quantize=True, or drop quantize."
        )


def quantize_model(owner: str, model: Any, device: Any) -> Any:
    """int8 linear layers for CPU inference (what `FARMReader(quantize=True)` runs); returns the model.

    Every `nn.Linear` becomes an int8 layer with per-channel weights and per-token activations
    (`hayrick.nodes.readers.quantization`); the query, key and value projections of an attention
    block share one quantisation of their input and one product. Per-token activation scales are
    what keep the answers: `torch.ao.quantization.quantize_dynamic`'s single per-tensor scale cost
    3.2 EM points with minilm-l6-squad on the first 500 SQuAD v1.1 dev questions, per-token scales
    0.4. See benchmarks/reader_speed.py (speed) and reader_squad.py --quantize (EM/F1 cost).
    """
    from hayrick.nodes.readers.quantization import quantize_linear_layers

    check_quantizable(owner, device)
    return quantize_linear_layers(model, owner)


def onnx_model(model_name_or_path: str, model: Any, quantize: bool) -> Any:
    """`model` exported to ONNX (or the cached export of these files and options), in an ONNX Runtime session."""
    import torch

    from hayrick.nodes.readers import onnx_backend

    path = onnx_backend.cached_model_path(model_name_or_path, model, quantize)
    if not path.is_file():
        logger.info("Exporting %s to ONNX (%s), once: %s", model_name_or_path, "int8" if quantize else "fp32", path)
        onnx_backend.export(model, path, quantize)
    return onnx_backend.OnnxQAModel(path, model.config, threads=torch.get_num_threads())


def forward_windows(
    model: Any,
    windows: QAWindows,
    batch_size: int,
    pad_token_id: int,
    device: Any,
    progress_bar: bool = False,
) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """Runs the model over all windows in length-bucketed batches: yields `(rows, start, end)` logits.

    `start` and `end` are float32 numpy arrays `(len(rows), batch width)`; padding positions hold
    whatever the model gave and must be masked by the caller. The model runs in eval mode under
    `torch.inference_mode`; its train/eval mode is restored afterwards.
    """
    import torch

    accepted = _forward_inputs(model)
    # On a CPU, compute grows with the padded size: cut batches where that saves padding. A GPU runs
    # a full batch in about the time of a smaller one, so there every batch is filled.
    batch_cost = BATCH_COST_TOKENS if getattr(device, "type", device) == "cpu" else None
    batches = padded_batches(windows, list(range(len(windows))), batch_size, pad_token_id, True, batch_cost)
    bar = None
    if progress_bar:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(windows), desc="Reading", unit="window")
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for rows, inputs in batches:
                inputs = {k: v.to(device) for k, v in inputs.items() if k in accepted}
                output = model(**inputs)
                start = output.start_logits.float().cpu().numpy()
                end = output.end_logits.float().cpu().numpy()
                if bar is not None:
                    bar.update(len(rows))
                yield rows, start, end
    finally:
        if bar is not None:
            bar.close()
        if was_training:
            model.train()


def _forward_inputs(model: Any) -> frozenset[str]:
    import inspect

    parameters = inspect.signature(model.forward).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return frozenset({"input_ids", "attention_mask", "token_type_ids"})
    return frozenset(parameters)


def cls_positions(windows: QAWindows, cls_token_id: int | None) -> np.ndarray:
    """Index of the [CLS] token in every window (0 where there is none)."""
    if cls_token_id is None:
        return np.zeros(len(windows), dtype=np.int64)
    return np.array([ids.index(cls_token_id) if cls_token_id in ids else 0 for ids in windows.input_ids], dtype=np.int64)


def context_bounds_array(windows: QAWindows) -> tuple[np.ndarray, np.ndarray]:
    """First and last context token of every window (first > last when a window has no context)."""
    from hayrick.nodes.readers.windows import context_bounds

    first = np.ones(len(windows), dtype=np.int64)
    last = np.zeros(len(windows), dtype=np.int64)
    for i, offsets in enumerate(windows.offsets):
        bounds = context_bounds(offsets)
        if bounds is not None:
            first[i], last[i] = bounds
    return first, last
