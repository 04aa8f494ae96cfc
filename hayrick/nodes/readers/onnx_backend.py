"""The ONNX Runtime backend of `FARMReader(backend="onnxruntime")`.

The transformers model is exported once with dynamic batch and sequence axes (optionally
quantised to dynamic int8 with `onnxruntime.quantization`) and cached; the next load with the
same model files and options reuses the file. ONNX Runtime runs it with every graph optimisation
on. `OnnxQAModel` answers the call the torch model answers (`model(**inputs).start_logits`), so
the reader's windows, batching and span decoding are the same code for both backends.

Cache: `<model folder>/onnx/` where the model is a local folder that is not read-only, else
`$HAYRICK_CACHE` (default `~/.cache/hayrick`)`/onnx/`; the file name holds a hash of the model's
config and weight files (sizes and modification times), the options and the onnx/onnxruntime versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

#: bumped when the export itself changes, so older cached files are not reused
EXPORT_FORMAT = 1
OPSET = 17
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


def cached_model_path(model_name_or_path: str, model: Any, quantize: bool) -> Path:
    """Where the exported model for these files and options lives (it may not exist yet)."""
    import onnxruntime

    source = Path(os.path.expanduser(str(model_name_or_path)))
    files = []
    if source.is_dir():
        for path in sorted(source.iterdir()):
            if path.is_file() and (path.suffix in (".json", ".safetensors", ".bin") or path.name == "vocab.txt"):
                stat = path.stat()
                files.append((path.name, stat.st_size, stat.st_mtime_ns))
    key = json.dumps(
        [EXPORT_FORMAT, OPSET, quantize, onnxruntime.__version__, str(source), files, model.config.to_json_string()],
        sort_keys=True,
    )
    name = f"model-{'int8' if quantize else 'fp32'}-{hashlib.sha1(key.encode()).hexdigest()[:16]}.onnx"
    if source.is_dir() and os.access(source, os.W_OK) and source.stat().st_mode & 0o222:  # a read-only folder stays so
        return source / "onnx" / name
    cache = Path(os.environ.get("HAYRICK_CACHE", Path.home() / ".cache" / "hayrick"))
    return cache / "onnx" / re.sub(r"[^A-Za-z0-9_.-]+", "_", str(model_name_or_path)).strip("_") / name


def export(model: Any, path: Path, quantize: bool) -> Path:
    """Export `model` (a transformers QA model) to `path`, int8 weights if `quantize`; written atomically."""
    import torch

    names = _input_names(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        wrapper = _logits_module(model, names).eval()
        # ordinary token ids (not padding: RoBERTa derives positions from where the padding is), a full mask
        samples = {"input_ids": torch.arange(16).reshape(2, 8) % 10 + 5, "attention_mask": torch.ones((2, 8), dtype=torch.long),
                   "token_type_ids": torch.zeros((2, 8), dtype=torch.long)}  # fmt: skip
        axes = {name: {0: "batch", 1: "sequence"} for name in (*names, "start_logits", "end_logits")}
        with torch.inference_mode(False), torch.no_grad():
            torch.onnx.export(
                wrapper, tuple(samples[name] for name in names), str(fp32), input_names=list(names),
                output_names=["start_logits", "end_logits"], dynamic_axes=axes, opset_version=OPSET, dynamo=False,
            )  # fmt: skip
        written = fp32
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            written = Path(tmp) / "model-int8.onnx"
            quantize_dynamic(str(fp32), str(written), weight_type=QuantType.QInt8)
        os.replace(written, path)
    return path


def _input_names(model: Any) -> tuple[str, ...]:
    import inspect

    accepted = inspect.signature(model.forward).parameters
    return tuple(name for name in INPUT_NAMES if name in accepted)


def _logits_module(model: Any, names: tuple[str, ...]) -> Any:
    """`model` as a torch module returning (start_logits, end_logits) from positional inputs, for tracing."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> tuple[Any, Any]:
            output = self.model(**dict(zip(names, inputs)))
            return output.start_logits, output.end_logits

    return Logits()


class OnnxQAModel:
    """An exported QA model in an ONNX Runtime session, called like the torch model it came from."""

    training = False

    def __init__(self, path: Path, config: Any, threads: int | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        self.path, self.config = path, config
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_names = tuple(i.name for i in self.session.get_inputs())

    def forward(self, input_ids: Any, attention_mask: Any = None, token_type_ids: Any = None) -> Any:
        import numpy as np
        import torch

        given = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        feed = {}
        for name in self.input_names:
            value = given[name]
            if value is None:
                value = torch.ones_like(input_ids) if name == "attention_mask" else torch.zeros_like(input_ids)
            feed[name] = np.ascontiguousarray(value.cpu().numpy(), dtype=np.int64)
        start, end = self.session.run(["start_logits", "end_logits"], feed)
        return SimpleNamespace(start_logits=torch.from_numpy(start), end_logits=torch.from_numpy(end))

    __call__ = forward

    def eval(self) -> OnnxQAModel:
        return self

    def train(self, mode: bool = True) -> OnnxQAModel:
        return self

    def to(self, device: Any) -> OnnxQAModel:
        return self
