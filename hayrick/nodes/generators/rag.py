"""`RAGenerator`: Retrieval-Augmented Generation (Lewis et al., 2020) with Hugging Face RAG checkpoints.

```python
from hayrick.nodes.generators import RAGenerator
from hayrick.pipelines import GenerativeQAPipeline

generator = RAGenerator("facebook/rag-token-nq", retriever=dpr, generator_type="token", top_k=1)
pipe = GenerativeQAPipeline(generator=generator, retriever=dpr)
pipe.run(query="who got the first nobel prize in physics?", params={"Retriever": {"top_k": 5}})
```

The retrieved documents are scored again by the checkpoint's own question encoder against their
embeddings (documents without one are embedded with `retriever`, a `DensePassageRetriever`), and
each is turned into the generator's input as RAG was trained: `prefix + title + " / " + text +
" // " + query`. `generate(context_input_ids=..., context_attention_mask=..., doc_scores=...)` of
`RagTokenForGeneration` (`generator_type="token"`: the documents mix at every token) or
`RagSequenceForGeneration` ("sequence": each document yields whole answers, marginalised over the
documents) writes the answers.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from hayrick._checks import check_bool, check_choice, check_int
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes.generators.base import (
    BaseGenerator,
    load_model_and_tokenizer,
    model_location,
)
from hayrick.schema import Document

logger = logging.getLogger(__name__)

GENERATOR_TYPES = ("token", "sequence")


class RAGenerator(BaseGenerator):
    """Generates answers with a RAG checkpoint from the documents a retriever found (Haystack 1.x's RAGenerator).

    Args:
        model_name_or_path: a RAG checkpoint (folder or hub name) with its question encoder.
        retriever: a `DensePassageRetriever` whose passage encoder embeds documents that have no embedding.
        generator_type: "token" (RAG-Token) or "sequence" (RAG-Sequence).
        top_k: answers per query (at most `num_beams`).
        max_length: the most tokens an answer has.
        min_length: the fewest tokens an answer has.
        num_beams: beam search width (1: greedy).
        embed_title: put each document's title (`meta["name"]`) before its text.
        prefix: text before each document (default: the generator's config prefix).
        use_gpu: run on CUDA when it is available.
        progress_bar: show a progress bar in `predict_batch`.
        use_auth_token: the hub token, for private models.
        devices: the torch device to use, e.g. `["cuda:1"]`.
    """

    def __init__(
        self,
        model_name_or_path: str = "facebook/rag-token-nq",
        retriever: Any = None,
        generator_type: str = "token",
        top_k: int = 2,
        max_length: int = 200,
        min_length: int = 2,
        num_beams: int = 2,
        embed_title: bool = True,
        prefix: str | None = None,
        use_gpu: bool = True,
        progress_bar: bool = True,
        use_auth_token: str | bool | None = None,
        devices: list[Any] | None = None,
    ) -> None:
        owner = "RAGenerator"
        check_choice(generator_type, "generator_type", GENERATOR_TYPES, owner=owner, error=ComponentError)
        for name, value in (("top_k", top_k), ("max_length", max_length), ("num_beams", num_beams)):
            check_int(value, name, owner=owner)
        check_int(min_length, "min_length", owner=owner, minimum=0)
        check_bool(embed_title, "embed_title", owner=owner)
        if min_length > max_length:
            raise ComponentError(f"{owner}: min_length ({min_length}) must not exceed max_length ({max_length}).")
        if prefix is not None and not isinstance(prefix, str):
            raise ComponentError(f"{owner}: prefix must be a str or None, got {type(prefix).__name__}.")
        if retriever is not None and not callable(getattr(retriever, "embed_documents", None)):
            raise ComponentError(
                f"{owner}: retriever must embed documents (a DensePassageRetriever), got {type(retriever).__name__}."
            )
        super().__init__(progress_bar=progress_bar)
        self.model_name_or_path, self.retriever, self.generator_type = model_name_or_path, retriever, generator_type
        self.top_k, self.max_length, self.min_length, self.num_beams = top_k, max_length, min_length, num_beams
        self.embed_title, self.prefix, self.use_gpu = embed_title, prefix, use_gpu
        self.use_auth_token, self.devices = use_auth_token, devices
        self.model, self.tokenizer = load_rag_model(owner, model_name_or_path, generator_type, use_auth_token)
        from hayrick.nodes.readers.loading import select_device

        self.device = select_device(owner, use_gpu, devices)
        self.model.to(self.device)

    # ------------------------------------------------------------------ inputs
    def contextualized_inputs(self, query: str, documents: list[Document]) -> tuple[Any, Any]:
        """`(context_input_ids, context_attention_mask)`: each document and the query as RAG reads them."""
        config = self.model.config
        prefix = self.prefix if self.prefix is not None else (getattr(config.generator, "prefix", None) or "")
        texts = []
        for doc in documents:
            title = str(doc.meta.get("name") or "") if self.embed_title else ""
            title = title.removeprefix('"')
            title = title.removesuffix('"')
            texts.append((prefix + title + config.title_sep + str(doc.content) + config.doc_sep + query).replace("  ", " "))
        encoded = self.tokenizer.generator(
            texts, max_length=config.max_combined_length, return_tensors="pt", padding="max_length", truncation=True
        )
        return encoded["input_ids"].to(self.device), encoded["attention_mask"].to(self.device)

    def doc_scores(self, query: str, documents: list[Document]) -> Any:
        """The question encoder's scores of `documents` for `query`: a `(1, n_docs)` tensor."""
        import torch

        embeddings = [doc.embedding for doc in documents]
        if any(e is None for e in embeddings):
            if self.retriever is None:
                raise NodeError(
                    "RAGenerator: some documents have no embedding, and there is no retriever to embed them. Pass "
                    "RAGenerator(retriever=DensePassageRetriever(...)), or embed the store first "
                    "(store.update_embeddings(retriever))."
                )
            embeddings = list(np.asarray(self.retriever.embed_documents(documents), dtype=np.float32))
        passages = torch.as_tensor(np.vstack(embeddings), dtype=torch.float32, device=self.device)
        question = self.tokenizer(text=[query], return_tensors="pt", padding="longest", truncation=True)
        query_embedding = self.model.question_encoder(question["input_ids"].to(self.device))[0]
        if query_embedding.shape[-1] != passages.shape[-1]:
            raise NodeError(
                f"RAGenerator: the documents' embeddings have {passages.shape[-1]} dimensions, the question encoder's "
                f"{query_embedding.shape[-1]}; embed the documents with the passage encoder RAG was trained with."
            )
        return query_embedding @ passages.T

    # -------------------------------------------------------------- predict
    def predict(
        self, query: str, documents: list[Document], top_k: int | None = None, max_tokens: int | None = None
    ) -> dict[str, Any]:
        """`{"query": query, "answers": [...]}`: `top_k` answers written from `documents`."""
        import torch

        documents = self.check_inputs(query, documents)
        k = self.positive(top_k, "top_k", self.top_k)
        if k > self.num_beams:
            logger.warning("RAGenerator: top_k=%d is more than num_beams=%d; returning %d answers.", k, self.num_beams, self.num_beams)
            k = self.num_beams
        limit = self.positive(max_tokens, "max_tokens", self.max_length)
        with torch.inference_mode():
            scores = self.doc_scores(query, documents)
            context_ids, context_mask = self.contextualized_inputs(query, documents)
            output = self.model.generate(
                context_input_ids=context_ids,
                context_attention_mask=context_mask,
                doc_scores=scores,
                num_return_sequences=k,
                num_beams=self.num_beams,
                max_length=limit,
                min_length=min(self.min_length, limit),
                n_docs=len(documents),
            )
        texts = self.tokenizer.batch_decode(output, skip_special_tokens=True)
        doc_scores = [float(s) for s in scores[0].tolist()]
        probabilities = [float(p) for p in torch.softmax(scores[0], dim=-1).tolist()]
        answers = self.create_answers(texts, documents, doc_scores=doc_scores, doc_probabilities=probabilities)
        return {"query": query, "answers": answers}


def load_rag_model(owner: str, model_name_or_path: str, generator_type: str, token: str | bool | None) -> tuple[Any, Any]:
    """`(RagTokenForGeneration or RagSequenceForGeneration, RagTokenizer)` of a checkpoint with a question encoder."""
    from transformers import (
        AutoConfig,
        RagConfig,
        RagSequenceForGeneration,
        RagTokenForGeneration,
        RagTokenizer,
    )

    name, kwargs = model_location(owner, model_name_or_path, token)
    try:
        model_type = AutoConfig.from_pretrained(name, **kwargs).model_type
        config = RagConfig.from_pretrained(name, **kwargs) if model_type == "rag" else None
    except (OSError, ValueError, KeyError) as exc:
        raise ComponentError(f"{owner}: {name!r} is not a RAG checkpoint ({exc}); pass e.g. facebook/rag-token-nq.") from exc
    if config is None:
        raise ComponentError(
            f"{owner}: {name!r} is not a RAG checkpoint (it is a {model_type!r} model); pass a RAG checkpoint such as "
            "facebook/rag-token-nq, or use Seq2SeqGenerator for a plain seq2seq model."
        )
    if getattr(config, "question_encoder", None) is None or not getattr(config.question_encoder, "model_type", None):
        raise ComponentError(
            f"{owner}: the RAG checkpoint {name!r} has no question encoder, which scores the documents; use a full "
            "RAG checkpoint (question encoder and generator), such as facebook/rag-token-nq."
        )
    model_cls = RagTokenForGeneration if generator_type == "token" else RagSequenceForGeneration
    return load_model_and_tokenizer(owner, "RAG", name, model_cls, RagTokenizer, **kwargs)
