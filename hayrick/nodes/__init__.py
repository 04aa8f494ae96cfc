"""Every built-in node, one family per folder (retrievers/, readers/, joiners/, embedders/, evaluators/, ...).

`from hayrick.nodes import BM25Retriever` works as in Haystack 1.x; each name imports its own
module on first use, so a BM25 pipeline never loads the readers. `BaseComponent` is the base class
of every node (the contract: `hayrick/core/component.py`). Heavy libraries (torch, transformers,
pypdf) are imported inside the nodes that need them.
"""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {
    "BaseComponent": "hayrick.core",
    "get_component_class": "hayrick.core",
    "load_entry_point_nodes": "hayrick.core",
    "registered_component_names": "hayrick.core",
    "BaseRetriever": ".retrievers.base",
    "BM25Retriever": ".retrievers.bm25",
    "TfidfRetriever": ".retrievers.tfidf",
    "FilterRetriever": ".retrievers.filter",
    "BaseDenseRetriever": ".retrievers.embedding",
    "EmbeddingRetriever": ".retrievers.embedding",
    "DensePassageRetriever": ".retrievers.dpr",
    "BaseReader": ".readers.base",
    "FARMReader": ".readers.farm",
    "TransformersReader": ".readers.transformers_reader",
    "DPRReader": ".readers.dpr_reader",
    "BaseConverter": ".file_converter.base",
    "TextConverter": ".file_converter.txt",
    "PDFToTextConverter": ".file_converter.pdf",
    "MarkdownConverter": ".file_converter.markdown",
    "BasePreProcessor": ".preprocessing.base",
    "PreProcessor": ".preprocessing.preprocessor",
    "FileTypeClassifier": ".routing.file_type_classifier",
    "JoinNode": ".joiners.join_documents",
    "JoinDocuments": ".joiners.join_documents",
    "JoinAnswers": ".joiners.join_answers",
    "DocumentEmbedder": ".embedders.document_embedder",
    "BaseGenerator": ".generators.base",
    "Seq2SeqGenerator": ".generators.seq2seq",
    "RAGenerator": ".generators.rag",
    "BaseSummarizer": ".summarizer.transformers",
    "TransformersSummarizer": ".summarizer.transformers",
    "EvalDocuments": ".evaluators.eval_documents",
    "EvalAnswers": ".evaluators.eval_answers",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
