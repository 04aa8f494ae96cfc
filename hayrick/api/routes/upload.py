"""`POST /file-upload`: index uploaded files with the indexing pipeline (Haystack 1.x's form fields)."""

from __future__ import annotations

import json
import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from hayrick.api.routes.search import check_params, service_of
from hayrick.api.schema import UploadResponse
from hayrick.api.service import APIError
from hayrick.nodes.routing.file_type_classifier import routed_file_types

router = APIRouter(tags=["file-upload"])


def safe_file_name(name: str | None) -> str:
    """The uploaded file's name if it is a plain file name; a name with a path, `..`, or control
    characters is refused (422), never cleaned up silently."""
    if not name:
        raise APIError(422, "An uploaded file has no file name; send each file with its name (e.g. review.txt).")
    if "/" in name or "\\" in name or name in (".", "..") or any(unicodedata.category(c) == "Cc" for c in name):
        raise APIError(
            422,
            f"The uploaded file name {name!r} is not a plain file name (it holds a path, '..' or control "
            "characters); send the bare name, e.g. 'review.txt'.",
        )
    if len(name.encode("utf-8", "surrogatepass")) > 200:
        raise APIError(422, f"The uploaded file name {name[:40]!r}... is longer than 200 bytes; shorten it.")
    return name


def _json_form(text: str | None, field: str) -> Any:
    if text is None or text == "":
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise APIError(422, f"The form field {field} is not valid JSON ({exc}); send e.g. '{{\"product\": \"ereader\"}}'.") from None


@router.post("/file-upload", response_model=UploadResponse)
def upload_file(
    http: Request,
    files: list[UploadFile] = File(..., description="one or more files (txt, pdf, md as the indexing pipeline takes)"),
    meta: str | None = Form("null", description='JSON object added to every file\'s meta, e.g. {"product": "ereader"}'),
    additional_params: str | None = Form("null", description="JSON params for the indexing pipeline's run"),
    remove_numeric_tables: bool | None = Form(None),
    valid_languages: list[str] | None = Form(None),
    clean_whitespace: bool | None = Form(None),
    clean_empty_lines: bool | None = Form(None),
    clean_header_footer: bool | None = Form(None),
    split_by: str | None = Form(None),
    split_length: int | None = Form(None),
    split_overlap: int | None = Form(None),
    split_respect_sentence_boundary: bool | None = Form(None),
    keep_files: bool | None = False,
) -> dict[str, Any]:
    """Index files: each is written to FILE_UPLOAD_PATH, run through the indexing pipeline, then removed
    (kept with `keep_files=true`). Every document gets `meta` plus `name` (the file's name).

    Files of a type the pipeline does not take are a 415, a file that cannot be converted a 422; in
    both cases nothing of the request is indexed, so a retry without the bad file loses nothing.
    """
    from hayrick.nodes.file_converter.base import BaseConverter
    from hayrick.nodes.preprocessing.base import BasePreProcessor

    service = service_of(http)
    pipeline = service.indexing_pipeline
    if pipeline is None:
        raise APIError(
            501,
            f"No indexing pipeline is configured: the pipeline file has no pipeline named "
            f"{service.settings.indexing_pipeline_name!r} (INDEXING_PIPELINE_NAME).",
        )
    names = [safe_file_name(f.filename) for f in files]
    extensions = routed_file_types(pipeline.node_components.values())
    for name in names:
        suffix = Path(name).suffix.lower().lstrip(".")
        if extensions is not None and suffix and suffix not in extensions:
            raise APIError(
                415,
                f"{name!r}: files of type {suffix!r} are not indexed by this service; it takes "
                f"{', '.join(sorted(extensions))}. Nothing was indexed.",
            )
    meta_form = _json_form(meta, "meta") or {}
    if not isinstance(meta_form, dict):
        raise APIError(422, f"The form field meta must be a JSON object or null, got {type(meta_form).__name__}.")
    params = _json_form(additional_params, "additional_params") or {}
    if not isinstance(params, dict):
        raise APIError(422, f"The form field additional_params must be a JSON object or null, got {type(params).__name__}.")
    params = check_params(params, where="additional_params")
    converter_params = {"remove_numeric_tables": remove_numeric_tables, "valid_languages": valid_languages}
    preprocessor_params = {
        "clean_whitespace": clean_whitespace, "clean_empty_lines": clean_empty_lines,
        "clean_header_footer": clean_header_footer, "split_by": split_by, "split_length": split_length,
        "split_overlap": split_overlap, "split_respect_sentence_boundary": split_respect_sentence_boundary,
    }  # fmt: skip
    for name, component in pipeline.node_components.items():
        given = converter_params if isinstance(component, BaseConverter) else (
            preprocessor_params if isinstance(component, BasePreProcessor) else {})  # fmt: skip
        chosen = {k: v for k, v in given.items() if v is not None}
        if chosen:
            given_here = params.get(name, {})
            if not isinstance(given_here, dict):
                raise APIError(422, f"additional_params.{name} must be an object of that node's params, like "
                                    f"{{\"{name}\": {{\"encoding\": \"utf-8\"}}}}; got {given_here!r}.")  # fmt: skip
            params[name] = {**chosen, **given_here}
    folder = service.settings.upload_dir()
    paths: list[Path] = []
    try:
        for upload, name in zip(files, names):
            path = folder / f"{uuid.uuid4().hex}_{name}"
            paths.append(path)  # before the file exists: a failed copy (disk full) is removed too
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
        # file_path is the name as uploaded: the server's copy is gone after indexing
        meta_of = {path: {**meta_form, "name": name, "file_path": name} for path, name in zip(paths, names)}
        written = 0
        with service.limiter.run(), service.using_store():
            try:
                groups = file_groups(pipeline, paths)
                if len(groups) > 1:
                    check_conversions(pipeline, groups, params)
                for group in groups.values():
                    result = service.run(pipeline, file_paths=[str(p) for p in group], meta=[meta_of[p] for p in group],
                                         params=params or None, client_params=params)  # fmt: skip
                    written += len(result.get("documents") or [])
            except APIError as exc:
                for path, name in zip(paths, names):  # name the file as the client knows it
                    exc.message = exc.message.replace(str(path), name)
                raise
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
    finally:
        for upload in files:
            upload.file.close()
    if not keep_files:
        for path in paths:
            path.unlink(missing_ok=True)
    return {"files": names, "documents": written, "kept_files": [p.name for p in paths] if keep_files else None}


def file_groups(pipeline: Any, paths: list[Path]) -> dict[str, list[Path]]:
    """The files by type, as the pipeline's FileTypeClassifier routes them (one run per type); one group without one."""
    from hayrick.nodes.routing.file_type_classifier import FileTypeClassifier

    for component in pipeline.node_components.values():
        if isinstance(component, FileTypeClassifier):
            try:
                return component.group_by_type(paths)
            except ValueError as exc:
                raise APIError(415, f"{exc} Nothing was indexed.") from None
    return {"": paths}


def check_conversions(pipeline: Any, groups: dict[str, list[Path]], params: dict[str, Any]) -> None:
    """Convert every file once, with the params its converter will get, before anything is written, so a
    damaged file in a request of several types (several pipeline runs) is refused before the first run
    indexes the others. (A failure after conversion, in a later node, leaves the earlier types indexed.)"""
    from hayrick.api.service import classify_run_error
    from hayrick.core.component import filter_kwargs
    from hayrick.errors import NodeError
    from hayrick.nodes.file_converter.base import BaseConverter
    from hayrick.nodes.routing.file_type_classifier import FileTypeClassifier

    classifier_name = next(n for n, c in pipeline.node_components.items() if isinstance(c, FileTypeClassifier))
    classifier = pipeline.get_node(classifier_name)
    for file_type, group in groups.items():
        edge = classifier.edge_for(file_type)
        for _, successor, label in pipeline.graph.out_edges(classifier_name, data="label"):
            converter = pipeline.get_node(successor)
            if label != edge or not isinstance(converter, BaseConverter):
                continue
            global_params = {k: v for k, v in params.items() if k not in pipeline.node_components}
            options = filter_kwargs(converter.convert, {**global_params, **params.get(successor, {})})
            options.pop("file_path", None)
            options.pop("meta", None)
            for path in group:
                try:
                    converter.convert(file_path=path, meta=None, **options)
                except Exception as exc:
                    error = NodeError(f"Node '{successor}' ({type(converter).__name__}) failed: {exc}", successor,
                                      type(converter).__name__)  # fmt: skip
                    error.__cause__ = exc
                    raise classify_run_error(error, pipeline, params) from exc
