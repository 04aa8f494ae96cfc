"""Evaluation results in Haystack 1.x's CSV layout: one `<node>.csv` per node, lists as Python literals.

`EvaluationResult.save` writes each node's frame with Haystack's columns (so Haystack 1.x's
`EvaluationResult.load` and its metrics read hayrick's files) followed by hayrick's own columns;
`EvaluationResult.load` reads those files back exactly, and files that Haystack 1.x saved (their
columns are converted to hayrick's, and kept too). Values are parsed with `ast.literal_eval`, which
reads literals only: a saved file cannot run code.
"""

from __future__ import annotations

import ast
import csv
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hayrick.evaluation.metrics import exact_match, f1_score

#: Haystack 1.26's columns, in its order (those a frame has; the rest follow).
HAYSTACK_ORDER = (
    "multilabel_id", "query", "filters", "gold_answers", "answer", "context", "exact_match", "f1", "sas",
    "exact_match_context_scope", "f1_context_scope", "sas_context_scope", "exact_match_document_id_scope",
    "f1_document_id_scope", "sas_document_id_scope", "exact_match_document_id_and_context_scope",
    "f1_document_id_and_context_scope", "sas_document_id_and_context_scope", "gold_contexts", "gold_id_match",
    "context_match", "answer_match", "gold_id_or_answer_match", "gold_id_and_answer_match", "gold_id_or_context_match",
    "gold_id_and_context_match", "gold_id_and_context_and_answer_match", "context_and_answer_match", "rank",
    "document_id", "document_ids", "gold_document_ids", "custom_document_id", "custom_document_ids",
    "gold_custom_document_ids", "offsets_in_document", "gold_offsets_in_documents", "offsets_in_context",
    "gold_offsets_in_contexts", "gold_answers_exact_match", "gold_answers_f1", "gold_answers_sas",
    "gold_documents_id_match", "gold_contexts_similarity", "gold_answers_match", "type", "node", "eval_mode", "prompt",
)  # fmt: skip
#: Columns holding lists or dicts (Haystack's `cols_to_convert`, and hayrick's).
LITERAL_COLUMNS = frozenset({
    "filters", "gold_document_ids", "gold_custom_document_ids", "gold_contexts", "gold_answers",
    "gold_documents_id_match", "gold_offsets_in_documents", "gold_offsets_in_contexts", "gold_answers_exact_match",
    "gold_answers_f1", "gold_answers_sas", "gold_answers_match", "gold_contexts_similarity", "offsets_in_document",
    "offsets_in_context", "document_ids", "custom_document_ids", "gold_document_contents", "gold_id_matches",
    "answer_matches", "context_matches",
})  # fmt: skip


def _literal(text: str) -> Any:
    return None if text == "" else ast.literal_eval(text)


def write_node(df: Any, kind: str, path: Path, threshold: float, **to_csv_kwargs: Any) -> None:
    """Write one node's frame to `path` in Haystack's layout (its columns first, then hayrick's)."""
    table = to_haystack(df, kind, threshold)
    table.to_csv(path, **{"index": False, "quoting": csv.QUOTE_NONNUMERIC, **to_csv_kwargs})


def read_node(path: Path, **read_csv_kwargs: Any) -> Any:
    """Read a node's CSV (saved by hayrick or Haystack 1.x) as Haystack's loader does."""
    import pandas as pd

    header = pd.read_csv(path, nrows=0).columns
    converters = {column: _literal for column in header if column in LITERAL_COLUMNS}
    df = pd.read_csv(path, **{"converters": converters, "header": 0, **read_csv_kwargs})
    return df.rename(columns={"gold_document_contents": "gold_contexts", "content": "context"})


def to_haystack(df: Any, kind: str, threshold: float) -> Any:
    """`df` (a hayrick frame) with Haystack 1.x's columns added, in Haystack's order, hayrick's after."""
    table = df.copy()
    n = len(table)
    # as Haystack: document rows always hold the JSON bytes (b'null' without filters), answer rows None then
    table["filters"] = [
        None if f is None and kind == "answer" else json.dumps(f, sort_keys=True).encode() for f in table["filters"]
    ]
    if "sas" in table.columns and table["sas"].isna().all():
        table = table.drop(columns="sas")  # Haystack has the column only when SAS was computed
    if kind == "document":
        table = table.rename(columns={"content": "context"})
        id_idx = [set(m) for m in table["gold_id_matches"]]
        answer_idx = [set(m) for m in table["answer_matches"]]
        context_idx = [set(m) for m in table["context_matches"]]
        gold_ids = list(table["gold_document_ids"])
        table["gold_documents_id_match"] = [[1.0 if i in m else 0.0 for i in range(len(g))] for m, g in zip(id_idx, gold_ids)]
        table["gold_answers_match"] = [
            [1.0 if a != "" and a in str(text) else 0.0 for a in answers]
            for answers, text in zip(table["gold_answers"], table["context"])
        ]
        for name, parts in (
            ("gold_id_and_answer_match", (id_idx, answer_idx)),
            ("gold_id_and_context_match", (id_idx, context_idx)),
            ("gold_id_and_context_and_answer_match", (id_idx, context_idx, answer_idx)),
            ("context_and_answer_match", (context_idx, answer_idx)),
        ):
            table[name] = [float(bool(set.intersection(*sets))) for sets in zip(*parts)]
        for column in ("gold_id_match", "answer_match", "context_match"):
            table[column] = table[column].astype(float)
        table["gold_id_or_answer_match"] = table[["gold_id_match", "answer_match"]].max(axis=1)
        table["gold_id_or_context_match"] = table[["gold_id_match", "context_match"]].max(axis=1)
        if "custom_document_id" in table.columns:
            table["gold_custom_document_ids"] = table["gold_document_ids"]
    else:
        context_ok = table["context_match"].astype(float)
        table["exact_match_context_scope"] = table["exact_match"] * context_ok
        table["f1_context_scope"] = table["f1"] * context_ok
        table["exact_match_document_id_scope"] = table["doc_exact_match"]
        table["f1_document_id_scope"] = table["doc_f1"]
        table["exact_match_document_id_and_context_scope"] = table["doc_exact_match"] * context_ok
        table["f1_document_id_and_context_scope"] = table["doc_f1"] * context_ok
        table["offsets_in_document"] = [[{"start": a, "end": b} for a, b in spans] for spans in table["offsets_in_document"]]
        for name in ("gold_offsets_in_documents", "offsets_in_context", "gold_offsets_in_contexts"):
            table[name] = [[] for _ in range(n)]  # not kept by hayrick's evaluation
        table["gold_answers_exact_match"] = [
            [exact_match(answer, gold) for gold in golds] for answer, golds in zip(table["answer"], table["gold_answers"])
        ]
        table["gold_answers_f1"] = [
            [f1_score(answer, gold) for gold in golds] for answer, golds in zip(table["answer"], table["gold_answers"])
        ]
        table["gold_documents_id_match"] = [
            [1.0 if g in ids else 0.0 for g in golds] for ids, golds in zip(table["document_ids"], table["gold_document_ids"])
        ]
    table["index"] = range(n)
    first = [c for c in HAYSTACK_ORDER if c in table.columns]
    return table[first + [c for c in table.columns if c not in first]]


def from_haystack(df: Any, schema: Mapping[str, type], kind: str, threshold: float, keep_extra: bool) -> Any:
    """A hayrick frame (the columns of `schema`) from a frame read by `read_node`.

    Columns hayrick saved are taken as they are; for files Haystack 1.x saved, hayrick's columns are
    derived from Haystack's. With `keep_extra`, Haystack's other columns stay after hayrick's.
    """
    import numpy as np
    import pandas as pd

    n = len(df)
    out: dict[str, Any] = {}

    def column(name: str, default: Any = None) -> list:
        if name in df.columns:
            return [default if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) else v for v in df[name]]
        return [default] * n

    out["multilabel_id"] = [str(v) for v in column("multilabel_id", "")]
    out["query"] = column("query", "")
    out["node"] = column("node", "")
    out["type"] = column("type", kind)
    out["eval_mode"] = column("eval_mode", "integrated")
    out["rank"] = [int(float(v)) for v in column("rank", 0)]
    out["filters"] = [_filters(v) for v in column("filters")]
    sims = column("gold_contexts_similarity", [])
    if kind == "document":
        gold_ids = column("gold_custom_document_ids" if "gold_custom_document_ids" in df.columns else "gold_document_ids", [])
        out.update(
            document_id=[str(v) for v in column("document_id", "")],
            content=[str(v) for v in column("context", "")],
            score=column("score", math.nan),
            gold_document_ids=gold_ids,
            gold_answers=column("gold_answers", []),
            gold_id_matches=column("gold_id_matches") if "gold_id_matches" in df.columns else [
                [i for i, v in enumerate(m or []) if v == 1.0] for m in column("gold_documents_id_match", [])
            ],
            answer_matches=column("answer_matches") if "answer_matches" in df.columns else [
                [i for i, v in enumerate(m or []) if v == 1.0] for m in column("gold_answers_match", [])
            ],
            context_matches=column("context_matches") if "context_matches" in df.columns else [
                [i for i, s in enumerate(row or []) if s > threshold] for row in sims
            ],
        )
        out["gold_id_match"] = [int(bool(m)) for m in out["gold_id_matches"]]
        out["answer_match"] = [int(bool(m)) for m in out["answer_matches"]]
        out["context_match"] = [int(bool(m)) for m in out["context_matches"]]
        if "custom_document_id" in df.columns:
            out["custom_document_id"] = [str(v) for v in column("custom_document_id", "")]
    else:
        out.update(
            answer=[str(v) for v in column("answer", "")],
            score=column("score", math.nan),
            context=[str(v) for v in column("context", "")],
            document_ids=[list(v) for v in column("document_ids", [])],
            offsets_in_document=[[_span(o) for o in v] for v in column("offsets_in_document", [])],
            document_rank=[int(float(v)) for v in column("document_rank", 0)],
            gold_answers=column("gold_answers", []),
            gold_document_ids=column("gold_document_ids", []),
            exact_match=column("exact_match", 0.0),
            f1=column("f1", 0.0),
            doc_exact_match=column("doc_exact_match") if "doc_exact_match" in df.columns else column(
                "exact_match_document_id_scope", 0.0),
            doc_f1=column("doc_f1") if "doc_f1" in df.columns else column("f1_document_id_scope", 0.0),
            gold_id_match=column("gold_id_match") if "gold_id_match" in df.columns else [
                int(any(v == 1.0 for v in m or [])) for m in column("gold_documents_id_match", [])
            ],
            context_match=[int(any(s > threshold for s in row or [])) for row in sims],
            span_match=column("span_match") if "span_match" in df.columns else [
                int(float(v) == 1.0) for v in column("exact_match", 0.0)
            ],
            sas=column("sas", math.nan),
        )
    out["gold_contexts"] = column("gold_contexts", [])
    out["gold_contexts_similarity"] = sims
    frame = pd.DataFrame({name: out[name] for name in [*schema, *(k for k in out if k not in schema)] if name in out})
    for name, dtype in schema.items():
        if name in frame.columns and dtype in (int, float):
            frame[name] = frame[name].astype(np.int64 if dtype is int else np.float64)
    if keep_extra:
        for name in df.columns:
            if name not in frame.columns and name != "content":
                frame[name] = df[name].to_numpy()
    return frame


def _filters(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return json.loads(value)
    return value


def _span(offset: Any) -> list[int]:
    if isinstance(offset, Mapping):
        return [int(offset.get("start", 0)), int(offset.get("end", 0))]
    return [int(offset[0]), int(offset[1])]
