"""`hayrick serve` as a real uvicorn process on 127.0.0.1: it listens only once the pipelines are loaded, answers
over real HTTP, refuses bad input with 4xx, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hayrick.cli import main
from tests.api.conftest import write_yaml


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(args: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start `hayrick serve ...` and wait until /initialized answers (bounded); returns the process and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hayrick.cli", "serve", *args, "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"hayrick serve exited with {process.returncode}:\n{process.stdout.read()}")
        try:
            if httpx.get(f"{url}/initialized", timeout=0.5).json() is True:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_service(process)
    raise AssertionError(f"hayrick serve did not answer within {timeout} s")


def stop_service(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture()
def served(tmp_path: Path):
    yaml_path = write_yaml(tmp_path, "SQLDocumentStore", f"{{url: 'sqlite:///{tmp_path / 'served.db'}', use_bm25: true}}")
    process, url = start_service([str(yaml_path), "--file-upload-path", str(tmp_path / "up"), "--concurrency", "8"])
    try:
        yield url
    finally:
        stop_service(process)
    assert process.returncode == 0


def test_a_real_uvicorn_process_indexes_answers_and_refuses(served: str) -> None:
    with httpx.Client(base_url=served, timeout=30) as client:
        upload = client.post("/file-upload", files=[("files", ("lamp.txt", b"The lamp is bright and warm.", "text/plain"))],
                             data={"meta": '{"product": "lamp"}'})  # fmt: skip
        assert upload.status_code == 200, upload.text
        answer = client.post("/query", json={"query": "bright lamp", "params": {"filters": {"product": ["lamp"]}}})
        assert answer.status_code == 200
        assert answer.json()["documents"][0]["meta"]["product"] == "lamp"
        bad = client.post("/query", content=b"{oops", headers={"content-type": "application/json"})
        assert bad.status_code == 422 and "not valid JSON" in bad.json()["errors"][0]
        traversal = client.post("/file-upload", files=[("files", ("../../etc.txt", b"x", "text/plain"))])
        assert traversal.status_code == 422
        assert client.get("/").status_code == 200 and client.get("/health").status_code == 200


def test_serve_refuses_several_workers_over_an_in_memory_store(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    yaml_path = write_yaml(tmp_path)
    assert main(["serve", str(yaml_path), "--workers", "2"]) == 2
    assert "InMemoryDocumentStore" in capsys.readouterr().err


def test_serve_without_a_file_says_how_to_name_one(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPELINE_YAML_PATH", raising=False)
    assert main(["serve"]) == 2
    assert "PIPELINE_YAML_PATH" in capsys.readouterr().err


def test_serve_reports_a_broken_pipeline_file_before_listening(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("version: '1.0'\ncomponents: []\npipelines:\n  - name: other\n    nodes: []\n")
    assert main(["serve", str(path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_two_workers_share_a_sqlite_store(tmp_path: Path) -> None:
    yaml_path = write_yaml(tmp_path, "SQLDocumentStore", f"{{url: 'sqlite:///{tmp_path / 'w.db'}', use_bm25: true}}")
    process, url = start_service([str(yaml_path), "--workers", "2", "--file-upload-path", str(tmp_path / "up")],
                                 timeout=90)  # fmt: skip
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.post("/file-upload", files=[("files", ("a.txt", b"shared between workers", "text/plain"))]).status_code == 200
            for _ in range(6):  # new connections: several land on the other worker
                with httpx.Client(base_url=url, timeout=30) as fresh:
                    assert fresh.post("/query", json={"query": "shared workers"}).json()["documents"]
    finally:
        stop_service(process)


def test_a_missing_api_package_names_the_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                                               tmp_path: Path) -> None:
    import hayrick.api

    monkeypatch.setitem(sys.modules, "psutil", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'hayrick\[api\]'"):
        hayrick.api.create_app(str(write_yaml(tmp_path)))
    assert main(["serve", str(write_yaml(tmp_path))]) == 2
    assert "hayrick[api]" in capsys.readouterr().err
