"""int8 linear layers for FARMReader(quantize=True): per-channel weights, per-token activations, fused groups."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from hayrick.errors import ComponentError
from hayrick.nodes.readers import quantization
from hayrick.nodes.readers.quantization import (
    Int8GroupMember,
    Int8Linear,
    Int8LinearGroup,
    int8_matmul,
    int8_weight,
    quantize_linear_layers,
)


def _linear(n_in: int, n_out: int, seed: int = 0) -> torch.nn.Linear:
    torch.manual_seed(seed)
    return torch.nn.Linear(n_in, n_out)


def test_int8_matmul_is_the_integer_product_rescaled():
    linear = _linear(24, 5)
    x = torch.randn(7, 24)
    weight_t, scale = int8_weight(linear.weight)
    assert weight_t.dtype == torch.int8 and weight_t.shape == (24, 5)
    assert torch.allclose(weight_t.t().float() * scale[:, None], linear.weight, atol=scale.max().item() / 2 + 1e-7)
    # by hand, in float64: quantise each row with its own scale, integer product, rescale
    row_scale = x.abs().amax(dim=1, keepdim=True).double() / 127
    xq = torch.round(x.double() / row_scale)
    expected = (xq @ weight_t.double()) * row_scale * scale.double() + linear.bias.double()
    got = int8_matmul(x, weight_t, scale, linear.bias.detach())
    assert torch.allclose(got.double(), expected, rtol=1e-5, atol=1e-5)


def test_each_token_keeps_its_own_precision_next_to_an_outlier():
    """One huge token (as BERT's [SEP] often is) must not flatten the others: the per-tensor scale's failure."""
    layer = _linear(64, 32)
    x = torch.randn(6, 64)
    x[0] *= 1000.0
    exact = layer(x).detach()
    with torch.inference_mode():
        got = Int8Linear(layer)(x)
    relative = ((got - exact).norm(dim=1) / exact.norm(dim=1))[1:]
    assert relative.max() < 0.03
    per_tensor_scale = x.abs().max() / 127  # what one scale for the batch would give these rows
    assert torch.round(x[1:] / per_tensor_scale).abs().max() <= 1  # they would be nearly all zeros


def test_int8_linear_matches_the_float_layer_on_any_leading_shape():
    layer = _linear(48, 20, seed=3)
    x = torch.randn(2, 3, 48)
    with torch.inference_mode():
        got = Int8Linear(layer)(x)
    assert got.shape == (2, 3, 20) and got.dtype == torch.float32
    assert torch.allclose(got, layer(x), atol=0.05)
    no_bias = torch.nn.Linear(48, 20, bias=False)
    assert torch.allclose(Int8Linear(no_bias)(x), no_bias(x).detach(), atol=0.05)


def test_group_equals_its_layers_quantised_one_by_one_and_recomputes_for_a_new_input():
    layers = [_linear(32, n, seed=n) for n in (8, 8, 12)]
    group = Int8LinearGroup(layers)
    members = [Int8GroupMember(group, i) for i in range(3)]
    x = torch.randn(5, 32)
    separate = [Int8Linear(layer)(x) for layer in layers]
    fused = [member(x) for member in members]
    for a, b in zip(fused, separate):
        assert torch.equal(a, b)  # same row scales, same channel scales: bit-identical
    assert not group._pending  # every output handed out: nothing kept
    y = torch.randn(5, 32)
    assert torch.equal(members[1](y), Int8Linear(layers[1])(y))
    assert torch.equal(members[1](y), Int8Linear(layers[1])(y))  # asked twice: computed again, not stale
    x.mul_(2)  # an input changed in place (its version moves on) is not served from the cache
    first, before = members[0](x), x.clone()
    x.add_(1)
    assert torch.equal(members[2](x), Int8Linear(layers[2])(x))
    assert torch.equal(first, Int8Linear(layers[0])(before))


@pytest.mark.parametrize(
    "arch, fused",
    [("distilbert", ("q_lin", "k_lin", "v_lin"))]
    + [(arch, ("query", "key", "value")) for arch in ("bert", "roberta", "roberta-prelayernorm", "electra", "minilm")],
)
def test_quantize_linear_layers_replaces_every_linear(tiny_model_dir, arch, fused):
    from transformers import AutoModelForQuestionAnswering

    model = AutoModelForQuestionAnswering.from_pretrained(tiny_model_dir(arch)).eval()
    reference = AutoModelForQuestionAnswering.from_pretrained(tiny_model_dir(arch)).eval()
    n_linear = sum(type(m) is torch.nn.Linear for m in model.modules())
    quantize_linear_layers(model)
    assert not any(type(m) is torch.nn.Linear for m in model.modules())
    members = [name for name, m in model.named_modules() if isinstance(m, Int8GroupMember)]
    groups = [m for m in model.modules() if isinstance(m, Int8LinearGroup)]
    assert groups and len(members) == 3 * len(groups) and all(name.endswith(fused) for name in members)
    assert sum(isinstance(m, Int8Linear) for m in model.modules()) == n_linear - len(members)
    inputs = {"input_ids": torch.randint(5, 90, (3, 17)), "attention_mask": torch.ones(3, 17, dtype=torch.long)}
    with torch.inference_mode():
        got, want = model(**inputs), reference(**inputs)
    assert torch.allclose(got.start_logits, want.start_logits, atol=0.1)


def test_a_torch_without_int_mm_is_named(monkeypatch):
    monkeypatch.delattr(quantization.torch, "_int_mm")
    with pytest.raises(ComponentError, match=r"quantize=True needs torch._int_mm"):
        quantize_linear_layers(torch.nn.Sequential(torch.nn.Linear(4, 4)), "FARMReader")


def test_threads_sharing_a_group_keep_their_inputs_apart(monkeypatch):
    """Thread A computes for its input, thread B for another before A takes its other outputs: A gets its own."""
    layers = [_linear(16, 6, seed=n) for n in range(3)]
    group = Int8LinearGroup(layers)
    members = [Int8GroupMember(group, i) for i in range(3)]
    x_a, x_b = torch.randn(4, 16), torch.randn(4, 16)
    thread, products = {"id": 1}, []
    monkeypatch.setattr(quantization.threading, "get_ident", lambda: thread["id"])
    real_matmul = quantization.int8_matmul
    monkeypatch.setattr(quantization, "int8_matmul", lambda *args: products.append(1) or real_matmul(*args))
    members[0](x_a)
    thread["id"] = 2
    b = [member(x_b) for member in members]
    thread["id"] = 1
    assert set(group._pending) == {1}  # B's call left A's outputs in place
    a = [members[1](x_a), members[2](x_a)]
    assert len(products) == 2  # one product per thread: A's was not recomputed after B ran
    assert torch.equal(a[0], Int8Linear(layers[1])(x_a)) and torch.equal(a[1], Int8Linear(layers[2])(x_a))
    assert torch.equal(b[2], Int8Linear(layers[2])(x_b))
    assert not group._pending
