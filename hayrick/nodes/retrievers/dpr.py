"""`DensePassageRetriever`: two encoders (towers), one for queries and one for passages (Karpukhin et al., 2020)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from hayrick._checks import check_choice, check_int
from hayrick.errors import ComponentError
from hayrick.lazy_imports import require
from hayrick.nodes.retrievers.embedding import BaseDenseRetriever, document_texts
from hayrick.nodes.retrievers.encoders import (
    POOLER_OUTPUT,
    TextEncoder,
    select_device,
)
from hayrick.schema import Document

logger = logging.getLogger(__name__)

SIMILARITY_FUNCTIONS = ("dot_product", "cosine")
SETTINGS_FILE = "dpr_settings.json"
_SETTINGS_FORMAT = "hayrick.DensePassageRetriever/1"
_SAVED_SETTINGS = ("max_seq_len_query", "max_seq_len_passage", "batch_size", "embed_title", "similarity_function")
_DPR_CLASSES = {"query": "DPRQuestionEncoder", "passage": "DPRContextEncoder"}


def load_tower(name_or_path: str, role: str, max_seq_len: int, device: Any) -> TextEncoder:
    """One tower: a DPR checkpoint (`config.model_type == "dpr"`, its pooler output) or any `AutoModel` (CLS)."""
    require("torch", owner="Dense retrievers", extra="inference")
    require("transformers", owner="Dense retrievers", extra="inference")
    import transformers
    from transformers import AutoConfig, AutoTokenizer

    def failed(exc: Exception) -> ComponentError:
        return ComponentError(
            f"DensePassageRetriever: could not load the {role} encoder {name_or_path!r}: {exc}. Pass a local model "
            "folder or a Hugging Face hub name (with the hub reachable or the model in the local cache)."
        )

    try:
        config = AutoConfig.from_pretrained(name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except OSError as exc:
        raise failed(exc) from exc
    if config.model_type == "dpr":
        wanted, other = _DPR_CLASSES[role], _DPR_CLASSES["passage" if role == "query" else "query"]
        if other in (config.architectures or []) and wanted not in (config.architectures or []):
            raise ComponentError(
                f"DensePassageRetriever: {name_or_path!r} is a {other} checkpoint, but it was given as the {role} "
                f"encoder. Pass a {wanted} checkpoint (e.g. "
                f"facebook/dpr-{'question' if role == 'query' else 'ctx'}_encoder-single-nq-base)."
            )
        model_class, pooling = getattr(transformers, wanted), (POOLER_OUTPUT,)
    else:
        model_class, pooling = transformers.AutoModel, ("cls",)
    try:
        model = model_class.from_pretrained(name_or_path)
    except OSError as exc:
        raise failed(exc) from exc
    return TextEncoder(model, tokenizer, pooling, max_seq_len, device=device)


def document_title(document: Document) -> str:
    """The title DPR embeds with a passage: `meta["name"]`, else `meta["title"]`, else ""."""
    title = document.meta.get("name") or document.meta.get("title") or ""
    return str(title)


class DensePassageRetriever(BaseDenseRetriever):
    """Dense retrieval with separate query and passage encoders (DPR), trainable on DPR-format data.

    Example:
        >>> store = FAISSDocumentStore(embedding_dim=768)
        >>> retriever = DensePassageRetriever(
        ...     store,
        ...     query_embedding_model="facebook/dpr-question_encoder-single-nq-base",
        ...     passage_embedding_model="facebook/dpr-ctx_encoder-single-nq-base",
        ... )
        >>> store.update_embeddings(retriever)
        >>> retriever.retrieve("Who wrote Hamlet?", top_k=5)
        >>> retriever.train("data/dpr", "train.json", dev_filename="dev.json", save_dir="saved/dpr")
        >>> same = DensePassageRetriever.load("saved/dpr", store)

    The towers are Hugging Face DPR checkpoints (`DPRQuestionEncoder` / `DPRContextEncoder`, found by
    `config.model_type == "dpr"`; their pooler output is the vector) or any BERT-like encoder
    (`AutoModel`; the vector is the [CLS] token's last hidden state).

    Args:
        document_store: a store with vector search whose `embedding_dim` equals the towers' vector length.
        query_embedding_model: hub name or folder of the query encoder.
        passage_embedding_model: hub name or folder of the passage encoder.
        max_seq_len_query: queries are truncated to this many tokens.
        max_seq_len_passage: passages (with their title) are truncated to this many tokens.
        top_k: how many documents `retrieve` returns by default.
        use_gpu: run on a GPU if there is one.
        batch_size: texts per forward pass when embedding.
        embed_title: embed `[CLS] title [SEP] text [SEP]`, the title being `meta["name"]` (or `meta["title"]`),
            as Haystack 1.x does.
        similarity_function: `dot_product` or `cosine`: the similarity training optimises; the store should
            use the same one.
        progress_bar: show progress bars while embedding documents and training.
        scale_score: scores in [0, 1] (as the store scales them).
    """

    def __init__(
        self,
        document_store: Any,
        query_embedding_model: str | os.PathLike = "facebook/dpr-question_encoder-single-nq-base",
        passage_embedding_model: str | os.PathLike = "facebook/dpr-ctx_encoder-single-nq-base",
        max_seq_len_query: int = 64,
        max_seq_len_passage: int = 256,
        top_k: int = 10,
        use_gpu: bool = True,
        batch_size: int = 16,
        embed_title: bool = True,
        similarity_function: str = "dot_product",
        progress_bar: bool = True,
        scale_score: bool = True,
    ):
        super().__init__(document_store, top_k=top_k, scale_score=scale_score, progress_bar=progress_bar)
        for name, value in (("query_embedding_model", query_embedding_model), ("passage_embedding_model", passage_embedding_model)):
            if not isinstance(value, (str, os.PathLike)) or not str(value):
                raise ComponentError(f"DensePassageRetriever: {name} must be a hub name or a model folder, got {value!r}.")
        for setting, number in (("max_seq_len_query", max_seq_len_query), ("max_seq_len_passage", max_seq_len_passage),
                                ("batch_size", batch_size)):
            check_int(number, setting, owner="DensePassageRetriever")
        check_choice(similarity_function, "similarity_function", SIMILARITY_FUNCTIONS, owner="DensePassageRetriever")
        self.query_embedding_model = str(query_embedding_model)
        self.passage_embedding_model = str(passage_embedding_model)
        self.max_seq_len_query, self.max_seq_len_passage = max_seq_len_query, max_seq_len_passage
        self.batch_size, self.embed_title, self.use_gpu = batch_size, embed_title, use_gpu
        self.similarity_function = similarity_function
        self.device = select_device(use_gpu)
        self.query_encoder = load_tower(self.query_embedding_model, "query", max_seq_len_query, self.device)
        self.passage_encoder = load_tower(self.passage_embedding_model, "passage", max_seq_len_passage, self.device)
        q_dim, p_dim = self.query_encoder.embedding_dim, self.passage_encoder.embedding_dim
        if q_dim != p_dim:
            raise ComponentError(
                f"DensePassageRetriever: the query encoder makes vectors of length {q_dim}, the passage encoder "
                f"of length {p_dim}; the two towers must agree."
            )
        self._check_store_dim(q_dim)
        store_similarity = getattr(document_store, "similarity", similarity_function)
        if store_similarity != similarity_function:
            logger.warning(
                "DensePassageRetriever: similarity_function=%r but %s uses similarity=%r; build the store with "
                "similarity=%r to search the way the encoders were trained.",
                similarity_function, type(document_store).__name__, store_similarity, similarity_function,
            )

    @property
    def embedding_dim(self) -> int:
        """Length of the vectors this retriever makes."""
        return self.query_encoder.embedding_dim

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        """float32 vectors of `queries` from the query encoder."""
        if isinstance(queries, str):
            raise ComponentError("DensePassageRetriever.embed_queries takes a list of queries; wrap the query in a list.")
        return self.query_encoder.encode(
            list(queries), batch_size=self.batch_size, desc="Embedding queries",
            progress_bar=self.progress_bar and len(queries) > self.batch_size,
        )

    def passage_inputs(self, titles: list[str], texts: list[str]) -> tuple[list[str], list[str] | None]:
        """What the passage encoder reads: (titles, texts) as pairs with `embed_title`, else (texts, None)."""
        return (titles, texts) if self.embed_title else (texts, None)

    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        """float32 vectors of the documents from the passage encoder (with their title if `embed_title`)."""
        texts = document_texts(documents, "DensePassageRetriever")
        first, pairs = self.passage_inputs([document_title(d) for d in documents], texts)
        return self.passage_encoder.encode(
            first, pairs=pairs, batch_size=self.batch_size, desc="Embedding passages",
            progress_bar=self.progress_bar and len(texts) > self.batch_size,
        )

    # ----------------------------------------------------------------------------------- training
    def train(
        self,
        data_dir: str | os.PathLike,
        train_filename: str,
        dev_filename: str | None = None,
        test_filename: str | None = None,
        max_samples: int | None = None,
        max_processes: int = 1,
        dev_split: float = 0,
        batch_size: int = 2,
        embed_title: bool = True,
        num_hard_negatives: int = 1,
        num_positives: int = 1,
        n_epochs: int = 3,
        evaluate_every: int = 1000,
        n_gpu: int = 1,
        learning_rate: float = 1e-5,
        epsilon: float = 1e-08,
        weight_decay: float = 0.0,
        num_warmup_steps: int = 100,
        grad_acc_steps: int = 1,
        use_amp: bool = False,
        optimizer_name: str = "AdamW",
        optimizer_correct_bias: bool = True,
        save_dir: str | os.PathLike | None = "../saved_models/dpr",
        query_encoder_save_dir: str = "query_encoder",
        passage_encoder_save_dir: str = "passage_encoder",
        max_steps: int | None = None,
        max_seconds: float | None = None,
        seed: int = 42,
    ) -> dict[str, Any]:
        """Train both towers on DPR-format JSON with in-batch and hard negatives; see `dpr_training.train_dpr`.

        Returns the training report (dev accuracy and average rank at each evaluation, test metrics).
        """
        from hayrick.nodes.retrievers.dpr_training import train_dpr

        arguments = dict(locals())
        arguments.pop("self")
        arguments.pop("train_dpr")
        return train_dpr(self, **arguments)

    # ---------------------------------------------------------------------------------- save/load
    def save(
        self,
        save_dir: str | os.PathLike,
        query_encoder_dir: str = "query_encoder",
        passage_encoder_dir: str = "passage_encoder",
    ) -> Path:
        """Write both towers and tokenizers (safetensors) and `dpr_settings.json` to `save_dir`; return it."""
        folder = Path(save_dir)
        folder.mkdir(parents=True, exist_ok=True)
        self.query_encoder.save(folder / query_encoder_dir)
        self.passage_encoder.save(folder / passage_encoder_dir)
        settings = {"format": _SETTINGS_FORMAT, **{key: getattr(self, key) for key in _SAVED_SETTINGS},
                    "query_encoder_dir": query_encoder_dir, "passage_encoder_dir": passage_encoder_dir}
        (folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, load_dir: str | os.PathLike, document_store: Any, **overrides: Any) -> DensePassageRetriever:
        """A retriever from a folder that `save` (or `train`) wrote; `overrides` replace saved settings.

        Example:
            >>> retriever = DensePassageRetriever.load("saved/dpr", store, top_k=5, use_gpu=False)
        """
        folder = Path(load_dir)
        path = folder / SETTINGS_FILE
        if not path.is_file():
            raise ComponentError(
                f"DensePassageRetriever.load: {folder} has no {SETTINGS_FILE}; give a folder that "
                "DensePassageRetriever.save or .train wrote."
            )
        settings = json.loads(path.read_text(encoding="utf-8"))
        if settings.pop("format", None) != _SETTINGS_FORMAT:
            raise ComponentError(f"{path} is not a DensePassageRetriever settings file (format {_SETTINGS_FORMAT!r}).")
        query_dir, passage_dir = settings.pop("query_encoder_dir"), settings.pop("passage_encoder_dir")
        params = {"query_embedding_model": str(folder / query_dir), "passage_embedding_model": str(folder / passage_dir),
                  **settings, **overrides}
        return cls(document_store, **params)
