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
from typing import IO, Any

import networkx as nx

from hayrick.core import BaseComponent
from hayrick.errors import PipelineConfigError, PipelineValidationError
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
                    f"Node '{name}': this {type(component).__name__} object is node '{other}' already. A component "
                    f"is one node: build a second {type(component).__name__} for another node."
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
        if name not in self.components:
            raise PipelineValidationError(f"No node named '{name}'; nodes are: {', '.join(self.components)}.")
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
        """The component of node `name`, or None."""
        if name in self.graph and name != self.root_node:
            return self.graph.nodes[name]["component"]
        return None

    @property
    def components(self) -> dict[str, BaseComponent]:
        """Every node's component by name, in the order they were added (the root excluded)."""
        return {n: d["component"] for n, d in self.graph.nodes(data=True) if d["component"] is not None}

    def get_nodes_by_class(self, class_type: type) -> list[BaseComponent]:
        """The components that are instances of `class_type`."""
        return [c for c in self.components.values() if isinstance(c, class_type)]

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
        params: dict[str, Any] | None = None,
        sas_model_name_or_path: str | None = None,
        add_isolated_node_eval: bool = False,
    ) -> Any:
        """Run each label's query and judge every node: an `EvaluationResult` (see `hayrick.evaluation.result`).

        Args:
            labels: MultiLabels, one per query (`store.get_all_labels_aggregated()`); a label's filters apply.
            params: as for `run`, for every query.
            sas_model_name_or_path: a model for semantic answer similarity of the answers.
            add_isolated_node_eval: also run reader-type nodes on the gold documents ("isolated" metrics).
        """
        from hayrick.evaluation.pipeline_eval import evaluate_pipeline

        return evaluate_pipeline(self, labels, params, sas_model_name_or_path, add_isolated_node_eval)

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
    def get_config(self, pipeline_name: str = "query") -> dict[str, Any]:
        """This pipeline as a config dict in the YAML format (components and one pipeline)."""
        from hayrick.pipelines.config import pipeline_to_config

        return pipeline_to_config(self, pipeline_name)

    def save(self, path: str | os.PathLike, pipeline_name: str = "query") -> None:
        """Write this pipeline to a YAML file that `Pipeline.load` reads back."""
        from hayrick.pipelines.config import dump_config

        Path(path).write_text(dump_config(self.get_config(pipeline_name)), encoding="utf-8")

    save_to_yaml = save

    @classmethod
    def load(
        cls,
        source: str | os.PathLike | IO[str] | dict,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
    ) -> Pipeline:
        """Build a pipeline from a YAML file path, YAML text, an open stream or a config dict.

        Args:
            source: where the config is.
            pipeline_name: which entry of `pipelines:`; may be left out when there is only one.
            overwrite_with_env_variables: apply `{COMPONENT}_PARAMS_{PARAM}` environment variables.
        """
        from hayrick.pipelines.config import build_component, pipeline_spec, read_config

        config = source if isinstance(source, dict) else read_config(source)
        spec = pipeline_spec(config, pipeline_name, overwrite_with_env_variables)
        pipeline = cls()
        built: dict[str, BaseComponent] = {}  # only the components this pipeline's nodes use, and theirs
        for node in spec.nodes:
            component = build_component(node["name"], spec.components, built)
            try:
                pipeline.add_node(component=component, name=node["name"], inputs=node["inputs"])
            except PipelineValidationError as exc:
                raise PipelineConfigError(f"{node['where']}: {exc}") from None
        return pipeline

    load_from_yaml = load

    @classmethod
    def load_from_config(
        cls, config: dict, pipeline_name: str | None = None, overwrite_with_env_variables: bool = True
    ) -> Pipeline:
        """Build a pipeline from a config dict (as `get_config` returns)."""
        return cls.load(config, pipeline_name, overwrite_with_env_variables)

    def draw(self, path: str | os.PathLike = "pipeline.png") -> Path:
        """Draw the graph to a PNG file (matplotlib) and return its path."""
        from hayrick.pipelines.draw import draw_graph

        return draw_graph(self.graph, Path(path))

    def __repr__(self) -> str:
        nodes = ", ".join(f"{n}({d['type_name']})" for n, d in self.graph.nodes(data=True) if d["component"])
        return f"Pipeline(root={self.root_node!r}, nodes=[{nodes}])"


def _root_inputs(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
