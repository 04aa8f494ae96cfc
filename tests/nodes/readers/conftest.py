"""Fixtures for the reader tests: tiny models per architecture, the real SQuAD reader, a stub model."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.nodes.readers.tiny_models import build_tiny_model


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """`tiny_model_dir(arch)`: the folder of a tiny random `arch` QA model (built once per session)."""
    built: dict[str, Path] = {}
    root = tmp_path_factory.mktemp("tiny_readers")

    def get(arch: str) -> Path:
        if arch not in built:
            built[arch] = build_tiny_model(arch, root / arch)
        return built[arch]

    return get


@pytest.fixture(scope="session")
def minilm_path(shared_dir) -> Path:
    path = shared_dir / "models" / "minilm-l6-squad"
    if not (path / "config.json").is_file():
        pytest.fail(f"{path} has no config.json; the shared folder is incomplete")
    return path


@pytest.fixture(scope="session")
def squad_dev(shared_dir) -> list[dict]:
    """SQuAD v1.1 dev articles."""
    with open(shared_dir / "datasets" / "squad" / "dev-v1.1.json", encoding="utf-8") as f:
        return json.load(f)["data"]


@pytest.fixture(scope="session")
def real_farm(minilm_path):
    from hayrick.nodes.readers import FARMReader

    return FARMReader(str(minilm_path), use_gpu=False, progress_bar=False)


@pytest.fixture(scope="session")
def real_transformers(minilm_path):
    from hayrick.nodes.readers import TransformersReader

    return TransformersReader(str(minilm_path), use_gpu=False)


class StubQA:
    """Stands in for a QA model with chosen logits, to test decoding end to end.

    Start logit `high` on every `start_token`, end logit `high` on every `end_token`, `low`
    elsewhere, and `cls` on the [CLS] position (0) for both.
    """

    def __init__(self, start_token: int, end_token: int, high: float = 10.0, low: float = -5.0, cls: float = 0.0):
        self.start_token, self.end_token = start_token, end_token
        self.high, self.low, self.cls = high, low, cls
        self.training = False

    def eval(self):
        return self

    def train(self, mode: bool = True):
        self.training = mode
        return self

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        import torch

        start = torch.where(input_ids == self.start_token, self.high, self.low)
        end = torch.where(input_ids == self.end_token, self.high, self.low)
        start[:, 0] = end[:, 0] = self.cls
        return SimpleNamespace(start_logits=start, end_logits=end)

    __call__ = forward


@pytest.fixture()
def stub_model():
    return StubQA
