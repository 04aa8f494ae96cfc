"""Matching predictions against gold labels: which labels a retrieved document or an answer matches.

Shared by the eval nodes and `Pipeline.eval`, so both judge the same way:
- a document matches a gold label by **id** (`label.document.id == document.id`), by **answer**
  (the label's answer text occurs in the document, ignoring case) or by **context** (the label's
  document text, whitespace collapsed, occurs in the document's text);
- an answer is scored with SQuAD EM/F1 against the gold answer texts ("" for no-answer labels),
  over all labels (open domain) or only the labels of the document it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, repeat
from operator import contains
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


#: The id of an empty document: a label on one names no gold document (Haystack 1.x leaves it out too).
EMPTY_DOCUMENT_ID = Document("").id


def gold_document_labels(multilabel: MultiLabel, id_field: str | None = None) -> list[Label]:
    """The labels whose document is a gold document: those with an answer, and (as in Haystack 1.x)
    document-search labels, which have no answer at all (`answer=None`). No-answer labels (an empty
    answer) are left out, and so are labels on an empty document (unless `id_field` names it)."""
    return [
        label
        for label in multilabel.labels
        if (label.answer is None or not label.no_answer) and (id_field is not None or label.document.id != EMPTY_DOCUMENT_ID)
    ]


def _custom_id(document: Document, field: str, strict: bool = False) -> str:
    """`document.meta[field]` as a str: the id `custom_document_id_field` compares ("" when missing, or
    with `strict` a KeyError naming the field)."""
    if field in document.meta:
        return str(document.meta[field])
    if strict:
        raise KeyError(
            f"custom_document_id_field={field!r}: gold document {document.id} has no meta[{field!r}]; give every "
            "label's document that meta field, or leave custom_document_id_field out."
        )
    return ""


def collapse(text: str) -> str:
    """Lower case with whitespace collapsed: the form in which contexts are compared."""
    return " ".join(text.lower().split())


class TextCache:
    """Lower-cased and collapsed texts of documents by id, computed once per evaluation run.

    Evaluation sees the same documents again and again (every query retrieves some); caching
    their normalised text keeps `Pipeline.eval` close to the cost of plain runs. Texts are keyed
    by document id: within one run, one id stands for one text (as it does in a document store).
    """

    __slots__ = ("_collapsed", "lowered")

    def __init__(self) -> None:
        self.lowered: dict[str, str] = {}
        self._collapsed: dict[str, str] = {}

    def lower_all(self, ids: Sequence[str], contents: Iterable[Any]) -> list[str]:
        """The lower-cased text of each document (`contents[i]` is that of `ids[i]`), in order."""
        lowered = self.lowered
        unseen = dict(zip(ids, contents))
        for doc_id in unseen.keys() - lowered.keys():
            lowered[doc_id] = str(unseen[doc_id]).lower()
        return list(map(lowered.__getitem__, ids))

    def collapsed(self, doc_id: str, content: Any) -> str:
        """The text of document `doc_id` (whose content is `content`) lower-cased, whitespace collapsed."""
        text = self._collapsed.get(doc_id)
        if text is None:
            lowered = self.lowered.get(doc_id)
            if lowered is None:
                lowered = self.lowered[doc_id] = str(content).lower()
            text = self._collapsed[doc_id] = " ".join(lowered.split())
        return text


_NONE: list[int] = []  # shared by rows that match nothing; never mutated


class GoldLabels:
    """The gold side of one query, prepared once for matching many documents and answers.

    Attributes:
        labels: the gold-document labels (`gold_document_labels`); indices below refer to them.
        ids: per label, its document id (or, with `id_field`, the document's `meta[id_field]`).
        answers: per label, its answer text (None for a document-search label).
        all_answers: the answer texts ([""] for a no-answer query).
        no_answer: whether there are no gold labels (every label is a no-answer).
    """

    __slots__ = (
        "_by_answer",
        "_by_id",
        "_cache",
        "_contexts",
        "_plan",
        "_spans",
        "all_answers",
        "answers",
        "ids",
        "labels",
        "no_answer",
    )  # fmt: skip

    def __init__(self, multilabel: MultiLabel, cache: TextCache | None = None, id_field: str | None = None):
        self._cache = cache
        self.labels = gold_document_labels(multilabel, id_field)
        self.ids, self.answers = [], []
        self._by_id: dict[str, list[int]] = {}
        self._by_answer: dict[str, list[int]] = {}
        for i, label in enumerate(self.labels):
            gold_id = label.document.id if id_field is None else _custom_id(label.document, id_field, strict=True)
            answer = label.answer.answer if label.answer is not None else None
            self.ids.append(gold_id)
            self.answers.append(answer)
            self._by_id.setdefault(gold_id, []).append(i)
            if answer is not None:
                self._by_answer.setdefault(answer.lower(), []).append(i)
        texts = [a for a in self.answers if a is not None]
        self.all_answers = texts if texts or self.labels else [""]
        self.no_answer = not self.labels
        self._contexts: list[tuple[str, str, str, list[int]]] | None = None
        self._plan: list[tuple[str, list[int], int | None]] | None = None
        self._spans: list[tuple[str, list[tuple[int, int]]]] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def contexts(self) -> list[str]:
        """Per answered label, its document text (lower case, whitespace collapsed)."""
        texts = {gold_id: text for gold_id, text, _, _ in self._context_entries()}
        return [texts[gold_id] for gold_id in self.ids]

    @classmethod
    def of(cls, multilabel: MultiLabel, id_field: str | None = None) -> GoldLabels:
        """The GoldLabels of `multilabel`, made once and kept on it: everything here depends on its
        labels alone (setting `multilabel.labels` drops it), so evaluating the same labels again
        (another retriever, another top_k) does not prepare them again."""
        key = "_gold_labels" if id_field is None else f"_gold_labels:{id_field}"
        gold = multilabel.__dict__.get(key)
        if gold is None:
            gold = multilabel.__dict__[key] = cls(multilabel, id_field=id_field)
        return gold

    @property
    def raw_contexts(self) -> list[str]:
        """Per label, its document's text as it is (Haystack's `gold_contexts`)."""
        return [str(label.document.content) for label in self.labels]

    @property
    def spans(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Per answered label, its document id and answer spans in that document."""
        if self._spans is None:
            self._spans = [
                (gold_id, [(s.start, s.end) for s in label.answer.offsets_in_document or []])
                for gold_id, label in zip(self.ids, self.labels)
                if label.answer is not None
            ]
        return self._spans

    def _context_entries(self, cache: TextCache | None = None) -> list[tuple[str, str, str, list[int]]]:
        """Per distinct gold document: its id, collapsed text, anchor and label indices.

        The anchor is the longest space-free piece of the text's first 100 characters: a text that
        contains the gold text must contain it, so one search for it rules most texts out."""
        if self._contexts is None:
            cache = cache or self._cache or TextCache()
            entries = []
            for gold_id, idxs in self._by_id.items():
                text = cache.collapsed(gold_id, self.labels[idxs[0]].document.content)
                entries.append((gold_id, text, max(text[:100].split(" "), key=len), idxs))
            self._contexts = entries
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

        `cache` (else the one given at construction, else a new one) keeps the documents'
        normalised texts between calls. The lists returned may be shared between documents:
        read them, don't change them.
        """
        cache = cache or self._cache or TextCache()
        if ids is None:
            ids = [doc.id for doc in documents]
        texts = cache.lower_all(ids, [doc.content for doc in documents])
        return self.match_texts(ids, texts, cache, with_context)

    def match_texts(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        cache: TextCache,
        with_context: bool = True,
        match_ids: Sequence[str] | None = None,
    ) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
        """`match_documents` for documents given as ids and lower-cased texts (`cache.lower_all`).

        `match_ids` (e.g. `meta[custom_document_id_field]` of each document) are compared with the gold
        ids instead of `ids`, which still key the cached texts.

        Each distinct gold answer is searched once per text, shortest first: an answer that contains
        a shorter gold answer is only searched where that one was found. The common cases (one
        distinct answer, one gold document) run as C-level maps over the texts.
        """
        n = len(ids)
        by_id = list(map(self._by_id.get, ids if match_ids is None else match_ids, repeat(_NONE, n)))
        plan = self._plan if self._plan is not None else self._answer_plan()
        if len(plan) == 1:
            answer, idxs, _ = plan[0]
            by_answer = list(map((_NONE, idxs).__getitem__, map(contains, texts, repeat(answer, n))))
        else:
            by_answer = [_NONE] * n
            found: list[list[int]] = []  # per answer of the plan, the texts that contain it
            for answer, idxs, within in plan:
                if within is None:
                    hits = list(compress(range(n), map(contains, texts, repeat(answer, n))))
                else:
                    hits = [d for d in found[within] if answer in texts[d]]
                found.append(hits)
                for d in hits:
                    by_answer[d] = idxs if by_answer[d] is _NONE else sorted(by_answer[d] + idxs)
        if not with_context:
            return by_id, by_answer, [_NONE] * n
        # A text matches a gold context if it is the gold document's (its `by_id` entry is that very
        # list: one id, one text), or it is at least as long as the collapsed gold text, contains the
        # gold text's anchor word and then, collapsed, the gold text itself.
        entries = self._contexts if self._contexts is not None else self._context_entries(cache)
        collapsed = cache.collapsed
        if len(entries) <= 1:  # one gold document (or none): by_id holds its labels or nothing
            by_context = by_id.copy()
            for _, gold_text, anchor, idxs in entries:
                size = len(gold_text)
                for d, text in enumerate(texts):
                    if len(text) >= size and by_id[d] is _NONE and anchor in text and gold_text in collapsed(ids[d], text):
                        by_context[d] = idxs
            return by_id, by_answer, by_context
        by_context = [_NONE] * n
        for _, gold_text, anchor, idxs in entries:
            size = len(gold_text)
            for d, text in enumerate(texts):
                if by_id[d] is idxs or (len(text) >= size and anchor in text and gold_text in collapsed(ids[d], text)):
                    by_context[d] = idxs if by_context[d] is _NONE else sorted(by_context[d] + idxs)
        return by_id, by_answer, by_context

    def answer_scores(self, prediction: str, document_ids: Sequence[str] | None = None) -> tuple[float, float]:
        """(EM, F1) of `prediction` against the gold answers; only labels of `document_ids` if given."""
        if document_ids is None:
            golds: Iterable[str] = self.all_answers
        else:
            wanted = set(document_ids)
            golds = [a for a, gold_id in zip(self.answers, self.ids) if gold_id in wanted and a is not None]
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
