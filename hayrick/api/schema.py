"""Request and response bodies, as Haystack 1.x's REST API defines them (`rest_api/schema.py`).

Requests refuse unknown fields (a typo in a field name is a 422, not a silently ignored option).
Responses are written by the endpoints straight from the pipeline's objects (`to_dict`), and these
models describe them for the OpenAPI docs at `/docs`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class RequestBaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QueryRequest(RequestBaseModel):
    """`POST /query`: `{"query": "...", "params": {"Retriever": {"top_k": 5}}, "debug": false}`."""

    query: str
    params: dict[str, Any] | None = None
    debug: bool | None = False


class QueryBatchRequest(RequestBaseModel):
    """`POST /query-batch`: several queries through one `Pipeline.run_batch`."""

    queries: list[str]
    params: dict[str, Any] | None = None
    debug: bool | None = False


class FilterRequest(RequestBaseModel):
    """A filter in hayrick's (Haystack 1.x's) filter language, e.g. `{"filters": {"product": ["ereader"]}}`."""

    filters: dict[str, Any] | None = None


class DocumentBody(BaseModel):
    """A document as `/query` returns it (embedding left out)."""

    model_config = ConfigDict(extra="allow")
    id: str | None = None
    content: Any
    content_type: str = "text"
    meta: dict[str, Any] = Field(default_factory=dict)
    score: float | None = None


class SpanBody(BaseModel):
    start: int
    end: int


class TableCellBody(BaseModel):
    row: int
    col: int


class AnswerBody(BaseModel):
    """An answer as `/query` returns it."""

    model_config = ConfigDict(extra="allow")
    answer: str
    type: Literal["generative", "extractive", "other"] = "extractive"
    score: float | None = None
    context: str | None = None
    offsets_in_document: list[SpanBody | TableCellBody] | None = None
    offsets_in_context: list[SpanBody | TableCellBody] | None = None
    document_ids: list[str] | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class CreateLabelSerialized(RequestBaseModel):
    """`POST /feedback`: one user judgement of an answer (stored as a `Label`)."""

    id: str | None = None
    query: str
    document: DocumentBody
    is_correct_answer: bool
    is_correct_document: bool
    origin: Literal["user-feedback", "gold-label"] = "user-feedback"
    answer: AnswerBody | None = None
    no_answer: bool | None = None
    pipeline_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    meta: dict[str, Any] | None = None
    filters: dict[str, Any] | None = None


class QueryResponse(BaseModel):
    """What `/query` answers (fields that are None are left out, as Haystack 1.x does)."""

    model_config = ConfigDict(populate_by_name=True)
    query: str
    answers: list[AnswerBody] = []
    documents: list[DocumentBody] = []
    results: list[str] | None = None
    debug: dict[str, Any] | None = Field(None, alias="_debug")


class UploadResponse(BaseModel):
    """What `/file-upload` answers (Haystack 1.x answered null): the files indexed and the documents written."""

    files: list[str]
    documents: int
    kept_files: list[str] | None = None


class FeedbackMetrics(BaseModel):
    answer_accuracy: float | None
    document_accuracy: float | None
    n_feedback: int


class CPUUsage(BaseModel):
    used: float = Field(..., description="the service's CPU usage in percent, averaged over cores")


class MemoryUsage(BaseModel):
    used: float = Field(..., description="the service's share of the machine's memory in percent")


class GPUUsage(BaseModel):
    kernel_usage: float | None = Field(None, description="GPU kernel usage in percent, where known")
    memory_total: int = Field(..., description="total GPU memory in megabytes")
    memory_used: int | None = Field(None, description="GPU memory this process uses, in megabytes")


class GPUInfo(BaseModel):
    index: int
    usage: GPUUsage


class HealthResponse(BaseModel):
    version: str
    cpu: CPUUsage
    memory: MemoryUsage
    gpus: list[GPUInfo] = []
