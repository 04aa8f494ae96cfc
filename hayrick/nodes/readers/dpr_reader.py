"""`DPRReader`: extractive answers with Hugging Face DPR reader checkpoints (`facebook/dpr-reader-single-nq-base`).

```python
from hayrick.nodes.readers.dpr_reader import DPRReader
from hayrick.pipelines import ExtractiveQAPipeline

pipe = ExtractiveQAPipeline(reader=DPRReader("facebook/dpr-reader-single-nq-base"), retriever=dpr_retriever)
pipe.run(query="who got the first nobel prize in physics?", params={"Retriever": {"top_k": 10}})
```

DPR's reader (Karpukhin et al., 2020) reads `[CLS] question [SEP] title [SEP] passage` for each
passage, scores how relevant each passage is (`relevance_logits`) and where the answer starts and
ends in it. Answers come from the most relevant passages first, best span first within a passage,
as `DPRReaderTokenizer.decode_best_spans` ranks them (it does the ranking here); each span's token
positions are mapped back to exact character offsets in the document. `Answer.score` is the span
score, `meta["relevance_score"]` the passage's relevance logit.
"""

from __future__ import annotations

from typing import Any

from hayrick._checks import check_int
from hayrick.errors import ComponentError
from hayrick.nodes.readers.base import BaseReader, centred_context, extractive_answer
from hayrick.schema import Answer, Document

#: Characters of context kept around an answer.
CONTEXT_CHARS = 200


class DPRReader(BaseReader):
    """A drop-in for FARMReader that reads with a DPR reader checkpoint.

    Args:
        model_name_or_path: a DPR reader checkpoint (folder or hub name).
        top_k: answers per query.
        top_k_per_passage: the most answers taken from one passage.
        max_answer_length: the most tokens an answer spans.
        max_seq_len: the most tokens per passage input (longer passages are cut).
        use_gpu: run on CUDA when it is available.
        batch_size: passages per forward pass.
        devices: the torch device to use, e.g. `["cuda:1"]`.
        use_auth_token: the hub token, for private models.
        embed_title: put each document's title (`meta["name"]`) in its input, as DPR was trained.
    """

    def __init__(
        self,
        model_name_or_path: str = "facebook/dpr-reader-single-nq-base",
        top_k: int = 10,
        top_k_per_passage: int = 4,
        max_answer_length: int = 64,
        max_seq_len: int = 256,
        use_gpu: bool = True,
        batch_size: int = 16,
        devices: list[Any] | None = None,
        use_auth_token: str | bool | None = None,
        embed_title: bool = True,
    ) -> None:
        owner = "DPRReader"
        for name, value in (("top_k", top_k), ("top_k_per_passage", top_k_per_passage),
                            ("max_answer_length", max_answer_length), ("max_seq_len", max_seq_len),
                            ("batch_size", batch_size)):  # fmt: skip
            check_int(value, name, owner=owner)
        self.model_name_or_path, self.top_k, self.top_k_per_passage = model_name_or_path, top_k, top_k_per_passage
        self.max_answer_length, self.max_seq_len, self.use_gpu = max_answer_length, max_seq_len, use_gpu
        self.batch_size, self.devices, self.use_auth_token, self.embed_title = batch_size, devices, use_auth_token, embed_title
        self.model, self.tokenizer = _load(owner, model_name_or_path, use_auth_token)
        from hayrick.nodes.readers.loading import select_device

        self.device = select_device(owner, use_gpu, devices)
        self.model.to(self.device)

    def _answer(
        self, queries: list[str], documents_per_query: list[list[Document]], top_k: int, batch_size: int
    ) -> list[tuple[list[Answer], float | None]]:
        return [(self.read(query, documents, top_k, batch_size), None) for query, documents in zip(queries, documents_per_query)]

    def read(self, query: str, documents: list[Document], top_k: int, batch_size: int | None = None) -> list[Answer]:
        """The `top_k` best answers to `query` in `documents` (see the module docstring)."""
        import torch

        if not documents:
            return []
        titles = [str(d.meta.get("name") or "") if self.embed_title else "" for d in documents]
        texts = [str(d.content) for d in documents]
        encoded = self.tokenizer(questions=[query] * len(documents), titles=titles, texts=texts, padding=True,
                                 truncation=True, max_length=self.max_seq_len, return_tensors="pt")  # fmt: skip
        size = batch_size or self.batch_size
        outputs = []
        with torch.inference_mode():
            for start in range(0, len(documents), size):
                part = {k: v[start : start + size].to(self.device) for k, v in encoded.items()}
                outputs.append(self.model(**part))
        from transformers.models.dpr.modeling_dpr import DPRReaderOutput

        output = DPRReaderOutput(
            start_logits=torch.cat([o.start_logits for o in outputs]).cpu(),
            end_logits=torch.cat([o.end_logits for o in outputs]).cpu(),
            relevance_logits=torch.cat([o.relevance_logits for o in outputs]).cpu(),
        )
        spans = self.tokenizer.decode_best_spans(
            encoded, output, num_spans=top_k, max_answer_length=self.max_answer_length,
            num_spans_per_passage=self.top_k_per_passage,
        )  # fmt: skip
        answers = []
        for span in spans:
            answer = self._to_answer(span, documents[span.doc_id], encoded["input_ids"][span.doc_id].tolist())
            if answer is not None:
                answers.append(answer)
        return answers

    def _to_answer(self, span: Any, document: Document, input_ids: list[int]) -> Answer | None:
        """The span (token positions in the passage input) as an Answer with character offsets in `document`."""
        sep = self.tokenizer.sep_token_id
        text_start = input_ids.index(sep, input_ids.index(sep) + 1) + 1  # tokens after question [SEP] title [SEP]
        offsets = self.tokenizer(str(document.content), add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        first, last = span.start_index - text_start, span.end_index - text_start
        if first < 0 or last >= len(offsets) or first > last:
            return None
        start, end = offsets[first][0], offsets[last][1]
        context_start, context_end = centred_context(len(str(document.content)), start, end, CONTEXT_CHARS)
        answer = extractive_answer(document, start, end, float(span.span_score), context_start, context_end)
        answer.meta["relevance_score"] = float(span.relevance_score)
        return answer


def _load(owner: str, model_name_or_path: str, token: str | bool | None) -> tuple[Any, Any]:
    from transformers import AutoConfig, DPRReaderTokenizerFast
    from transformers import DPRReader as HFDPRReader

    from hayrick.nodes.generators.base import load_model_and_tokenizer, model_location

    name, kwargs = model_location(owner, model_name_or_path, token)
    try:
        config = AutoConfig.from_pretrained(name, **kwargs)
    except (OSError, ValueError) as exc:
        raise ComponentError(f"{owner}: could not read a model config from {name!r}: {exc}") from exc
    architectures = getattr(config, "architectures", None) or []
    if config.model_type != "dpr" or (architectures and "DPRReader" not in architectures):
        raise ComponentError(
            f"{owner}: {name!r} is not a DPR reader checkpoint ({config.model_type}, {architectures}); pass e.g. "
            "facebook/dpr-reader-single-nq-base, or use FARMReader for other extractive models."
        )
    return load_model_and_tokenizer(owner, "DPR reader", name, HFDPRReader, DPRReaderTokenizerFast, **kwargs)
