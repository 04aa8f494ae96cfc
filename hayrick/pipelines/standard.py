"""Ready-made pipelines for the common jobs, and printing their results.

```python
from hayrick.pipelines import ExtractiveQAPipeline
from hayrick.pipelines.standard import print_answers

pipe = ExtractiveQAPipeline(reader=reader, retriever=retriever)
result = pipe.run(query="Is it good for reading?", params={"Retriever": {"top_k": 10}, "Reader": {"top_k": 3}})
print_answers(result, details="minimum")
```
"""

from __future__ import annotations

import os
from pathlib import Path
from pprint import pformat
from typing import Any

from hayrick.core import BaseComponent
from hayrick.errors import PipelineValidationError
from hayrick.pipelines.base import Pipeline

ANSWER_DETAILS = ("minimum", "medium", "all")

#: Haystack 1.x's pipeline kinds in its order (first match wins). Classes are matched by name, so a
#: kind whose classes hayrick does not have never matches.
def _has(*names: str) -> Any:
    return lambda cs: all(any(_is_a(c, n) for c in cs) for n in names)


_PIPELINE_KINDS: tuple[tuple[str, Any], ...] = (
    ("QuestionGenerationPipeline", lambda cs: bool(cs) and all(_is_a(c, "QuestionGenerator") for c in cs)),
    ("FAQPipeline", _has("Docs2Answers")),
    ("ExtractiveQAPipeline", _has("BaseRetriever", "BaseReader")),
    ("SearchSummarizationPipeline", _has("BaseRetriever", "BaseSummarizer")),
    ("TranslationWrapperPipeline", lambda cs: sum(_is_a(c, "BaseTranslator") for c in cs) >= 2),
    ("RetrieverQuestionGenerationPipeline", _has("BaseRetriever", "QuestionGenerator")),
    ("QuestionAnswerGenerationPipeline", _has("BaseReader", "QuestionGenerator")),
    ("MostSimilarDocumentsPipeline", lambda cs: len(cs) == 1 and _is_a(cs[0], "BaseDocumentStore")),
    ("DocumentSearchPipeline", _has("BaseRetriever")),
)


def _is_a(component: Any, class_name: str) -> bool:
    return any(cls.__name__ == class_name for cls in type(component).__mro__)


def pipeline_type(components: list[Any]) -> str:
    """Haystack 1.x's `Pipeline.get_type()` text for a pipeline holding `components` (nodes and their params)."""
    kind = next((name for name, matches in _PIPELINE_KINDS if matches(components)), "Unknown pipeline")
    retrievers = [type(c).__name__ for c in components if _is_a(c, "BaseRetriever")] or "None"
    stores = [type(c).__name__ for c in components if _is_a(c, "BaseDocumentStore")] or "None"
    return f"{kind} (retriever: {retrievers}, doc_store: {stores})"


class BaseStandardPipeline:
    """A `Pipeline` built for one job; the underlying pipeline is `self.pipeline`."""

    pipeline: Pipeline

    def run(self, query: str, params: dict[str, Any] | None = None, debug: bool | None = None) -> dict[str, Any]:
        """Run one query (see `Pipeline.run`)."""
        return self.pipeline.run(query=query, params=params, debug=debug)

    def run_batch(self, queries: list[str], params: dict[str, Any] | None = None, debug: bool | None = None) -> dict[str, Any]:
        """Run many queries (see `Pipeline.run_batch`)."""
        return self.pipeline.run_batch(queries=queries, params=params, debug=debug)

    def add_node(self, component: BaseComponent, name: str, inputs: list[str]) -> None:
        self.pipeline.add_node(component=component, name=name, inputs=inputs)

    def get_node(self, name: str) -> BaseComponent | None:
        return self.pipeline.get_node(name)

    def get_nodes_by_class(self, class_type: type) -> list[BaseComponent]:
        return self.pipeline.get_nodes_by_class(class_type)

    def draw(self, path: str | os.PathLike = "pipeline.png") -> Path:
        return self.pipeline.draw(path)

    def save(self, path: str | os.PathLike, pipeline_name: str | None = None, return_defaults: bool = False) -> None:
        self.pipeline.save(path, pipeline_name=pipeline_name, return_defaults=return_defaults)

    def save_to_yaml(self, path: str | os.PathLike, return_defaults: bool = False) -> None:
        self.pipeline.save_to_yaml(path, return_defaults=return_defaults)

    def get_config(self, return_defaults: bool = False, pipeline_name: str | None = None) -> dict[str, Any]:
        return self.pipeline.get_config(return_defaults=return_defaults, pipeline_name=pipeline_name)

    def get_document_store(self) -> Any:
        """The document store of the pipeline (see `Pipeline.get_document_store`)."""
        return self.pipeline.get_document_store()

    def get_type(self) -> str:
        """The pipeline's kind, retrievers and stores (see `Pipeline.get_type`)."""
        return self.pipeline.get_type()

    def to_code(
        self, pipeline_variable_name: str = "pipeline", generate_imports: bool = True, add_comment: bool = False
    ) -> str:
        """Python code that builds the pipeline (see `Pipeline.to_code`)."""
        return self.pipeline.to_code(pipeline_variable_name, generate_imports, add_comment)

    def eval(
        self,
        labels: list[Any],
        params: dict[str, Any] | None = None,
        sas_model_name_or_path: str | None = None,
        sas_batch_size: int = 32,
        sas_use_gpu: bool = True,
        add_isolated_node_eval: bool = False,
        custom_document_id_field: str | None = None,
        context_matching_min_length: int = 100,
        context_matching_boost_split_overlaps: bool = True,
        context_matching_threshold: float = 65.0,
    ) -> Any:
        """Evaluate on `labels` (see `Pipeline.eval`)."""
        return self.pipeline.eval(labels=labels, params=params, **_eval_options(locals()))

    def eval_batch(
        self,
        labels: list[Any],
        params: dict[str, Any] | None = None,
        sas_model_name_or_path: str | None = None,
        sas_batch_size: int = 32,
        sas_use_gpu: bool = True,
        add_isolated_node_eval: bool = False,
        custom_document_id_field: str | None = None,
        context_matching_min_length: int = 100,
        context_matching_boost_split_overlaps: bool = True,
        context_matching_threshold: float = 65.0,
    ) -> Any:
        """Evaluate on `labels` with one `run_batch` call (see `Pipeline.eval_batch`)."""
        return self.pipeline.eval_batch(labels=labels, params=params, **_eval_options(locals()))


class ExtractiveQAPipeline(BaseStandardPipeline):
    """Query -> Retriever -> Reader: answers extracted from the retrieved documents.

    Example:
        >>> pipe = ExtractiveQAPipeline(reader=FARMReader("../shared/models/minilm-l6-squad"), retriever=retriever)
        >>> pipe.run(query="Is it good for reading?", params={"Retriever": {"top_k": 10}, "Reader": {"top_k": 3}})
    """

    def __init__(self, reader: BaseComponent, retriever: BaseComponent):
        _check_component(reader, "reader")
        _check_component(retriever, "retriever")
        self.pipeline = Pipeline()
        self.pipeline.add_node(component=retriever, name="Retriever", inputs=["Query"])
        self.pipeline.add_node(component=reader, name="Reader", inputs=["Retriever"])


class GenerativeQAPipeline(BaseStandardPipeline):
    """Query -> Retriever -> Generator: answers written from the retrieved documents.

    Example:
        >>> pipe = GenerativeQAPipeline(generator=Seq2SeqGenerator("my-bart"), retriever=retriever)  # doctest: +SKIP
        >>> pipe.run(query="Is it good for reading?", params={"Retriever": {"top_k": 3}, "Generator": {"top_k": 1}})  # doctest: +SKIP
    """

    def __init__(self, generator: BaseComponent, retriever: BaseComponent):
        _check_component(generator, "generator")
        _check_component(retriever, "retriever")
        self.pipeline = Pipeline()
        self.pipeline.add_node(component=retriever, name="Retriever", inputs=["Query"])
        self.pipeline.add_node(component=generator, name="Generator", inputs=["Retriever"])


class SearchSummarizationPipeline(BaseStandardPipeline):
    """Query -> Retriever -> Summarizer: the retrieved documents summarised (Haystack 1.x's).

    Args:
        summarizer: a `TransformersSummarizer`.
        retriever: any retriever.
        generate_single_summary: one summary of all retrieved documents instead of one each.
        return_in_answer_format: return `answers` (the summaries as generative answers, as the QA
            pipelines do) instead of `documents`.
    """

    def __init__(
        self,
        summarizer: BaseComponent,
        retriever: BaseComponent,
        generate_single_summary: bool = False,
        return_in_answer_format: bool = False,
    ):
        _check_component(summarizer, "summarizer")
        _check_component(retriever, "retriever")
        self.generate_single_summary = generate_single_summary
        self.return_in_answer_format = return_in_answer_format
        self.pipeline = Pipeline()
        self.pipeline.add_node(component=retriever, name="Retriever", inputs=["Query"])
        self.pipeline.add_node(component=summarizer, name="Summarizer", inputs=["Retriever"])

    def run(self, query: str, params: dict[str, Any] | None = None, debug: bool | None = None) -> dict[str, Any]:
        """The summaries of the documents retrieved for `query` (as `answers` with `return_in_answer_format`)."""
        params = dict(params or {})
        if self.generate_single_summary:
            params["Summarizer"] = {"generate_single_summary": True, **(params.get("Summarizer") or {})}
        output = self.pipeline.run(query=query, params=params, debug=debug)
        if not self.return_in_answer_format:
            return output
        from hayrick.schema import Answer

        answers = [
            Answer(answer=doc.meta.get("summary", ""), type="generative", context=str(doc.content),
                   document_ids=doc.meta.get("document_ids") or [doc.id],
                   meta={k: v for k, v in doc.meta.items() if k != "summary"})
            for doc in output.get("documents") or []
        ]  # fmt: skip
        return {**{k: v for k, v in output.items() if k != "documents"}, "query": query, "answers": answers}


class DocumentSearchPipeline(BaseStandardPipeline):
    """Query -> Retriever: the documents relevant to a query.

    Example:
        >>> DocumentSearchPipeline(retriever).run(query="battery life", params={"Retriever": {"top_k": 5}})
    """

    def __init__(self, retriever: BaseComponent):
        _check_component(retriever, "retriever")
        self.pipeline = Pipeline()
        self.pipeline.add_node(component=retriever, name="Retriever", inputs=["Query"])


def _eval_options(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in ("self", "labels", "params")}


def _check_component(component: Any, role: str) -> None:
    if not isinstance(component, BaseComponent):
        raise PipelineValidationError(
            f"The {role} must be a hayrick node (e.g. a {'FARMReader' if role == 'reader' else 'BM25Retriever'}), "
            f"got {type(component).__name__}."
        )


def _shorten(text: str | None, max_text_len: int | None) -> str | None:
    if text is None or max_text_len is None or len(text) <= max_text_len:
        return text
    return text[: max_text_len - 3] + "..."


def format_answers(results: dict[str, Any], details: str = "all", max_text_len: int | None = None) -> str:
    """The query and answers of a pipeline result as text; see `print_answers`."""
    if details not in ANSWER_DETAILS:
        raise ValueError(f"details must be one of {', '.join(ANSWER_DETAILS)}, got {details!r}.")
    answers = results.get("answers")
    if answers is None:
        raise ValueError(
            f"The result has no 'answers' (keys: {', '.join(results)}); print_answers needs a pipeline with a reader."
        )
    if details == "minimum":
        shown: list[Any] = [
            {"answer": a.answer, "context": _shorten(a.context, max_text_len)} for a in answers
        ]
    elif details == "medium":
        shown = [
            {"answer": a.answer, "context": _shorten(a.context, max_text_len), "score": a.score} for a in answers
        ]
    else:
        shown = [a.to_dict() for a in answers]
    return f"Query: {results.get('query')}\nAnswers:\n{pformat(shown, sort_dicts=False, width=100)}"


def print_answers(results: dict[str, Any], details: str = "all", max_text_len: int | None = None) -> None:
    """Print the answers of a pipeline result, as Haystack 1.x's `print_answers`.

    Args:
        results: what `pipeline.run()` returned.
        details: "minimum" (answer and context), "medium" (and score) or "all" (every field).
        max_text_len: shorten contexts longer than this.
    """
    print(format_answers(results, details, max_text_len))


def print_documents(results: dict[str, Any], max_text_len: int | None = None, print_meta: bool = False) -> None:
    """Print the documents of a pipeline result: score and content (and meta)."""
    print(f"Query: {results.get('query')}")
    for doc in results.get("documents") or []:
        score = f"{doc.score:.4f}" if doc.score is not None else "-"
        print(f"[{score}] {_shorten(doc.content, max_text_len)}")
        if print_meta:
            print(f"    meta: {doc.meta}")
