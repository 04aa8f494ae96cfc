"""`generate_code`: the Python that builds a pipeline from its config, as Haystack 1.x's `to_code` writes it.

```python
from hayrick.pipelines.utils import generate_code

print(generate_code(pipeline.get_config(), pipeline_variable_name="p"))
# from hayrick.nodes import BM25Retriever
# from hayrick.pipelines import Pipeline
# from hayrick.stores import InMemoryDocumentStore
#
# in_memory_document_store = InMemoryDocumentStore(use_bm25=True)
# retriever = BM25Retriever(document_store=in_memory_document_store)
#
# p = Pipeline()
# p.add_node(component=retriever, name="Retriever", inputs=["Query"])
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from hayrick.core import get_component_class
from hayrick.errors import ComponentError, PipelineConfigError

CODE_GEN_DEFAULT_COMMENT = "This code has been generated."
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z0-9])")


def camel_to_snake_case(name: str) -> str:
    """`InMemoryDocumentStore` -> `in_memory_document_store` (Haystack's variable names)."""
    return _CAMEL.sub("_", name).lower()


def generate_code(
    pipeline_config: Mapping[str, Any],
    pipeline_variable_name: str = "pipeline",
    pipeline_name: str | None = None,
    generate_imports: bool = True,
    comment: str | None = None,
    add_pipeline_cls_import: bool = True,
) -> str:
    """Python code that builds pipeline `pipeline_name` of `pipeline_config` (a dict as `get_config` returns).

    Components come in an order where each follows those its params name; a param that names a
    component becomes that component's variable.

    Raises:
        PipelineConfigError: the config is not valid (see `validate_config`).
    """
    from hayrick.pipelines.config import normalize_config, select_pipeline

    components, pipelines = normalize_config(pipeline_config)
    pipeline = select_pipeline(pipelines, pipeline_name)
    node_names = [node["name"] for node in pipeline["nodes"]]
    variables: dict[str, str] = {}
    order: list[str] = []

    def visit(name: str, chain: tuple[str, ...] = ()) -> None:
        if name in variables or name in chain:
            return  # declared already, or a cycle (validate_config reports it)
        for value in components[name]["params"].values():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref in components and ref != name:
                    visit(ref, (*chain, name))
        variable, i = camel_to_snake_case(name), 2
        while variable in variables.values() or variable == pipeline_variable_name:
            variable, i = f"{camel_to_snake_case(name)}_{i}", i + 1
        variables[name] = variable
        order.append(name)

    for name in node_names:
        visit(name)

    def code_of(value: Any, owner: str) -> str:
        if isinstance(value, str):
            return variables[value] if value in variables and value != owner else json.dumps(value)
        if isinstance(value, list):
            return "[" + ", ".join(code_of(v, owner) for v in value) + "]"
        return repr(value)

    declarations = []
    for name in order:
        component = components[name]
        args = ", ".join(f"{key}={code_of(value, name)}" for key, value in component["params"].items())
        declarations.append(f"{variables[name]} = {component['type']}({args})")
        if name != component["type"] and name not in node_names:
            declarations.append(f"{variables[name]}.name = {json.dumps(name)}")
    adds = [f"{pipeline_variable_name} = Pipeline()"] + [
        f"{pipeline_variable_name}.add_node(component={variables[node['name']]}, name={json.dumps(node['name'])}, "
        f"inputs=[{', '.join(json.dumps(i) for i in node['inputs'])}])"
        for node in pipeline["nodes"]
    ]
    parts = []
    if comment:
        parts.append("\n".join(f"# {line}" for line in comment.splitlines()))
    if generate_imports:
        types = sorted({components[name]["type"] for name in order})
        parts.append(_imports(types, add_pipeline_cls_import))
    parts += ["\n".join(declarations), "\n".join(adds)]
    return "\n\n".join(part for part in parts if part)


def _imports(types: list[str], add_pipeline_cls_import: bool) -> str:
    import hayrick.nodes
    import hayrick.stores

    by_module: dict[str, list[str]] = {}
    for type_name in types:
        short = type_name.rsplit(".", 1)[-1]
        if short in hayrick.stores.__all__:
            module = "hayrick.stores"
        elif short in hayrick.nodes.__all__:
            module = "hayrick.nodes"
        else:
            try:
                module = get_component_class(type_name).__module__
            except (ComponentError, PipelineConfigError):
                module = "MODULE_NOT_FOUND"
        by_module.setdefault(module, []).append(short)
    if add_pipeline_cls_import:
        by_module.setdefault("hayrick.pipelines", []).append("Pipeline")
    lines = []
    for module in sorted(by_module):
        line = f"from {module} import {', '.join(sorted(by_module[module]))}"
        lines.append(f"# {line}" if module == "MODULE_NOT_FOUND" else line)
    return "\n".join(lines)
