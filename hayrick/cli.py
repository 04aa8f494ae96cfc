"""The `hayrick` command.

```
hayrick run PIPELINE.yml --query "Is it good for reading?" [--pipeline-name query] [--params JSON] [--debug] [--json]
hayrick index PIPELINE.yml PATH... [--pipeline-name indexing] [--batch-size 16]
hayrick validate PIPELINE.yml [--pipeline-name N]
hayrick draw PIPELINE.yml out.png [--pipeline-name N]
hayrick eval PIPELINE.yml --squad dev-v1.1.json [--top-k 1 5 10] [--pipeline-name query] [--params JSON]
hayrick serve PIPELINES.yml [--host 127.0.0.1] [--port 8000] [--workers 1]
```

Errors in the file or the run are printed as one readable message and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from hayrick.errors import HayrickError, PipelineConfigError
from hayrick.schema import json_default


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except HayrickError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hayrick", description="Search and question answering pipelines.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run a query through a pipeline from a YAML file")
    run.add_argument("pipeline", type=Path, help="the pipeline YAML file")
    run.add_argument("--query", required=True, help="the question or search terms")
    run.add_argument("--pipeline-name", help="which pipeline of the file (default: the only one, or 'query')")
    run.add_argument("--params", type=_json_arg, help='JSON, e.g. \'{"Retriever": {"top_k": 5}}\'')
    run.add_argument("--debug", action="store_true", help="show each node's input, output and time")
    run.add_argument("--json", action="store_true", help="print the whole result as JSON")
    run.set_defaults(func=cmd_run)

    index = commands.add_parser("index", help="index files and folders with an indexing pipeline (root File)")
    index.add_argument("pipeline", type=Path, help="the pipeline YAML file")
    index.add_argument("paths", type=Path, nargs="+", help="files, or folders to walk")
    index.add_argument("--pipeline-name", help="which pipeline of the file (default: the only one, or 'indexing')")
    index.add_argument("--batch-size", type=int, default=16, help="files per pipeline run (default 16)")
    index.set_defaults(func=cmd_index)

    validate = commands.add_parser("validate", help="check a pipeline YAML file without building heavy components")
    validate.add_argument("pipeline", type=Path)
    validate.add_argument("--pipeline-name", help="check only this pipeline (default: all)")
    validate.set_defaults(func=cmd_validate)

    evaluate = commands.add_parser(
        "eval", help="evaluate a query pipeline on a SQuAD-format file and print its metrics"
    )
    evaluate.add_argument("pipeline", type=Path, help="the pipeline YAML file")
    evaluate.add_argument("--squad", type=Path, required=True, help="a SQuAD v1.1/v2.0 JSON file (questions and paragraphs)")
    evaluate.add_argument("--top-k", type=int, nargs="+", metavar="K",
                          help="retriever top_k values to report (one run at the largest, smaller ones simulated)")
    evaluate.add_argument("--pipeline-name", help="which pipeline of the file (default: the only one, or 'query')")
    evaluate.add_argument("--params", type=_json_arg, help='JSON, e.g. \'{"Reader": {"top_k": 5}}\'')
    evaluate.add_argument("--max-docs", type=int, help="load only the first N paragraphs of the file (and their questions)")
    evaluate.add_argument("--drop-no-answers", action="store_true", help="leave out no-answer questions (SQuAD 2.0)")
    evaluate.add_argument("--isolated", action="store_true", help="also run readers on the gold paragraphs")
    evaluate.add_argument("--save", type=Path, help="a folder to save the per-node results to (CSV)")
    evaluate.set_defaults(func=cmd_eval)

    serve = commands.add_parser(
        "serve", help="serve the query and indexing pipelines of a YAML file: REST API and search page"
    )
    serve.add_argument("pipeline", type=Path, nargs="?",
                       help="the pipeline YAML file (default: the environment's PIPELINE_YAML_PATH)")  # fmt: skip
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--query-pipeline", help="the pipeline /query runs (default: QUERY_PIPELINE_NAME or 'query')")
    serve.add_argument("--indexing-pipeline",
                       help="the pipeline /file-upload runs (default: INDEXING_PIPELINE_NAME or 'indexing')")  # fmt: skip
    serve.add_argument("--file-upload-path", help="folder for uploads while they are indexed (FILE_UPLOAD_PATH)")
    serve.add_argument("--concurrency", type=int,
                       help="requests at once per worker, more get 503 (CONCURRENT_REQUEST_PER_WORKER, default 4)")  # fmt: skip
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(func=cmd_serve)

    draw = commands.add_parser("draw", help="draw a pipeline of a YAML file to a PNG")
    draw.add_argument("pipeline", type=Path)
    draw.add_argument("output", type=Path, help="the PNG file to write")
    draw.add_argument("--pipeline-name", help="which pipeline of the file (default: the only one, or 'query')")
    draw.set_defaults(func=cmd_draw)
    return parser


def _json_arg(text: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON ({exc}); example: '{{\"Retriever\": {{\"top_k\": 5}}}}'")
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object, like '{\"Retriever\": {\"top_k\": 5}}'")
    return value


def _default_pipeline_name(config: dict, given: str | None, preferred: str = "query") -> str | None:
    """The pipeline to use: the one asked for, the only one, or the one called `preferred`."""
    if given:
        return given
    names = [p.get("name") for p in config.get("pipelines") or [] if isinstance(p, dict)]
    return preferred if len(names) > 1 and preferred in names else None


def cmd_run(args: argparse.Namespace) -> int:
    from hayrick.pipelines.base import Pipeline
    from hayrick.pipelines.config import read_config

    config = read_config(args.pipeline)
    pipeline = Pipeline.load(config, pipeline_name=_default_pipeline_name(config, args.pipeline_name))
    result = pipeline.run(query=args.query, params=args.params, debug=args.debug)
    if args.json:
        print(json.dumps(result, default=to_jsonable, indent=2, ensure_ascii=False))
    else:
        print(format_result(result))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from hayrick.pipelines.base import Pipeline
    from hayrick.pipelines.config import read_config
    from hayrick.stores.base import BaseDocumentStore

    if args.batch_size < 1:
        raise PipelineConfigError(f"--batch-size must be at least 1, got {args.batch_size}.")
    config = read_config(args.pipeline)
    pipeline = Pipeline.load(config, pipeline_name=_default_pipeline_name(config, args.pipeline_name, "indexing"))
    if pipeline.root_node != "File":
        raise PipelineConfigError(
            f"{args.pipeline}: the pipeline to index with must start at File, this one starts at "
            f"{pipeline.root_node}; pick the indexing pipeline with --pipeline-name."
        )
    files = collect_files(args.paths, _supported_extensions(pipeline))
    if not files:
        raise PipelineConfigError(f"No files to index under {', '.join(map(str, args.paths))}.")
    by_extension: dict[str, list[Path]] = {}
    for path in files:
        by_extension.setdefault(path.suffix.lower(), []).append(path)
    documents = 0
    with tqdm(total=len(files), desc="Indexing", unit="file") as bar:
        for group in by_extension.values():
            for start in range(0, len(group), args.batch_size):
                batch = group[start : start + args.batch_size]
                result = pipeline.run(file_paths=[str(p) for p in batch])
                documents += len(result.get("documents") or [])
                bar.update(len(batch))
    stores = pipeline.get_nodes_by_class(BaseDocumentStore)
    held = f"; the store now holds {stores[0].get_document_count()} documents" if stores else ""
    print(f"Indexed {len(files)} files into {documents} documents{held}.")
    return 0


def _supported_extensions(pipeline: Any) -> set[str] | None:
    """The extensions (".txt") the pipeline's FileTypeClassifier routes, or None (take every file)."""
    from hayrick.nodes.routing.file_type_classifier import routed_file_types

    types = routed_file_types(pipeline.node_components.values())
    return None if types is None else {f".{t}" for t in types}


def collect_files(paths: Sequence[Path], extensions: set[str] | None) -> list[Path]:
    """Files given, and the files under folders given (sorted), keeping only `extensions` if set."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            files += [p for p in found if extensions is None or p.suffix.lower() in extensions]
        elif path.is_file():
            files.append(path)
        else:
            raise PipelineConfigError(f"{path} is neither a file nor a folder.")
    return files


def cmd_eval(args: argparse.Namespace) -> int:
    """Load the SQuAD file into the store of the pipeline's retriever(s), run Pipeline.eval, print metrics."""
    import hayrick.nodes.evaluators  # noqa: F401  (defines EvalDocuments and EvalAnswers for `type:` in the YAML)
    from hayrick.evaluation.report import format_metrics_table
    from hayrick.pipelines.base import Pipeline
    from hayrick.pipelines.config import read_config
    from hayrick.stores.base import BaseDocumentStore

    if args.top_k and min(args.top_k) < 1:
        raise PipelineConfigError(f"--top-k values must be positive, got {args.top_k}.")
    if not args.squad.is_file():
        raise PipelineConfigError(f"--squad: no file at {args.squad}.")
    config = read_config(args.pipeline)
    pipeline = Pipeline.load(config, pipeline_name=_default_pipeline_name(config, args.pipeline_name))
    if pipeline.root_node != "Query":
        raise PipelineConfigError(f"{args.pipeline}: eval needs a query pipeline (root Query), this one starts at "
                                  f"{pipeline.root_node}; pick one with --pipeline-name.")  # fmt: skip
    retrievers = {name: c for name, c in pipeline.node_components.items()
                  if isinstance(getattr(c, "document_store", None), BaseDocumentStore)}  # fmt: skip
    stores = list({id(c.document_store): c.document_store for c in retrievers.values()}.values())
    if not stores:
        raise PipelineConfigError(
            f"{args.pipeline}: no node of this pipeline has a document_store to load {args.squad.name} into; "
            "eval needs a retriever (e.g. BM25Retriever) over a document store."
        )
    label_indexes = []
    for store in stores:
        written, labels = store.add_eval_data(str(args.squad), doc_index=store.index, label_index=store.label_index,
                                              max_docs=args.max_docs)  # fmt: skip
        label_indexes.append(store.label_index)
        print(f"Loaded {written} paragraphs and {labels} labels from {args.squad} into {type(store).__name__}.")
    labels = stores[0].get_all_labels_aggregated(
        index=label_indexes[0], drop_negative_labels=True, drop_no_answers=args.drop_no_answers
    )
    params = dict(args.params or {})
    ks = sorted(set(args.top_k or []))
    if ks:
        for name in retrievers:
            params[name] = {**params.get(name, {}), "top_k": ks[-1]}
    result = pipeline.eval(labels, params=params or None, add_isolated_node_eval=args.isolated)
    print(f"Evaluated {len(labels)} questions.")
    print(format_metrics_table(result, ks or [-1], isolated=args.isolated))
    if args.save:
        print(f"Saved the per-node results to {result.save(args.save)}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from hayrick.pipelines.config import read_config, validate_config

    graphs = validate_config(read_config(args.pipeline), args.pipeline_name)
    for name, graph in graphs.items():
        nodes = [n for n, d in graph.nodes(data=True) if d["type_name"] != "RootNode"]
        print(f"{args.pipeline}: pipeline '{name}' is valid ({len(nodes)} nodes: {', '.join(nodes)})")
    return 0


#: Stores that live inside one process: several workers would each hold a different copy.
SINGLE_PROCESS_STORES = ("InMemoryDocumentStore", "FAISSDocumentStore")


def cmd_serve(args: argparse.Namespace) -> int:
    """Load the pipelines, then listen: nothing answers until the models are loaded."""
    import os

    from hayrick.api import require_api
    from hayrick.lazy_imports import require

    try:
        require_api()
        uvicorn = require("uvicorn", owner="hayrick serve", extra="api")
    except ImportError as exc:
        raise PipelineConfigError(str(exc)) from None
    from hayrick.api.app import create_app
    from hayrick.api.settings import APISettings
    from hayrick.pipelines.config import normalize_config, read_config

    if args.workers < 1 or not 0 < args.port < 65536:
        raise PipelineConfigError(f"--workers must be >= 1 and --port in 1..65535, got {args.workers} and {args.port}.")
    settings = APISettings.from_env(
        pipeline_yaml_path=str(args.pipeline) if args.pipeline else None, query_pipeline_name=args.query_pipeline,
        indexing_pipeline_name=args.indexing_pipeline, file_upload_path=args.file_upload_path,
        concurrent_request_per_worker=args.concurrency,
    )  # fmt: skip
    if not settings.pipeline_yaml_path:
        raise PipelineConfigError("Name the pipeline file to serve: hayrick serve PIPELINES.yml (or set PIPELINE_YAML_PATH).")
    if args.workers > 1:
        components, _ = normalize_config(read_config(settings.pipeline_yaml_path))
        local = sorted({c["type"] for c in components.values() if c["type"] in SINGLE_PROCESS_STORES})
        if local:
            raise PipelineConfigError(
                f"{settings.pipeline_yaml_path} uses {', '.join(local)}, which lives inside one process: with "
                f"--workers {args.workers} each worker would hold its own copy, and a file uploaded to one would be "
                "invisible to the others. Use SQLDocumentStore (SQLite or PostgreSQL) or --workers 1."
            )
        for field in ("pipeline_yaml_path", "query_pipeline_name", "indexing_pipeline_name", "file_upload_path",
                      "concurrent_request_per_worker"):  # fmt: skip
            os.environ[field.upper()] = str(getattr(settings, field))
        print(f"Serving {settings.pipeline_yaml_path} with {args.workers} workers on http://{args.host}:{args.port}",
              file=sys.stderr)  # fmt: skip
        uvicorn.run("hayrick.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level=args.log_level)  # fmt: skip
        return 0
    app = create_app(settings=settings)
    print(f"Serving {settings.pipeline_yaml_path} on http://{args.host}:{args.port} "
          f"(search page: /, API docs: /docs)", file=sys.stderr)  # fmt: skip
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_draw(args: argparse.Namespace) -> int:
    from hayrick.pipelines.config import read_config, validate_config
    from hayrick.pipelines.draw import draw_graph

    config = read_config(args.pipeline)
    graphs = validate_config(config, _default_pipeline_name(config, args.pipeline_name))
    if len(graphs) > 1:
        raise PipelineConfigError(
            f"{args.pipeline} defines {len(graphs)} pipelines ({', '.join(graphs)}); pick one with --pipeline-name."
        )
    path = draw_graph(next(iter(graphs.values())), args.output)
    print(f"wrote {path}")
    return 0


#: `json.dumps` default for pipeline results (schema objects, numpy values, sets, paths).
to_jsonable = json_default


def _snippet(text: Any, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def format_result(result: dict[str, Any]) -> str:
    """A pipeline result as readable text: query, answers, documents, other outputs, debug timings."""
    lines: list[str] = []
    if "query" in result:
        lines.append(f"Query: {result['query']}")
    answers = result.get("answers")
    if answers:
        lines.append(f"Answers ({len(answers)}):")
        for i, answer in enumerate(answers, 1):
            score = f"  score {answer.score:.3f}" if getattr(answer, "score", None) is not None else ""
            lines.append(f"  {i}. {answer.answer!r}{score}")
            if getattr(answer, "context", None):
                lines.append(f"     context: {_snippet(answer.context)}")
    documents = result.get("documents")
    if documents:
        shown = documents[:3] if answers else documents  # with answers, the documents are context
        more = f", the first {len(shown)} shown (--json for all)" if len(shown) < len(documents) else ""
        lines.append(f"Documents ({len(documents)}{more}):")
        for i, doc in enumerate(shown, 1):
            if hasattr(doc, "content"):
                score = f"  score {doc.score:.3f}" if doc.score is not None else ""
                meta = f"  meta {_snippet(json.dumps(doc.meta, default=str), 80)}" if doc.meta else ""
                lines.append(f"  {i}. [{doc.id[:10]}]{score}{meta}")
                lines.append(f"     {_snippet(doc.content)}")
            else:
                lines.append(f"  {i}. {_snippet(doc)}")
    for key, value in result.items():
        if key in ("query", "answers", "documents", "params", "_debug") or value in (None, [], {}):
            continue
        lines.append(f"{key}: {_snippet(json.dumps(value, default=to_jsonable, ensure_ascii=False), 300)}")
    if "_debug" in result:
        lines.append("Debug:")
        for name, info in result["_debug"].items():
            lines.append(f"  {name}: {info['exec_time_ms']:.2f} ms, edge {info['edge']}, outputs {sorted(info['output'])}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
