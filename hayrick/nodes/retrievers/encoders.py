"""What the dense retrievers share: loading encoders, pooling, length-sorted batching.

```python
from hayrick.nodes.retrievers.encoders import TextEncoder

encoder = TextEncoder.from_sentence_transformers("path/to/all-MiniLM-L6-v2", max_seq_len=512)
vectors = encoder.encode(["Great for reading.", "The battery lasts a week."])   # (2, 384) float32
```

`TextEncoder` is a tokenizer, a Hugging Face model and a pooling step (plus the Dense and
Normalize layers a sentence-transformers folder declares), run with plain `transformers`:
`sentence-transformers` is not needed at run time. `encode` sorts the texts by length so
each batch pads little, and returns the vectors in the order of the input.
torch and transformers are imported when an encoder is built, never at import time.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hayrick.errors import ComponentError
from hayrick.lazy_imports import require

logger = logging.getLogger(__name__)

POOLING_MODES = ("cls", "mean", "max", "mean_sqrt_len_tokens", "weightedmean", "lasttoken")
#: Haystack 1.x names of pooling strategies, accepted as aliases.
POOLING_ALIASES = {"cls_token": "cls", "reduce_mean": "mean", "reduce_max": "max"}
_LEGACY_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
#: Special "pooling": take the model output's `pooler_output` (DPR encoders).
POOLER_OUTPUT = "pooler_output"



def select_device(use_gpu: bool) -> Any:
    """`cuda` when `use_gpu` and a GPU is there, else `cpu`."""
    torch = require("torch", owner="Dense retrievers", extra="inference")
    return torch.device("cuda" if use_gpu and torch.cuda.is_available() else "cpu")


def model_file(name_or_path: str | Path, filename: str) -> Path | None:
    """`filename` of a model: from a local folder, or from the Hugging Face cache/hub; None if it has none."""
    local = Path(name_or_path)
    if local.is_dir():
        path = local / filename
        return path if path.is_file() else None
    from transformers.utils import cached_file

    found = cached_file(str(name_or_path), filename, _raise_exceptions_for_missing_entries=False)
    return Path(found) if found else None


# ----------------------------------------------------------------------- sentence-transformers layout
@dataclass
class DenseLayer:
    """A sentence-transformers `Dense` module: linear layer + activation, read from its subfolder."""

    path: str
    in_features: int
    out_features: int
    bias: bool = True
    activation: str = "torch.nn.modules.activation.Tanh"


@dataclass
class SentenceTransformersLayout:
    """What a sentence-transformers folder's `modules.json` declares, as plain data."""

    transformer_path: str = ""
    max_seq_length: int | None = None
    do_lower_case: bool = False
    pooling: tuple[str, ...] = ("mean",)
    dense: list[DenseLayer] = field(default_factory=list)
    normalize: bool = False


def _read_json(name_or_path: str | Path, filename: str) -> Any:
    path = model_file(name_or_path, filename)
    return None if path is None else json.loads(path.read_text(encoding="utf-8"))


def pooling_modes_from_config(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The pooling modes of a sentence-transformers `Pooling` config (new `pooling_mode` or legacy booleans)."""
    if "pooling_mode" in config:
        mode = config["pooling_mode"]
        modes = (mode,) if isinstance(mode, str) else tuple(mode)
    else:
        modes = tuple(m for key, m in _LEGACY_POOLING_KEYS.items() if config.get(key)) or ("mean",)
    for mode in modes:
        if mode not in POOLING_MODES:
            raise ComponentError(f"Pooling mode {mode!r} is not supported; supported: {', '.join(POOLING_MODES)}.")
    return modes


def read_sentence_transformers_layout(name_or_path: str | Path) -> SentenceTransformersLayout | None:
    """Read `modules.json` and the configs it points to; None when the model has no `modules.json`."""
    modules = _read_json(name_or_path, "modules.json")
    if modules is None:
        return None
    layout = SentenceTransformersLayout()
    seen_transformer = False
    for module in sorted(modules, key=lambda m: m.get("idx", 0)):
        kind = module.get("type", "").rsplit(".", 1)[-1]
        sub = module.get("path", "")
        prefix = f"{sub}/" if sub else ""
        if kind == "Transformer" and not seen_transformer:
            seen_transformer = True
            layout.transformer_path = sub
            config = _read_json(name_or_path, f"{prefix}sentence_bert_config.json") or {}
            layout.max_seq_length = config.get("max_seq_length")
            layout.do_lower_case = bool(config.get("do_lower_case", False))
        elif kind == "Pooling":
            layout.pooling = pooling_modes_from_config(_read_json(name_or_path, f"{prefix}config.json") or {})
        elif kind == "Dense":
            config = _read_json(name_or_path, f"{prefix}config.json") or {}
            if config.get("use_residual"):
                raise ComponentError(f"{name_or_path}: Dense modules with use_residual are not supported.")
            layout.dense.append(
                DenseLayer(sub, int(config["in_features"]), int(config["out_features"]), bool(config.get("bias", True)),
                           config.get("activation_function") or "torch.nn.modules.linear.Identity")
            )
        elif kind == "Normalize":
            layout.normalize = True
        else:
            raise ComponentError(
                f"{name_or_path}: modules.json lists a {module.get('type')!r} module, which hayrick cannot run "
                "without sentence-transformers (supported: Transformer, Pooling, Dense, Normalize). Use "
                "model_format='transformers' to use the transformer alone."
            )
    if not seen_transformer:
        raise ComponentError(f"{name_or_path}: modules.json lists no Transformer module.")
    return layout


def _load_dense(name_or_path: str | Path, layer: DenseLayer) -> Any:
    torch = require("torch", owner="Dense retrievers", extra="inference")
    if not layer.activation.startswith("torch.nn."):
        raise ComponentError(f"{name_or_path}: Dense activation {layer.activation!r} is not a torch.nn class.")
    module_name, _, cls_name = layer.activation.rpartition(".")
    activation = getattr(importlib.import_module(module_name), cls_name)()
    linear = torch.nn.Linear(layer.in_features, layer.out_features, bias=layer.bias)
    prefix = f"{layer.path}/" if layer.path else ""
    weights = model_file(name_or_path, f"{prefix}model.safetensors")
    if weights is not None:
        from safetensors.torch import load_file

        state = load_file(str(weights))
    else:
        weights = model_file(name_or_path, f"{prefix}pytorch_model.bin")
        if weights is None:
            raise ComponentError(f"{name_or_path}: the Dense module in {layer.path!r} has no weights file.")
        state = torch.load(weights, map_location="cpu", weights_only=True)
    linear.load_state_dict({k.removeprefix("linear."): v for k, v in state.items()})
    return torch.nn.Sequential(linear, activation)


# ------------------------------------------------------------------------------------------ pooling
def pool(hidden: Any, attention_mask: Any, modes: Sequence[str]) -> Any:
    """Sentence vectors from token vectors `hidden` (B, T, H), as sentence-transformers pools them.

    Several modes are concatenated in the order given.
    """
    torch = require("torch", owner="Dense retrievers", extra="inference")
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    vectors = []
    for mode in modes:
        if mode == "cls":
            first = attention_mask.to(torch.int).argmax(dim=1)  # the first real token (handles left padding)
            vectors.append(hidden[torch.arange(hidden.shape[0], device=hidden.device), first])
        elif mode == "max":
            vectors.append(hidden.masked_fill(mask == 0, float("-inf")).max(dim=1).values)
        elif mode in ("mean", "mean_sqrt_len_tokens"):
            counts = torch.clamp(mask.sum(dim=1), min=1e-9)
            vectors.append((hidden * mask).sum(dim=1) / (counts if mode == "mean" else torch.sqrt(counts)))
        elif mode == "weightedmean":
            weights = torch.arange(1, hidden.shape[1] + 1, device=hidden.device, dtype=hidden.dtype).view(1, -1, 1)
            weights = weights - attention_mask.to(torch.int32).argmax(dim=1).view(-1, 1, 1)
            weighted = mask * weights
            vectors.append((hidden * weighted).sum(dim=1) / torch.clamp(weighted.sum(dim=1), min=1e-9))
        elif mode == "lasttoken":
            values, idx = attention_mask.flip(1).max(1)
            idx = torch.where(values == 0, hidden.shape[1] - 1, idx)
            last = hidden.shape[1] - idx - 1
            vectors.append((hidden * mask)[torch.arange(hidden.shape[0], device=hidden.device), last])
        else:
            raise ComponentError(f"Unknown pooling mode {mode!r}; valid: {', '.join(POOLING_MODES)}.")
    return vectors[0] if len(vectors) == 1 else torch.cat(vectors, dim=-1)


# ------------------------------------------------------------------------------------------ encoder
class TextEncoder:
    """Tokenizer + model + pooling (+ Dense layers + normalisation): texts in, vectors out.

    Example:
        >>> encoder = TextEncoder.from_transformers("bert-base-uncased", pooling="cls", max_seq_len=256)
        >>> encoder.encode(["first text", "second"], batch_size=16).shape
        (2, 768)

    Args:
        model: a Hugging Face model (`AutoModel`, `DPRQuestionEncoder`, ...).
        tokenizer: its tokenizer.
        pooling: pooling modes (see `POOLING_MODES`), or `(POOLER_OUTPUT,)` for the model's pooler output.
        max_seq_len: longer inputs are truncated.
        normalize: scale each vector to unit length.
        dense: modules applied after pooling (sentence-transformers Dense layers).
        lower_case: lower-case texts before tokenising.
        device: where the model runs.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        pooling: Sequence[str] = ("mean",),
        max_seq_len: int = 512,
        normalize: bool = False,
        dense: Sequence[Any] = (),
        lower_case: bool = False,
        device: Any = "cpu",
    ):
        torch = require("torch", owner="Dense retrievers", extra="inference")
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.pooling = tuple(pooling)
        limit = getattr(tokenizer, "model_max_length", None)  # sentence-transformers 5+ saves max_seq_length here
        self.max_seq_len = min(max_seq_len, limit) if isinstance(limit, int) and 0 < limit < 1_000_000 else max_seq_len
        self.normalize = normalize
        self.dense = torch.nn.ModuleList(dense).to(self.device).eval()
        self.lower_case = lower_case
        self._accepts = set(_forward_parameters(model))

    @classmethod
    def from_sentence_transformers(cls, name_or_path: str | Path, max_seq_len: int = 512, device: Any = "cpu",
                                   default_pooling: str = "mean") -> TextEncoder:
        """The encoder a sentence-transformers folder describes (`modules.json`), run with transformers alone.

        The sequence length is `min(max_seq_len, max_seq_length of sentence_bert_config.json)`. A folder
        without `modules.json` is a plain transformer with `default_pooling`, as sentence-transformers reads it.
        """
        layout = read_sentence_transformers_layout(name_or_path)
        if layout is None:
            logger.warning("%s has no modules.json: using it as a plain transformer with %s pooling.",
                           name_or_path, default_pooling)
            return cls.from_transformers(name_or_path, default_pooling, max_seq_len, device)
        path = str(name_or_path) if not layout.transformer_path else f"{name_or_path}/{layout.transformer_path}"
        model, tokenizer = _load_auto(path)
        length = min(max_seq_len, layout.max_seq_length or max_seq_len)
        dense = [_load_dense(name_or_path, layer) for layer in layout.dense]
        return cls(model, tokenizer, layout.pooling, length, layout.normalize, dense, layout.do_lower_case, device)

    @classmethod
    def from_transformers(cls, name_or_path: str | Path, pooling: str = "mean", max_seq_len: int = 512,
                          device: Any = "cpu") -> TextEncoder:
        """A Hugging Face `AutoModel` with `pooling` over its last hidden states."""
        model, tokenizer = _load_auto(str(name_or_path))
        return cls(model, tokenizer, (POOLING_ALIASES.get(pooling, pooling),), max_seq_len, device=device)

    @property
    def embedding_dim(self) -> int:
        """Length of the vectors `encode` returns."""
        if len(self.dense):
            return int(self.dense[-1][0].out_features)
        config = self.model.config
        if self.pooling == (POOLER_OUTPUT,):
            return int(getattr(config, "projection_dim", 0) or config.hidden_size)
        return int(config.hidden_size) * len(self.pooling)

    def tokenize(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> dict[str, Any]:
        """Padded tensors of one batch, on the encoder's device (pairs: [CLS] text [SEP] pair [SEP])."""
        if self.lower_case:
            texts = [t.lower() for t in texts]
            pairs = None if pairs is None else [p.lower() for p in pairs]
        batch = self.tokenizer(list(texts), list(pairs) if pairs is not None else None, padding=True,
                               truncation="longest_first", max_length=self.max_seq_len, return_tensors="pt")
        return {k: v.to(self.device) for k, v in batch.items() if k in self._accepts}

    def forward(self, batch: Mapping[str, Any]) -> Any:
        """Vectors (a tensor, with gradients if enabled) of a tokenised batch."""
        torch = require("torch", owner="Dense retrievers", extra="inference")
        output = self.model(**batch)
        if self.pooling == (POOLER_OUTPUT,):
            vectors = output.pooler_output
        else:
            vectors = pool(output.last_hidden_state, batch["attention_mask"], self.pooling)
        for module in self.dense:
            vectors = module(vectors)
        if self.normalize:
            vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
        return vectors

    def encode(
        self,
        texts: Sequence[str],
        pairs: Sequence[str] | None = None,
        batch_size: int = 32,
        progress_bar: bool = False,
        desc: str = "Embedding",
        sort_by_length: bool = True,
    ) -> np.ndarray:
        """float32 vectors of `texts` (with `pairs`, of each text-pair), one row per text, in input order.

        Texts are embedded longest first (`sort_by_length`), so each batch holds texts of similar
        length and pads little; the rows come back in the order of `texts`.
        """
        torch = require("torch", owner="Dense retrievers", extra="inference")
        from tqdm.auto import tqdm

        if pairs is not None and len(pairs) != len(texts):
            raise ComponentError(f"encode: {len(pairs)} pairs for {len(texts)} texts.")
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.embedding_dim), dtype=np.float32)
        lengths = [len(t) + (len(pairs[i]) if pairs is not None else 0) for i, t in enumerate(texts)]
        order = np.argsort([-x for x in lengths], kind="stable") if sort_by_length else np.arange(n)
        out = np.empty((n, self.embedding_dim), dtype=np.float32)
        self.model.eval()
        with torch.inference_mode(), tqdm(total=n, desc=desc, unit="texts", disable=not progress_bar) as bar:
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                batch = self.tokenize([texts[i] for i in idx], None if pairs is None else [pairs[i] for i in idx])
                out[idx] = self.forward(batch).float().cpu().numpy()
                bar.update(len(idx))
        return out

    def save(self, folder: str | Path) -> None:
        """Write the model and tokenizer (safetensors) to `folder` (the pooling is the caller's to record)."""
        self.model.save_pretrained(str(folder))
        self.tokenizer.save_pretrained(str(folder))


def _forward_parameters(model: Any) -> list[str]:
    import inspect

    return [p for p in inspect.signature(model.forward).parameters if p != "self"]


def _load_auto(name_or_path: str) -> tuple[Any, Any]:
    require("torch", owner="Dense retrievers", extra="inference")
    require("transformers", owner="Dense retrievers", extra="inference")
    from transformers import AutoModel, AutoTokenizer

    try:
        return AutoModel.from_pretrained(name_or_path), AutoTokenizer.from_pretrained(name_or_path)
    except OSError as exc:
        raise ComponentError(
            f"Could not load the model {name_or_path!r}: {exc}. Pass a local model folder or a Hugging Face hub "
            "name (with the hub reachable or the model in the local cache)."
        ) from exc
