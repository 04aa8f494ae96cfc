"""Fixtures for the REST API tests: a BM25 service over an in-memory store, and a way to upload the sample reviews."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.optional import need

need("fastapi")
need("httpx")

REVIEWS = Path(__file__).resolve().parents[2] / "hayrick" / "samples" / "reviews"

MEMORY_YAML = """
version: "1.0"
components:
  - name: DocumentStore
    type: {store_type}
    params: {store_params}
  - name: Retriever
    type: BM25Retriever
    params: {{document_store: DocumentStore, top_k: 5}}
  - name: FileTypeClassifier
    type: FileTypeClassifier
    params: {{supported_types: [txt, pdf, md]}}
  - name: TextConverter
    type: TextConverter
  - name: PDFConverter
    type: PDFToTextConverter
  - name: MarkdownConverter
    type: MarkdownConverter
  - name: PreProcessor
    type: PreProcessor
    params: {{split_by: word, split_length: 200, split_overlap: 0, split_respect_sentence_boundary: false}}
pipelines:
  - name: query
    nodes:
      - {{name: Retriever, inputs: [Query]}}
  - name: indexing
    nodes:
      - {{name: FileTypeClassifier, inputs: [File]}}
      - {{name: TextConverter, inputs: [FileTypeClassifier.output_1]}}
      - {{name: PDFConverter, inputs: [FileTypeClassifier.output_2]}}
      - {{name: MarkdownConverter, inputs: [FileTypeClassifier.output_3]}}
      - {{name: PreProcessor, inputs: [TextConverter, PDFConverter, MarkdownConverter]}}
      - {{name: DocumentStore, inputs: [PreProcessor]}}
"""


def write_yaml(folder: Path, store_type: str = "InMemoryDocumentStore", store_params: str = "{use_bm25: true}") -> Path:
    path = folder / "pipelines.yml"
    path.write_text(MEMORY_YAML.format(store_type=store_type, store_params=store_params), encoding="utf-8")
    return path


def product_of(path: Path) -> str:
    return path.stem.rsplit("-", 1)[0]


def upload_reviews(client: Any) -> int:
    """Upload the sample reviews through /file-upload, one request per product (meta product=...)."""
    by_product: dict[str, list[Path]] = {}
    for path in sorted(REVIEWS.glob("*.txt")):
        by_product.setdefault(product_of(path), []).append(path)
    written = 0
    for product, paths in by_product.items():
        files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
        response = client.post("/file-upload", files=files, data={"meta": f'{{"product": "{product}"}}'})
        assert response.status_code == 200, response.text
        written += response.json()["documents"]
    return written


@pytest.fixture()
def yaml_path(tmp_path: Path) -> Path:
    return write_yaml(tmp_path)


@pytest.fixture()
def client(yaml_path: Path, tmp_path: Path) -> Any:
    from fastapi.testclient import TestClient

    from hayrick.api import create_app

    app = create_app(str(yaml_path), file_upload_path=str(tmp_path / "uploads"))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture()
def indexed(client: Any) -> Any:
    upload_reviews(client)
    return client
