"""`EvalAnswers`: a node that scores a reader's answers (EM, F1, optionally SAS) query by query.

The book's workflow (Haystack 1.x `haystack.eval.EvalAnswers`):

```python
eval_reader = EvalAnswers(skip_incorrect_retrieval=False)
pipe = Pipeline()
pipe.add_node(component=reader, name="QAReader", inputs=["Query"])
pipe.add_node(component=eval_reader, name="EvalReader", inputs=["QAReader"])
for l in labels_agg:
    docs = store.get_all_documents(filters={"question_id": [l.meta["question_id"]]})
    pipe.run(query=l.query, documents=docs, labels=l)
print(eval_reader.top_1_em, eval_reader.top_1_f1)
```

Behind `EvalDocuments` (retriever -> EvalDocuments -> reader -> EvalAnswers) it reads the
`correct_retrieval` flag that `EvalDocuments` adds, and by default skips queries whose retrieval
failed, so its figures describe the reader on the queries it could answer.
"""

from __future__ import annotations

from typing import Any

from hayrick._checks import check_bool
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError
from hayrick.evaluation.matching import GoldLabels, to_multilabel
from hayrick.schema import Answer


class EvalAnswers(BaseComponent):
    """Accumulates top-1 and top-k EM and F1 (and SAS) of the answers passing through it.

    A query's answers are scored with the official SQuAD EM and F1 against its gold answer
    texts, best over the gold answers. `top_1_*` looks at the first answer, `top_k_*` at the
    best of all answers received. With `open_domain=True` an answer counts when its text
    matches any gold answer; with `open_domain=False` only gold answers of the document the
    answer came from (`answer.document_ids`) count. Queries whose labels are all no-answers are
    counted apart: `top_1_no_answer` is the share of them where the first answer is "" (no answer).
    A query with no answers at all scores 0.

    Attributes (updated after every query):
        query_count, correct_retrieval_count, has_answer_count, no_answer_count, skipped_count: counts
            (`correct_retrieval_count` is the number of queries evaluated, i.e. not skipped).
        top_1_em, top_k_em, top_1_f1, top_k_f1: means over the answerable queries evaluated.
        top_1_no_answer: share of no-answer queries whose first answer is "".
        top_1_sas, top_k_sas: semantic answer similarity (only with `sas_model`).
        log: per query, what was judged (only with `debug=True`).

    Args:
        skip_incorrect_retrieval: skip queries for which an `EvalDocuments` upstream found no
            relevant document (`correct_retrieval=False`).
        open_domain: whether an answer may match a gold answer of any document (True) or
            only of its own document (False).
        sas_model: a cross-encoder or sentence-embedding model (name or local folder) for SAS;
            loaded on first use; needs sentence-transformers.
        debug: keep a record of each query in `log`.

    Example:
        >>> eval_reader = EvalAnswers(skip_incorrect_retrieval=False)
        >>> eval_reader.run(labels=multilabel, answers=reader.predict(query, docs)["answers"])
        >>> eval_reader.top_1_em, eval_reader.top_1_f1
    """

    outgoing_edges = 1

    def __init__(
        self,
        skip_incorrect_retrieval: bool = True,
        open_domain: bool = True,
        sas_model: str | None = None,
        debug: bool = False,
    ):
        for name, value in (
            ("skip_incorrect_retrieval", skip_incorrect_retrieval),
            ("open_domain", open_domain),
            ("debug", debug),
        ):
            check_bool(value, name, owner="EvalAnswers")
        if sas_model is not None and (not isinstance(sas_model, str) or not sas_model):
            raise ComponentError(
                f"EvalAnswers: sas_model must be a model name or folder path (str) or None, got {sas_model!r}."
            )
        self.skip_incorrect_retrieval = skip_incorrect_retrieval
        self.open_domain = open_domain
        self.sas_model = sas_model
        self.debug = debug
        self.init_counts()

    def init_counts(self) -> None:
        """Reset every count and metric (start a new evaluation with the same node)."""
        self.query_count = 0
        self.skipped_count = 0
        self.correct_retrieval_count = 0
        self.has_answer_count = 0
        self.no_answer_count = 0
        self.top_1_em_count = 0.0
        self.top_k_em_count = 0.0
        self.top_1_f1_sum = 0.0
        self.top_k_f1_sum = 0.0
        self.top_1_no_answer_count = 0
        self.top_1_em = 0.0
        self.top_k_em = 0.0
        self.top_1_f1 = 0.0
        self.top_k_f1 = 0.0
        self.top_1_no_answer = 0.0
        if self.sas_model is not None:
            self.top_1_sas_sum = 0.0
            self.top_k_sas_sum = 0.0
            self.top_1_sas = 0.0
            self.top_k_sas = 0.0
        self.log: list[dict[str, Any]] = []

    reset = init_counts

    def evaluate(self, labels: Any, answers: list[Answer], correct_retrieval: bool | None = None) -> dict[str, Any]:
        """Score one query's answers against its labels and update the counts."""
        multilabel = to_multilabel(labels, self.name)
        self.query_count += 1
        if self.skip_incorrect_retrieval and correct_retrieval is False:
            self.skipped_count += 1
            return {"skipped": True}
        self.correct_retrieval_count += 1
        gold = GoldLabels(multilabel)
        predictions = [a.answer or "" for a in answers or []]
        if multilabel.no_answer:
            self.no_answer_count += 1
            top_1_no_answer = bool(predictions) and predictions[0].strip() == ""
            self.top_1_no_answer_count += int(top_1_no_answer)
            self.top_1_no_answer = self.top_1_no_answer_count / self.no_answer_count
            verdict: dict[str, Any] = {"top_1_no_answer": top_1_no_answer}
        else:
            self.has_answer_count += 1
            scores = [
                gold.answer_scores(p, None if self.open_domain else (a.document_ids or []))
                for p, a in zip(predictions, answers or [])
            ]
            top_1_em, top_1_f1 = scores[0] if scores else (0.0, 0.0)
            top_k_em = max((em for em, _ in scores), default=0.0)
            top_k_f1 = max((f1 for _, f1 in scores), default=0.0)
            self.top_1_em_count += top_1_em
            self.top_k_em_count += top_k_em
            self.top_1_f1_sum += top_1_f1
            self.top_k_f1_sum += top_k_f1
            n = self.has_answer_count
            self.top_1_em, self.top_k_em = self.top_1_em_count / n, self.top_k_em_count / n
            self.top_1_f1, self.top_k_f1 = self.top_1_f1_sum / n, self.top_k_f1_sum / n
            verdict = {"top_1_em": top_1_em, "top_1_f1": top_1_f1, "top_k_em": top_k_em, "top_k_f1": top_k_f1}
            if self.sas_model is not None:
                from hayrick.evaluation.sas import semantic_answer_similarity

                top_1, top_k, _ = semantic_answer_similarity([predictions], [multilabel.answers], self.sas_model)
                self.top_1_sas_sum += top_1[0]
                self.top_k_sas_sum += top_k[0]
                self.top_1_sas, self.top_k_sas = self.top_1_sas_sum / n, self.top_k_sas_sum / n
                verdict.update(top_1_sas=top_1[0], top_k_sas=top_k[0])
        if self.debug:
            self.log.append(
                {"query": multilabel.query, "predictions": predictions, "gold": multilabel.answers, **verdict}
            )
        return verdict

    def run(  # type: ignore[override]
        self, labels: Any, answers: list[Answer], correct_retrieval: bool | None = None
    ) -> tuple[dict, str]:
        """Score `answers` against `labels` (a MultiLabel); the answers flow on unchanged."""
        self.evaluate(labels, answers, correct_retrieval)
        return {}, "output_1"

    def pipeline_metrics(self) -> dict[str, float]:
        """Top-1/top-k EM and F1 over every query, no-answer queries included (Haystack's "Pipeline" view)."""
        n = self.query_count or 1
        return {
            "top_1_em": (self.top_1_em_count + self.top_1_no_answer_count) / n,
            "top_k_em": (self.top_k_em_count + self.no_answer_count) / n,
            "top_1_f1": (self.top_1_f1_sum + self.top_1_no_answer_count) / n,
            "top_k_f1": (self.top_k_f1_sum + self.no_answer_count) / n,
        }

    def report(self, mode: str = "reader") -> str:
        """The figures as readable text: `mode="reader"` (answerable queries evaluated) or "pipeline" (all)."""
        if mode not in ("reader", "pipeline"):
            raise ValueError(f"mode must be 'reader' or 'pipeline', got {mode!r}.")
        title = self.name or type(self).__name__
        if mode == "pipeline":
            m = self.pipeline_metrics()
            lines = [f"{title} (pipeline)", "-----------------", f"queries: {self.query_count}"]
            names = {"top_1_em": "top 1 EM", "top_k_em": "top k EM", "top_1_f1": "top 1 F1", "top_k_f1": "top k F1"}
            lines += [f"{names[key]}: {value:.4f}" for key, value in m.items()]
            if self.no_answer_count:
                lines.append("(top k figures count every no-answer query as correct)")
            return "\n".join(lines)
        lines = [
            f"{title} (reader)",
            "-----------------",
            f"queries: {self.query_count} ({self.skipped_count} skipped after an incorrect retrieval)",
            f"has answer queries: {self.has_answer_count}",
            f"top 1 EM: {self.top_1_em:.4f}",
            f"top k EM: {self.top_k_em:.4f}",
            f"top 1 F1: {self.top_1_f1:.4f}",
            f"top k F1: {self.top_k_f1:.4f}",
        ]
        if self.sas_model is not None:
            lines += [f"top 1 SAS: {self.top_1_sas:.4f}", f"top k SAS: {self.top_k_sas:.4f}"]
        if self.no_answer_count:
            lines += [
                f"no_answer queries: {self.no_answer_count}",
                f"top 1 no_answer accuracy: {self.top_1_no_answer:.4f}",
            ]
        return "\n".join(lines)

    def print(self, mode: str = "reader") -> None:
        """Print the figures so far (see `report`)."""
        print(self.report(mode))
