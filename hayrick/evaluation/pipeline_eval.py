"""`evaluate_pipeline`: what `Pipeline.eval` runs. One pass over the labels, one DataFrame per node.

Each label's query goes through the pipeline once (`debug=True`, so every node's own output is
kept). A node whose output has `answers` is judged as a reader, one row per (query, answer); a node
whose output has `documents` (and no answers) as a retriever, one row per (query, document).
Roles come from what nodes output, never from the pipeline's shape. A query for which a node
returned nothing still gets one row with `rank` 0, so every query counts in the metrics.
Document rows are matched against the labels after the last query (`document_columns`): the loop
keeps only the ids, contents and scores of what each document node returned.

With `add_isolated_node_eval=True` every reader-type node also reads the query's gold documents
(the documents of its labels), with the same other inputs; those rows have `eval_mode="isolated"`.

```python
result = pipeline.eval(labels=store.get_all_labels_aggregated(), params={"Retriever": {"top_k": 10}})
result.calculate_metrics(simulated_top_k_retriever=3)["Retriever"]["recall_single_hit"]
```
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from operator import attrgetter
from typing import Any

from hayrick.evaluation.matching import (
    _NONE,
    GoldLabels,
    TextCache,
    _custom_id,
    to_multilabel,
)
from hayrick.evaluation.result import COLUMNS, PER_QUERY, EvaluationResult
from hayrick.schema import Answer, Document, MultiLabel


def evaluate_pipeline(
    pipeline: Any,
    labels: Iterable[MultiLabel | Any],
    params: Mapping[str, Any] | None = None,
    sas_model_name_or_path: str | None = None,
    add_isolated_node_eval: bool = False,
    documents: list[list[Document]] | None = None,
    custom_document_id_field: str | None = None,
    context_matching_min_length: int = 100,
    context_matching_boost_split_overlaps: bool = True,
    context_matching_threshold: float = 65.0,
    batch: bool = False,
    sas_batch_size: int = 32,
    sas_use_gpu: bool = True,
) -> EvaluationResult:
    """Run every label's query through `pipeline` and collect per-node results.

    Args:
        pipeline: a query `Pipeline`.
        labels: MultiLabels (one per query, e.g. `store.get_all_labels_aggregated()`); Labels are wrapped.
        params: as for `Pipeline.run`. A label's `filters` are merged into the global `filters`
            (the label's keys win), for the nodes that accept `filters` (not with `batch`, as in Haystack).
        sas_model_name_or_path: a model for semantic answer similarity of reader answers (column `sas`).
        add_isolated_node_eval: also run each reader-type node on the gold documents.
        documents: per label, the documents to run its query on (a pipeline whose first node reads documents).
        custom_document_id_field: compare documents by this meta field instead of their ids (gold
            documents must have it).
        context_matching_min_length, context_matching_boost_split_overlaps, context_matching_threshold:
            how a text is judged to be a gold document's text (see `hayrick.evaluation.context_matching`);
            computed when first needed (a context scope, `result[node]`, `save`).
        batch: run all queries with one `run_batch` call (`Pipeline.eval_batch`).

    Returns:
        An `EvaluationResult` with one DataFrame per judged node.
    """
    multilabels = [to_multilabel(label) for label in labels]
    if not multilabels:
        raise ValueError("Pipeline.eval needs at least one label; got none (is the label index empty?).")
    if documents is not None and len(documents) != len(multilabels):
        raise ValueError(
            f"Pipeline.eval: documents has {len(documents)} entries for {len(multilabels)} labels; give one list of "
            "documents per label, in the same order."
        )
    params = dict(params or {})
    field = custom_document_id_field
    columns: dict[str, dict[str, list]] = {}
    kinds: dict[str, str] = {}
    # per document node, what it returned for each query; matched against the labels after the last query
    retrieved: dict[str, list[tuple[str, str, MultiLabel, list[str], list[Any], list[float | None], list[str]]]] = {}
    for ml_id, multilabel, info_of in _runs(pipeline, multilabels, params, documents, batch, add_isolated_node_eval):
        query = multilabel.query
        for node, info in info_of.items():
            output = info["output"]
            if isinstance(output.get("answers"), list):
                kinds[node] = "answer"
                gold = GoldLabels.of(multilabel, field)
                target = columns.get(node) or columns.setdefault(node, {name: [] for name in COLUMNS["answer"]})
                common = {"multilabel_id": ml_id, "query": query, "node": node, "filters": multilabel.filters}
                _extend(target, answer_rows(output["answers"], gold, {**common, "eval_mode": "integrated"},
                                            info["input"].get("documents"), field))  # fmt: skip
                if add_isolated_node_eval:
                    call = {**info["input"], "documents": gold_documents(multilabel)}
                    isolated, _ = pipeline.get_node(node).run(**call)
                    _extend(
                        target,
                        answer_rows(isolated.get("answers") or [], gold, {**common, "eval_mode": "isolated"}, None, field),
                    )
            elif isinstance(output.get("documents"), list):
                kinds[node] = "document"
                docs = output["documents"]
                runs = retrieved.get(node) or retrieved.setdefault(node, [])
                # ids, contents and scores only: keeping thousands of Documents alive would cost more in garbage
                # collection than the matching itself
                custom = [_custom_id(d, field) for d in docs] if field else None
                runs.append((ml_id, query, multilabel, list(map(_ID, docs)), list(map(_CONTENT, docs)),
                             list(map(_SCORE, docs)), custom))  # fmt: skip
    for node, runs in retrieved.items():
        columns[node] = document_columns(runs, node, field)
    if sas_model_name_or_path is not None:
        for node, kind in kinds.items():
            if kind == "answer":
                add_sas(columns[node], sas_model_name_or_path, sas_batch_size, sas_use_gpu)
    settings = {
        "min_length": context_matching_min_length,
        "boost_split_overlaps": context_matching_boost_split_overlaps,
        "threshold": context_matching_threshold,
    }
    # in execution order
    return EvaluationResult.from_columns({node: columns[node] for node in kinds}, kinds, context_matching=settings)


def _runs(
    pipeline: Any,
    multilabels: list[MultiLabel],
    params: dict[str, Any],
    documents: list[list[Document]] | None,
    batch: bool,
    add_isolated_node_eval: bool = False,
) -> Iterator[tuple[str, MultiLabel, dict[str, Any]]]:
    """Per query: its id, its MultiLabel and `{node: {"input": ..., "output": ...}}` of the nodes that ran.

    In batch mode, `add_isolated_node_eval` also goes to the nodes whose `run_batch` takes it, as in
    Haystack 1.x (the isolated runs themselves are made here, for every answer node).
    """
    ids = _unique_ids(multilabels)
    if batch:
        if add_isolated_node_eval and _accepted_by_a_node(pipeline, "add_isolated_node_eval", batch=True):
            params = {**params, "add_isolated_node_eval": True}
        result = pipeline.run_batch(queries=[m.query for m in multilabels], labels=multilabels, documents=documents,
                                    params=params or None, debug=True)  # fmt: skip
        debug = result.get("_debug") or {}
        for i, (ml_id, multilabel) in enumerate(zip(ids, multilabels)):
            yield ml_id, multilabel, {node: _query_of_batch(info, i) for node, info in debug.items()}
        return
    accepts_filters = _accepted_by_a_node(pipeline, "filters", batch=False)
    for i, (ml_id, multilabel) in enumerate(zip(ids, multilabels)):
        run_params = params
        filters = multilabel.filters
        if filters and accepts_filters and documents is None:
            run_params = {**params, "filters": {**(params.get("filters") or {}), **filters}}
        docs = None if documents is None else documents[i]
        result = pipeline.run(query=multilabel.query, labels=multilabel, documents=docs, params=run_params or None,
                              debug=True)  # fmt: skip
        yield ml_id, multilabel, result.get("_debug") or {}


def _accepted_by_a_node(pipeline: Any, name: str, batch: bool) -> bool:
    """Whether a global param `name` reaches some node of `pipeline` (the rule `params` are routed by)."""
    return any(signature.accepts(name) for signature in pipeline._plan(batch).signatures.values())


def _unique_ids(multilabels: list[MultiLabel]) -> list[str]:
    seen: set[str] = set()
    ids = []
    for multilabel in multilabels:
        ml_id = multilabel.id
        if ml_id in seen:  # the same labels twice: keep the queries apart
            ml_id = f"{ml_id}-{len(seen)}"
        seen.add(ml_id)
        ids.append(ml_id)
    return ids


def _query_of_batch(info: dict[str, Any], i: int) -> dict[str, Any]:
    """Query `i`'s part of a node's run_batch debug entry (outputs and inputs hold one list per query)."""

    def pick(values: dict[str, Any]) -> dict[str, Any]:
        picked = dict(values)
        for key in ("answers", "documents"):
            value = values.get(key)
            if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
                picked[key] = value[i] if i < len(value) else []
        if "queries" in values and isinstance(values["queries"], list) and i < len(values["queries"]):
            picked["query"] = values["queries"][i]
            picked.pop("queries")
        return picked

    return {"input": pick(info.get("input") or {}), "output": pick(info.get("output") or {})}


_ID, _CONTENT, _SCORE = attrgetter("id"), attrgetter("content"), attrgetter("score")
_NO_DOCUMENT = ([""], [""], [math.nan])  # the ids, contents and scores of the row of a query that got nothing


def _extend(columns: dict[str, list], rows: list[dict[str, Any]]) -> None:
    for name, values in columns.items():
        values.extend(row[name] for row in rows)


def gold_documents(multilabel: MultiLabel) -> list[Document]:
    """The distinct documents of a MultiLabel's labels, in label order (what an isolated reader reads)."""
    unique: dict[str, Document] = {}
    for label in multilabel.labels:
        unique.setdefault(label.document.id, label.document)
    return list(unique.values())


def document_columns(
    runs: list[tuple[str, str, MultiLabel, list[str], list[Any], list[float | None], list[str] | None]],
    node: str,
    custom_document_id_field: str | None = None,
) -> dict[str, Any]:
    """The columns of a document node's frame: one row per retrieved document (rank 1 first), or one
    row with rank 0 for a query that got none.

    Args:
        runs: per query, `(multilabel_id, query, multilabel, ids, contents, scores, custom ids)` of what
            the node returned (custom ids: `meta[custom_document_id_field]`, else None).
        node: the node's name.
        custom_document_id_field: documents match gold labels by this meta field instead of their ids.

    All queries are matched in one pass after the pipeline runs: the documents' texts are
    lower-cased once per distinct id, and the query's own values (id, query, gold ids and answers)
    are stored once and repeated over its rows when the frame is built. Context matches are
    computed later, when first needed (see `EvaluationResult`).
    """
    import numpy as np

    counts = [len(run[3]) for run in runs]
    ids_of = [run[3] or _NO_DOCUMENT[0] for run in runs]
    contents_of = [run[4] or _NO_DOCUMENT[1] for run in runs]
    cache = TextCache()
    all_ids = list(chain.from_iterable(ids_of))
    texts = cache.lower_all(all_ids, chain.from_iterable(contents_of))
    per_query, by_id, by_answer = [], [], []
    start = 0
    for (ml_id, query, multilabel, ids, _, _, custom), n in zip(runs, counts):
        gold = GoldLabels.of(multilabel, custom_document_id_field)
        if n:
            matched = gold.match_texts(ids, texts[start : start + n], cache, False, match_ids=custom)
        else:
            matched = ([_NONE],) * 3
        start += n or 1
        by_id.append(matched[0])
        by_answer.append(matched[1])
        per_query.append(
            (n or 1, ml_id, query, node, "document", "integrated", gold.ids, gold.all_answers, gold.raw_contexts,
             multilabel.filters)
        )
    # rank: 1..n within each query, 0 for the row of a query that got nothing
    sizes = np.array(counts, dtype=np.int64)
    rows = np.maximum(sizes, 1)
    offsets = np.repeat(np.cumsum(rows) - rows, rows)
    rank = np.arange(int(rows.sum()), dtype=np.int64) - offsets + 1
    rank[np.repeat(sizes == 0, rows)] = 0
    columns = {
        PER_QUERY: per_query,
        "rank": rank,
        "document_id": all_ids,
        "content": list(chain.from_iterable(contents_of)),  # made str (tables, ...) when the frame is built
        "score": list(chain.from_iterable(run[5] or _NO_DOCUMENT[2] for run in runs)),
        "gold_id_matches": list(chain.from_iterable(by_id)),
        "answer_matches": list(chain.from_iterable(by_answer)),
    }
    if custom_document_id_field:
        columns["custom_document_id"] = list(chain.from_iterable(run[6] or [""] for run in runs))
    return columns


def answer_rows(
    answers: list[Answer],
    gold: GoldLabels,
    common: dict[str, Any],
    input_documents: list[Document] | None = None,
    custom_document_id_field: str | None = None,
) -> list[dict[str, Any]]:
    """One row per answer (rank 1 first); one row with rank 0 when there are none.

    `document_rank` is the best rank, among the documents the node read, of a document the
    answer came from (0 when unknown); simulated_top_k_retriever filters on it. With
    `custom_document_id_field`, answers name their documents by that meta field (of `answer.meta`,
    or of each entry of `answer.meta["doc_metas"]`). Context matches are computed later, when first
    needed (see `EvaluationResult`).
    """
    doc_rank = {}
    for position, doc in enumerate(input_documents or [], start=1):
        key = getattr(doc, "id", None) if custom_document_id_field is None else _custom_id(doc, custom_document_id_field)
        doc_rank.setdefault(key, position)
    base = {**common, "type": "answer", "gold_answers": gold.all_answers, "gold_document_ids": gold.ids,
            "gold_contexts": gold.raw_contexts, "gold_contexts_similarity": None, "context_match": 0}  # fmt: skip
    rows = []
    for rank, answer in enumerate(answers, start=1):
        text = answer.answer or ""
        if custom_document_id_field is None:
            ids = list(answer.document_ids or [])
        else:
            metas = (answer.meta or {}).get("doc_metas") or [answer.meta or {}]
            ids = [str(m.get(custom_document_id_field, "")) for m in metas]
        em, f1 = gold.answer_scores(text)
        doc_em, doc_f1 = gold.answer_scores(text, ids)
        ranks = [doc_rank[i] for i in ids if i in doc_rank]
        rows.append(
            {
                **base,
                "rank": rank,
                "answer": text,
                "score": math.nan if answer.score is None else answer.score,
                "context": answer.context or "",
                "document_ids": ids,
                "offsets_in_document": [[s.start, s.end] for s in answer.offsets_in_document or []],
                "document_rank": min(ranks) if ranks else 0,
                "exact_match": em,
                "f1": f1,
                "doc_exact_match": doc_em,
                "doc_f1": doc_f1,
                "gold_id_match": int(any(i in gold.ids for i in ids) or (gold.no_answer and not gold.ids)),
                "span_match": int(gold.span_overlap(answer)),
                "sas": math.nan,
            }
        )
    if not rows:
        rows.append({
            **base, "rank": 0, "answer": "", "score": math.nan, "context": "", "document_ids": [],
            "offsets_in_document": [], "document_rank": 0, "exact_match": 0.0, "f1": 0.0, "doc_exact_match": 0.0,
            "doc_f1": 0.0, "gold_id_match": 0, "span_match": 0, "sas": math.nan,
        })  # fmt: skip
    return rows


def add_sas(columns: dict[str, list], model: str, batch_size: int = 32, use_gpu: bool = True) -> None:
    """Fill the `sas` column of answer rows: each answer's best similarity to its query's gold answers."""
    from hayrick.evaluation.sas import semantic_answer_similarity

    answered = [i for i, rank in enumerate(columns["rank"]) if rank > 0]
    if not answered:
        return
    _, _, matrices = semantic_answer_similarity(
        [[columns["answer"][i]] for i in answered], [columns["gold_answers"][i] for i in answered], model, batch_size
    )
    for i, matrix in zip(answered, matrices):
        columns["sas"][i] = max(matrix[0]) if matrix and matrix[0] else 0.0
