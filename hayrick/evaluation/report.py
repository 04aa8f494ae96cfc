"""Evaluation results as readable text: the report of `EvaluationResult.print_eval_report` and metric tables.

```python
from hayrick.evaluation.report import format_metrics_table, print_eval_report

print_eval_report(result, n_wrong_examples=3)
print(format_metrics_table(result, top_ks=[1, 5, 10]))
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _shorten(text: Any, width: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def format_eval_report(
    result: Any, n_wrong_examples: int = 3, metrics_filter: Mapping[str, list[str]] | None = None
) -> str:
    """Each node's metrics (integrated, and isolated where present) and its worst queries, as text."""
    lines = ["=" * 72, "Evaluation report", "=" * 72]
    integrated = result.calculate_metrics()
    isolated_nodes = [
        n for n, df in result.items() if result.kind(n) == "answer" and (df["eval_mode"] == "isolated").any()
    ]
    isolated = result.calculate_metrics(eval_mode="isolated") if isolated_nodes else {}
    for node, df in result.items():
        kind = result.kind(node)
        role = "retriever" if kind == "document" else "reader"
        lines.append(f"\n{node} ({role}-type node, {df['multilabel_id'].nunique()} queries)")
        wanted = (metrics_filter or {}).get(node)
        for mode, values in (("integrated", integrated.get(node)), ("isolated", isolated.get(node))):
            if not values or (mode == "isolated" and node not in isolated_nodes):
                continue
            shown = {m: v for m, v in values.items() if wanted is None or m in wanted}
            lines.append(f"  {mode:<10}  " + "  ".join(f"{m}={v:.4f}" for m, v in shown.items()))
        examples = result.wrong_examples(node, n=n_wrong_examples) if n_wrong_examples else []
        if examples:
            lines.append(f"  worst {len(examples)} queries:")
        for example in examples:
            lines.append(f"  - {_shorten(example['query'])!r}  gold: {_shorten(example['gold_answers'][:3], 60)}")
            for item in (example.get("answers") or example.get("documents") or [])[:3]:
                if "answer" in item:
                    text = _shorten(item["answer"], 60)
                    lines.append(f"      {item['rank']}. {text!r}  EM={item['exact_match']:.0f} F1={item['f1']:.2f}")
                else:
                    mark = "+" if item["gold_id_match"] or item["answer_match"] else "-"
                    lines.append(f"      {item['rank']}. [{mark}] {_shorten(item['content'], 70)!r}")
    return "\n".join(lines)


def print_eval_report(
    result: Any, n_wrong_examples: int = 3, metrics_filter: Mapping[str, list[str]] | None = None
) -> None:
    """Print `format_eval_report` (Haystack 1.x's `pipeline.print_eval_report(eval_result)`)."""
    print(format_eval_report(result, n_wrong_examples, metrics_filter))


def format_metrics_table(result: Any, top_ks: Sequence[int] = (-1,), isolated: bool = False) -> str:
    """A plain-text table: one block per node, one row per simulated retriever top_k (-1: as run)."""
    lines: list[str] = []
    modes = ["integrated", "isolated"] if isolated else ["integrated"]
    for node in result:
        kind = result.kind(node)
        for mode in modes:
            if mode == "isolated" and kind == "document":
                continue
            rows = []
            for k in top_ks:
                metrics = result.calculate_metrics(simulated_top_k_retriever=k, eval_mode=mode)[node]
                rows.append(("all" if k == -1 else str(k), metrics))
            names = list(rows[0][1])
            title = f"{node} ({'retriever' if kind == 'document' else 'reader'}-type{', ' + mode if isolated else ''})"
            lines.append(title)
            header = f"  {'top_k':>6}  " + "  ".join(f"{n:>17}" for n in names)
            lines.append(header)
            for label, metrics in rows:
                lines.append(f"  {label:>6}  " + "  ".join(f"{metrics[n]:>17.4f}" for n in names))
            lines.append("")
    return "\n".join(lines).rstrip()
