"""`FARMReader`: extractive QA with any transformers QA model, decoded the Haystack 1.x FARM way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hayrick._checks import check_bool, check_int, check_number
from hayrick.errors import ComponentError
from hayrick.lazy_imports import require
from hayrick.nodes.readers import decoding, loading
from hayrick.nodes.readers.base import (
    BaseReader,
    centred_context,
    check_window_args,
    extractive_answer,
    flatten_pairs,
    no_answer,
)
from hayrick.nodes.readers.windows import make_windows
from hayrick.schema import Answer, Document


class FARMReader(BaseReader):
    """Finds answer spans in documents with a question-answering model (BERT, RoBERTa, MiniLM, ELECTRA ...).

    Long documents are split into overlapping windows (`max_seq_len` tokens, consecutive windows
    sharing `doc_stride` tokens); the windows of all documents of all queries are batched together,
    sorted by length so batches pad little. A span's score is `start_logit + end_logit`, raw logits,
    so answers from different documents and windows compare directly; its confidence is
    `sigmoid(score / 8)`, in [0, 1] and in the same order. "No answer" is read from the [CLS] logits.

    Example:
        >>> reader = FARMReader("path/to/minilm-l6-squad", use_gpu=False)
        >>> result = reader.predict_on_texts("Where does Carla live?", ["My name is Carla and I live in Berlin."])
        >>> result["answers"][0].answer
        'Berlin'

    Args:
        model_name_or_path: a local model folder or a model hub name (AutoModelForQuestionAnswering).
        model_version: hub revision (branch, tag or commit).
        context_window_size: characters of context returned around each answer (centred on it).
        batch_size: windows per forward pass.
        use_gpu: use CUDA when available (else CPU, silently).
        devices: torch devices to use; the first is used.
        no_ans_boost: added to the no-answer score; positive makes "no answer" likelier.
        return_no_answer: include the "no answer" prediction (empty text) among the answers.
        top_k: answers returned per query.
        top_k_per_candidate: answers kept per document.
        top_k_per_sample: spans kept per window.
        num_processes: accepted for Haystack compatibility; tokenisation is already parallel (Rust).
        max_seq_len: tokens per window (question, context and special tokens).
        doc_stride: context tokens shared by consecutive windows (the overlap).
        progress_bar: show a progress bar over batches.
        duplicate_filtering: answers of one document whose start and end both lie within this many
            characters of a better answer are dropped (0: exact duplicates; -1: keep all). Answers with the
            same text and matching surrounding text in different documents (or the same document twice)
            are reported once too.
        use_confidence_scores: `Answer.score` is the confidence in [0, 1]; False: the raw score.
        confidence_threshold: drop answers whose confidence is below this (in [0, 1]).
        proxies, local_files_only, force_download, use_auth_token: passed to `from_pretrained`.
        max_query_length: question tokens kept.
        max_answer_length: tokens per answer at most (15, as the transformers QA pipeline's max_answer_len).
        quantize: int8 linear layers for CPU inference: weights quantised per output channel once,
            activations per token at run time (see `hayrick.nodes.readers.quantization`). About 2x
            faster on CPUs with int8 dot products (AVX512-VNNI, AMX), a fraction of an EM point less
            exact; figures in benchmarks/reader_speed.py and reader_squad.py --quantize. With
            `backend="onnxruntime"`, ONNX Runtime's dynamic int8 quantisation instead.
        backend: "torch" (default) or "onnxruntime" (the `[onnx]` extra, CPU): the model is exported to
            ONNX once, cached next to the model (see `hayrick.nodes.readers.onnx_backend`), and run with
            ONNX Runtime's graph optimisations; answers come from the same decoding code.
    """

    BACKENDS = ("torch", "onnxruntime")

    def __init__(
        self,
        model_name_or_path: str | Path,
        model_version: str | None = None,
        context_window_size: int = 150,
        batch_size: int = 50,
        use_gpu: bool = True,
        devices: list[Any] | None = None,
        no_ans_boost: float = 0.0,
        return_no_answer: bool = False,
        top_k: int = 10,
        top_k_per_candidate: int = 3,
        top_k_per_sample: int = 1,
        num_processes: int | None = None,
        max_seq_len: int = 256,
        doc_stride: int = 128,
        progress_bar: bool = True,
        duplicate_filtering: int = 0,
        use_confidence_scores: bool = True,
        confidence_threshold: float | None = None,
        proxies: dict[str, str] | None = None,
        local_files_only: bool = False,
        force_download: bool = False,
        use_auth_token: str | bool | None = None,
        max_query_length: int = 64,
        max_answer_length: int = 15,
        quantize: bool = False,
        backend: str = "torch",
    ):
        owner = type(self).__name__
        for module in ("torch", "transformers"):
            require(module, owner=owner, extra="inference")
        if backend not in self.BACKENDS:
            raise ComponentError(f"{owner}: backend must be one of {', '.join(self.BACKENDS)}, got {backend!r}.")
        if backend == "onnxruntime":
            for module in ("onnxruntime", "onnx"):
                require(module, owner=f"{owner}(backend='onnxruntime')", extra="onnx")
        for name, value, minimum in [
            ("context_window_size", context_window_size, 0),
            ("batch_size", batch_size, 1),
            ("top_k", top_k, 1),
            ("top_k_per_candidate", top_k_per_candidate, 1),
            ("top_k_per_sample", top_k_per_sample, 1),
            ("duplicate_filtering", duplicate_filtering, -1),
            ("max_answer_length", max_answer_length, 1),
        ]:
            check_int(value, name, owner=owner, minimum=minimum)
        if num_processes is not None:
            check_int(num_processes, "num_processes", owner=owner, minimum=0)
        for name, value in [
            ("use_gpu", use_gpu),
            ("return_no_answer", return_no_answer),
            ("progress_bar", progress_bar),
            ("use_confidence_scores", use_confidence_scores),
            ("quantize", quantize),
        ]:
            check_bool(value, name, owner=owner)
        check_number(no_ans_boost, "no_ans_boost", owner=owner)
        if confidence_threshold is not None:
            check_number(confidence_threshold, "confidence_threshold", owner=owner)
            if not 0.0 <= confidence_threshold <= 1.0:
                raise ComponentError(f"{owner}: confidence_threshold must lie in [0, 1], got {confidence_threshold!r}.")
        check_window_args(owner, max_seq_len, doc_stride, max_query_length)

        self.context_window_size = context_window_size
        self.batch_size = batch_size
        self.no_ans_boost = float(no_ans_boost)
        self.return_no_answer = return_no_answer
        self.top_k = top_k
        self.top_k_per_candidate = top_k_per_candidate
        self.top_k_per_sample = top_k_per_sample
        self.max_seq_len = max_seq_len
        self.doc_stride = doc_stride
        self.max_query_length = max_query_length
        self.max_answer_length = max_answer_length
        self.progress_bar = progress_bar
        self.duplicate_filtering = duplicate_filtering
        self.use_confidence_scores = use_confidence_scores
        self.confidence_threshold = confidence_threshold
        self.quantize = quantize
        self.backend = backend

        loading.configure_torch_threads()
        self.device = loading.select_device(owner, use_gpu and backend == "torch", devices)
        if quantize and backend == "torch":
            loading.check_quantizable(owner, self.device)
        self.model, self.tokenizer = loading.load_qa_model(
            owner,
            model_name_or_path,
            revision=model_version,
            token=use_auth_token,
            local_files_only=local_files_only,
            force_download=force_download,
            proxies=proxies,
        )
        loading.check_window_lengths(owner, self.tokenizer, self.model, max_seq_len, doc_stride, max_query_length)
        if backend == "onnxruntime":
            self.model = loading.onnx_model(str(model_name_or_path), self.model, quantize)
            return
        self.model.to(self.device)
        if quantize:
            self.model = loading.quantize_model(owner, self.model, self.device)

    # --- inference -----------------------------------------------------------------------------

    def _answer(
        self, queries: list[str], documents_per_query: list[list[Document]], top_k: int, batch_size: int
    ) -> list[tuple[list[Answer], float | None]]:
        questions, contexts, pair_query, pair_doc = flatten_pairs(queries, documents_per_query)
        if not questions:
            return [([], None) for _ in queries]
        windows = make_windows(
            self.tokenizer, questions, contexts, self.max_seq_len, self.doc_stride, self.max_query_length
        )
        first, last = loading.context_bounds_array(windows)
        cls = loading.cls_positions(windows, self.tokenizer.cls_token_id)
        k = self.top_k_per_sample
        starts = np.zeros((len(windows), k), dtype=np.int64)
        ends = np.zeros((len(windows), k), dtype=np.int64)
        scores = np.full((len(windows), k), -np.inf, dtype=np.float32)
        nulls = np.zeros(len(windows), dtype=np.float32)
        batches = loading.forward_windows(
            self.model, windows, batch_size, self.tokenizer.pad_token_id, self.device, self.progress_bar
        )
        for rows, start_logits, end_logits in batches:
            top = decoding.top_spans(start_logits, end_logits, first[rows], last[rows], self.max_answer_length, k)
            width = top[2].shape[1]
            starts[rows, :width], ends[rows, :width], scores[rows, :width] = top
            nulls[rows] = decoding.null_scores(start_logits, end_logits, cls[rows])

        # candidate spans per (query, document) pair, in characters
        candidates: list[list[tuple[float, int, int]]] = [[] for _ in questions]
        for w, p in enumerate(windows.pair_index):
            for j in range(k):
                if not np.isfinite(scores[w, j]):
                    break
                s, e = int(starts[w, j]), int(ends[w, j])
                if windows.word_ids is not None:
                    s, e = decoding.widen_to_words(windows.word_ids[w], s, e)
                char_start, char_end = windows.offsets[w][s][0], windows.offsets[w][e][1]  # type: ignore[index]
                if char_end > char_start:
                    candidates[p].append((float(scores[w, j]), char_start, char_end))

        # no-answer gap per query: how far the best window prefers an answer over its [CLS]
        best = scores[:, 0].astype(np.float64)
        gaps = best - (nulls.astype(np.float64) + self.no_ans_boost)
        pairs_of: list[list[int]] = [[] for _ in queries]
        for p, q in enumerate(pair_query):
            pairs_of[q].append(p)
        windows_of: list[list[int]] = [[] for _ in queries]
        for w, p in enumerate(windows.pair_index):
            windows_of[pair_query[p]].append(w)
        results = []
        for q in range(len(queries)):
            mine = np.asarray(windows_of[q], dtype=np.int64)
            answered = mine[np.isfinite(best[mine])]
            gap = float(gaps[answered].max()) if answered.size else None
            null = float(nulls[mine].max()) + self.no_ans_boost if mine.size else None
            results.append(self._collect(pairs_of[q], pair_doc, candidates, gap, null, top_k))
        return results

    def _collect(
        self,
        pairs: list[int],
        pair_doc: list[Document],
        candidates: list[list[tuple[float, int, int]]],
        gap: float | None,
        null: float | None,
        top_k: int,
    ) -> tuple[list[Answer], float | None]:
        """One query's answers: per document deduplicated and cut, merged, no-answer added, ranked."""
        ranked: list[tuple[float, int, Answer]] = []
        for rank, p in enumerate(pairs):
            doc = pair_doc[p]
            spans = sorted(candidates[p], key=lambda c: (-c[0], c[1], c[2]))
            keep = decoding.filter_duplicates([(s, e) for _, s, e in spans], self.duplicate_filtering)
            for i in keep[: self.top_k_per_candidate]:
                score, start, end = spans[i]
                window = centred_context(len(doc.content), start, end, self.context_window_size)
                ranked.append((score, rank, extractive_answer(doc, start, end, self._score(score), *window)))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        if self.duplicate_filtering >= 0:
            ranked = _drop_repeated_passages(ranked)
        if self.return_no_answer and null is not None:
            no_answer_score = ranked[0][0] - gap if ranked and gap is not None else null
            ranked.append((no_answer_score, -1, no_answer(self._score(no_answer_score))))
            ranked.sort(key=lambda item: (-item[0], item[1]))
        answers = [answer for score, _, answer in ranked if self._passes_threshold(score)]
        return answers[:top_k], gap

    def _score(self, raw: float) -> float:
        return float(decoding.confidence(raw)) if self.use_confidence_scores else float(raw)

    def _passes_threshold(self, raw: float) -> bool:
        return self.confidence_threshold is None or bool(decoding.confidence(raw) >= self.confidence_threshold)

    # --- saving, training ----------------------------------------------------------------------

    def save(self, directory: str | Path) -> None:
        """Writes the model and tokenizer (`save_pretrained`) to `directory`; both readers load the folder back."""
        if self.quantize or self.backend != "torch":
            raise ValueError(
                f"FARMReader.save: an {'int8-quantized' if self.quantize else 'ONNX Runtime'} model cannot be saved in "
                "transformers format; save a reader built with quantize=False and backend='torch', and load it with "
                "the options you want."
            )
        Path(directory).mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(directory))
        self.tokenizer.save_pretrained(str(directory))

    def train(
        self,
        data_dir,
        train_filename,
        dev_filename=None,
        test_filename=None,
        use_gpu=None,
        batch_size=10,
        n_epochs=2,
        learning_rate=1e-5,
        max_seq_len=None,
        doc_stride=None,
        warmup_proportion=0.2,
        dev_split=0.0,
        evaluate_every=300,
        save_dir=None,
        max_steps=None,
        seed=42,
        progress_bar=True,
    ):
        """Fine-tunes the model on SQuAD-format files (see `hayrick.nodes.readers.training.train_reader`)."""
        from hayrick.nodes.readers.training import train_reader

        if self.backend != "torch":
            raise ValueError(
                "FARMReader.train needs the torch model: build the reader with backend='torch' to train it, save it, "
                "and load the saved folder with backend='onnxruntime'."
            )

        return train_reader(
            self,
            data_dir=data_dir,
            train_filename=train_filename,
            dev_filename=dev_filename,
            test_filename=test_filename,
            use_gpu=use_gpu,
            batch_size=batch_size,
            n_epochs=n_epochs,
            learning_rate=learning_rate,
            max_seq_len=max_seq_len,
            doc_stride=doc_stride,
            warmup_proportion=warmup_proportion,
            dev_split=dev_split,
            evaluate_every=evaluate_every,
            save_dir=save_dir,
            max_steps=max_steps,
            seed=seed,
            progress_bar=progress_bar,
        )

    def eval_on_file(self, data_dir, test_filename, device=None):
        """SQuAD-style EM / F1 on a file (see `hayrick.nodes.readers.training.eval_on_file`)."""
        from hayrick.nodes.readers.training import eval_on_file

        return eval_on_file(self, data_dir, test_filename)


def _drop_repeated_passages(ranked: list[tuple[float, int, Answer]]) -> list[tuple[float, int, Answer]]:
    """Drops answers that repeat a better one from another document (or the same document given twice).

    Two answers repeat each other when their texts are equal and their contexts agree where they
    overlap once aligned on the answer: the same passage, e.g. in overlapping split documents.
    """
    kept: list[tuple[float, int, Answer]] = []
    by_text: dict[str, list[tuple[float, int, Answer]]] = {}
    for item in ranked:
        same_text = by_text.setdefault(item[2].answer, [])
        if not any(other[1] != item[1] and _same_surroundings(other[2], item[2]) for other in same_text):
            kept.append(item)
            same_text.append(item)
    return kept


def _same_surroundings(a: Answer, b: Answer) -> bool:
    span_a, span_b = a.offsets_in_context[0], b.offsets_in_context[0]  # type: ignore[index]
    left_a, left_b = a.context[: span_a.start], b.context[: span_b.start]  # type: ignore[index]
    right_a, right_b = a.context[span_a.end :], b.context[span_b.end :]  # type: ignore[index]
    n_left, n_right = min(len(left_a), len(left_b)), min(len(right_a), len(right_b))
    return left_a[len(left_a) - n_left :] == left_b[len(left_b) - n_left :] and right_a[:n_right] == right_b[:n_right]
