"""`TransformersSummarizer`: summaries written by any seq2seq model (Pegasus, BART, BigBird-Pegasus, ...).

```python
from hayrick.nodes.summarizer import TransformersSummarizer

summarizer = TransformersSummarizer("google/bigbird-pegasus-large-arxiv", attention_type="block_sparse")
docs = summarizer.predict(documents=long_reviews)
docs[0].meta["summary"]
```

Each document's summary goes to `meta["summary"]` of a copy of it (Haystack 1.x changed the input
documents). A document longer than the model reads (`max_input_length`, by default the model's
maximum) is not cut short: it is summarised chunk by chunk, and the chunk summaries are summarised
again until one summary is left; `meta["summary_chunks"]` then says how many chunks the text had.
With `generate_single_summary=True` the documents are joined (`separator_for_single_summary`) and
summarised as one. BigBird-Pegasus reads up to 4,096 tokens with block sparse attention
(`attention_type="block_sparse"`, `block_size`, `num_random_blocks`); on inputs too short for it,
transformers falls back to full attention.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, ClassVar

from hayrick._checks import check_bool, check_choice, check_int
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes.generators.base import load_model_and_tokenizer, model_location
from hayrick.schema import Document

logger = logging.getLogger(__name__)

ATTENTION_TYPES = ("block_sparse", "original_full")


class BaseSummarizer(BaseComponent):
    """Base class of summarizers: implement `predict(documents, generate_single_summary)`."""

    outgoing_edges: ClassVar[int] = 1

    @abstractmethod
    def predict(self, documents: list[Document], generate_single_summary: bool | None = None) -> list[Document]:
        """The documents with `meta["summary"]` (or one document summarising them all)."""

    def predict_batch(
        self, documents: list[Document] | list[list[Document]], generate_single_summary: bool | None = None,
        batch_size: int | None = None,
    ) -> list[Document] | list[list[Document]]:  # fmt: skip
        """`predict` for a list of documents, or for each list of a list of lists."""
        if documents and all(isinstance(group, list) for group in documents):
            return [self.predict(group, generate_single_summary) for group in documents]  # type: ignore[arg-type]
        return self.predict(documents, generate_single_summary)  # type: ignore[arg-type]

    def run(  # type: ignore[override]
        self, documents: list[Document], generate_single_summary: bool | None = None
    ) -> tuple[dict[str, Any], str]:
        """Summarise `documents`: `({"documents": [...]}, "output_1")`."""
        return {"documents": self.predict(documents, generate_single_summary) if documents else []}, "output_1"

    def run_batch(  # type: ignore[override]
        self, documents: list[Document] | list[list[Document]], generate_single_summary: bool | None = None,
        batch_size: int | None = None,
    ) -> tuple[dict[str, Any], str]:  # fmt: skip
        return {"documents": self.predict_batch(documents, generate_single_summary, batch_size)}, "output_1"


class TransformersSummarizer(BaseSummarizer):
    """Summarises documents with any `AutoModelForSeq2SeqLM` checkpoint (Haystack 1.x's TransformersSummarizer).

    Args:
        model_name_or_path: a model folder or hub name.
        model_version: the hub revision.
        tokenizer: another tokenizer folder or name (default: the model's).
        max_length: the most tokens a summary has.
        min_length: the fewest tokens a summary has.
        use_gpu: run on CUDA when it is available.
        clean_up_tokenization_spaces: clean up spaces in the decoded summaries.
        separator_for_single_summary: what joins the documents for `generate_single_summary`.
        generate_single_summary: one summary of all documents instead of one each.
        batch_size: texts per `generate` call.
        progress_bar: show a progress bar over the batches.
        use_auth_token: the hub token, for private models.
        devices: the torch device to use, e.g. `["cuda:1"]`.
        max_input_length: the most tokens summarised at once (default: the model's maximum); longer
            texts are summarised in chunks.
        attention_type, block_size, num_random_blocks: BigBird-Pegasus's sparse attention settings
            (None keeps the checkpoint's).
    """

    def __init__(
        self,
        model_name_or_path: str = "google/pegasus-xsum",
        model_version: str | None = None,
        tokenizer: str | None = None,
        max_length: int = 200,
        min_length: int = 5,
        use_gpu: bool = True,
        clean_up_tokenization_spaces: bool = True,
        separator_for_single_summary: str = " ",
        generate_single_summary: bool = False,
        batch_size: int = 16,
        progress_bar: bool = True,
        use_auth_token: str | bool | None = None,
        devices: list[Any] | None = None,
        max_input_length: int | None = None,
        attention_type: str | None = None,
        block_size: int | None = None,
        num_random_blocks: int | None = None,
    ) -> None:
        owner = "TransformersSummarizer"
        for name, value in (("max_length", max_length), ("batch_size", batch_size)):
            check_int(value, name, owner=owner)
        check_int(min_length, "min_length", owner=owner, minimum=0)
        check_int(max_input_length, "max_input_length", owner=owner, allow_none=True)
        check_int(block_size, "block_size", owner=owner, allow_none=True)
        check_int(num_random_blocks, "num_random_blocks", owner=owner, allow_none=True)
        check_bool(generate_single_summary, "generate_single_summary", owner=owner)
        if attention_type is not None:
            check_choice(attention_type, "attention_type", ATTENTION_TYPES, owner=owner)
        if min_length > max_length:
            raise ComponentError(f"{owner}: min_length ({min_length}) must not exceed max_length ({max_length}).")
        if not isinstance(separator_for_single_summary, str):
            raise ComponentError(f"{owner}: separator_for_single_summary must be a str.")
        self.model_name_or_path, self.model_version, self.tokenizer_name = model_name_or_path, model_version, tokenizer
        self.max_length, self.min_length, self.use_gpu = max_length, min_length, use_gpu
        self.clean_up_tokenization_spaces = clean_up_tokenization_spaces
        self.separator_for_single_summary, self.generate_single_summary = separator_for_single_summary, generate_single_summary
        self.batch_size, self.progress_bar, self.use_auth_token, self.devices = batch_size, progress_bar, use_auth_token, devices
        self.attention_type, self.block_size, self.num_random_blocks = attention_type, block_size, num_random_blocks
        self.model, self.tokenizer = self._load(owner)
        limit = getattr(self.model.config, "max_position_embeddings", None) or 1024
        self.max_input_length = max_input_length or limit
        if self.max_input_length > limit:
            raise ComponentError(f"{owner}: max_input_length ({self.max_input_length}) is more than the model reads ({limit}).")
        from hayrick.nodes.readers.loading import select_device

        self.device = select_device(owner, use_gpu, devices)
        self.model.to(self.device)

    def _load(self, owner: str) -> tuple[Any, Any]:
        from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

        name, kwargs = model_location(owner, self.model_name_or_path, self.use_auth_token)
        if self.model_version:
            kwargs["revision"] = self.model_version
        config = AutoConfig.from_pretrained(name, **kwargs)
        if not getattr(config, "is_encoder_decoder", False):
            raise ComponentError(f"{owner}: {name!r} is a {config.model_type!r} model, not a seq2seq summarizer (Pegasus, BART, T5, ...).")
        sparse = {k: v for k, v in (("attention_type", self.attention_type), ("block_size", self.block_size),
                                   ("num_random_blocks", self.num_random_blocks)) if v is not None}  # fmt: skip
        if sparse and config.model_type != "bigbird_pegasus":
            raise ComponentError(f"{owner}: attention_type, block_size and num_random_blocks are BigBird-Pegasus settings; {name!r} is {config.model_type!r}.")
        for key, value in sparse.items():
            setattr(config, key, value)
        model, tokenizer = load_model_and_tokenizer(owner, "summarization", name, AutoModelForSeq2SeqLM, AutoTokenizer, **kwargs)
        if sparse:  # the config is read when the model is built: build it again with the settings
            model = AutoModelForSeq2SeqLM.from_pretrained(name, config=config, **kwargs).eval()
        if self.tokenizer_name:
            tokenizer = AutoTokenizer.from_pretrained(self.tokenizer_name, **kwargs)
        return model, tokenizer

    # ------------------------------------------------------------------ predict
    def predict(self, documents: list[Document], generate_single_summary: bool | None = None) -> list[Document]:
        """Copies of `documents` with `meta["summary"]`; with `generate_single_summary`, one document of them all."""
        if not documents:
            raise NodeError("TransformersSummarizer needs at least one document to summarise; pass documents=[...].")
        single = self.generate_single_summary if generate_single_summary is None else generate_single_summary
        if single:
            joined = self.separator_for_single_summary.join(str(d.content) for d in documents)
            documents = [Document(content=joined, meta={"document_ids": [d.id for d in documents]})]
        summaries = [self.summarize(str(d.content)) for d in documents]
        result = []
        for doc, (summary, chunks) in zip(documents, summaries):
            meta = {**doc.meta, "summary": summary}
            if chunks > 1:
                meta["summary_chunks"] = chunks
            result.append(doc.model_copy(update={"meta": meta}))
        return result

    def summarize(self, text: str) -> tuple[str, int]:
        """`(summary, chunks)`: the summary of `text`, and how many chunks of `max_input_length` tokens it had."""
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        room = self.max_input_length - self.tokenizer.num_special_tokens_to_add()
        if len(ids) <= room:
            return self._generate([text])[0], 1
        chunks = [self.tokenizer.decode(ids[i : i + room]) for i in range(0, len(ids), room)]
        summaries = self._generate(chunks)
        logger.info("TransformersSummarizer: a text of %d tokens was summarised in %d chunks.", len(ids), len(chunks))
        joined = self.separator_for_single_summary.join(summaries)
        if len(self.tokenizer(joined, add_special_tokens=False)["input_ids"]) >= len(ids):
            return joined, len(chunks)  # the summaries are no shorter than the text: stop here
        summary, _ = self.summarize(joined)
        return summary, len(chunks)

    def _generate(self, texts: list[str]) -> list[str]:
        import torch
        from tqdm import tqdm

        summaries: list[str] = []
        starts = range(0, len(texts), self.batch_size)
        for start in tqdm(starts, desc="Summarizing", disable=not self.progress_bar or len(starts) < 2):
            batch = self.tokenizer(texts[start : start + self.batch_size], truncation=True, max_length=self.max_input_length,
                                   padding=True, return_tensors="pt").to(self.device)  # fmt: skip
            with torch.inference_mode():
                output = self.model.generate(**batch, min_length=self.min_length, max_length=self.max_length)
            cleanup = self.clean_up_tokenization_spaces
            options = {} if cleanup == getattr(self.tokenizer, "clean_up_tokenization_spaces", cleanup) else {
                "clean_up_tokenization_spaces": cleanup
            }  # the tokenizer's own setting needs no override (transformers warns about it for BPE)
            summaries.extend(self.tokenizer.batch_decode(output, skip_special_tokens=True, **options))
        return [s.strip() for s in summaries]
