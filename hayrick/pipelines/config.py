"""Pipelines as YAML, in the Haystack 1.x format.

```yaml
version: "1.0"
components:
  - name: DocumentStore
    type: InMemoryDocumentStore
    params: {use_bm25: true}
  - name: Retriever
    type: BM25Retriever
    params: {document_store: DocumentStore, top_k: 10}   # a string naming a component is a reference
pipelines:
  - name: query
    nodes:
      - {name: Retriever, inputs: [Query]}
```

Only `yaml.safe_load` reads files. Every error names the entry that is wrong
(`components[1] 'Retriever'`, `pipelines[0] 'query' nodes[2]`) and the valid choices.
Environment variables `{COMPONENT}_PARAMS_{PARAM}` (upper case; characters other than
letters and digits in the component name become `_`) override parameters; their
values are read as JSON where they parse (`10`, `true`, `["a"]`) and as text otherwise.
"""

from __future__ import annotations

import inspect
import io
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

from hayrick.core import (
    BaseComponent,
    component_type_name,
    describe_init_parameters,
    get_component_class,
)
from hayrick.errors import (
    ComponentError,
    HayrickError,
    PipelineConfigError,
    PipelineConfigFileNotFoundError,
    PipelineValidationError,
)
from hayrick.pipelines.graph import ROOT_NODES, add_node_to_graph, order_pipeline_nodes

logger = logging.getLogger(__name__)

#: The version `get_config` and `save` write. A config also loads without a warning when it says
#: "ignore", this package's version, or a Haystack 1.26 version (files Haystack 1.26 saved).
CONFIG_VERSION = "1.0"
_HAYSTACK_VERSION = re.compile(r"1\.26(\.\d+)?(rc\d+)?")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")  # C:\pipelines\qa.yml is a path, not YAML text
_TOP_KEYS = ("version", "components", "pipelines", "extras")
_COMPONENT_KEYS = ("name", "type", "params")
_PIPELINE_KEYS = ("name", "nodes", "type")
#: `replicas` and `serve_deployment_kwargs` say how `RayPipeline` runs a node (Haystack 1.x's Ray keys);
#: `Pipeline` reads them and runs the node once, in this process.
_NODE_KEYS = ("name", "inputs", "replicas", "serve_deployment_kwargs")
#: The values of `extras:` and of a pipeline's `type:` that Haystack 1.x wrote.
_EXTRAS = ("ray",)
_PIPELINE_TYPES = ("Pipeline", "RayPipeline")


# ----------------------------------------------------------------------------- reading
def read_config(source: str | os.PathLike | IO[str]) -> dict[str, Any]:
    """Parse a YAML file path, YAML text or open stream into a config dict (safe_load only)."""
    if hasattr(source, "read"):
        return _parse_yaml(source.read(), getattr(source, "name", "<stream>"))  # type: ignore[union-attr]
    if isinstance(source, os.PathLike) or (
        isinstance(source, str)
        and "\n" not in source
        and (os.path.exists(source) or ":" not in source or _WINDOWS_DRIVE.match(source))
    ):  # a path; a str with a line break or a mapping (`version: ...`) is YAML text
        return read_config_file(source)
    if isinstance(source, str):
        return _parse_yaml(source, "<text>")
    raise PipelineConfigError(
        f"Cannot read a pipeline config from {type(source).__name__}: pass a path, YAML text, a stream or a dict."
    )


def read_config_file(path: str | os.PathLike) -> dict[str, Any]:
    """Parse the YAML file at `path` into a config dict (safe_load only).

    Raises:
        PipelineConfigFileNotFoundError: there is no file at `path` (also a `FileNotFoundError`).
    """
    path = Path(path)
    if not path.is_file():
        raise PipelineConfigFileNotFoundError(
            f"Pipeline file not found: {path}. Pass the path of a .yml file (or YAML text to Pipeline.load)."
        )
    return _parse_yaml(path.read_text(encoding="utf-8"), str(path))


def _parse_yaml(text: str, origin: str) -> dict[str, Any]:
    try:
        config = yaml.safe_load(io.StringIO(text))
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise PipelineConfigError(
            f"{origin}: refused{where}: {exc.problem}. Pipeline files are read with yaml.safe_load, which refuses "
            "tags such as !!python/object; write plain values."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PipelineConfigError(
            f"{origin}: not valid YAML{where}: {problem}. Check the indentation there: list entries start with "
            "'- ', and keys of one mapping line up under each other."
        ) from None
    if not isinstance(config, dict):
        raise PipelineConfigError(
            f"{origin}: a pipeline config is a mapping with the keys {', '.join(_TOP_KEYS[:3])}; got {type(config).__name__}."
        )
    return config


def _check_keys(entry: Any, valid: tuple[str, ...], where: str, indent_hint: str | None = None) -> dict:
    if not isinstance(entry, dict):
        raise PipelineConfigError(f"{where}: expected a mapping with keys {', '.join(valid)}, got {entry!r}.")
    unknown = [k for k in entry if k not in valid]
    if unknown:
        hint = f" If it is a parameter, indent it under `{indent_hint}`." if indent_hint else ""
        raise PipelineConfigError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(repr(k) for k in unknown)}; "
            f"valid keys: {', '.join(valid)}.{hint}"
        )
    return entry


def normalize_config(config: Mapping[str, Any]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Check the structure of a config; return its components and pipelines by name.

    Each component comes back as `{"name", "type", "params", "where"}`, each pipeline as
    `{"name", "nodes": [{"name", "inputs"}], "where"}`.
    """
    _check_keys(config, _TOP_KEYS, "pipeline config")
    extras = config.get("extras")
    if extras is not None and extras not in _EXTRAS:
        raise PipelineConfigError(
            f"`extras: {extras!r}` is not known; the one extra a pipeline config may name is 'ray' (for "
            "RayPipeline's `replicas` and `serve_deployment_kwargs`), or leave `extras` out."
        )
    raw_components = config.get("components") or []
    raw_pipelines = config.get("pipelines")
    if not isinstance(raw_components, list):
        raise PipelineConfigError("`components` must be a list of entries with name, type and params.")
    if not isinstance(raw_pipelines, list) or not raw_pipelines:
        raise PipelineConfigError(
            "`pipelines` must be a non-empty list, like: pipelines: [{name: query, nodes: [{name: Retriever, "
            "inputs: [Query]}]}]."
        )
    components: dict[str, dict] = {}
    for i, entry in enumerate(raw_components):
        label = f"components[{i}]" + (f" '{entry.get('name')}'" if isinstance(entry, dict) and entry.get("name") else "")
        _check_keys(entry, _COMPONENT_KEYS, label, indent_hint="params:")
        name, type_name, params = entry.get("name"), entry.get("type"), entry.get("params")
        if not isinstance(name, str) or not name:
            raise PipelineConfigError(f"{label}: `name` must be a non-empty string, got {name!r}.")
        if name in ROOT_NODES:
            raise PipelineConfigError(f"{label}: '{name}' is reserved for a pipeline's root; rename the component.")
        if name in components:
            raise PipelineConfigError(f"{label}: a component named '{name}' is defined twice; names must be unique.")
        if not isinstance(type_name, str) or not type_name:
            raise PipelineConfigError(f"{label}: `type` must be a component class name, got {type_name!r}.")
        if params is None:
            params = {}
        if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
            raise PipelineConfigError(f"{label}: `params` must be a mapping of argument names to values, got {params!r}.")
        components[name] = {"name": name, "type": type_name, "params": dict(params), "where": label}
    pipelines: dict[str, dict] = {}
    for i, entry in enumerate(raw_pipelines):
        label = f"pipelines[{i}]" + (f" '{entry.get('name')}'" if isinstance(entry, dict) and entry.get("name") else "")
        _check_keys(entry, _PIPELINE_KEYS, label)
        name, nodes = entry.get("name"), entry.get("nodes")
        if not isinstance(name, str) or not name:
            raise PipelineConfigError(f"{label}: `name` must be a non-empty string, got {name!r}.")
        if entry.get("type", "Pipeline") not in _PIPELINE_TYPES:
            raise PipelineConfigError(
                f"{label}: `type: {entry['type']!r}` is not a pipeline class; write Pipeline or RayPipeline, or "
                "leave `type` out (the class that loads the file decides how it runs)."
            )
        if name in pipelines:
            raise PipelineConfigError(f"{label}: a pipeline named '{name}' is defined twice; names must be unique.")
        if not isinstance(nodes, list) or not nodes:
            raise PipelineConfigError(f"{label}: `nodes` must be a non-empty list of {{name, inputs}} entries.")
        checked = []
        for j, node in enumerate(nodes):
            node_label = f"{label} nodes[{j}]" + (
                f" '{node.get('name')}'" if isinstance(node, dict) and node.get("name") else ""
            )
            _check_keys(node, _NODE_KEYS, node_label)
            node_name, inputs = node.get("name"), node.get("inputs")
            if node_name not in components:
                raise PipelineConfigError(
                    f"{node_label}: no component named {node_name!r}. Components defined: "
                    f"{', '.join(components) or '(none)'}."
                )
            if isinstance(inputs, str):
                inputs = [inputs]
            if not isinstance(inputs, list) or not inputs or not all(isinstance(x, str) for x in inputs):
                raise PipelineConfigError(
                    f"{node_label}: `inputs` must be a non-empty list of node names like [Query] or "
                    f"[Classifier.output_2], got {inputs!r}."
                )
            checked.append({"name": node_name, "inputs": inputs, "where": node_label, **_ray_keys(node, node_label)})
        pipelines[name] = {"name": name, "nodes": checked, "where": label}
    return components, pipelines


def _ray_keys(node: dict, where: str) -> dict[str, Any]:
    """A node entry's `replicas` and `serve_deployment_kwargs`, checked (those it sets)."""
    found: dict[str, Any] = {}
    if "replicas" in node:
        replicas = node["replicas"]
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
            raise PipelineConfigError(f"{where}: `replicas` must be an int >= 1 (how many copies RayPipeline runs), got {replicas!r}.")
        found["replicas"] = replicas
    if "serve_deployment_kwargs" in node:
        kwargs = node["serve_deployment_kwargs"]
        if kwargs is None:
            kwargs = {}
        if not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
            raise PipelineConfigError(
                f"{where}: `serve_deployment_kwargs` must be a mapping such as {{num_replicas: 2, ray_actor_options: "
                f"{{num_cpus: 1}}}}, got {kwargs!r}."
            )
        found["serve_deployment_kwargs"] = dict(kwargs)
    return found


def check_version(config: Mapping[str, Any], strict_version_check: bool = False) -> None:
    """Check a config's `version:` as Haystack 1.x does: required; another version warns, or raises when strict.

    Accepted without a warning: `CONFIG_VERSION`, "ignore", hayrick's own version and Haystack 1.26.x.
    """
    from hayrick import __version__

    version = config.get("version") if isinstance(config, Mapping) else None
    if version is None:
        raise PipelineConfigError(
            f"Validation failed. 'version' is a required property: add `version: '{CONFIG_VERSION}'` at the top "
            "of the config (a file saved by Haystack 1.x carries its Haystack version, which works too)."
        )
    text = str(version)
    if text in (CONFIG_VERSION, "ignore", __version__) or _HAYSTACK_VERSION.fullmatch(text):
        return
    if strict_version_check:
        raise PipelineConfigError(
            f"Cannot load pipeline configuration of version {text} in hayrick {__version__}, which reads version "
            f"{CONFIG_VERSION} and Haystack 1.26 configs. Check the file against docs/haystack1.md, then set "
            f"`version: '{CONFIG_VERSION}'` (or load with strict_version_check=False)."
        )
    logger.warning(
        "This pipeline is version '%s', but you're using hayrick %s, which reads version %s and Haystack 1.26 "
        "configs. This might cause bugs and unexpected behaviors; check the file against docs/haystack1.md.",
        text, __version__, CONFIG_VERSION,
    )


def select_pipeline(pipelines: dict[str, dict], pipeline_name: str | None) -> dict:
    if pipeline_name is None:
        if len(pipelines) == 1:
            return next(iter(pipelines.values()))
        raise PipelineConfigError(
            f"The config defines {len(pipelines)} pipelines ({', '.join(pipelines)}); pass pipeline_name= "
            "(or --pipeline-name) to pick one."
        )
    if pipeline_name not in pipelines:
        raise PipelineConfigError(
            f"No pipeline named '{pipeline_name}' in the config; valid pipeline names: {', '.join(pipelines)}."
        )
    return pipelines[pipeline_name]


# ---------------------------------------------------------------------------- building
def env_overrides(components: dict[str, dict], environ: Mapping[str, str] | None = None) -> None:
    """Apply `{COMPONENT}_PARAMS_{PARAM}` environment variables to the components' params, in place."""
    environ = os.environ if environ is None else environ
    for name, component in components.items():
        prefix = re.sub(r"[^A-Za-z0-9]", "_", name).upper() + "_PARAMS_"
        for key, value in environ.items():
            if key.startswith(prefix) and len(key) > len(prefix):
                component["params"][key[len(prefix) :].lower()] = _parse_env_value(value)


def _parse_env_value(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _references(name: str, params: dict, components: dict[str, dict]) -> list[str]:
    """Names of other components that `name`'s params refer to (a string equal to a component's name)."""
    found = []
    for value in params.values():
        values = value if isinstance(value, list) else [value]
        found += [v for v in values if isinstance(v, str) and v in components and v != name and v not in found]
    return found


def component_classes(names: Iterable[str], components: dict[str, dict]) -> dict[str, type[BaseComponent]]:
    """The class of each component named, and of every component their params refer to, by name."""
    found: dict[str, type[BaseComponent]] = {}
    queue = list(names)
    while queue:
        name = queue.pop()
        if name not in found:
            found[name] = _component_class(components[name])
            queue += _references(name, components[name]["params"], components)
    return found


def _component_class(component: dict) -> type[BaseComponent]:
    try:
        return get_component_class(component["type"])
    except ComponentError as exc:
        raise PipelineConfigError(f"{component['where']}: {exc}") from None


def build_component(
    name: str,
    components: dict[str, dict],
    built: dict[str, BaseComponent],
    chain: tuple = (),
    classes: Mapping[str, type[BaseComponent]] | None = None,
) -> BaseComponent:
    """Build component `name`, building the components its params refer to first.

    `classes` gives the class of a component by name where it is known already (a Ray worker is
    sent the classes the driver resolved); the others are looked up by their `type`.
    """
    if name in built:
        return built[name]
    component = components[name]
    if name in chain:
        raise PipelineConfigError(
            f"{component['where']}: components refer to each other in a cycle ({' -> '.join(chain + (name,))})."
        )
    cls = classes[name] if classes and name in classes else _component_class(component)
    params = dict(component["params"])
    refs = _references(name, params, components)
    for ref in refs:
        build_component(ref, components, built, chain + (name,), classes)
    for key, value in params.items():
        if isinstance(value, list):
            params[key] = [built[v] if isinstance(v, str) and v in refs else v for v in value]
        elif isinstance(value, str) and value in refs:
            params[key] = built[value]
    try:
        instance = cls(**params)
    except HayrickError as exc:
        raise PipelineConfigError(f"{component['where']}: {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise PipelineConfigError(
            f"{component['where']}: {cls.__name__}(**params) failed: {exc}. Its parameters are: "
            f"{describe_init_parameters(cls)}."
        ) from exc
    except Exception as exc:  # a model that fails to load, a server that is down, ...
        raise PipelineConfigError(f"{component['where']}: {cls.__name__}(**params) failed: {type(exc).__name__}: {exc}") from exc
    instance.name = name
    built[name] = instance
    return instance


@dataclass(frozen=True)
class PipelineSpec:
    """One pipeline of a config, checked and ready to build: what `Pipeline.load` builds from.

    `nodes` are in an order where every node comes after its inputs, each `{"name", "inputs",
    "where"}`; `components` are every component of the config by name (`normalize_config`),
    environment overrides applied, so `build_component` can build those the nodes use.
    """

    name: str
    nodes: list[dict]
    components: dict[str, dict]


def pipeline_spec(
    config: Mapping[str, Any],
    pipeline_name: str | None = None,
    overwrite_with_env_variables: bool = True,
    strict_version_check: bool = False,
) -> PipelineSpec:
    """The pipeline `pipeline_name` of `config` as a `PipelineSpec` (nothing is built yet)."""
    components, pipelines = normalize_config(config)
    check_version(config, strict_version_check)
    spec = select_pipeline(pipelines, pipeline_name)
    if overwrite_with_env_variables:
        env_overrides(components)
    return PipelineSpec(name=spec["name"], nodes=_ordered(spec), components=components)


def _ordered(spec: dict) -> list[dict]:
    try:
        return order_pipeline_nodes(spec["nodes"], spec["where"])
    except PipelineValidationError as exc:
        raise PipelineConfigError(str(exc)) from None


def _check_reference_cycles(components: dict[str, dict]) -> None:
    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in chain:
            raise PipelineConfigError(
                f"{components[name]['where']}: components refer to each other in a cycle ({' -> '.join(chain + (name,))})."
            )
        for ref in _references(name, components[name]["params"], components):
            visit(ref, chain + (name,))

    for name in components:
        visit(name, ())


def validate_config(
    config: Mapping[str, Any], pipeline_name: str | None = None, strict_version_check: bool = False
) -> dict[str, Any]:
    """Check a config without building its components; return each checked pipeline's graph by name.

    Types are resolved, params are bound to each class's `__init__` signature, and each
    pipeline's graph is checked as `add_node` would (edges, joins, cycles, roots).
    """
    import networkx as nx

    components, pipelines = normalize_config(config)
    check_version(config, strict_version_check)
    _check_reference_cycles(components)
    for component in components.values():
        cls = _component_class(component)
        try:
            if cls.__init__ is object.__init__ and component["params"]:
                raise TypeError(f"got params {', '.join(component['params'])} but takes none")
            inspect.signature(cls.__init__).bind(None, **component["params"])
        except TypeError as exc:
            raise PipelineConfigError(
                f"{component['where']}: {cls.__name__} does not take these params ({exc}). Its parameters are: "
                f"{describe_init_parameters(cls)}."
            ) from None
    chosen = [select_pipeline(pipelines, pipeline_name)] if pipeline_name else list(pipelines.values())
    graphs = {}
    for spec in chosen:
        graph = nx.DiGraph()
        for node in _ordered(spec):
            component = components[node["name"]]
            cls = _component_class(component)
            try:
                add_node_to_graph(
                    graph,
                    node["name"],
                    node["inputs"],
                    outgoing_edges=cls._calculate_outgoing_edges(component["params"]),
                    run_method=cls.run,
                    type_name=cls.__name__,
                )
            except PipelineValidationError as exc:
                raise PipelineConfigError(f"{node['where']}: {exc}") from None
        graphs[spec["name"]] = graph
    return graphs


# ------------------------------------------------------------------------------ saving
def pipelines_to_config(
    pipelines: Mapping[str, Any], return_defaults: bool = False, strict: bool = False
) -> dict[str, Any]:
    """One config dict holding several pipelines (a query and an indexing pipeline, say).

    A component is written once: the same object in several pipelines, or two objects with
    the same name, type and params (as two pipelines loaded from one file hold). Two
    *different* components with the same node name cannot share a file: that is an error.
    Components referenced only through params take their own `name`, or their class name,
    with a suffix (`_2`) where that name is taken. `return_defaults` also lists the init
    parameters left at their defaults. A param without a YAML form stays as it is, unless
    `strict` (saving), where it is a `PipelineConfigError` naming the component and the param.
    """
    node_names: dict[int, str] = {}
    for pipeline in pipelines.values():
        for node_name, component in pipeline.node_components.items():
            node_names.setdefault(id(component), node_name)
    reserved = set(node_names.values())
    entries: dict[str, dict[str, Any]] = {}
    names: dict[int, str] = {}
    plain_texts: list[tuple[str, str, str]] = []  # (owner, text, where): strings that are not references

    def emit(component: BaseComponent, chain: tuple[int, ...] = ()) -> str:
        if id(component) in names:
            return names[id(component)]
        label = node_names.get(id(component)) or component.name or type(component).__name__
        if id(component) in chain:
            raise PipelineConfigError(f"Component '{label}' refers to itself through its parameters.")

        def reference(other: BaseComponent) -> str:
            return emit(other, chain + (id(component),))

        where = f"component '{label}' ({type(component).__name__}) param"
        texts: list[tuple[str, str]] = []
        defaults = _init_defaults(type(component))
        if return_defaults:
            given = {**defaults, **component.init_parameters}
        else:  # as Haystack 1.x: a param given with its default value is left out
            given = {k: v for k, v in component.init_parameters.items() if not _is_default(v, defaults, k)}
        params = {key: _to_yaml_value(value, reference, f"{where} '{key}'", texts, strict) for key, value in given.items()}
        entry: dict[str, Any] = {"type": component_type_name(type(component)), "params": params}  # {} as Haystack
        if id(component) in node_names:
            name = node_names[id(component)]
            if name in entries and entries[name] != entry:
                raise PipelineConfigError(
                    f"Two different components are named '{name}' ({entries[name]['type']} and {entry['type']} "
                    "or the same type with other params); in one YAML file node names name components, so rename "
                    "one of the nodes."
                )
        else:
            name, i = label, 2
            while (name in reserved and name not in entries) or (name in entries and entries[name] != entry):
                name, i = f"{label}_{i}", i + 1
        names[id(component)] = name
        entries.setdefault(name, entry)
        plain_texts.extend((name, text, place) for text, place in texts)
        return name

    pipeline_entries = []
    for pipeline_name, pipeline in pipelines.items():
        nodes = []
        for _, data in pipeline.graph.nodes(data=True):
            if data["component"] is not None:
                nodes.append({"name": emit(data["component"]), "inputs": list(data["inputs"])})
        pipeline_entries.append({"name": pipeline_name, "nodes": nodes})
    for owner, text, where in plain_texts:
        if text in entries and text != owner:
            raise PipelineConfigError(
                f"Cannot save {where}: its value {text!r} is also the name of a component, so loading the file "
                "would read it as a reference to that component. Rename the node or change the value."
            )
    components = [{"name": name, **entry} for name, entry in entries.items()]
    return {"version": CONFIG_VERSION, "components": components, "pipelines": pipeline_entries}


def _init_defaults(cls: type) -> dict[str, Any]:
    """The init parameters of `cls` that have a default, with it."""
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return {}
    return {
        name: param.default
        for name, param in list(signature.parameters.items())[1:]
        if param.default is not inspect.Parameter.empty and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)
    }


def _is_default(value: Any, defaults: dict[str, Any], name: str) -> bool:
    if name not in defaults:
        return False
    default = defaults[name]
    if value is default:
        return True
    if type(value) is not type(default) or not isinstance(value, (bool, int, float, str, tuple, list, dict)):
        return False
    try:
        return bool(value == default)
    except Exception:  # noqa: BLE001 - a value that cannot be compared is not the default
        return False


def _to_yaml_value(value: Any, ref: Any, where: str, texts: list[tuple[str, str]], strict: bool = True) -> Any:
    if isinstance(value, BaseComponent):
        return ref(value)
    if isinstance(value, str):
        texts.append((value, where))
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, os.PathLike):
        return _to_yaml_value(os.fspath(value), ref, where, texts, strict)
    if isinstance(value, (list, tuple)):
        return [_to_yaml_value(v, ref, where, texts, strict) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_yaml_value(v, ref, where, texts, strict) for k, v in value.items()}
    if hasattr(value, "item") and hasattr(value, "dtype"):  # numpy scalar
        return value.item()
    if not strict:  # get_config: kept as it is, as Haystack 1.x does; saving refuses it
        return value
    raise PipelineConfigError(
        f"Cannot save {where}: a {type(value).__name__} has no YAML form. Give the component "
        "parameters made of strings, numbers, booleans, lists, dicts or other components."
    )


def dump_config(config: Mapping[str, Any]) -> str:
    """YAML text of a config dict (keys in config order).

    Non-ASCII text is written as is where it reads back the same; otherwise (line-break
    characters such as U+0085 that YAML folds) every string is escaped instead.
    """
    text = yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True, default_flow_style=False)
    if yaml.safe_load(text) != dict(config):
        text = yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=False, default_flow_style=False)
    return text


def save_pipelines(pipelines: Mapping[str, Any], path: str | os.PathLike) -> None:
    """Write several pipelines (e.g. `{"query": q, "indexing": i}`) to one YAML file."""
    Path(path).write_text(dump_config(pipelines_to_config(pipelines, strict=True)), encoding="utf-8")
