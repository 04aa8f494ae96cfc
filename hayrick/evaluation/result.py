"""`EvaluationResult`: the per-node DataFrames of `Pipeline.eval`, their metrics, and saving them.

```python
result = pipeline.eval(labels)
metrics = result.calculate_metrics()                                 # {node: {metric: value}}
recall_at = {k: result.calculate_metrics(simulated_top_k_retriever=k)["Retriever"]["recall_single_hit"]
             for k in (1, 3, 5, 10)}                                  # no query is run again
result.wrong_examples("Reader", n=3)
result.save("eval_out/"); same = EvaluationResult.load("eval_out/")
result.print_eval_report()
```

Document nodes (retrievers, rankers) report `recall_single_hit`, `recall_multi_hit`, `precision`,
`map`, `mrr` and `ndcg`, per query then averaged. `document_scope` says which retrieved documents
count as relevant to a gold label: "document_id", "answer" (the gold answer text occurs in it),
"context" (its text matches the gold document's: Haystack 1.x's fuzzy context matching, see
`hayrick.evaluation.context_matching`), "document_id_or_answer" (the default, as in Haystack 1.x),
"document_id_or_context" or "document_id_and_context". Context similarities are computed when first
needed (a context scope, `result[node]`, `save`), with the `context_matching` settings of the eval.

Answer nodes (readers) report `exact_match` and `f1` (best over the top-k answers), `exact_match_top_1`,
`f1_top_1`, `top_n_accuracy` (share of queries with an answer among the top k whose span overlaps a
gold span in the same document; exact match where offsets are missing) and, where computed, `sas`.
`answer_scope` restricts which gold answers an answer may match: "any" (default), "document_id"
(gold answers of its own document), "context" (its context matches a gold document) or
"document_id_and_context".

`simulated_top_k_retriever=k` keeps the first k documents of each document node and, for answer
nodes in integrated mode, only the answers taken from the first k documents the node read
(as Haystack 1.x; a reader run on k documents could have ranked its answers differently).
`simulated_top_k_reader=k` keeps the first k answers. Rows are saved in Haystack 1.x's layout (one
`<node>.csv` per node, Haystack's columns first, lists as Python literals; see `csv_layout`) with an
`eval_result.json` index; `load` also reads the folders Haystack saved. Nothing is pickled.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from hayrick._checks import check_choice, is_int
from hayrick.evaluation.metrics import DOCUMENT_METRICS, document_metrics

logger = logging.getLogger(__name__)

DOCUMENT_SCOPES = (
    "document_id", "answer", "context", "document_id_or_answer", "document_id_or_context", "document_id_and_context",
)  # fmt: skip
ANSWER_SCOPES = ("any", "document_id", "context", "document_id_and_context")
EVAL_MODES = ("integrated", "isolated")
ANSWER_METRICS = ("exact_match", "f1", "exact_match_top_1", "f1_top_1", "top_n_accuracy")

_COMMON = {"multilabel_id": str, "query": str, "node": str, "type": str, "eval_mode": str, "rank": int, "filters": dict}
COLUMNS: dict[str, dict[str, type]] = {
    "document": {
        **_COMMON, "document_id": str, "content": str, "score": float, "gold_document_ids": list,
        "gold_answers": list, "gold_id_match": int, "answer_match": int, "context_match": int,
        "gold_id_matches": list, "answer_matches": list, "context_matches": list, "gold_contexts": list,
        "gold_contexts_similarity": list,
    },
    "answer": {
        **_COMMON, "answer": str, "score": float, "context": str, "document_ids": list, "offsets_in_document": list,
        "document_rank": int, "gold_answers": list, "gold_document_ids": list, "exact_match": float, "f1": float,
        "doc_exact_match": float, "doc_f1": float, "gold_id_match": int, "context_match": int, "span_match": int,
        "sas": float, "gold_contexts": list, "gold_contexts_similarity": list,
    },
}  # fmt: skip
INDEX_FILE = "eval_result.json"
# Collected columns may hold, under PER_QUERY, one tuple per query: (rows, *values of
# PER_QUERY_COLUMNS); the frame repeats each query's values over its rows.
PER_QUERY = "__per_query__"
PER_QUERY_COLUMNS = (
    "multilabel_id", "query", "node", "type", "eval_mode", "gold_document_ids", "gold_answers", "gold_contexts",
    "filters",
)  # fmt: skip
#: Columns a frame has only with `custom_document_id_field`.
OPTIONAL_COLUMNS: dict[str, dict[str, type]] = {"document": {"custom_document_id": str}, "answer": {}}
#: How texts are judged to be a gold document's text, unless `Pipeline.eval` says otherwise (as Haystack 1.x).
DEFAULT_CONTEXT_MATCHING = {"min_length": 100, "boost_split_overlaps": True, "threshold": 65.0}
#: The document scopes and answer scopes that need context matches.
_CONTEXT_SCOPES = frozenset({"context", "document_id_or_context", "document_id_and_context"})


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("Evaluation results are pandas DataFrames: `pip install pandas`.") from exc
    return pandas


class EvaluationResult(Mapping):
    """The results of `Pipeline.eval`: a pandas DataFrame per node, read like a dict (`result["Retriever"]`).

    Args:
        node_results: `{node name: DataFrame}` with the columns of `COLUMNS[kind]`; the `type`
            column ("document" or "answer") tells each node's kind.

    Example:
        >>> result = pipeline.eval(labels, params={"Retriever": {"top_k": 10}})
        >>> result.calculate_metrics(simulated_top_k_retriever=5)["Retriever"]["recall_single_hit"]
    """

    def __init__(self, node_results: Mapping[str, Any] | None = None, context_matching: Mapping[str, Any] | None = None):
        self.node_results: dict[str, Any] = dict(node_results or {})
        self.context_matching: dict[str, Any] = {**DEFAULT_CONTEXT_MATCHING, **(context_matching or {})}
        self._pending: set[str] = set()  # nodes whose context similarities are not computed yet
        for node, df in self.node_results.items():
            if "type" not in df.columns or df.empty or df["type"].iloc[0] not in COLUMNS:
                raise ValueError(f"EvaluationResult: the DataFrame of node {node!r} needs rows with a 'type' column.")
            if "gold_contexts_similarity" in df.columns and df["gold_contexts_similarity"].isna().any():
                self._pending.add(node)

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Mapping[str, list]],
        kinds: Mapping[str, str],
        context_matching: Mapping[str, Any] | None = None,
    ) -> EvaluationResult:
        """Build from `{node: {column: values}}` (as `evaluate_pipeline` collects them).

        For document nodes, empty `gold_id_match` and `answer_match` columns are filled from the
        `*_matches` lists (1 where a list is not empty). Context matches left out are computed
        when first needed, with `context_matching` (`min_length`, `boost_split_overlaps`, `threshold`).
        """
        return cls({node: _frame(cols, kinds[node]) for node, cols in columns.items()}, context_matching)

    def append(self, key: str, value: Any) -> None:
        """Add the rows of DataFrame `value` to node `key`'s (Haystack 1.x's `EvaluationResult.append`)."""
        if value is None or len(value) == 0:
            return
        pd = _pandas()
        if key in self.node_results:
            self.node_results[key] = pd.concat([self.node_results[key], value]).reset_index(drop=True)
        else:
            self.node_results[key] = value
        if "gold_contexts_similarity" in value.columns and value["gold_contexts_similarity"].isna().any():
            self._pending.add(key)

    # ------------------------------------------------------------------ mapping
    def __getitem__(self, node: str) -> Any:
        if node not in self.node_results:
            raise KeyError(
                f"No results for node {node!r}; nodes evaluated: {', '.join(self.node_results) or '(none)'}."
            )
        self._complete(node)
        return self.node_results[node]

    def _complete(self, node: str) -> None:
        """Compute the context similarities of `node`'s rows (and `context_match(es)`) if still missing."""
        if node not in self._pending:
            return
        from hayrick.evaluation.context_matching import (
            normalize_white_space_and_case,
            similarity_of_normalized,
        )

        df = self.node_results[node]
        settings = self.context_matching
        min_length, boost, threshold = settings["min_length"], settings["boost_split_overlaps"], settings["threshold"]
        text_column = "content" if self.kind(node) == "document" else "context"
        normalized: dict[str, str] = {}
        scores: dict[tuple[str, str], float] = {}

        def norm(text: Any) -> str:
            text = text if isinstance(text, str) else str(text)
            found = normalized.get(text)
            if found is None:
                found = normalized[text] = normalize_white_space_and_case(text)
            return found

        similarities, matches = [], []
        for golds, sims, text in zip(df["gold_contexts"], df["gold_contexts_similarity"], df[text_column]):
            if sims is None:
                candidate = norm(text)
                sims = []
                for gold in golds:
                    key = (norm(gold), candidate)
                    score = scores.get(key)
                    if score is None:
                        score = scores[key] = similarity_of_normalized(key[0], candidate, min_length, boost)
                    sims.append(score)
            similarities.append(sims)
            matches.append([i for i, score in enumerate(sims) if score > threshold])
        df["gold_contexts_similarity"] = similarities
        if "context_matches" in df.columns:
            df["context_matches"] = matches
        df["context_match"] = [int(bool(m)) for m in matches]
        self._pending.discard(node)

    def __iter__(self) -> Iterator[str]:
        return iter(self.node_results)

    def __len__(self) -> int:
        return len(self.node_results)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EvaluationResult):
            return NotImplemented
        return list(self) == list(other) and all(self[node].equals(other[node]) for node in self)

    def __contains__(self, node: object) -> bool:
        return node in self.node_results

    __hash__ = None  # type: ignore[assignment]

    def kind(self, node: str) -> str:
        """ "document" (retriever-type) or "answer" (reader-type)."""
        if node not in self.node_results:
            self[node]  # the KeyError that names the nodes
        return str(self.node_results[node]["type"].iloc[0])

    def __repr__(self) -> str:
        nodes = ", ".join(f"{n} ({self.kind(n)}, {len(df)} rows)" for n, df in self.node_results.items())
        return f"EvaluationResult({nodes})"

    # ------------------------------------------------------------------ metrics
    def calculate_metrics(
        self,
        simulated_top_k_retriever: int = -1,
        simulated_top_k_reader: int = -1,
        eval_mode: str = "integrated",
        document_scope: str = "document_id_or_answer",
        answer_scope: str = "any",
    ) -> dict[str, dict[str, float]]:
        """`{node: {metric: mean over queries}}` for every node (see the module docstring).

        Args:
            simulated_top_k_retriever: judge only the first k documents (-1: all).
            simulated_top_k_reader: judge only the first k answers (-1: all).
            eval_mode: "integrated" (each node on what its predecessors gave it) or "isolated"
                (readers on the gold documents; needs `add_isolated_node_eval=True`). A node without
                rows in that mode gets `{}` (document nodes have no isolated rows), as in Haystack 1.x.
            document_scope: which documents count as relevant (see the module docstring).
            answer_scope: which gold answers an answer may match (see the module docstring).
        """
        check_choice(eval_mode, "eval_mode", EVAL_MODES, error=ValueError)
        metrics: dict[str, dict[str, float]] = {}
        for node, df in self.node_results.items():
            if not (df["eval_mode"] == eval_mode).any():  # as Haystack 1.x: no rows in this mode, no metrics
                if self.kind(node) == "answer":
                    logger.warning(
                        "No %s results for node %r: run pipeline.eval(..., add_isolated_node_eval=True) for isolated "
                        "metrics.", eval_mode, node,
                    )  # fmt: skip
                metrics[node] = {}
                continue
            metrics[node] = self.query_metrics(
                node, simulated_top_k_retriever, simulated_top_k_reader, eval_mode, document_scope, answer_scope
            ).mean(numeric_only=True).to_dict()
        return metrics

    def query_metrics(
        self,
        node: str,
        simulated_top_k_retriever: int = -1,
        simulated_top_k_reader: int = -1,
        eval_mode: str = "integrated",
        document_scope: str = "document_id_or_answer",
        answer_scope: str = "any",
    ) -> Any:
        """A DataFrame of `node`'s metrics per query (index `multilabel_id`, plus a `query` column)."""
        check_choice(eval_mode, "eval_mode", EVAL_MODES, error=ValueError)
        check_choice(document_scope, "document_scope", DOCUMENT_SCOPES, error=ValueError)
        check_choice(answer_scope, "answer_scope", ANSWER_SCOPES, error=ValueError)
        for name, k in (
            ("simulated_top_k_retriever", simulated_top_k_retriever),
            ("simulated_top_k_reader", simulated_top_k_reader),
        ):
            if not is_int(k, -1) or k == 0:
                raise ValueError(f"{name} must be a positive int or -1 (no limit), got {k!r}.")
        if document_scope in _CONTEXT_SCOPES or answer_scope in ("context", "document_id_and_context"):
            self._complete(node)
        df = self.node_results[node]
        if self.kind(node) == "document":
            return _document_query_metrics(df[df["eval_mode"] == eval_mode], simulated_top_k_retriever, document_scope)
        rows = df[df["eval_mode"] == eval_mode]
        if rows.empty:
            raise ValueError(
                f"No {eval_mode} results for node {node!r}: run pipeline.eval(..., add_isolated_node_eval=True) "
                "for isolated metrics."
            )
        top_k_documents = simulated_top_k_retriever if eval_mode == "integrated" else -1
        return _answer_query_metrics(rows, top_k_documents, simulated_top_k_reader, answer_scope)

    def wrong_examples(
        self,
        node: str,
        n: int = 3,
        simulated_top_k_retriever: int = -1,
        simulated_top_k_reader: int = -1,
        eval_mode: str = "integrated",
        document_scope: str = "document_id_or_answer",
        answer_scope: str = "any",
        metric: str | None = None,
    ) -> list[dict[str, Any]]:
        """The `n` queries on which `node` did worst by `metric` (default recall_single_hit / f1).

        Each example is a dict with `query`, `metrics`, `gold_answers`, `gold_document_ids` and the
        node's `documents` or `answers` (rank, id or text, and whether each matched).
        """
        per_query = self.query_metrics(node, simulated_top_k_retriever, simulated_top_k_reader, eval_mode,
                                       document_scope, answer_scope)  # fmt: skip
        kind = self.kind(node)
        metric = metric or ("recall_single_hit" if kind == "document" else "f1")
        if metric not in per_query.columns:
            raise ValueError(
                f"Unknown metric {metric!r} for node {node!r}; choose from {', '.join(per_query.columns[1:])}."
            )
        wrong = per_query[per_query[metric] < 1.0].sort_values(metric, kind="stable").head(n)
        df = self[node]
        df = df[df["eval_mode"] == eval_mode] if (df["eval_mode"] == eval_mode).any() else df
        examples = []
        for ml_id, metrics in wrong.iterrows():
            rows = df[(df["multilabel_id"] == ml_id) & (df["rank"] > 0)]
            first = df[df["multilabel_id"] == ml_id].iloc[0]
            if kind == "document":
                k = simulated_top_k_retriever
                rows = rows if k == -1 else rows[rows["rank"] <= k]
                items = [
                    {"rank": int(r["rank"]), "document_id": r["document_id"], "content": r["content"],
                     "gold_id_match": int(r["gold_id_match"]), "answer_match": int(r["answer_match"]),
                     "context_match": int(r["context_match"])}
                    for _, r in rows.iterrows()
                ]  # fmt: skip
            else:
                k = simulated_top_k_reader
                rows = rows if k == -1 else rows[rows["rank"] <= k]
                items = [
                    {"rank": int(r["rank"]), "answer": r["answer"], "exact_match": float(r["exact_match"]),
                     "f1": float(r["f1"]), "document_ids": list(r["document_ids"]), "context": r["context"]}
                    for _, r in rows.iterrows()
                ]  # fmt: skip
            examples.append(
                {
                    "query": metrics["query"],
                    "metrics": {m: float(v) for m, v in metrics.items() if m != "query"},
                    "gold_answers": list(first["gold_answers"]),
                    "gold_document_ids": list(first["gold_document_ids"]),
                    "documents" if kind == "document" else "answers": items,
                }
            )
        return examples

    # ---------------------------------------------------------------- reporting
    def report(self, n_wrong_examples: int = 3, metrics_filter: Mapping[str, list[str]] | None = None) -> str:
        """Metrics of each node (integrated, and isolated where present) and its worst examples, as text."""
        from hayrick.evaluation.report import format_eval_report

        return format_eval_report(self, n_wrong_examples, metrics_filter)

    def print_eval_report(
        self, n_wrong_examples: int = 3, metrics_filter: Mapping[str, list[str]] | None = None
    ) -> None:
        """Print `report()`: each node's metrics and its `n_wrong_examples` worst queries."""
        print(self.report(n_wrong_examples, metrics_filter))

    # ------------------------------------------------------------------ storage
    def save(self, out_dir: str | Path, **to_csv_kwargs: Any) -> Path:
        """Write one `<node>.csv` per node in Haystack 1.x's layout, and `eval_result.json` (the index).

        Haystack's columns come first (Haystack 1.x's `EvaluationResult.load` reads the files), then
        hayrick's. `to_csv_kwargs` go to `DataFrame.to_csv`. Returns the folder.
        """
        from hayrick.evaluation.csv_layout import write_node

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        index: dict[str, Any] = {
            "format": "hayrick-eval-result", "version": 2, "context_matching": self.context_matching, "nodes": []
        }  # fmt: skip
        used: set[str] = set()
        for node in self.node_results:
            self._complete(node)
            stem = re.sub(r"[^A-Za-z0-9_. -]+", "_", node).strip(" .") or "node"
            name, i = f"{stem}.csv", 1
            while name.lower() in used:
                i += 1
                name = f"{stem}_{i}.csv"
            used.add(name.lower())
            write_node(self.node_results[node], self.kind(node), out / name, self.context_matching["threshold"],
                       **to_csv_kwargs)  # fmt: skip
            index["nodes"].append({"node": node, "kind": self.kind(node), "file": name})
        (out / INDEX_FILE).write_text(json.dumps(index, indent=2, ensure_ascii=False), encoding="utf-8")
        return out

    @classmethod
    def load(cls, load_dir: str | Path, **read_csv_kwargs: Any) -> EvaluationResult:
        """Read what `save` wrote, or the `<node>.csv` files Haystack 1.x's `EvaluationResult.save` wrote.

        Haystack's files get hayrick's columns (derived from Haystack's) and keep their own.
        `read_csv_kwargs` go to `pandas.read_csv`.

        Raises:
            FileNotFoundError: the folder holds neither `eval_result.json` nor `.csv` files.
        """
        from hayrick.evaluation.csv_layout import from_haystack, read_node

        folder = Path(load_dir)
        index_path = folder / INDEX_FILE
        if index_path.is_file():
            index = json.loads(index_path.read_text(encoding="utf-8"))
            entries = [(e["node"], e["kind"], folder / e["file"]) for e in index["nodes"]]
            settings = index.get("context_matching")
            keep_extra = False
        else:
            files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".csv") if folder.is_dir() else []
            if not files:
                raise FileNotFoundError(
                    f"No evaluation result in {folder}: it has neither {INDEX_FILE} nor .csv files. Load the folder "
                    "that EvaluationResult.save() wrote."
                )
            entries = [(p.stem, None, p) for p in files]
            settings, keep_extra = None, True
        threshold = (settings or DEFAULT_CONTEXT_MATCHING)["threshold"]
        results = {}
        for node, kind, path in entries:
            df = read_node(path, **read_csv_kwargs)
            if kind is None:
                kinds = set(df["type"]) if "type" in df.columns else set()
                kind = "answer" if "answer" in kinds or "answer" in df.columns else "document"
            results[node] = from_haystack(df, COLUMNS[kind], kind, threshold, keep_extra)
        return cls(results, settings)


def _frame(columns: Mapping[str, list], kind: str) -> Any:
    """A DataFrame of the columns of `kind`, built from typed numpy arrays (much faster than from lists)."""
    import numpy as np

    pd = _pandas()
    repeated: dict[str, Any] = {}
    if columns.get(PER_QUERY):
        per_query = columns[PER_QUERY]
        counts = np.fromiter((q[0] for q in per_query), dtype=np.int64, count=len(per_query))
        for position, name in enumerate(PER_QUERY_COLUMNS, start=1):
            values = np.empty(len(per_query), dtype=object)
            for i, q in enumerate(per_query):  # element-wise: lists must stay list objects
                values[i] = q[position]
            repeated[name] = np.repeat(values, counts)
    n = len(columns["rank"]) if "rank" in columns else len(next(iter(columns.values()))) if columns else 0
    arrays = {}
    schema = {**COLUMNS[kind], **{k: v for k, v in OPTIONAL_COLUMNS[kind].items() if k in columns}}
    for name, dtype in schema.items():
        if name in repeated:
            arrays[name] = repeated[name]
            continue
        values = columns.get(name)
        if values is None and name == "gold_contexts_similarity":  # computed when first needed
            arrays[name] = np.full(n, None, dtype=object)
            continue
        if values is None and name == "context_matches":
            arrays[name] = np.empty(n, dtype=object)
            arrays[name][:] = [[] for _ in range(n)]
            continue
        if values is None and name == "context_match" and "context_matches" not in columns:
            arrays[name] = np.zeros(n, dtype=np.int64)
            continue
        if values is None and kind == "document" and name.endswith("_match") and name + "es" in columns:
            values = map(bool, columns[name + "es"])
        if values is None:
            raise ValueError(f"EvaluationResult: column {name!r} of a {kind} node is missing.")
        numpy_type = {int: np.int64, float: np.float64}.get(dtype, object)
        if isinstance(values, np.ndarray):
            arrays[name] = values.astype(numpy_type, copy=False)
        elif dtype is float:  # None (a document without a score) becomes NaN
            arrays[name] = np.array(values, dtype=np.float64) if len(values) else np.empty(0)
        elif name in ("content", "context") and not set(map(type, values)) <= {str}:
            arrays[name] = np.fromiter((v if type(v) is str else str(v) for v in values), dtype=object, count=n)
        else:
            arrays[name] = np.fromiter(values, dtype=numpy_type, count=n)
    return pd.DataFrame(arrays, copy=False)


_SCOPE_COLUMNS = {
    "document_id": (("gold_id_matches",), "or"),
    "answer": (("answer_matches",), "or"),
    "context": (("context_matches",), "or"),
    "document_id_or_answer": (("gold_id_matches", "answer_matches"), "or"),
    "document_id_or_context": (("gold_id_matches", "context_matches"), "or"),
    "document_id_and_context": (("gold_id_matches", "context_matches"), "and"),
}


def _document_query_metrics(rows: Any, top_k: int, scope: str) -> Any:
    pd = _pandas()
    columns, how = _SCOPE_COLUMNS[scope]
    per_query: dict[str, dict[str, Any]] = {}
    records = rows[["multilabel_id", "query", "rank", "gold_document_ids", *columns]].itertuples(index=False, name=None)
    grouped: dict[str, list[tuple]] = {}
    for record in records:
        grouped.setdefault(record[0], []).append(record)
    for ml_id, group in grouped.items():
        group.sort(key=lambda r: r[2])
        num_gold = len(group[0][3])
        relevant, matched = [], set()
        for record in group:
            rank = record[2]
            if rank < 1 or (top_k != -1 and rank > top_k):
                continue
            sets = [set(s) for s in record[4:]]
            hits = set.union(*sets) if how == "or" else set.intersection(*sets)
            relevant.append(bool(hits))
            matched |= hits
        per_query[ml_id] = {"query": group[0][1], **document_metrics(relevant, len(matched), num_gold)}
    return pd.DataFrame.from_dict(per_query, orient="index", columns=["query", *DOCUMENT_METRICS])


def _answer_query_metrics(rows: Any, top_k_documents: int, top_k_answers: int, scope: str) -> Any:
    pd = _pandas()
    em_column, f1_column = ("exact_match", "f1") if scope in ("any", "context") else ("doc_exact_match", "doc_f1")
    with_context = scope in ("context", "document_id_and_context")
    has_sas = rows["sas"].notna().any()
    fields = [
        "multilabel_id",
        "query",
        "rank",
        "document_rank",
        em_column,
        f1_column,
        "context_match",
        "span_match",
        "sas",
    ]
    grouped: dict[str, list[tuple]] = {}
    for record in rows[fields].itertuples(index=False, name=None):
        grouped.setdefault(record[0], []).append(record)
    per_query: dict[str, dict[str, Any]] = {}
    for ml_id, group in grouped.items():
        group.sort(key=lambda r: r[2])
        kept = [r for r in group if r[2] > 0 and (top_k_documents == -1 or r[3] == 0 or r[3] <= top_k_documents)]
        if top_k_answers != -1:
            kept = kept[:top_k_answers]
        ems = [r[4] * (r[6] if with_context else 1) for r in kept]
        f1s = [r[5] * (r[6] if with_context else 1) for r in kept]
        values = {
            "query": group[0][1],
            "exact_match": max(ems, default=0.0),
            "f1": max(f1s, default=0.0),
            "exact_match_top_1": ems[0] if ems else 0.0,
            "f1_top_1": f1s[0] if f1s else 0.0,
            "top_n_accuracy": float(any(r[7] for r in kept)),
        }
        if has_sas:
            sas = [r[8] for r in kept if not math.isnan(r[8])]
            values.update(sas=max(sas, default=0.0), sas_top_1=sas[0] if sas else 0.0)
        per_query[ml_id] = values
    columns = ["query", *ANSWER_METRICS, *(("sas", "sas_top_1") if has_sas else ())]
    return pd.DataFrame.from_dict(per_query, orient="index", columns=columns)
