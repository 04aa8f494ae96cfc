"""`Pipeline`: a directed acyclic graph of nodes, built in Python or loaded from YAML.

```python
from hayrick import Pipeline

p = Pipeline()
p.add_node(component=retriever, name="Retriever", inputs=["Query"])
p.add_node(component=reader, name="Reader", inputs=["Retriever"])
result = p.run(query="Is it good for reading?", params={"Retriever": {"top_k": 10}})
p.save("qa.yml")
same = Pipeline.load("qa.yml")
```

Building and validating the graph lives here and in `graph.py`; running it in
`runner.py`; YAML in `config.py`, which reads a file into a `PipelineSpec` that `Pipeline.load`
builds (config never imports this module).
"""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Sequence
from typing import IO, Any

import networkx as nx

from hayrick.core import BaseComponent, RootNode
from hayrick.errors import PipelineConfigError, PipelineError, PipelineValidationError
from hayrick.pipelines.graph import add_node_to_graph, root_of
from hayrick.pipelines.runner import ExecutionPlan, execute


class Pipeline:
    """A DAG of nodes that starts at a `Query` or `File` root.

    Example:
        >>> p = Pipeline()
        >>> p.add_node(component=MyNode(), name="Mine", inputs=["Query"])
        >>> p.run(query="hello")["query"]
    """

    def __init__(self) -> None:
        self.graph = nx.DiGraph()
        self._plans: dict[bool, ExecutionPlan] = {}
        self._root: RootNode | None = None

    # ------------------------------------------------------------------ building
    def add_node(self, component: BaseComponent, name: str, inputs: list[str]) -> None:
        """Add `component` under `name`, fed by `inputs` (`["Query"]`, `["Retriever"]`, `["Classifier.output_2"]`).

        Raises:
            PipelineValidationError: the component is not a node, the name is taken, an input is
                unknown, an edge does not exist, or a node with several inputs has no `inputs` parameter.
        """
        if not isinstance(component, BaseComponent):
            if isinstance(component, type) and issubclass(component, BaseComponent):
                hint = f" Pass an instance: {component.__name__}(...), not the class."
            else:
                hint = " Subclass hayrick.nodes.BaseComponent and implement run() to make it a node."
            raise PipelineValidationError(
                f"Node '{name}': component must be a BaseComponent instance, got {type(component).__name__}.{hint}"
            )
        for other, data in self.graph.nodes(data=True):
            if data["component"] is component:
                raise PipelineValidationError(
                    f"Node '{name}': You have already added the same instance to the pipeline under the name "
                    f"'{other}'. A component is one node: build a second {type(component).__name__} for another node."
                )
        add_node_to_graph(
            self.graph,
            name,
            inputs,
            outgoing_edges=component.outgoing_edges,
            run_method=component.run,
            type_name=type(component).__name__,
            component=component,
        )
        if component.name is None:
            component.name = name
        self._plans.clear()

    def set_node(self, name: str, component: BaseComponent) -> None:
        """Replace the component of node `name` with another of the same number of outgoing edges."""
        if name not in self.node_components:
            raise PipelineValidationError(f"No node named '{name}'; nodes are: {', '.join(self.node_components)}.")
        old = self.graph.nodes[name]
        if component.outgoing_edges != old["outgoing_edges"]:
            raise PipelineValidationError(
                f"Node '{name}': the new component has {component.outgoing_edges} outgoing edges, the old one "
                f"{old['outgoing_edges']}; the graph's edges would no longer fit."
            )
        old["component"], old["type_name"] = component, type(component).__name__
        component.name = component.name or name
        self._plans.clear()

    def get_node(self, name: str) -> BaseComponent | None:
        """The component of node `name` (a `RootNode` for the root, "Query" or "File"), or None."""
        if name not in self.graph:
            return None
        if name == self.root_node:
            if self._root is None or self._root.name != name:
                self._root = RootNode()
                self._root.name = name
            return self._root
        return self.graph.nodes[name]["component"]

    @property
    def node_components(self) -> dict[str, BaseComponent]:
        """Every node's component by node name, in the order they were added (the root excluded)."""
        return {n: d["component"] for n, d in self.graph.nodes(data=True) if d["component"] is not None}

    @property
    def components(self) -> dict[str, BaseComponent]:
        """Every component by name, as Haystack 1.x lists them: the nodes, then the components their params hold.

        A document store given to a retriever is listed under its own `name` (its class name when it has
        none, with `_2` and so on when that name is taken). `node_components` lists the nodes only.
        """
        found = dict(self.node_components)
        seen = {id(c) for c in found.values()}
        queue = list(found.values())
        for component in queue:
            for value in component.init_parameters.values():
                for sub in value if isinstance(value, (list, tuple)) else (value,):
                    if isinstance(sub, BaseComponent) and id(sub) not in seen:
                        seen.add(id(sub))
                        base = name = sub.name or type(sub).__name__
                        i = 2
                        while name in found:
                            name, i = f"{base}_{i}", i + 1
                        found[name] = sub
                        queue.append(sub)
        return found

    def get_nodes_by_class(self, class_type: type) -> list[BaseComponent]:
        """The node components that are instances of `class_type` (the components they hold excluded)."""
        return [c for c in self.node_components.values() if isinstance(c, class_type)]

    def get_document_store(self) -> Any:
        """The pipeline's document store: a store that is a node, else the one its retrievers share; None if none.

        Raises:
            PipelineError: the pipeline holds more than one document store (name the one you mean with
                `get_node(name)` or `retriever.document_store` instead).
        """
        from hayrick.nodes.retrievers.base import BaseRetriever
        from hayrick.stores.base import BaseDocumentStore

        matches = self.get_nodes_by_class(BaseDocumentStore)
        if not matches:
            for retriever in self.get_nodes_by_class(BaseRetriever):
                store = getattr(retriever, "document_store", None)
                if store is not None and all(store is not m for m in matches):
                    matches.append(store)
        if len(matches) > 1:
            raise PipelineError(
                f"Multiple Document Stores found in Pipeline: {matches}. Take the one you mean from its node "
                "(pipeline.get_node(name)) or from a retriever (retriever.document_store)."
            )
        return matches[0] if matches else None

    def get_type(self) -> str:
        """What kind of pipeline this is, as Haystack 1.x names it, with its retrievers and stores.

        Example: `"ExtractiveQAPipeline (retriever: ['BM25Retriever'], doc_store: ['InMemoryDocumentStore'])"`.
        """
        from hayrick.pipelines.standard import pipeline_type

        return pipeline_type(list(self.components.values()))

    @property
    def root_node(self) -> str | None:
        """`"Query"`, `"File"`, or None for an empty pipeline."""
        return root_of(self.graph)

    # ------------------------------------------------------------------- running
    def run(
        self,
        query: str | None = None,
        file_paths: list[str] | None = None,
        labels: Any = None,
        documents: list[Any] | None = None,
        meta: dict | list[dict] | None = None,
        params: dict[str, Any] | None = None,
        debug: bool | None = None,
    ) -> dict[str, Any]:
        """Run the pipeline once.

        Args:
            query: the question or search terms (query pipelines).
            file_paths: files to index (indexing pipelines).
            labels: a `MultiLabel` for evaluation nodes.
            documents: documents to feed the first nodes.
            meta: meta data for the files or documents.
            params: `{"NodeName": {"arg": value}}` for one node, `{"arg": value}` for every node that accepts it.
            debug: add `_debug` to the result, with each node's input, output, edge and time.

        Returns:
            The root inputs updated with the outputs of the last node(s) that ran, plus `params`.
        """
        root_inputs = _root_inputs(query=query, file_paths=file_paths, labels=labels, documents=documents, meta=meta)
        return execute(self._plan(batch=False), root_inputs, params, bool(debug))

    def run_batch(
        self,
        queries: list[str] | None = None,
        file_paths: list[str] | None = None,
        labels: list[Any] | None = None,
        documents: list[Any] | list[list[Any]] | None = None,
        meta: dict | list[dict] | None = None,
        params: dict[str, Any] | None = None,
        debug: bool | None = None,
    ) -> dict[str, Any]:
        """Run many queries at once through each node's `run_batch`; outputs hold one entry per query."""
        root_inputs = _root_inputs(queries=queries, file_paths=file_paths, labels=labels, documents=documents, meta=meta)
        return execute(self._plan(batch=True), root_inputs, params, bool(debug))

    def eval(
        self,
        labels: list[Any],
        documents: list[list[Any]] | None = None,
        params: dict[str, Any] | None = None,
        sas_model_name_or_path: str | None = None,
        sas_batch_size: int = 32,
        sas_use_gpu: bool = True,
        add_isolated_node_eval: bool = False,
        custom_document_id_field: str | None = None,
        context_matching_min_length: int = 100,
        context_matching_boost_split_overlaps: bool = True,
        context_matching_threshold: float = 65.0,
        use_auth_token: str | bool | None = None,
    ) -> Any:
        """Run each label's query and judge every node: an `EvaluationResult` (see `hayrick.evaluation.result`).

        Args:
            labels: MultiLabels, one per query (`store.get_all_labels_aggregated()`); a label's filters apply.
            documents: per label, the documents its query runs on (for pipelines that start with a reader).
            params: as for `run`, for every query.
            sas_model_name_or_path: a model for semantic answer similarity of the answers.
            sas_batch_size, sas_use_gpu: how the SAS model runs (it runs where torch puts it).
            add_isolated_node_eval: also run reader-type nodes on the gold documents ("isolated" metrics).
            custom_document_id_field: match documents to gold labels by this meta field (e.g. "name" for
                file search) instead of by id.
            context_matching_min_length, context_matching_boost_split_overlaps, context_matching_threshold:
                when a text counts as a gold document's text (Haystack 1.x's fuzzy context matching; see
                `hayrick.evaluation.context_matching`).
            use_auth_token: accepted for Haystack 1.x compatibility (models load from local paths or the hub cache).
        """
        return self._evaluate(locals(), batch=False)

    def eval_batch(
        self,
        labels: list[Any],
        documents: list[list[Any]] | None = None,
        params: dict[str, Any] | None = None,
        sas_model_name_or_path: str | None = None,
        sas_batch_size: int = 32,
        sas_use_gpu: bool = True,
        add_isolated_node_eval: bool = False,
        custom_document_id_field: str | None = None,
        context_matching_min_length: int = 100,
        context_matching_boost_split_overlaps: bool = True,
        context_matching_threshold: float = 65.0,
        use_auth_token: str | bool | None = None,
    ) -> Any:
        """`eval` with all queries in one `run_batch` call (as Haystack 1.x, labels' filters are not applied)."""
        return self._evaluate(locals(), batch=True)

    def _evaluate(self, arguments: dict[str, Any], batch: bool) -> Any:
        """`evaluate_pipeline` with the arguments of `eval` or `eval_batch` (their `locals()`)."""
        from hayrick.evaluation.pipeline_eval import evaluate_pipeline

        options = {k: v for k, v in arguments.items() if k not in ("self", "use_auth_token")}
        return evaluate_pipeline(self, **options, batch=batch)

    def _plan(self, batch: bool) -> ExecutionPlan:
        plan = self._plans.get(batch)
        if plan is None:
            if self.root_node is None:
                raise PipelineValidationError(
                    "The pipeline is empty: add a node with inputs=['Query'] (or ['File']) before running it."
                )
            plan = self._plans[batch] = ExecutionPlan(self.graph, batch=batch)
        return plan

    # -------------------------------------------------------------------- config
    def get_config(self, return_defaults: bool = False, pipeline_name: str | None = None) -> dict[str, Any]:
        """This pipeline as a config dict in the YAML format (version, components, one pipeline).

        Args:
            return_defaults: also list every init parameter left at its default.
            pipeline_name: the name under `pipelines:`; by default "query" for a Query pipeline,
                "indexing" for a File pipeline, as Haystack 1.x names them.

        Params without a YAML form (an open client, a function) stay as they are here; `save` refuses them.
        """
        from hayrick.pipelines.config import pipelines_to_config

        _check_return_defaults(return_defaults)
        return pipelines_to_config({pipeline_name or self._default_name(): self}, return_defaults=return_defaults)

    def _default_name(self) -> str:
        return {"Query": "query", "File": "indexing"}.get(self.root_node or "", "query")

    def save(self, path: str | os.PathLike, pipeline_name: str | None = None, return_defaults: bool = False) -> None:
        """Write this pipeline to a YAML file that `Pipeline.load` reads back.

        Raises:
            PipelineConfigError: a param has no YAML form (nothing is written then).
        """
        from hayrick.pipelines.config import dump_config, pipelines_to_config

        _check_return_defaults(return_defaults)
        name = pipeline_name or self._default_name()
        config = pipelines_to_config({name: self}, return_defaults=return_defaults, strict=True)
        Path(path).write_text(dump_config(config), encoding="utf-8")

    def save_to_yaml(self, path: str | os.PathLike, return_defaults: bool = False) -> None:
        """Haystack 1.x's name for `save`: write this pipeline to a YAML file."""
        self.save(path, return_defaults=return_defaults)

    @classmethod
    def load(
        cls,
        source: str | os.PathLike | IO[str] | dict,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
        strict_version_check: bool = False,
    ) -> Pipeline:
        """Build a pipeline from a YAML file path, YAML text, an open stream or a config dict.

        Args:
            source: where the config is.
            pipeline_name: which entry of `pipelines:`; may be left out when there is only one.
            overwrite_with_env_variables: apply `{COMPONENT}_PARAMS_{PARAM}` environment variables.
            strict_version_check: refuse a config whose `version:` hayrick does not read (else a warning).

        Raises:
            PipelineConfigError: the config is wrong (the message names the entry); a missing file raises
                `PipelineConfigFileNotFoundError`, which is also a `FileNotFoundError`.
        """
        from hayrick.pipelines.config import pipeline_spec, read_config

        config = source if isinstance(source, dict) else read_config(source)
        spec = pipeline_spec(config, pipeline_name, overwrite_with_env_variables, strict_version_check)
        return cls._from_spec(spec, built={})

    @classmethod
    def _from_spec(cls, spec: Any, built: dict[str, BaseComponent]) -> Pipeline:
        """Build the pipeline of a `PipelineSpec`; components already in `built` (by name) are reused."""
        from hayrick.pipelines.config import build_component

        pipeline = cls()
        for node in spec.nodes:
            component = build_component(node["name"], spec.components, built)
            try:
                pipeline.add_node(component=component, name=node["name"], inputs=node["inputs"])
            except PipelineValidationError as exc:
                raise PipelineConfigError(f"{node['where']}: {exc}") from None
        return pipeline

    @classmethod
    def load_many(
        cls,
        source: str | os.PathLike | IO[str] | dict,
        pipeline_names: Sequence[str] | None = None,
        overwrite_with_env_variables: bool = True,
        strict_version_check: bool = False,
    ) -> dict[str, Pipeline]:
        """Build several pipelines of one config that share their components: one store, one model.

        `Pipeline.load` called twice builds every component twice, so an indexing pipeline and a
        query pipeline over an `InMemoryDocumentStore` would each get a store of their own. Here a
        component named in several pipelines is built once and is the same object in each.

        Example:
            >>> pipes = Pipeline.load_many("yaml_pipelines/extractive_qa.yml", ["query", "indexing"])  # doctest: +SKIP
            >>> pipes["query"].get_document_store() is pipes["indexing"].get_document_store()  # doctest: +SKIP
            True

        Args:
            source: a YAML file path, YAML text, an open stream or a config dict.
            pipeline_names: the pipelines to build (default: every pipeline of the config).

        Returns:
            The pipelines by name, in the order asked for.

        Raises:
            PipelineConfigError: the config is wrong, or names no pipeline called so.
        """
        from hayrick.pipelines.config import normalize_config, pipeline_spec, read_config

        config = source if isinstance(source, dict) else read_config(source)
        if pipeline_names is None:
            pipeline_names = list(normalize_config(config)[1])
        built: dict[str, BaseComponent] = {}
        pipelines: dict[str, Pipeline] = {}
        for name in pipeline_names:
            spec = pipeline_spec(config, name, overwrite_with_env_variables, strict_version_check)
            pipelines[name] = cls._from_spec(spec, built)
        return pipelines

    @classmethod
    def load_from_yaml(
        cls,
        path: str | os.PathLike,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
        strict_version_check: bool = False,
    ) -> Pipeline:
        """Build a pipeline from a YAML file (Haystack 1.x's call).

        YAML text, an open stream or a dict work too, as they do for `load`.
        """
        return cls.load(path, pipeline_name, overwrite_with_env_variables, strict_version_check)

    @classmethod
    def load_from_config(
        cls,
        pipeline_config: dict | None = None,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
        strict_version_check: bool = False,
        config: dict | None = None,
    ) -> Pipeline:
        """Build a pipeline from a config dict (as `get_config` returns); `config=` is this package's older name."""
        if pipeline_config is None:
            pipeline_config = config
        if not isinstance(pipeline_config, dict):
            raise PipelineConfigError(
                f"pipeline_config must be a dict (as get_config returns), got {type(pipeline_config).__name__}; "
                "for a file use Pipeline.load_from_yaml."
            )
        return cls.load(pipeline_config, pipeline_name, overwrite_with_env_variables, strict_version_check)

    def to_code(
        self, pipeline_variable_name: str = "pipeline", generate_imports: bool = True, add_comment: bool = False
    ) -> str:
        """Python code that builds this pipeline (Haystack 1.x's `to_code`)."""
        return self._code(pipeline_variable_name, generate_imports, add_comment, add_pipeline_cls_import=True)

    def to_notebook_cell(
        self, pipeline_variable_name: str = "pipeline", generate_imports: bool = True, add_comment: bool = True
    ) -> None:
        """Put `to_code()` into the next cell of a Jupyter notebook (logs a warning outside a notebook)."""
        code = self._code(pipeline_variable_name, generate_imports, add_comment, add_pipeline_cls_import=False)
        try:
            get_ipython().set_next_input(code)  # type: ignore[name-defined]  # noqa: F821
        except NameError:
            import logging

            logging.getLogger(__name__).warning(
                "Could not create notebook cell. Make sure you're running in a notebook environment."
            )

    def _code(
        self, pipeline_variable_name: str, generate_imports: bool, add_comment: bool, add_pipeline_cls_import: bool
    ) -> str:
        from hayrick.pipelines.utils import CODE_GEN_DEFAULT_COMMENT, generate_code

        return generate_code(
            self.get_config(), pipeline_variable_name=pipeline_variable_name, generate_imports=generate_imports,
            comment=CODE_GEN_DEFAULT_COMMENT if add_comment else None, add_pipeline_cls_import=add_pipeline_cls_import,
        )

    def draw(self, path: str | os.PathLike = "pipeline.png") -> Path:
        """Draw the graph to a PNG file (matplotlib) and return its path."""
        from hayrick.pipelines.draw import draw_graph

        return draw_graph(self.graph, Path(path))

    def __repr__(self) -> str:
        nodes = ", ".join(f"{n}({d['type_name']})" for n, d in self.graph.nodes(data=True) if d["component"])
        return f"Pipeline(root={self.root_node!r}, nodes=[{nodes}])"


def _check_return_defaults(return_defaults: Any) -> None:
    if not isinstance(return_defaults, bool):
        raise PipelineConfigError(
            f"return_defaults must be True or False, got {return_defaults!r}. To name the pipeline, pass "
            "pipeline_name= by keyword (get_config(pipeline_name='indexing'), save(path, pipeline_name=...))."
        )


def _root_inputs(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
