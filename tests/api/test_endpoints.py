"""The endpoints against the real app (FastAPI's TestClient), with Haystack 1.x's request and response bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hayrick.api import create_app
from hayrick.errors import PipelineConfigError
from tests.api.conftest import REVIEWS, upload_reviews, write_yaml


def test_readiness_and_version(client: TestClient) -> None:
    assert client.get("/initialized").json() is True
    import hayrick

    assert client.get("/hs_version").json() == {"hs_version": hayrick.__version__}
    assert client.get("/version").json()["version"] == hayrick.__version__
    health = client.get("/health").json()
    assert set(health) == {"version", "cpu", "memory", "gpus"}
    assert 0 <= health["memory"]["used"] <= 100 and health["cpu"]["used"] >= 0


def test_openapi_docs_list_every_endpoint(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/query", "/query-batch", "/file-upload", "/documents/get_by_filters", "/documents/delete_by_filters",
                 "/feedback", "/eval-feedback", "/export-feedback", "/health", "/initialized", "/hs_version", "/version"):
        assert path in paths, path
    assert paths["/query"]["post"]["operationId"] == "query"
    assert set(paths["/feedback"]) == {"get", "post", "delete"}


def test_query_pipeline_and_indexing_pipeline_share_one_in_memory_store(client: TestClient) -> None:
    store = client.app.state.service.query_pipeline.get_document_store()
    assert store is client.app.state.service.indexing_pipeline.get_document_store()
    written = upload_reviews(client)
    assert written == len(list(REVIEWS.glob("*.txt"))) == store.get_document_count()
    body = client.post("/query", json={"query": "battery lasts"}).json()
    assert body["query"] == "battery lasts"
    assert body["answers"] == []
    assert "battery lasts" in body["documents"][0]["content"]


def test_query_body_params_and_filters(indexed: TestClient) -> None:
    response = indexed.post("/query", json={
        "query": "battery", "params": {"Retriever": {"top_k": 2}, "filters": {"product": ["ereader"]}}})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"query", "answers", "documents"}  # no _debug unless asked, None fields left out
    assert 1 <= len(body["documents"]) <= 2
    for document in body["documents"]:
        assert document["meta"]["product"] == "ereader"
        assert document["meta"]["name"].startswith("ereader-")
        assert "embedding" not in document and isinstance(document["score"], float)


def test_query_debug_returns_each_nodes_output(indexed: TestClient) -> None:
    body = indexed.post("/query", json={"query": "battery", "debug": True}).json()
    assert "Retriever" in body["_debug"]
    assert body["_debug"]["Retriever"]["exec_time_ms"] >= 0


def test_query_batch_answers_one_body_per_query(indexed: TestClient) -> None:
    queries = ["battery", "noise cancelling"]
    response = indexed.post("/query-batch", json={"queries": queries, "params": {"Retriever": {"top_k": 1}}})
    assert response.status_code == 200, response.text
    bodies = response.json()
    assert [b["query"] for b in bodies] == queries
    assert all(len(b["documents"]) == 1 for b in bodies)
    single = indexed.post("/query", json={"query": "noise cancelling", "params": {"Retriever": {"top_k": 1}}}).json()
    assert bodies[1]["documents"][0]["id"] == single["documents"][0]["id"]


def test_documents_by_filters_leave_embeddings_out_and_delete(client: TestClient) -> None:
    from hayrick import Document

    store = client.app.state.service.document_store
    store.write_documents([
        Document("a screen review", meta={"product": "ereader"}, embedding=[0.1] * store.embedding_dim),
        Document("a sound review", meta={"product": "speaker"}, embedding=[0.3] * store.embedding_dim),
    ])  # fmt: skip
    got = client.post("/documents/get_by_filters", json={"filters": {"product": ["ereader"]}}).json()
    assert [d["content"] for d in got] == ["a screen review"]
    assert "embedding" not in got[0]
    assert len(client.post("/documents/get_by_filters", json={"filters": {}}).json()) == 2
    assert client.post("/documents/delete_by_filters", json={"filters": {"product": ["speaker"]}}).json() is True
    assert [d.content for d in store.get_all_documents()] == ["a screen review"]
    assert client.post("/documents/delete_by_filters", json={"filters": {}}).json() is True
    assert store.get_document_count() == 0


def test_meta_fields_for_the_search_pages_filters(indexed: TestClient) -> None:
    fields = indexed.get("/documents/meta-fields").json()["fields"]
    assert fields["product"] == sorted({p.stem.rsplit("-", 1)[0] for p in REVIEWS.glob("*.txt")})
    assert not any(key.startswith("_") for key in fields)
    few = indexed.get("/documents/meta-fields", params={"max_values": 2}).json()["fields"]
    assert "product" not in few  # more than two products


def _feedback(document: dict[str, Any], correct: bool, answer: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"query": "How long does the battery last?", "document": document,
                            "is_correct_answer": correct, "is_correct_document": correct, "origin": "user-feedback"}
    if answer is not None:
        start = document["content"].index(answer)
        body["answer"] = {"answer": answer, "offsets_in_document": [{"start": start, "end": start + len(answer)}],
                          "document_ids": [document["id"]]}
    return body


def test_feedback_is_stored_as_labels_and_scored(indexed: TestClient) -> None:
    documents = indexed.post("/documents/get_by_filters", json={"filters": {"product": ["ereader"]}}).json()
    battery = next(d for d in documents if "three weeks" in d["content"])
    other = next(d for d in documents if d is not battery)
    first = indexed.post("/feedback", json=_feedback(battery, True, "three weeks"))
    assert first.status_code == 200, first.text
    assert indexed.post("/feedback", json=_feedback(other, False)).status_code == 200
    labels = indexed.get("/feedback").json()
    assert len(labels) == 2 and {label["origin"] for label in labels} == {"user-feedback"}
    store = indexed.app.state.service.document_store
    stored = {label.id: label for label in store.get_all_labels()}
    assert stored[first.json()["id"]].answer.answer == "three weeks"
    metrics = indexed.post("/eval-feedback").json()
    assert metrics == {"answer_accuracy": 0.5, "document_accuracy": 0.5, "n_feedback": 2}
    narrowed = indexed.post("/eval-feedback", json={"filters": {"is_correct_answer": [True]}}).json()
    assert narrowed["n_feedback"] == 1


def test_export_feedback_is_squad(indexed: TestClient) -> None:
    documents = indexed.post("/documents/get_by_filters", json={"filters": {"product": ["ereader"]}}).json()
    battery = next(d for d in documents if "three weeks" in d["content"])
    wrong = next(d for d in documents if d is not battery)
    indexed.post("/feedback", json=_feedback(battery, True, "three weeks"))
    indexed.post("/feedback", json=_feedback(wrong, False))
    export = indexed.get("/export-feedback").json()
    paragraphs = [article["paragraphs"][0] for article in export["data"]]
    assert len(paragraphs) == 2
    answered = next(p for p in paragraphs if p["qas"][0]["answers"])
    qa = answered["qas"][0]
    start = qa["answers"][0]["answer_start"]
    assert answered["context"][start : start + len("three weeks")] == "three weeks"
    assert qa["is_impossible"] is False and answered["id"] == battery["id"]
    impossible = next(p for p in paragraphs if not p["qas"][0]["answers"])
    assert impossible["qas"][0]["is_impossible"] is True
    cut = indexed.get("/export-feedback", params={"full_document_context": False, "context_size": 40,
                                                  "only_positive_labels": True}).json()  # fmt: skip
    (article,) = cut["data"]
    paragraph = article["paragraphs"][0]
    start = paragraph["qas"][0]["answers"][0]["answer_start"]
    assert len(paragraph["context"]) <= 41
    assert paragraph["context"][start : start + len("three weeks")] == "three weeks"


def test_delete_feedback_keeps_gold_labels(indexed: TestClient) -> None:
    documents = indexed.post("/documents/get_by_filters", json={"filters": {}}).json()
    indexed.post("/feedback", json=_feedback(documents[0], True))
    gold = _feedback(documents[1], True)
    gold["origin"] = "gold-label"
    indexed.post("/feedback", json=gold)
    assert indexed.delete("/feedback").json() == {"deleted": 1}
    assert [label["origin"] for label in indexed.get("/feedback").json()] == ["gold-label"]


def test_feedback_survives_a_restart_with_a_persistent_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    yaml_path = write_yaml(tmp_path, "SQLDocumentStore", f"{{url: '{url}', use_bm25: true}}")
    with TestClient(create_app(str(yaml_path), file_upload_path=str(tmp_path / "up"))) as first:
        upload_reviews(first)
        document = first.post("/documents/get_by_filters", json={"filters": {"product": ["ereader"]}}).json()[0]
        label_id = first.post("/feedback", json=_feedback(document, True)).json()["id"]
    with TestClient(create_app(str(yaml_path), file_upload_path=str(tmp_path / "up"))) as second:
        assert [label["id"] for label in second.get("/feedback").json()] == [label_id]
        assert second.post("/query", json={"query": "battery"}).json()["documents"]


def test_upload_with_converter_and_preprocessor_fields(client: TestClient, tmp_path: Path) -> None:
    text = " ".join(f"word{i}" for i in range(30))
    response = client.post(
        "/file-upload", files=[("files", ("long.txt", text.encode(), "text/plain"))],
        data={"meta": '{"source": "test"}', "split_length": "10", "split_by": "word"},
        params={"keep_files": True},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["files"] == ["long.txt"] and body["documents"] == 3
    kept = tmp_path / "uploads" / body["kept_files"][0]
    assert kept.read_text() == text
    documents = client.app.state.service.document_store.get_all_documents()
    assert {d.meta["source"] for d in documents} == {"test"}
    assert {d.meta["name"] for d in documents} == {"long.txt"}


def test_uploaded_files_are_removed_after_indexing(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/file-upload", files=[("files", ("a.txt", b"hello there", "text/plain"))])
    assert response.status_code == 200 and response.json()["documents"] == 1
    assert list((tmp_path / "uploads").iterdir()) == []


def test_each_file_gets_its_own_name_in_meta(client: TestClient) -> None:
    files = [("files", ("a.txt", b"first file", "text/plain")), ("files", ("b.txt", b"second file", "text/plain"))]
    assert client.post("/file-upload", files=files).status_code == 200
    names = {d.content: d.meta["name"] for d in client.app.state.service.document_store.get_all_documents()}
    assert names == {"first file": "a.txt", "second file": "b.txt"}


def test_a_service_without_an_indexing_pipeline_answers_501(tmp_path: Path) -> None:
    from hayrick import Pipeline
    from hayrick.nodes import BM25Retriever
    from hayrick.stores import InMemoryDocumentStore

    query = Pipeline()
    query.add_node(BM25Retriever(document_store=InMemoryDocumentStore(use_bm25=True)), "Retriever", ["Query"])
    with TestClient(create_app(pipelines={"query": query}, file_upload_path=str(tmp_path))) as client:
        response = client.post("/file-upload", files=[("files", ("a.txt", b"x", "text/plain"))])
        assert response.status_code == 501
        assert "indexing" in response.json()["errors"][0]
        assert client.get("/pipelines").json()["indexing"] is None


def test_startup_refuses_a_file_without_the_query_pipeline(tmp_path: Path) -> None:
    path = write_yaml(tmp_path)
    with pytest.raises(PipelineConfigError, match="no pipeline named 'search'.*QUERY_PIPELINE_NAME"):
        create_app(str(path), query_pipeline_name="search", file_upload_path=str(tmp_path))
    with pytest.raises(PipelineConfigError, match="PIPELINE_YAML_PATH"):
        create_app(file_upload_path=str(tmp_path), settings=__import__("hayrick.api").api.APISettings())


def test_pipelines_endpoint_lists_nodes_and_their_params(client: TestClient) -> None:
    info = client.get("/pipelines").json()
    assert info["query"] == [{"name": "Retriever", "type": "BM25Retriever",
                              "params": ["filters", "index", "scale_score", "top_k"]}]  # fmt: skip
    assert [n["name"] for n in info["indexing"]][-1] == "DocumentStore"


def test_search_page_and_its_files_are_served_without_any_cdn(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'src="static/app.js"' in page.text
    for asset in ("/static/app.js", "/static/app.css"):
        response = client.get(asset)
        assert response.status_code == 200
    for text in (page.text, client.get("/static/app.js").text, client.get("/static/app.css").text):
        assert "http://" not in text and "https://" not in text  # nothing fetched from elsewhere
    script = client.get("/static/app.js").text
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink  # server text is never parsed as HTML or code
    assert "textContent" in script


def test_one_upload_of_several_file_types_indexes_each(client: TestClient) -> None:
    files = [("files", ("a.txt", b"plain text review", "text/plain")),
             ("files", ("b.md", b"# Title\n\nmarkdown review", "text/markdown"))]  # fmt: skip
    response = client.post("/file-upload", files=files)
    assert response.status_code == 200, response.text
    assert response.json()["documents"] == 2
    names = sorted(d.meta["name"] for d in client.app.state.service.document_store.get_all_documents())
    assert names == ["a.txt", "b.md"]
