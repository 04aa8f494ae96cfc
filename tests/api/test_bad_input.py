"""Bad input is a 4xx with a JSON body that says what is wrong; a failing node is a 500 that names it; a full
worker is a 503. Nothing is half indexed."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hayrick import BaseComponent, Pipeline
from hayrick.api import create_app
from hayrick.nodes import BM25Retriever
from hayrick.stores import InMemoryDocumentStore


def app_for(node: BaseComponent, tmp_path: Path, **settings: Any) -> Any:
    """The app over a one-node query pipeline (the node named after its class)."""
    pipeline = Pipeline()
    pipeline.add_node(node, type(node).__name__, ["Query"])
    return create_app(pipelines={"query": pipeline}, file_upload_path=str(tmp_path), **settings)


def errors_of(response: Any) -> str:
    body = response.json()
    assert isinstance(body["errors"], list) and body["errors"], body
    assert "Traceback" not in response.text
    return " ".join(body["errors"])


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"query": ""}, 422, "query is empty"),
        ({"query": "   "}, 422, "query is empty"),
        ({"query": "x" * 1_000_000}, 422, "MAX_QUERY_LENGTH"),
        ({"query": 5}, 422, "body.query: Input should be a valid string"),
        ({"query": "a", "top_k": 3}, 422, "body.top_k: Extra inputs are not permitted"),
        ({"question": "a"}, 422, "body.query: Field required"),
        ({"query": "a", "params": []}, 422, "body.params"),
        ({"query": "a", "params": {"nope": 1}}, 422, "No node in this pipeline accepts the parameter 'nope'"),
        ({"query": "a", "params": {"Retriever": {"top_kk": 1}}}, 422, "does not accept the parameter 'top_kk'"),
        ({"query": "a", "params": {"Retriever": {"top_k": "x"}}}, 422, "top_k must be a positive int, got 'x'"),
        ({"query": "a", "params": {"filters": {"$bad": 1}}}, 422, "Unknown operator '$bad'"),
        ({"query": "a", "params": {"filters": {"rating": {"$gt": [1, 2]}}}}, 422, "params.filters"),
        ({"query": "a", "params": {"filters": "product"}}, 422, "must be an object"),
        ({"query": "a", "params": {"Retriever": {"filters": {"$or": 3}}}}, 422, "params.Retriever.filters"),
    ],
)
def test_bad_queries_are_4xx_with_the_reason(indexed: TestClient, body: dict, status: int, says: str) -> None:
    response = indexed.post("/query", json=body)
    assert response.status_code == status, response.text
    assert says in errors_of(response)


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"{bad json", "not valid JSON"), (b"", "Field required"), (b"[1, 2]", "body"), (b"\xff\xfe", "not valid JSON")],
)
def test_malformed_bodies_are_422(client: TestClient, content: bytes, says: str) -> None:
    response = client.post("/query", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert says in errors_of(response)


def test_batch_limits(client: TestClient) -> None:
    assert "queries is empty" in errors_of(client.post("/query-batch", json={"queries": []}))
    response = client.post("/query-batch", json={"queries": ["a", ""]})
    assert response.status_code == 422 and "queries[1] is empty" in errors_of(response)
    response = client.post("/query-batch", json={"queries": ["a"] * 101})
    assert response.status_code == 422 and "MAX_BATCH_QUERIES" in errors_of(response)


def test_bad_filters_on_the_documents_endpoints(client: TestClient) -> None:
    for path in ("/documents/get_by_filters", "/documents/delete_by_filters", "/eval-feedback"):
        response = client.post(path, json={"filters": {"$nope": []}})
        assert response.status_code == 422, (path, response.text)
        assert "$nope" in errors_of(response)
    assert client.post("/documents/get_by_filters", json={"filter": {}}).status_code == 422


def test_bad_feedback_is_refused(indexed: TestClient) -> None:
    document = indexed.post("/documents/get_by_filters", json={"filters": {}}).json()[0]
    base = {"query": "q", "document": document, "is_correct_answer": True, "is_correct_document": True}
    assert indexed.post("/feedback", json={**base, "origin": "made-up"}).status_code == 422
    assert indexed.post("/feedback", json={k: v for k, v in base.items() if k != "document"}).status_code == 422
    response = indexed.post("/feedback", json={**base, "no_answer": True, "answer": {"answer": "x"}})
    assert response.status_code == 422 and "no_answer=True" in errors_of(response)
    assert indexed.get("/feedback").json() == []
    assert indexed.get("/export-feedback", params={"context_size": 0}).status_code == 422


@pytest.mark.parametrize(
    ("name", "says"),
    [("../../x.txt", "not a plain file name"), ("..\\x.txt", "not a plain file name"), ("a/b.txt", "not a plain"),
     ("..", "not a plain"), ("a" * 250 + ".txt", "longer than 200 bytes")],
)
def test_path_traversal_in_upload_names_is_refused(client: TestClient, tmp_path: Path, name: str, says: str) -> None:
    response = client.post("/file-upload", files=[("files", (name, b"hello", "text/plain"))])
    assert response.status_code == 422, response.text
    assert says in errors_of(response)
    assert not (tmp_path / "x.txt").exists() and not (tmp_path.parent / "x.txt").exists()
    assert client.app.state.service.document_store.get_document_count() == 0


@pytest.mark.parametrize("name", ["x\x01.txt", "a\nb.txt", "tab\t.txt", "", None])
def test_safe_file_name_refuses_control_characters_and_empty_names(name: str | None) -> None:
    from hayrick.api.routes.upload import safe_file_name
    from hayrick.api.service import APIError

    with pytest.raises(APIError) as info:
        safe_file_name(name)
    assert info.value.status == 422


def test_unsupported_and_corrupt_uploads_index_nothing(indexed: TestClient, tmp_path: Path) -> None:
    store = indexed.app.state.service.document_store
    before = store.get_document_count()
    good = ("files", ("good.txt", b"a fine new review of a lamp", "text/plain"))
    cases = [
        ([good, ("files", ("data.xyz", b"x", "application/octet-stream"))], 415, "'xyz' are not indexed"),
        ([good, ("files", ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf"))], 422, "'broken.pdf'"),
        ([good, ("files", ("latin.txt", "caf\xe9".encode("latin-1"), "text/plain"))], 422, "could not decode"),
    ]
    for files, status, says in cases:
        response = indexed.post("/file-upload", files=files)
        assert response.status_code == status, response.text
        message = errors_of(response)
        assert says in message and "Nothing was indexed" in message
        assert str(tmp_path) not in message  # the server's paths stay on the server
        assert store.get_document_count() == before
        assert list((tmp_path / "uploads").iterdir()) == []
    response = indexed.post("/file-upload", files=[good])  # the retry without the bad file loses nothing
    assert response.status_code == 200 and store.get_document_count() == before + 1


@pytest.mark.parametrize(("field", "value"), [("meta", "{not json"), ("meta", "[1]"), ("additional_params", "3"),
                                              ("split_length", "many")])  # fmt: skip
def test_bad_upload_form_fields(client: TestClient, field: str, value: str) -> None:
    response = client.post("/file-upload", files=[("files", ("a.txt", b"hello", "text/plain"))], data={field: value})
    assert response.status_code == 422, response.text
    assert field in errors_of(response)


def test_upload_without_files_is_422(client: TestClient) -> None:
    response = client.post("/file-upload", data={"meta": "{}"})
    assert response.status_code == 422 and "files" in errors_of(response)


def test_uploads_over_the_size_limit_are_413(yaml_path: Path, tmp_path: Path) -> None:
    app = create_app(str(yaml_path), file_upload_path=str(tmp_path / "up"), max_upload_size=10_000, max_request_size=2_000)
    with TestClient(app) as client:
        big = ("files", ("big.txt", b"word " * 5_000, "text/plain"))
        response = client.post("/file-upload", files=[big])
        assert response.status_code == 413 and "MAX_UPLOAD_SIZE" in errors_of(response)

        def chunks():  # no Content-Length: counted while it arrives
            for _ in range(100):
                yield b"x" * 1_000

        response = client.post("/file-upload", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
        assert response.status_code == 413
        response = client.post("/query", json={"query": "x" * 5_000})
        assert response.status_code == 413 and "MAX_REQUEST_SIZE" in errors_of(response)
        assert client.post("/file-upload", files=[("files", ("ok.txt", b"small enough", "text/plain"))]).status_code == 200
        assert app.state.service.document_store.get_document_count() == 1
        assert list((tmp_path / "up").iterdir()) == []


class Broken(BaseComponent):
    def run(self, query: str):  # type: ignore[override]
        raise RuntimeError("the model server is down")


class Waiting(BaseComponent):
    """Holds every query until `release` is set."""

    def __init__(self) -> None:
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def run(self, query: str):  # type: ignore[override]
        self.entered.release()
        self.release.wait(30)
        return {"documents": []}, "output_1"


def test_an_exception_inside_a_node_is_a_500_that_names_the_node(tmp_path: Path) -> None:
    with TestClient(app_for(Broken(), tmp_path), raise_server_exceptions=False) as client:
        response = client.post("/query", json={"query": "anything"})
    assert response.status_code == 500
    message = errors_of(response)
    assert "Node 'Broken' (Broken) failed: RuntimeError: the model server is down" in message
    assert "File \"" not in response.text


def test_over_the_concurrency_limit_is_503_busy(tmp_path: Path) -> None:
    waiting = Waiting()
    app = app_for(waiting, tmp_path, concurrent_request_per_worker=2)
    with TestClient(app) as client:
        results: list[int] = []
        threads = [threading.Thread(target=lambda: results.append(client.post("/query", json={"query": "q"}).status_code))
                   for _ in range(2)]  # fmt: skip
        for thread in threads:
            thread.start()
        for _ in threads:
            assert waiting.entered.acquire(timeout=20)  # both slots taken
        busy = client.post("/query", json={"query": "q"})
        assert busy.status_code == 503
        assert "busy" in errors_of(busy) and busy.headers["retry-after"] == "1"
        waiting.release.set()
        for thread in threads:
            thread.join(20)
        assert results == [200, 200]
        assert client.post("/query", json={"query": "q"}).status_code == 200  # the slots are free again


def test_create_app_with_several_stores_is_refused(tmp_path: Path) -> None:
    from hayrick.errors import PipelineError

    pipeline = Pipeline()
    pipeline.add_node(BM25Retriever(document_store=InMemoryDocumentStore(use_bm25=True)), "A", ["Query"])
    pipeline.add_node(BM25Retriever(document_store=InMemoryDocumentStore(use_bm25=True)), "B", ["Query"])
    with pytest.raises(PipelineError, match="Multiple Document Stores"):
        create_app(pipelines={"query": pipeline}, file_upload_path=str(tmp_path))


class WhereAmI(BaseComponent):
    """Records whether each run happened on the event loop (inline) or in a worker thread."""

    def __init__(self, sleep_s: float = 0.0) -> None:
        self.sleep_s = sleep_s
        self.on_loop: list[bool] = []

    def run(self, query: str):  # type: ignore[override]
        import asyncio
        import time

        try:
            asyncio.get_running_loop()
            self.on_loop.append(True)
        except RuntimeError:
            self.on_loop.append(False)
        time.sleep(self.sleep_s)
        return {"documents": []}, "output_1"


@pytest.mark.parametrize(("sleep_s", "inline_below_ms", "expected"), [
    (0.0, 200, [False, True, True]),     # fast: the first run in a thread, then on the loop (no thread hop)
    (0.25, 200, [False, False, False]),  # slower than the threshold: always a worker thread, the loop keeps serving
    (0.0, 0, [False, False, False]),     # inline turned off
])  # fmt: skip
def test_fast_pipelines_run_inline_slow_ones_in_threads(tmp_path: Path, sleep_s: float, inline_below_ms: int,
                                                         expected: list[bool]) -> None:
    node = WhereAmI(sleep_s)
    app = app_for(node, tmp_path, inline_below_ms=inline_below_ms)
    with TestClient(app) as client:
        for _ in expected:
            assert client.post("/query", json={"query": "q"}).status_code == 200
    assert node.on_loop == expected


def test_queries_leave_the_event_loop_while_a_write_runs(tmp_path: Path) -> None:
    node = WhereAmI()
    app = app_for(node, tmp_path, inline_below_ms=200)
    service = app.state.service
    with TestClient(app) as client:
        for _ in range(2):
            client.post("/query", json={"query": "q"})
        with service.using_store():  # as during an upload
            client.post("/query", json={"query": "q"})
        client.post("/query", json={"query": "q"})
    assert node.on_loop == [False, True, False, True]


def test_params_cannot_point_the_pipeline_at_server_files(client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the server's private notes")
    upload = [("files", ("a.txt", b"an honest review", "text/plain"))]
    for additional in ({"file_paths": [str(secret)]}, {"TextConverter": {"file_paths": [str(secret)]}},
                       {"FileTypeClassifier": {"file_paths": [str(secret)]}}, {"meta": [{"x": 1}]},
                       {"DocumentStore": {"documents": [{"content": "injected"}]}}):  # fmt: skip
        response = client.post("/file-upload", files=upload, data={"additional_params": json_dumps(additional)})
        assert response.status_code == 422, (additional, response.text)
        assert "may not set the pipeline's inputs" in errors_of(response)
    response = client.post("/query", json={"query": "notes", "params": {"Retriever": {"query": "other"}}})
    assert response.status_code == 422
    store = client.app.state.service.document_store
    assert store.get_document_count() == 0


def json_dumps(value: Any) -> str:
    import json

    return json.dumps(value)


@pytest.mark.parametrize(("data", "says"), [
    ({"split_by": "banana"}, "split_by must be one of"),
    ({"split_length": "0"}, "split_length must be a positive int"),
    ({"split_length": "10", "additional_params": '{"PreProcessor": 5}'}, "additional_params.PreProcessor must be an object"),
    ({"additional_params": '{"TextConverter": {"encoding": 5}}'}, "TextConverter"),
])  # fmt: skip
def test_bad_indexing_params_are_422(client: TestClient, data: dict, says: str) -> None:
    response = client.post("/file-upload", files=[("files", ("a.txt", b"hello there", "text/plain"))], data=data)
    assert response.status_code == 422, response.text
    assert says in errors_of(response)
    assert client.app.state.service.document_store.get_document_count() == 0


def test_deep_or_mistyped_params_are_422(indexed: TestClient) -> None:
    # deeper than the filter check recurses (422), deeper than the JSON parser goes (400)
    for depth, status, says in ((400, 422, "nests too deeply"), (5000, 400, "nested too deeply")):
        deep = '{"$and": [' * depth + '{"product": "ereader"}' + "]}" * depth
        body = '{"query": "battery", "params": {"filters": ' + deep + "}}"
        response = indexed.post("/query", content=body, headers={"content-type": "application/json"})
        assert response.status_code == status, response.text[:300]
        assert says in errors_of(response)
    response = indexed.post("/query", json={"query": "battery", "params": {"index": [1]}})
    assert response.status_code == 422, response.text
    assert "Retriever" in errors_of(response)


def test_query_batch_takes_one_filter_per_query(indexed: TestClient) -> None:
    body = {"queries": ["battery", "battery"], "params": {"filters": [{"product": ["ereader"]}, {"product": ["camera"]}]}}
    response = indexed.post("/query-batch", json=body)
    assert response.status_code == 200, response.text
    products = [{d["meta"]["product"] for d in answer["documents"]} for answer in response.json()]
    assert products[0] <= {"ereader"} and products[1] <= {"camera"}
    bad = indexed.post("/query-batch", json={"queries": ["a"], "params": {"filters": [{"$nope": 1}]}})
    assert bad.status_code == 422 and "params.filters[0]" in errors_of(bad)


def test_a_several_type_upload_converts_with_the_params_given(client: TestClient) -> None:
    files = [("files", ("latin.txt", "caf\xe9 review".encode("latin-1"), "text/plain")),
             ("files", ("b.md", b"# Title\n\nmarkdown review", "text/markdown"))]  # fmt: skip
    response = client.post("/file-upload", files=files,
                           data={"additional_params": '{"TextConverter": {"encoding": "latin-1"}}'})  # fmt: skip
    assert response.status_code == 200, response.text
    contents = sorted(d.content for d in client.app.state.service.document_store.get_all_documents())
    assert "caf\xe9 review" in contents


def test_single_queries_and_batches_are_timed_apart(tmp_path: Path) -> None:
    node = WhereAmI()
    app = app_for(node, tmp_path, inline_below_ms=200)
    with TestClient(app) as client:
        for _ in range(3):
            client.post("/query", json={"query": "q"})
        assert client.post("/query-batch", json={"queries": ["a", "b"]}).status_code == 200
    assert node.on_loop == [False, True, True, False, False]  # the batch's first run goes to a thread


def test_feedback_accepts_table_cell_offsets(indexed: TestClient) -> None:
    document = indexed.post("/documents/get_by_filters", json={"filters": {}}).json()[0]
    body = {"query": "q", "document": document, "is_correct_answer": True, "is_correct_document": True,
            "answer": {"answer": "x", "offsets_in_document": [{"row": 1, "col": 0}]}}  # fmt: skip
    assert indexed.post("/feedback", json=body).status_code == 200
