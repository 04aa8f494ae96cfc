"""Matching predictions against gold labels: which labels a retrieved document or an answer matches.

Shared by the eval nodes and `Pipeline.eval`, so both judge the same way:
- a document matches a gold label by **id** (`label.document.id == document.id`), by **answer**
  (the label's answer text occurs in the document, ignoring case) or by **context** (the label's
  document text, whitespace collapsed, occurs in the document's text);
- an answer is scored with SQuAD EM/F1 against the gold answer texts ("" for no-answer labels),
  over all labels (open domain) or only the labels of the document it came from.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hayrick.evaluation.metrics import exact_match, f1_score, max_over_gold
from hayrick.schema import Answer, Document, Label, MultiLabel


def to_multilabel(labels: Any, node_name: str | None = None) -> MultiLabel:
    """`labels` as one MultiLabel: a MultiLabel, a Label, a list of Labels, or `{node_name: labels}`.

    Raises:
        TypeError: `labels` is none of these.
    """
    if isinstance(labels, Mapping) and not isinstance(labels, (Label, MultiLabel)):
        if node_name in labels:
            labels = labels[node_name]
        elif len(labels) == 1:
            labels = next(iter(labels.values()))
        else:
            raise TypeError(
                f"labels is a dict without an entry for node {node_name!r} (keys: {', '.join(map(str, labels))}); "
                "pass a MultiLabel, or a dict keyed by node name."
            )
    if isinstance(labels, MultiLabel):
        return labels
    if isinstance(labels, Label):
        return MultiLabel(labels=[labels])
    if isinstance(labels, (list, tuple)) and labels and all(isinstance(x, Label) for x in labels):
        return MultiLabel(labels=list(labels))
    if isinstance(labels, (list, tuple)) and len(labels) == 1 and isinstance(labels[0], MultiLabel):
        return labels[0]
    raise TypeError(
        f"labels must be a MultiLabel (one per query, e.g. from store.get_all_labels_aggregated()), a Label "
        f"or a list of Labels; got {type(labels).__name__}. Pass it as pipeline.run(query=..., labels=multilabel)."
    )


def answered_labels(multilabel: MultiLabel) -> list[Label]:
    """The labels of `multilabel` that have an answer (no-answer labels left out)."""
    return [label for label in multilabel.labels if not label.no_answer and label.answer is not None]


def collapse(text: str) -> str:
    """Lower case with whitespace collapsed: the form in which contexts are compared."""
    return " ".join(text.lower().split())


class TextCache:
    """Lower-cased and collapsed texts of documents by id, computed once per evaluation run.

    Evaluation sees the same documents again and again (every query retrieves some); caching
    their normalised text keeps `Pipeline.eval` close to the cost of plain runs.
    """

    __slots__ = ("_collapsed", "lowered")

    def __init__(self) -> None:
        self.lowered: dict[str, str] = {}
        self._collapsed: dict[str, str] = {}

    def lower(self, document: Document) -> str:
        text = self.lowered.get(document.id)
        if text is None:
            text = self.lowered[document.id] = str(document.content).lower()
        return text

    def collapsed(self, document: Document) -> str:
        text = self._collapsed.get(document.id)
        if text is None:
            text = self._collapsed[document.id] = " ".join(self.lower(document).split())
        return text


_NONE: list[int] = []  # shared by rows that match nothing; never mutated


class GoldLabels:
    """The gold side of one query, prepared once for matching many documents and answers.

    Attributes:
        labels: the answered labels (no-answer labels left out); indices below refer to them.
        ids: per answered label, its document id.
        answers: per answered label, its answer text.
        all_answers: `multilabel.answers` ([""] for a no-answer query).
        no_answer: whether every label is a no-answer (`multilabel.no_answer`).
    """

    __slots__ = (
        "_by_answer",
        "_by_id",
        "_cache",
        "_collapsed",
        "_contexts",
        "_plan",
        "_spans",
        "all_answers",
        "answers",
        "ids",
        "labels",
        "no_answer",
    )  # fmt: skip

    def __init__(self, multilabel: MultiLabel, cache: TextCache | None = None):
        self._cache = cache
        self.labels = answered_labels(multilabel)
        self.ids, self.answers = [], []
        self._by_id: dict[str, list[int]] = {}
        self._by_answer: dict[str, list[int]] = {}
        for i, label in enumerate(self.labels):
            gold_id, answer = label.document.id, label.answer.answer  # type: ignore[union-attr]
            self.ids.append(gold_id)
            self.answers.append(answer)
            self._by_id.setdefault(gold_id, []).append(i)
            self._by_answer.setdefault(answer.lower(), []).append(i)
        self.all_answers = self.answers or [""]
        self.no_answer = not self.labels
        self._contexts: list[tuple[str, str, str, list[int]]] | None = None
        self._collapsed: list[str] | None = None
        self._plan: list[tuple[str, list[int], int | None]] | None = None
        self._spans: list[tuple[str, list[tuple[int, int]]]] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def contexts(self) -> list[str]:
        """Per answered label, its document text (lower case, whitespace collapsed)."""
        return self._contexts_with(self._cache)

    def _contexts_with(self, cache: TextCache | None) -> list[str]:
        if self._collapsed is None:
            if cache is None:
                self._collapsed = [collapse(str(label.document.content)) for label in self.labels]
            else:  # gold paragraphs shared by several queries are collapsed once per evaluation run
                self._collapsed = [cache.collapsed(label.document) for label in self.labels]
        return self._collapsed

    @classmethod
    def of(cls, multilabel: MultiLabel) -> GoldLabels:
        """The GoldLabels of `multilabel`, made once and kept on it: everything here depends on its
        labels alone (setting `multilabel.labels` drops it), so evaluating the same labels again
        (another retriever, another top_k) does not prepare them again."""
        gold = multilabel.__dict__.get("_gold_labels")
        if gold is None:
            gold = multilabel.__dict__["_gold_labels"] = cls(multilabel)
        return gold

    @property
    def spans(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Per answered label, its document id and answer spans in that document."""
        if self._spans is None:
            self._spans = [
                (label.document.id, [(s.start, s.end) for s in label.answer.offsets_in_document or []])  # type: ignore[union-attr]
                for label in self.labels
            ]
        return self._spans

    def _context_entries(self, cache: TextCache | None = None) -> list[tuple[str, str, str, list[int]]]:
        """Per distinct gold document: its id, collapsed text, anchor word and label indices."""
        if self._contexts is None:
            seen: dict[str, str] = {}
            for label, text in zip(self.labels, self._contexts_with(cache)):
                seen.setdefault(label.document.id, text)
            self._contexts = [
                (gold_id, text, max(text.split(None, 12)[:12], key=len, default=""), self._by_id[gold_id])
                for gold_id, text in seen.items()
            ]
        return self._contexts

    def _answer_plan(self) -> list[tuple[str, list[int], int | None]]:
        """Distinct answers (lower case) shortest first, each with its label indices and the position
        in the plan of the shortest earlier answer it contains (None when it contains none)."""
        if self._plan is None:
            if len(self._by_answer) == 1:  # the common case: one distinct answer
                ((text, idxs),) = self._by_answer.items()
                self._plan = [(text, idxs, None)]
                return self._plan
            items = sorted(self._by_answer.items(), key=lambda item: len(item[0]))
            self._plan = [
                (text, idxs, next((j for j in range(i) if items[j][0] in text), None))
                for i, (text, idxs) in enumerate(items)
            ]
        return self._plan

    def match_document(self, document: Document, with_context: bool = True) -> tuple[list[int], list[int], list[int]]:
        """Indices of the gold labels that `document` matches by id, by answer text, and by context."""
        by_id, by_answer, by_context = self.match_documents([document], with_context)
        return list(by_id[0]), list(by_answer[0]), list(by_context[0])

    def match_documents(
        self,
        documents: list[Document],
        with_context: bool = True,
        ids: list[str] | None = None,
        cache: TextCache | None = None,
    ) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
        """Per document, the (sorted) indices of the gold labels it matches by id, by answer text and by context.

        The documents' lower-cased texts are joined into one NUL-separated string, so each gold answer
        (and each gold context's anchor word) is searched once over all documents rather than once
        per document. `cache` (else the one given at construction, else a new one) keeps the
        documents' normalised texts between calls. The lists returned may be shared between
        documents: read them, don't change them.
        """
        cache = cache or self._cache or TextCache()
        lowered_of = cache.lowered
        ids = ids if ids is not None else [doc.id for doc in documents]
        texts = [lowered_of.get(doc_id) or cache.lower(doc) for doc_id, doc in zip(ids, documents)]
        n = len(texts)
        by_id = list(map(self._by_id.get, ids, itertools.repeat(_NONE, n)))
        joined = "\0".join(texts)
        by_answer = [_NONE] * n
        plan = self._plan if self._plan is not None else self._answer_plan()
        found: list[list[int]] = []  # per answer of the plan, the documents that contain it
        for text, idxs, within in plan:
            # an answer that contains a shorter one can only be where that one is: test just those texts
            hits = _containing(joined, texts, text) if within is None else [d for d in found[within] if text in texts[d]]
            found.append(hits)
            for d in hits:
                by_answer[d] = idxs if by_answer[d] is _NONE else sorted(by_answer[d] + idxs)
        if not with_context:
            return by_id, by_answer, [_NONE] * n
        by_context = [_NONE] * n
        collapsed = cache.collapsed
        for _, gold_text, anchor, idxs in self._contexts or self._context_entries(cache):
            # Same id (its `by_id` entry is this very list): same text. Otherwise the text must contain
            # the gold context's anchor word (one search over all texts), be at least as long as its
            # collapsed form, and then contain it once collapsed.
            size = len(gold_text)
            candidates = _containing(joined, texts, anchor) if anchor else range(n)
            same = [d for d, matched in enumerate(by_id) if matched is idxs]
            if same:
                candidates = sorted(set(candidates).union(same))
            for d in candidates:
                if by_id[d] is idxs or (len(texts[d]) >= size and gold_text in collapsed(documents[d])):
                    by_context[d] = idxs if by_context[d] is _NONE else sorted(by_context[d] + idxs)
        return by_id, by_answer, by_context

    def answer_scores(self, prediction: str, document_ids: Sequence[str] | None = None) -> tuple[float, float]:
        """(EM, F1) of `prediction` against the gold answers; only labels of `document_ids` if given."""
        if document_ids is None:
            golds: Iterable[str] = self.all_answers
        else:
            wanted = set(document_ids)
            golds = [a for a, gold_id in zip(self.answers, self.ids) if gold_id in wanted]
            if self.no_answer:
                golds = [""]
        golds = list(golds)
        return max_over_gold(exact_match, prediction, golds), max_over_gold(f1_score, prediction, golds)

    def span_overlap(self, answer: Answer) -> bool:
        """Whether the answer's offsets overlap a gold answer span in the same document.

        Falls back to exact match where the answer or the gold labels carry no offsets.
        """
        offsets = answer.offsets_in_document or []
        ids = answer.document_ids or []
        if not offsets or not ids or not any(spans for _, spans in self.spans):
            return bool(max_over_gold(exact_match, answer.answer, self.all_answers))
        for gold_id, spans in self.spans:
            if gold_id not in ids:
                continue
            for start, end in spans:
                if any(o.start < end and start < o.end for o in offsets):
                    return True
        return False


def _containing(joined: str, texts: list[str], needle: str) -> list[int]:
    """Indices of the `texts` (joined by NUL characters in `joined`) that contain `needle`, in order.

    One search over all texts instead of one per text."""
    if not texts:
        return []
    if "\0" in needle:  # could span two texts in the joined string: test each text
        return [d for d, text in enumerate(texts) if needle in text]
    found = []
    position = joined.find(needle)
    while position != -1:
        found.append(joined.count("\0", 0, position))  # the text a hit is in: the separators before it
        end = joined.find("\0", position + len(needle))  # go on from the next text
        if end == -1:
            break
        position = joined.find(needle, end + 1)
    return found
