"""`Seq2SeqGenerator`: answers written by a sequence-to-sequence model (BART, T5, BERT2BERT, ...).

```python
from hayrick.nodes.generators import Seq2SeqGenerator, register_input_converter

generator = Seq2SeqGenerator("vblagoje/bart_lfqa", top_k=1, max_length=100)
generator.predict(query="Why is the sky blue?", documents=retrieved)["answers"][0].answer
```

The model reads one text made of the query and the documents. Which text is the input
converter's choice: converters are looked up by model name, then by model type (`bart`, `t5`,
`encoder-decoder`, ...), then the default, `"question: <query> context: <text 1> <text 2> ..."`
(Haystack 1.x registered one converter, `vblagoje/bart_lfqa`'s, and failed for every other model).
Register your own with `register_input_converter(name_or_model_type, converter)` or pass
`input_converter=`: a callable `(tokenizer, query, documents, top_k) -> tokenizer output`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from hayrick._checks import check_bool, check_int
from hayrick.errors import ComponentError
from hayrick.nodes.generators.base import (
    BaseGenerator,
    documents_per_query,
    load_model_and_tokenizer,
    model_location,
)
from hayrick.schema import Document

logger = logging.getLogger(__name__)

InputConverter = Callable[..., Any]


def default_input_converter(tokenizer: Any, query: str, documents: Sequence[Document], top_k: int | None = None) -> Any:
    """`"question: <query> context: <the documents' texts>"`, tokenized (truncated to the model's length)."""
    context = " ".join(str(d.content) for d in documents)
    return tokenizer([f"question: {query} context: {context}"], truncation=True, padding=True, return_tensors="pt")


def bart_lfqa_input_converter(tokenizer: Any, query: str, documents: Sequence[Document], top_k: int | None = None) -> Any:
    """The input `vblagoje/bart_lfqa` was trained on (Haystack 1.x's `_BartEli5Converter`)."""
    context = "<P> " + " <P> ".join(str(d.content) for d in documents)
    return tokenizer([f"question: {query} context: {context}"], truncation=True, padding=True, return_tensors="pt")


#: Input converters by model name or model type; `register_input_converter` adds to it.
INPUT_CONVERTERS: dict[str, InputConverter] = {"vblagoje/bart_lfqa": bart_lfqa_input_converter}


def register_input_converter(name_or_model_type: str, converter: InputConverter) -> None:
    """Use `converter` for the model named `name_or_model_type`, or for every model of that type (`"t5"`)."""
    if not isinstance(name_or_model_type, str) or not name_or_model_type:
        raise ComponentError(f"register_input_converter: name a model or a model type, got {name_or_model_type!r}.")
    if not callable(converter):
        raise ComponentError(
            "register_input_converter: converter must be a callable (tokenizer, query, documents, top_k) -> "
            f"tokenizer output, got {type(converter).__name__}."
        )
    INPUT_CONVERTERS[name_or_model_type] = converter


class Seq2SeqGenerator(BaseGenerator):
    """Generates answers with any `AutoModelForSeq2SeqLM` or `EncoderDecoderModel` checkpoint (Haystack 1.x's).

    Args:
        model_name_or_path: a model folder or a model hub name.
        input_converter: how the query and documents become the model's input (see the module docstring).
        top_k: answers per query (at most `num_beams`).
        max_length: the most tokens an answer has.
        min_length: the fewest tokens an answer has.
        num_beams: beam search width (1: greedy).
        use_gpu: run on CUDA when it is available.
        progress_bar: show a progress bar in `predict_batch`.
        use_auth_token: the hub token, for private models.
        devices: the torch device to use, e.g. `["cuda:1"]`.
        batch_size: queries per `generate` call in `predict_batch`.

    Example:
        >>> generator = Seq2SeqGenerator("my-bart-folder", max_length=50, num_beams=4)  # doctest: +SKIP
        >>> GenerativeQAPipeline(generator, retriever).run(query="...", params={"Retriever": {"top_k": 3}})  # doctest: +SKIP
    """

    def __init__(
        self,
        model_name_or_path: str,
        input_converter: InputConverter | None = None,
        top_k: int = 1,
        max_length: int = 200,
        min_length: int = 2,
        num_beams: int = 8,
        use_gpu: bool = True,
        progress_bar: bool = True,
        use_auth_token: str | bool | None = None,
        devices: list[Any] | None = None,
        batch_size: int = 16,
    ) -> None:
        owner = "Seq2SeqGenerator"
        for name, value in (("top_k", top_k), ("max_length", max_length), ("num_beams", num_beams), ("batch_size", batch_size)):
            check_int(value, name, owner=owner)
        check_int(min_length, "min_length", owner=owner, minimum=0)
        check_bool(use_gpu, "use_gpu", owner=owner)
        if min_length > max_length:
            raise ComponentError(f"{owner}: min_length ({min_length}) must not exceed max_length ({max_length}).")
        if input_converter is not None and not callable(input_converter):
            raise ComponentError(f"{owner}: input_converter must be a callable, got {type(input_converter).__name__}.")
        super().__init__(progress_bar=progress_bar)
        self.model_name_or_path = model_name_or_path
        self.input_converter = input_converter
        self.top_k, self.max_length, self.min_length, self.num_beams = top_k, max_length, min_length, num_beams
        self.use_gpu, self.use_auth_token, self.devices, self.batch_size = use_gpu, use_auth_token, devices, batch_size
        self.model, self.tokenizer = load_seq2seq_model(owner, model_name_or_path, use_auth_token)
        from hayrick.nodes.readers.loading import select_device

        self.device = select_device(owner, use_gpu, devices)
        self.model.to(self.device)

    @property
    def converter(self) -> InputConverter:
        """The input converter this generator uses."""
        if self.input_converter is not None:
            return self.input_converter
        model_type = getattr(self.model.config, "model_type", None)
        return INPUT_CONVERTERS.get(str(self.model_name_or_path)) or INPUT_CONVERTERS.get(model_type or "") or default_input_converter

    def predict(
        self, query: str, documents: list[Document], top_k: int | None = None, max_tokens: int | None = None
    ) -> dict[str, Any]:
        """`{"query": query, "answers": [...]}`: `top_k` answers written from `documents`."""
        return {"query": query, "answers": self._generate([query], [documents], top_k, max_tokens)[0]}

    def train(
        self,
        data_dir: str,
        train_filename: str,
        dev_filename: str | None = None,
        n_epochs: int = 2,
        batch_size: int = 16,
        learning_rate: float = 5e-5,
        max_seq_len: int = 384,
        save_dir: str | None = None,
        use_gpu: bool | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """Fine-tune on a SQuAD-format file (question and passage in, answer out); see `generators.training`.

        Returns `{"train_loss": [per epoch], "dev_em", "dev_f1", ...}` (dev figures with `dev_filename`)
        and saves the model to `save_dir` when given. `options`: `max_answer_len`, `warmup_proportion`,
        `max_examples`, `seed`, `progress_bar`.
        """
        from hayrick.nodes.generators.training import train_generator

        return train_generator(self, data_dir, train_filename, dev_filename=dev_filename, n_epochs=n_epochs,
                               batch_size=batch_size, learning_rate=learning_rate, max_seq_len=max_seq_len,
                               save_dir=save_dir, use_gpu=use_gpu, **options)  # fmt: skip

    def predict_batch(
        self,
        queries: list[str],
        documents: list[Document] | list[list[Document]],
        top_k: int | None = None,
        batch_size: int | None = None,
        max_tokens: int | None = None,
    ) -> dict[str, Any]:
        """Answers for every query, `batch_size` queries per `generate` call."""
        groups = documents_per_query(queries, documents, type(self).__name__)
        size = self.positive(batch_size, "batch_size", self.batch_size)
        from tqdm import tqdm

        answers: list[list[Any]] = []
        starts = range(0, len(queries), size)
        for start in tqdm(starts, desc="Generating answers", unit="batches", disable=not self.progress_bar or len(starts) < 2):
            answers.extend(self._generate(queries[start : start + size], groups[start : start + size], top_k, max_tokens))
        return {"queries": queries, "answers": answers}

    def _generate(
        self, queries: list[str], groups: list[list[Document]], top_k: int | None, max_tokens: int | None
    ) -> list[list[Any]]:
        import torch

        owner = type(self).__name__
        k = self.positive(top_k, "top_k", self.top_k)
        if k > self.num_beams:
            logger.warning("%s: top_k=%d is more than num_beams=%d; returning %d answers.", owner, k, self.num_beams, self.num_beams)
            k = self.num_beams
        groups = [self.check_inputs(q, docs) for q, docs in zip(queries, groups)]
        encoded = [self.converter(tokenizer=self.tokenizer, query=q, documents=docs, top_k=k) for q, docs in zip(queries, groups)]
        features = [{"input_ids": e["input_ids"][0], "attention_mask": e["attention_mask"][0]} for e in encoded]
        batch = self.tokenizer.pad(features, return_tensors="pt") if len(features) > 1 else encoded[0]
        limit = self.positive(max_tokens, "max_tokens", self.max_length)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=batch["input_ids"].to(self.device),
                attention_mask=batch["attention_mask"].to(self.device),
                min_length=min(self.min_length, limit),
                max_length=limit,
                do_sample=False,
                num_beams=self.num_beams,
                num_return_sequences=k,
                early_stopping=self.num_beams > 1,
            )
        texts = self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return [self.create_answers(texts[i * k : (i + 1) * k], docs) for i, docs in enumerate(groups)]


def load_seq2seq_model(owner: str, model_name_or_path: str, token: str | bool | None = None) -> tuple[Any, Any]:
    """`(model, tokenizer)` of a seq2seq checkpoint; a `ComponentError` that says what to pass otherwise."""
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

    name, kwargs = model_location(owner, model_name_or_path, token)
    try:
        config = AutoConfig.from_pretrained(name, **kwargs)
    except (OSError, ValueError) as exc:
        raise ComponentError(f"{owner}: could not read a model config from {name!r}: {exc}") from exc
    if not getattr(config, "is_encoder_decoder", False):
        raise ComponentError(
            f"{owner}: {name!r} is a {config.model_type!r} model, not a sequence-to-sequence one. Pass an encoder-decoder "
            "checkpoint (BART, T5, Pegasus, or an EncoderDecoderModel such as BERT2BERT); for extractive answers use "
            "FARMReader."
        )
    model, tokenizer = load_model_and_tokenizer(owner, "seq2seq", name, AutoModelForSeq2SeqLM, AutoTokenizer, **kwargs)
    generation = getattr(model, "generation_config", None)
    if model.config.decoder_start_token_id is None and generation is not None and generation.decoder_start_token_id is None:
        raise ComponentError(
                f"{owner}: {name!r} sets no decoder_start_token_id, so it cannot generate; set "
                "model.config.decoder_start_token_id (e.g. the [CLS] id for BERT2BERT) and save it again."
            )
    return model, tokenizer
