"""Semantic answer similarity (SAS): how close a predicted answer is in meaning to the gold answers.

Haystack 1.x's metric (Risch et al., 2021): with a cross-encoder (a model whose config names a
`...ForSequenceClassification` architecture) each (gold, prediction) pair is scored directly;
with any other model (a sentence-embedding model such as all-MiniLM-L6-v2) the score is the cosine
similarity of the two embeddings. The model is loaded lazily, once per name, through
`sentence-transformers`; nothing is downloaded unless `model_name_or_path` is a hub name and the
machine can reach the hub.

```python
from hayrick.evaluation.sas import semantic_answer_similarity

top_1, top_k, matrix = semantic_answer_similarity(
    predictions=[["about 6000 hours", "6000 dollars"]], gold_labels=[["6000 hours"]],
    sas_model_name_or_path="/path/to/all-MiniLM-L6-v2",
)
```
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from hayrick.errors import ComponentError
from hayrick.lazy_imports import require


def _is_cross_encoder(model_name_or_path: str) -> bool:
    folder = Path(model_name_or_path)
    config = folder / "config.json"
    if config.is_file():
        architectures = json.loads(config.read_text(encoding="utf-8")).get("architectures") or []
        return any(a.endswith("ForSequenceClassification") for a in architectures)
    if folder.is_dir():
        raise ComponentError(
            f"The semantic answer similarity model folder {model_name_or_path!r} has no config.json; "
            "pass a folder saved by transformers or sentence-transformers."
        )
    try:
        from transformers import AutoConfig

        architectures = AutoConfig.from_pretrained(model_name_or_path).architectures or []
    except (ImportError, OSError, ValueError) as exc:
        raise ComponentError(
            f"Could not load the semantic answer similarity model {model_name_or_path!r}: {exc}. "
            "Pass the path of a local model folder (no model hub is reachable from this machine), "
            "or leave sas_model out to skip SAS."
        ) from exc
    return any(a.endswith("ForSequenceClassification") for a in architectures)


@functools.lru_cache(maxsize=2)
def load_sas_model(model_name_or_path: str) -> tuple[str, Any]:
    """`("cross", CrossEncoder)` or `("bi", SentenceTransformer)` for `model_name_or_path`, loaded once.

    Raises:
        ImportError: sentence-transformers is not installed.
        ComponentError: the model cannot be loaded (unknown name, no network, broken folder).
    """
    if not isinstance(model_name_or_path, str) or not model_name_or_path:
        raise ComponentError(f"sas_model must be a model name or folder path (str), got {model_name_or_path!r}.")
    cross = _is_cross_encoder(model_name_or_path)  # a broken local folder fails here, before the heavy import
    st = require("sentence_transformers", owner="Semantic answer similarity")
    try:
        model = st.CrossEncoder(model_name_or_path) if cross else st.SentenceTransformer(model_name_or_path)
    except (OSError, ValueError) as exc:
        raise ComponentError(
            f"Could not load the semantic answer similarity model {model_name_or_path!r}: {exc}. "
            "Pass the path of a local model folder (no model hub is reachable from this machine)."
        ) from exc
    return ("cross" if cross else "bi"), model


def semantic_answer_similarity(
    predictions: list[list[str]],
    gold_labels: list[list[str]],
    sas_model_name_or_path: str,
    batch_size: int = 32,
) -> tuple[list[float], list[float], list[list[list[float]]]]:
    """SAS of each query's predictions against its gold answers.

    Args:
        predictions: per query, the predicted answers, best first.
        gold_labels: per query, the gold answers.
        sas_model_name_or_path: a cross-encoder or sentence-embedding model (name or local folder).
        batch_size: pairs or texts per model call.

    Returns:
        `(top_1_sas, top_k_sas, matrix)`: per query, the best similarity of the first prediction to
        any gold answer, the best over all predictions, and the full `[prediction][gold]` matrix.
        A query with no predictions or no gold answers scores 0.0 (1.0 when both are no-answers "").
    """
    if len(predictions) != len(gold_labels):
        raise ValueError(f"{len(predictions)} prediction lists for {len(gold_labels)} gold label lists.")
    kind, model = load_sas_model(sas_model_name_or_path)
    matrices = _similarities(kind, model, predictions, gold_labels, batch_size)
    top_1 = [max(m[0]) if m and m[0] else 0.0 for m in matrices]
    top_k = [max((max(row) for row in m if row), default=0.0) for m in matrices]
    return top_1, top_k, matrices


def _similarities(
    kind: str, model: Any, predictions: list[list[str]], golds: list[list[str]], batch_size: int
) -> list[list[list[float]]]:
    pairs = [(g, p) for preds, gs in zip(predictions, golds) for p in preds for g in gs if p and g]
    if kind == "cross":
        scores = [float(s) for s in model.predict(pairs, batch_size=batch_size)] if pairs else []
        lookup = dict(zip(pairs, scores))
    else:
        texts = sorted({t for pair in pairs for t in pair})
        lookup = {}
        if texts:
            vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
            index = {t: i for i, t in enumerate(texts)}
            lookup = {(g, p): float(vectors[index[g]] @ vectors[index[p]]) for g, p in pairs}
    return [
        [[lookup[(g, p)] if p and g else float(p == g) for g in gs] for p in preds]
        for preds, gs in zip(predictions, golds)
    ]
