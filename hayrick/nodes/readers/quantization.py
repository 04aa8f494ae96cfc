"""int8 linear layers for `FARMReader(quantize=True)`: per-channel int8 weights, per-token int8 activations.

`quantize_linear_layers(model)` replaces every `torch.nn.Linear` of a model by an `Int8Linear`:

- the weight is quantised once, symmetrically, with one scale per output channel;
- at run time every input row (one token) is quantised with its own scale (its largest absolute
  value / 127), the product is an exact int8 x int8 -> int32 matrix product (`torch._int_mm`,
  VNNI on CPUs that have it), and the result is rescaled by the row scale times the channel scale.

One scale per token rather than one for the whole batch is what keeps the answers: BERT-style models
have a few tokens ([CLS], [SEP], punctuation) whose activations are tens of times larger than the
rest, and with a single per-tensor scale (what `torch.ao.quantization.quantize_dynamic` does) those
tokens flatten every other token's activations to a handful of levels. Measured with
minilm-l6-squad on the first 500 SQuAD v1.1 dev questions: every Linear per-tensor int8 costs 3.2 EM
points, every Linear per-token int8 0.4 (see benchmarks/reader_squad.py --quantize for the full dev set).

Linear layers that read the same input (the query, key and value projections of an attention block)
share one quantisation of it and one matrix product over their concatenated weights
(`Int8LinearGroup`): one pass over the activations instead of three, and a wider product.
"""

from __future__ import annotations

import threading
from typing import Any

import torch

from hayrick.errors import ComponentError

# Sibling Linear layers that read the same tensor in the architectures hayrick's readers support:
# BERT/RoBERTa/ELECTRA/MiniLM (query, key, value), DistilBERT (q_lin, k_lin, v_lin), and the
# *_proj naming of newer encoders.
SHARED_INPUT_NAMES = (("query", "key", "value"), ("q_lin", "k_lin", "v_lin"), ("q_proj", "k_proj", "v_proj"))


def int8_weight(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """`(q, scale)`: `weight` (out, in) as int8 transposed to (in, out), and its float32 scale per output channel."""
    weight = weight.detach().float()
    scale = weight.abs().amax(dim=1).clamp(min=1e-12) / 127.0
    q = torch.round(weight / scale[:, None]).clamp_(-127, 127).to(torch.int8)
    return q.t().contiguous(), scale


def int8_matmul(x: torch.Tensor, weight_t: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """`x @ W^T + bias` for 2-D float `x` with W given as `int8_weight` returns it; rows quantised one by one."""
    x = x.float()
    # max |x| per row from amax and amin: two reads, where abs().amax() writes a whole copy first
    low = x.amin(dim=1, keepdim=True)
    row_scale = torch.maximum(x.amax(dim=1, keepdim=True), low.neg_()).clamp_(min=1e-12).div_(127.0)
    xq = torch.div(x, row_scale).round_().to(torch.int8)
    out = torch._int_mm(xq, weight_t).to(torch.float32).mul_(row_scale)
    return torch.addcmul(bias, out, scale, out=out)  # out * scale + bias, in place


class _Int8Layers(torch.nn.Module):
    """The int8 weights, scales and biases of Linear layers that read one input, concatenated."""

    def __init__(self, linears: list[torch.nn.Linear]):
        super().__init__()
        self.in_features = linears[0].in_features
        self.sizes = [linear.out_features for linear in linears]
        weight_t, scale = int8_weight(torch.cat([linear.weight.detach() for linear in linears]))
        bias = torch.cat([
            linear.bias.detach().float() if linear.bias is not None else torch.zeros(linear.out_features)
            for linear in linears
        ])  # fmt: skip
        self.register_buffer("weight_t", weight_t)
        self.register_buffer("scale", scale)
        self.register_buffer("bias", bias)

    def product(self, x: torch.Tensor) -> torch.Tensor:
        """`x` (any leading shape) times every layer: 2-D, one row per input row, the layers side by side."""
        return int8_matmul(x.reshape(-1, self.in_features), self.weight_t, self.scale, self.bias)


class Int8Linear(_Int8Layers):
    """A drop-in for an inference-only `torch.nn.Linear`: int8 weights (per channel), int8 activations (per token)."""

    def __init__(self, linear: torch.nn.Linear):
        super().__init__([linear])
        self.out_features = linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.product(x).view(*x.shape[:-1], self.out_features).to(x.dtype)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8 per-channel weights, per-token activations"


class Int8LinearGroup(_Int8Layers):
    """Several Linear layers that read the same input, as one int8 product over their concatenated weights.

    Each replaced layer becomes an `Int8GroupMember`; the first member called with an input computes
    every member's output, the others take theirs from it when they are called with the same tensor
    (checked by identity, and by version where torch tracks it, so an input changed in between is
    recomputed). Each output is handed out once: a member called twice with one tensor recomputes.
    The cache is kept per thread, so threads running one model at the same time do not mix inputs.
    """

    def __init__(self, linears: list[torch.nn.Linear]):
        super().__init__(linears)
        # per thread: (input, its version, outputs not handed out yet); threads sharing a model keep apart
        self._pending: dict[int, tuple[torch.Tensor, int | None, list[torch.Tensor | None]]] = {}

    def output(self, x: torch.Tensor, index: int) -> torch.Tensor:
        version = None if x.is_inference() else x._version  # inference tensors have no version counter
        thread = threading.get_ident()
        pending = self._pending.get(thread)
        if pending is None or pending[0] is not x or pending[1] != version or pending[2][index] is None:
            out = self.product(x)
            outputs: list[torch.Tensor | None] = [
                part.view(*x.shape[:-1], size).to(x.dtype) for part, size in zip(out.split(self.sizes, dim=1), self.sizes)
            ]  # fmt: skip
            pending = self._pending[thread] = (x, version, outputs)
        outputs = pending[2]
        result = outputs[index]
        outputs[index] = None  # each output is handed out once; the cache holds no more than it must
        if all(o is None for o in outputs):
            del self._pending[thread]
        return result  # type: ignore[return-value]


class Int8GroupMember(torch.nn.Module):
    """Stands where one Linear of an `Int8LinearGroup` was; its output is its slice of the group's product."""

    def __init__(self, group: Int8LinearGroup, index: int):
        super().__init__()
        self.index = index
        self.in_features, self.out_features = group.in_features, group.sizes[index]
        object.__setattr__(self, "_group", group)  # not a submodule: the group is registered once, on the parent

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._group.output(x, self.index)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, part {self.index} of a fused int8 group"


def check_int8_support(owner: str) -> None:
    """Raises `ComponentError` when this torch has no int8 matrix product on the CPU."""
    if not hasattr(torch, "_int_mm"):
        raise ComponentError(
            f"{owner}: quantize=True needs torch._int_mm (torch >= 2.2 on CPU); this is torch {torch.__version__}. "
            "Upgrade torch, or drop quantize."
        )


def quantize_linear_layers(model: Any, owner: str = "quantize") -> Any:
    """Replaces every `nn.Linear` of `model` (in place) by int8 layers for inference; returns the model.

    Linear siblings named as in `SHARED_INPUT_NAMES` are fused into one `Int8LinearGroup`.
    The model is for inference only afterwards (no gradients flow through int8 layers).
    """
    check_int8_support(owner)
    for parent in list(model.modules()):
        children = dict(parent.named_children())
        for names in SHARED_INPUT_NAMES:
            linears = [children.get(name) for name in names]
            if all(isinstance(x, torch.nn.Linear) for x in linears) and len({x.in_features for x in linears}) == 1:
                group = Int8LinearGroup(linears)  # type: ignore[arg-type]
                parent.add_module("_int8_" + "_".join(names), group)
                for index, name in enumerate(names):
                    setattr(parent, name, Int8GroupMember(group, index))
        for name, child in list(parent.named_children()):
            if type(child) is torch.nn.Linear:
                setattr(parent, name, Int8Linear(child))
    return model
