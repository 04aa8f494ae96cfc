"""Haystack 1.26's own REST API tests (`rest_api/test/test_rest_api.py`), against hayrick's app.

Haystack's tests replace the store and the pipeline with mocks and check the calls; here the
store is a real `InMemoryDocumentStore` holding Haystack's two test documents, and the query
pipeline a real node that records what it was given, so the same requests are checked by their
effect. The `feedback` body is Haystack's fixture, unchanged. Where hayrick answers otherwise
(a meta form field that is not a JSON object: 422, Haystack 500), the test says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.optional import need

need("fastapi")
need("httpx")

from fastapi.testclient import TestClient  # noqa: E402

import hayrick  # noqa: E402
from hayrick import BaseComponent, Document, Label, Pipeline  # noqa: E402
from hayrick.api import create_app  # noqa: E402
from hayrick.nodes import PDFToTextConverter  # noqa: E402
from hayrick.stores import InMemoryDocumentStore  # noqa: E402

SAMPLES = Path(__file__).parent / "haystack_samples"
TEST_QUERY = "Who made the PDF specification?"


class RecordingRetriever(BaseComponent):
    """Answers whatever `returns` holds and records the arguments of each run."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.returns: dict[str, Any] = {}

    def run(self, query: str, filters: dict | None = None, top_k: int | None = None):  # type: ignore[override]
        self.calls.append({"query": query, "filters": filters, "top_k": top_k})
        return dict(self.returns), "output_1"


class RecordingReader(BaseComponent):
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def run(self, query: str, top_k: int | None = None):  # type: ignore[override]
        self.calls.append({"top_k": top_k})
        return {}, "output_1"


@pytest.fixture()
def feedback() -> dict[str, Any]:
    return {
        "id": "123",
        "query": "Who made the PDF specification?",
        "document": {
            "content": "A sample PDF file\n\nHistory and standardization\nFormat (PDF) Adobe Systems made the PDF specification available free of charge in 1993. In the early years PDF was popular mainly in desktop publishing workflows, and competed with a variety of formats such as DjVu, Envoy, Common Ground Digital Paper, Farallon Replica and even Adobe's own PostScript format. PDF was a proprietary format controlled by Adobe until it was released as an open standard on July 1, 2008, and published by the International Organization for Standardization as ISO 32000-1:2008, at which time control of the specification passed to an ISO Committee of volunteer industry experts. In 2008, Adobe published a Public Patent License to ISO 32000-1 granting royalty-free rights for all patents owned by Adobe that are necessary to make, use, sell, and distribute PDF-compliant implementations. PDF 1.7, the sixth edition of the PDF specification that became ISO 32000-1, includes some proprietary technologies defined only by Adobe, such as Adobe XML Forms Architecture (XFA) and JavaScript extension for Acrobat, which are referenced by ISO 32000-1 as normative and indispensable for the full implementation of the ISO 32000-1 specification. These proprietary technologies are not standardized and their specification is published only on Adobes website. Many of them are also not supported by popular third-party implementations of PDF. Column 1",  # noqa: E501
            "content_type": "text",
            "score": None,
            "id": "fc18c987a8312e72a47fb1524f230bb0",
            "meta": {},
            "embedding": [0.1, 0.2, 0.3],
        },
        "answer": {
            "answer": "Adobe Systems",
            "type": "extractive",
            "context": "A sample PDF file\n\nHistory and standardization\nFormat (PDF) Adobe Systems made the PDF specification available free of charge in 1993. In the early ye",  # noqa: E501
            "offsets_in_context": [{"start": 60, "end": 73}],
            "offsets_in_document": [{"start": 60, "end": 73}],
            "document_ids": ["fc18c987a8312e72a47fb1524f230bb0"],
            "meta": {},
            "score": None,
        },
        "is_correct_answer": True,
        "is_correct_document": True,
        "origin": "user-feedback",
        "pipeline_id": "some-123",
    }


@pytest.fixture()
def parts(tmp_path: Path) -> dict[str, Any]:
    store = InMemoryDocumentStore(embedding_dim=3)
    store.write_documents([
        Document("History and standardization\nFormat (PDF) Adobe Systems made the PDF specification ...",
                 meta={"name": "test.txt", "test_key": "test_value", "test_index": "1"}),
        Document("In 2008, Adobe published a Public Patent License to ISO 32000-1 ...",
                 meta={"name": "test.txt", "test_key": "test_value", "test_index": "2"}),
    ])  # fmt: skip
    retriever, reader = RecordingRetriever(), RecordingReader()
    query = Pipeline()
    query.add_node(retriever, "TestRetriever", ["Query"])
    query.add_node(reader, "Reader", ["TestRetriever"])
    indexing = Pipeline()
    indexing.add_node(PDFToTextConverter(), "PDFFileConverter", ["File"])
    indexing.add_node(store, "DocumentStore", ["PDFFileConverter"])
    return {"store": store, "retriever": retriever, "reader": reader, "upload": tmp_path / "upload",
            "pipelines": {"test-query": query, "test-indexing": indexing}}  # fmt: skip


@pytest.fixture()
def client(parts: dict[str, Any]) -> TestClient:
    app = create_app(pipelines=parts["pipelines"], query_pipeline_name="test-query",
                     indexing_pipeline_name="test-indexing", file_upload_path=str(parts["upload"]))  # fmt: skip
    with TestClient(app) as test_client:
        yield test_client


def test_get_all_documents(client: TestClient) -> None:
    response = client.post(url="/documents/get_by_filters", content='{"filters": {}}')
    assert response.status_code == 200
    assert len(response.json()) == 2


def test_get_documents_with_filters(client: TestClient) -> None:
    response = client.post(url="/documents/get_by_filters", content='{"filters": {"test_index": ["2"]}}')
    assert response.status_code == 200
    assert [d["meta"]["test_index"] for d in response.json()] == ["2"]


def test_delete_all_documents(client: TestClient, parts: dict[str, Any]) -> None:
    response = client.post(url="/documents/delete_by_filters", content='{"filters": {}}')
    assert response.status_code == 200
    assert parts["store"].get_document_count() == 0


def test_delete_documents_with_filters(client: TestClient, parts: dict[str, Any]) -> None:
    response = client.post(url="/documents/delete_by_filters", content='{"filters": {"test_index": ["1"]}}')
    assert response.status_code == 200
    assert [d.meta["test_index"] for d in parts["store"].get_all_documents()] == ["2"]


def _pdf() -> dict[str, Any]:
    return {"files": (SAMPLES / "pdf" / "sample_pdf_1.pdf").open("rb")}


def _uploaded(parts: dict[str, Any]) -> list[Document]:
    return [d for d in parts["store"].get_all_documents() if d.meta.get("name") == "sample_pdf_1.pdf"]


def test_file_upload(client: TestClient, parts: dict[str, Any]) -> None:
    response = client.post(url="/file-upload", files=_pdf(), data={"meta": '{"test_key": "test_value"}'})
    assert response.status_code == 200
    (document,) = _uploaded(parts)
    assert document.meta["test_key"] == "test_value"
    assert "Adobe Systems" in document.content


@pytest.mark.parametrize("data", [{}, {"meta": ""}])
def test_file_upload_with_no_or_empty_meta(client: TestClient, parts: dict[str, Any], data: dict) -> None:
    response = client.post(url="/file-upload", files=_pdf(), data=data)
    assert response.status_code == 200
    (document,) = _uploaded(parts)
    assert document.meta == {"name": "sample_pdf_1.pdf", "file_path": "sample_pdf_1.pdf"}  # Haystack: name only


def test_file_upload_with_wrong_meta(client: TestClient, parts: dict[str, Any]) -> None:
    response = client.post(url="/file-upload", files=_pdf(), data={"meta": "1"})
    assert response.status_code == 422  # Haystack: 500
    assert "meta must be a JSON object" in response.json()["errors"][0]
    assert _uploaded(parts) == []


def test_file_upload_cleanup_after_indexing(client: TestClient, parts: dict[str, Any]) -> None:
    assert client.post(url="/file-upload", files=_pdf(), data={}).status_code == 200
    assert list(parts["upload"].iterdir()) == []


def test_file_upload_keep_files_after_indexing(client: TestClient, parts: dict[str, Any]) -> None:
    assert client.post(url="/file-upload", files=_pdf(), params={"keep_files": "true"}).status_code == 200
    (kept,) = parts["upload"].iterdir()
    assert kept.name.endswith("_sample_pdf_1.pdf")


@pytest.mark.parametrize("params", [
    None,
    {"TestRetriever": {"filters": {"test_key": ["test_value"]}}},
    {"filters": {"test_key": ["test_value"]}},
    {"TestRetriever": {"filters": {"test_key": ["test_value", "another_value"]}}},
])  # fmt: skip
def test_query_with_filters(client: TestClient, parts: dict[str, Any], params: dict | None) -> None:
    body = {"query": TEST_QUERY} if params is None else {"query": TEST_QUERY, "params": params}
    response = client.post(url="/query", json=body)
    assert response.status_code == 200
    (call,) = parts["retriever"].calls
    expected = None if params is None else (params.get("filters") or params["TestRetriever"]["filters"])
    assert call == {"query": TEST_QUERY, "filters": expected, "top_k": None}


def test_query_with_no_documents_and_no_answers(client: TestClient) -> None:
    response = client.post(url="/query", json={"query": TEST_QUERY})
    assert response.status_code == 200
    assert response.json()["documents"] == [] and response.json()["answers"] == []


def test_query_with_bool_in_params(client: TestClient, parts: dict[str, Any]) -> None:
    body = {"query": TEST_QUERY, "params": {"debug": True, "TestRetriever": {"top_k": 5}, "Reader": {"top_k": 3}}}
    response = client.post(url="/query", json=body)
    assert response.status_code == 200
    assert response.json()["documents"] == [] and response.json()["answers"] == []
    assert parts["retriever"].calls[0]["top_k"] == 5 and parts["reader"].calls == [{"top_k": 3}]


def test_query_with_embeddings(client: TestClient, parts: dict[str, Any]) -> None:
    parts["retriever"].returns = {"documents": [Document(content="test", content_type="text", score=0.9,
                                                         meta={"test_key": "test_value"},
                                                         embedding=np.array([0.1, 0.2, 0.3]))]}  # fmt: skip
    body = client.post(url="/query", json={"query": TEST_QUERY}).json()
    assert len(body["documents"]) == 1
    assert body["documents"][0]["content"] == "test" and body["documents"][0]["content_type"] == "text"
    assert body["documents"][0]["embedding"] == pytest.approx([0.1, 0.2, 0.3])

    table = pd.DataFrame.from_records([{"col1": "text_1", "col2": 1}, {"col1": "text_2", "col2": 2}])
    parts["retriever"].returns = {
        "documents": [Document(content=table, content_type="table", score=0.9, meta={"test_key": "test_value"})],
    }  # table answers (an Answer whose context is a DataFrame) are a known difference: docs/haystack1.md
    body = client.post(url="/query", json={"query": TEST_QUERY}).json()
    assert body["documents"][0]["content"] == [["col1", "col2"], ["text_1", 1], ["text_2", 2]]
    assert body["documents"][0]["content_type"] == "table"

    parts["retriever"].returns = {"documents": [Document(content="test", embedding=np.array([0.1, 0.2, 0.3]))],
                                  "results": ["test"]}  # fmt: skip
    body = client.post(url="/query", json={"query": TEST_QUERY}).json()
    assert body["results"] == ["test"]


def test_write_feedback(client: TestClient, parts: dict[str, Any], feedback: dict) -> None:
    response = client.post(url="/feedback", json=feedback)
    assert response.status_code == 200
    (label,) = parts["store"].get_all_labels()
    assert label == Label.from_dict(feedback)


def test_write_feedback_without_id(client: TestClient, parts: dict[str, Any], feedback: dict) -> None:
    del feedback["id"]
    assert client.post(url="/feedback", json=feedback).status_code == 200
    (label,) = parts["store"].get_all_labels()
    assert label.to_dict()["id"]


def test_get_feedback(client: TestClient, parts: dict[str, Any], feedback: dict) -> None:
    parts["store"].write_labels([Label.from_dict(feedback)])
    response = client.get("/feedback")
    assert response.status_code == 200
    assert Label.from_dict(response.json()[0]) == Label.from_dict(feedback)


def test_delete_feedback(client: TestClient, parts: dict[str, Any], feedback: dict) -> None:
    to_delete = Label.from_dict(feedback)
    to_keep = Label.from_dict({**feedback, "id": "42", "origin": "gold-label"})  # Haystack: origin "not-from-api"
    parts["store"].write_labels([to_delete, to_keep])
    assert client.delete(url="/feedback").status_code == 200
    assert [label.id for label in parts["store"].get_all_labels()] == ["42"]


def test_export_feedback(client: TestClient, parts: dict[str, Any], feedback: dict) -> None:
    parts["store"].write_labels([Label.from_dict(feedback)])
    for url in ("/export-feedback?full_document_context=true",
                "/export-feedback?full_document_context=false&context_size=50",
                "/export-feedback?full_document_context=false&context_size=50000"):  # fmt: skip
        paragraph = client.get(url).json()["data"][0]["paragraphs"][0]
        answer = paragraph["qas"][0]["answers"][0]
        if "context_size=50&" in url + "&":
            assert len(paragraph["context"]) <= 51
        assert paragraph["context"][answer["answer_start"] : answer["answer_start"] + len(answer["text"])] == answer["text"]


def test_get_feedback_malformed_query(client: TestClient, feedback: dict) -> None:
    feedback["unexpected_field"] = "misplaced-value"
    assert client.post(url="/feedback", json=feedback).status_code == 422


def test_get_health_check(client: TestClient) -> None:
    response = client.get(url="/health")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == hayrick.__version__
    assert set(body["cpu"]) == {"used"} and set(body["memory"]) == {"used"} and body["gpus"] == []
