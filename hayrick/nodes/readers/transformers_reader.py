"""`TransformersReader`: the transformers 4.x question-answering pipeline's answers, without the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hayrick._checks import check_bool, check_int
from hayrick.lazy_imports import require
from hayrick.nodes.readers import decoding, loading
from hayrick.nodes.readers.base import (
    BaseReader,
    check_window_args,
    extractive_answer,
    flatten_pairs,
    no_answer,
)
from hayrick.nodes.readers.windows import QAWindows, make_windows
from hayrick.schema import Answer, Document


class TransformersReader(BaseReader):
    """Extractive QA that answers as transformers 4.x's `pipeline("question-answering")` did.

    transformers 5 removed that pipeline; this reader decodes `AutoModelForQuestionAnswering`
    outputs with the same arithmetic, per document: windows of `max_seq_len` tokens overlapping by
    `doc_stride`; in each window start and end logits are softmax-normalised over the context tokens
    (and [CLS]); a span scores `p_start * p_end` (so scores are probabilities *within one document*,
    not comparable across documents); the `2 * top_k_per_candidate + 10` best spans of each window are
    widened to whole words, spans with the same (case-insensitive) text add up their scores, and the
    `top_k_per_candidate` best are the document's answers. With `return_no_answers`, "no answer"
    scores the smallest [CLS] probability product over the windows (of all documents).

    Example:
        >>> reader = TransformersReader("path/to/minilm-l6-squad", use_gpu=False)
        >>> reader.predict_on_texts("Where does Carla live?", ["My name is Carla and I live in Berlin."])["answers"][0].answer
        'Berlin'

    Args:
        model_name_or_path: a local model folder or a model hub name.
        model_version: hub revision.
        tokenizer: tokenizer folder or name, if not the model's.
        context_window_size: characters of context on each side of an answer.
        use_gpu: use CUDA when available (else CPU, silently).
        top_k: answers returned per query.
        top_k_per_candidate: answers per document (the pipeline's `top_k`).
        return_no_answers: the pipeline's `handle_impossible_answer`.
        max_seq_len: tokens per window.
        doc_stride: tokens shared by consecutive windows.
        batch_size: windows per forward pass.
        use_auth_token: hub token.
        devices: torch devices; the first is used.
        max_answer_len: tokens per answer at most (the pipeline's default, 15).
        max_question_len: question tokens kept (the pipeline ignored it with fast tokenizers; questions
            longer than this are truncated here).
    """

    def __init__(
        self,
        model_name_or_path: str | Path = "distilbert-base-uncased-distilled-squad",
        model_version: str | None = None,
        tokenizer: str | Path | None = None,
        context_window_size: int = 70,
        use_gpu: bool = True,
        top_k: int = 10,
        top_k_per_candidate: int = 3,
        return_no_answers: bool = False,
        max_seq_len: int = 256,
        doc_stride: int = 128,
        batch_size: int = 16,
        use_auth_token: str | bool | None = None,
        devices: list[Any] | None = None,
        max_answer_len: int = 15,
        max_question_len: int = 64,
    ):
        owner = type(self).__name__
        for module in ("torch", "transformers"):
            require(module, owner=owner, extra="inference")
        for name, value, minimum in [
            ("context_window_size", context_window_size, 0),
            ("top_k", top_k, 1),
            ("top_k_per_candidate", top_k_per_candidate, 1),
            ("batch_size", batch_size, 1),
            ("max_answer_len", max_answer_len, 1),
        ]:
            check_int(value, name, owner=owner, minimum=minimum)
        check_bool(use_gpu, "use_gpu", owner=owner)
        check_bool(return_no_answers, "return_no_answers", owner=owner)
        check_window_args(owner, max_seq_len, doc_stride, max_question_len)
        self.context_window_size = context_window_size
        self.top_k = top_k
        self.top_k_per_candidate = top_k_per_candidate
        self.return_no_answers = return_no_answers
        self.max_seq_len = max_seq_len
        self.doc_stride = doc_stride
        self.batch_size = batch_size
        self.max_answer_len = max_answer_len
        self.max_question_len = max_question_len
        loading.configure_torch_threads()
        self.device = loading.select_device(owner, use_gpu, devices)
        self.model, self.tokenizer = loading.load_qa_model(
            owner, model_name_or_path, tokenizer, revision=model_version, token=use_auth_token
        )
        loading.check_window_lengths(owner, self.tokenizer, self.model, max_seq_len, doc_stride, max_question_len)
        self.model.to(self.device)

    def _answer(
        self, queries: list[str], documents_per_query: list[list[Document]], top_k: int, batch_size: int
    ) -> list[tuple[list[Answer], float | None]]:
        questions, contexts, pair_query, pair_doc = flatten_pairs(queries, documents_per_query)
        if not questions:
            return [([], None) for _ in queries]
        windows = make_windows(
            self.tokenizer, questions, contexts, self.max_seq_len, self.doc_stride, self.max_question_len
        )
        per_pair = self._pipeline_outputs(windows, contexts, batch_size)
        results: list[tuple[list[Answer], float | None]] = [([], None) for _ in queries]
        grouped: list[list[int]] = [[] for _ in queries]
        for p, q in enumerate(pair_query):
            grouped[q].append(p)
        for q, pairs in enumerate(grouped):
            answers: list[Answer] = []
            null: float | None = None
            for p in pairs:
                spans, pair_null = per_pair[p]
                null = pair_null if null is None else min(null, pair_null)
                doc = pair_doc[p]
                for score, start, end in spans:
                    if start is None or end is None or start == end:  # the pipeline's "" entry, or a lone space
                        continue
                    context_start = max(0, start - self.context_window_size)
                    context_end = min(len(str(doc.content)), end + self.context_window_size)
                    answers.append(extractive_answer(doc, start, end, score, context_start, context_end))
            best = max((float(a.score or 0.0) for a in answers), default=None)
            gap = None if best is None or null is None else float(best - null)
            if self.return_no_answers and null is not None:
                answers.append(no_answer(null))
            answers.sort(key=lambda a: -float(a.score or 0.0))  # stable: ties keep document order
            results[q] = (answers[:top_k], gap)
        return results

    def _pipeline_outputs(
        self, windows: QAWindows, contexts: list[str], batch_size: int
    ) -> list[tuple[list[tuple[float, int | None, int | None]], float]]:
        """Per pair: the pipeline's answers `(score, start, end)` best first, and its null score.

        The pipeline's "" answer (with `return_no_answers`) is `(null score, None, None)`.
        """
        logits: list[tuple[np.ndarray, np.ndarray]] = [None] * len(windows)  # type: ignore[list-item]
        for rows, start, end in loading.forward_windows(
            self.model, windows, batch_size, self.tokenizer.pad_token_id, self.device
        ):
            for row, w in enumerate(rows):
                n = len(windows.input_ids[w])
                logits[w] = (start[row, :n], end[row, :n])
        first, last = loading.context_bounds_array(windows)
        cls_id = self.tokenizer.cls_token_id
        pre_top_k = 2 * self.top_k_per_candidate + 10
        found: list[list[dict[str, Any]]] = [[] for _ in contexts]
        nulls = [1000000.0] * len(contexts)
        for w, p in enumerate(windows.pair_index):
            start, end = logits[w]
            positions = np.arange(start.shape[0])
            desired = (positions >= first[w]) & (positions <= last[w])
            if cls_id is not None:
                desired |= np.asarray(windows.input_ids[w]) == cls_id
            starts, ends, scores, null = decoding.pipeline_spans(start, end, desired, pre_top_k, self.max_answer_len)
            nulls[p] = min(nulls[p], null)
            for s, e, score in zip(starts.tolist(), ends.tolist(), scores.tolist()):
                char_start, char_end = self._char_span(windows, w, s, e)
                text = contexts[p][char_start:char_end]
                same = next((a for a in found[p] if a["answer"].lower() == text.lower()), None)
                if same is not None:
                    same["score"] += score
                else:
                    found[p].append({"score": score, "start": char_start, "end": char_end, "answer": text})
        outputs = []
        for p, answers in enumerate(found):
            spans: list[tuple[float, int | None, int | None]] = [(a["score"], a["start"], a["end"]) for a in answers]
            if self.return_no_answers:
                spans.append((nulls[p], None, None))
            spans.sort(key=lambda span: -span[0])
            outputs.append((spans[: self.top_k_per_candidate], nulls[p]))
        return outputs

    @staticmethod
    def _char_span(windows: QAWindows, w: int, s: int, e: int) -> tuple[int, int]:
        """Character span of tokens s..e widened to whole words (the pipeline's `align_to_words`)."""
        offsets = windows.offsets[w]
        word_ids = windows.word_ids[w] if windows.word_ids is not None else None
        if word_ids is not None and word_ids[s] is not None and word_ids[e] is not None:
            s, e = decoding.widen_to_words(word_ids, s, e)
            return offsets[s][0], offsets[e][1]  # type: ignore[index]
        return (offsets[s] or (0, 0))[0], (offsets[e] or (0, 0))[1]
