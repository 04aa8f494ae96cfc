"""`RayPipeline`: the nodes of a YAML pipeline in Ray actors, each scaled on its own.

```python
from hayrick.pipelines import RayPipeline

pipe = RayPipeline.load_from_yaml("yaml_pipelines/ray.yml", pipeline_name="query")  # starts a local Ray
pipe.run(query="Is it good for reading?", params={"Retriever": {"top_k": 10}})
await pipe.run_async(query="...")          # the same, awaiting the actors
pipe.shutdown()                            # or `with RayPipeline.load_from_yaml(...) as pipe:`
```

The YAML is Haystack 1.x's: a node entry may set `replicas: 2` or
`serve_deployment_kwargs: {num_replicas: 2, ray_actor_options: {num_cpus: 1}, max_concurrent_queries: 4}`.

How it runs:
- every node gets `num_replicas` Ray actors; each actor builds that node's component (and the
  components its params refer to, such as the document store) from the config, so a reader's
  model loads once per replica and never in the driver;
- the driver walks the graph with the same rules as `Pipeline` (`hayrick.pipelines.runner.walk`):
  a node's call goes to the replica with the fewest calls in flight, and its result comes back
  to the driver, which decides the edges; results are those of `Pipeline` on the same YAML;
- `max_ongoing_requests` (Haystack 1.x: `max_concurrent_queries`) caps the calls in flight per
  replica; more wait in the driver;
- the driver's working directory and `sys.path` are given to the actors, so relative paths
  (`sqlite:///reviews.db`, `model_name_or_path: models/reader`) and the user's own node modules
  resolve in them as they do in the driver on a one-machine cluster.

Ray actors are used, not Ray Serve deployments (what Haystack 1.x used): a call to an actor
costs about 1 ms here, a call through a Serve handle 3.4 ms, and Serve's controller adds seconds to
start and stop (`benchmarks/ray_pipeline.py` reports this pipeline's overhead per query).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
import os
import pickle
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from typing_extensions import Self

from hayrick.core import BaseComponent
from hayrick.errors import HayrickError, PipelineConfigError, PipelineError
from hayrick.lazy_imports import require
from hayrick.pipelines.base import Pipeline, _root_inputs
from hayrick.pipelines.graph import add_node_to_graph
from hayrick.pipelines.runner import PlannedNode, execute_async, node_failed

logger = logging.getLogger(__name__)

#: serve_deployment_kwargs that RayPipeline applies, and the Haystack 1.x spellings it reads as them.
DEPLOYMENT_KEYS = ("num_replicas", "ray_actor_options", "max_ongoing_requests", "version")
_RENAMED_KEYS = {"max_concurrent_queries": "max_ongoing_requests"}

_ray_lock = threading.Lock()
_ray_users = 0  # RayPipelines relying on the Ray instance this module started; the last one stops it
_ray_started_here = False


def _ray() -> Any:
    return require("ray", owner="RayPipeline", extra="ray")


class _NodeReplica:
    """One replica of a node, inside a Ray actor: builds the component from the config, runs it.

    `__init__` does not raise: an actor whose constructor raises is dead, and the error would
    reach the driver as an opaque "actor died". `ready()` raises the build error instead.
    """

    def __init__(self, name: str, components: dict, classes: bytes, cwd: str, path: list[str]):
        self.error: BaseException | None = None
        self.component: BaseComponent | None = None
        try:
            if os.path.isdir(cwd):
                os.chdir(cwd)
            sys.path.extend(p for p in path if p not in sys.path)
            from hayrick.pipelines.config import build_component

            self.component = build_component(name, components, {}, classes=pickle.loads(classes))
        except BaseException as exc:  # noqa: BLE001 - reported by ready()
            self.error = exc

    def ready(self) -> int:
        if self.error is not None:
            raise self.error
        return os.getpid()

    def run(self, kwargs: dict) -> Any:
        return self.component.run(**kwargs)  # type: ignore[union-attr]

    def run_batch(self, kwargs: dict) -> Any:
        return self.component.run_batch(**kwargs)  # type: ignore[union-attr]


class RayNode:
    """A node of a `RayPipeline`: its replicas (Ray actors) and the driver's side of calling them.

    Attributes:
        name: the node's name.
        component_class: the class the replicas build (the pipeline reads its `run` signature).
        num_replicas: how many actors run it.
        ray_actor_options: the options each actor was started with (`num_cpus`, `num_gpus`, ...).
        max_ongoing_requests: calls in flight per replica before more wait (None: no cap).
        pids: the process id of each replica.
    """

    def __init__(
        self,
        name: str,
        component_class: type[BaseComponent],
        outgoing_edges: int,
        num_replicas: int,
        ray_actor_options: dict[str, Any],
        max_ongoing_requests: int | None,
    ):
        self.name = name
        self.component_class = component_class
        self.outgoing_edges = outgoing_edges
        self.num_replicas = num_replicas
        self.ray_actor_options = ray_actor_options
        self.max_ongoing_requests = max_ongoing_requests
        self.pids: list[int] = []
        self._actors: list[Any] = []
        self._in_flight = [0] * num_replicas
        self._next = 0
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(max_ongoing_requests * num_replicas) if max_ongoing_requests else None

    def start(self, components: dict, classes: bytes, where: str) -> list[Any]:
        """Start the replicas; returns one `ready()` reference per replica."""
        ray = _ray()
        try:
            actor_class = ray.remote(_NodeReplica).options(**self.ray_actor_options)
        except (TypeError, ValueError) as exc:
            raise PipelineConfigError(f"{where}: ray_actor_options {self.ray_actor_options}: {exc}") from None
        cwd, path = os.getcwd(), [p for p in sys.path if p]
        for _ in range(self.num_replicas):
            self._actors.append(actor_class.remote(self.name, components, classes, cwd, path))
        return [actor.ready.remote() for actor in self._actors]

    def stop(self) -> None:
        ray = _ray()
        for actor in self._actors:
            try:
                ray.kill(actor)
            except Exception as exc:  # noqa: BLE001 - already gone with its cluster
                logger.debug("Node '%s': a replica was gone already (%s).", self.name, exc)
        self._actors = []

    # ------------------------------------------------------------------ calling
    def run(self, **kwargs: Any) -> Any:
        return self._call("run", kwargs)

    def run_batch(self, **kwargs: Any) -> Any:
        return self._call("run_batch", kwargs)

    def _call(self, method: str, kwargs: dict) -> Any:
        ray = _ray()
        replica = self._acquire()
        try:
            return ray.get(getattr(self._replica(replica), method).remote(kwargs))
        except ray.exceptions.RayTaskError as exc:
            raise _cause(exc) from exc
        finally:
            self._release(replica)

    async def call_async(self, method: str, kwargs: dict) -> Any:
        ray = _ray()
        if self._slots is not None and not self._slots.acquire(blocking=False):
            await asyncio.to_thread(self._slots.acquire)
        replica = self._pick()
        try:
            return await getattr(self._replica(replica), method).remote(kwargs)
        except ray.exceptions.RayTaskError as exc:
            raise _cause(exc) from exc
        finally:
            self._release(replica)

    def _replica(self, index: int) -> Any:
        if not self._actors:
            raise PipelineError(f"Node '{self.name}' has no replicas: its RayPipeline was shut down.")
        return self._actors[index]

    def _acquire(self) -> int:
        if self._slots is not None:
            self._slots.acquire()
        return self._pick()

    def _pick(self) -> int:
        """The replica with the fewest calls in flight (ties taken in turn); counts the call."""
        with self._lock:
            n = self.num_replicas
            start = self._next
            best = min(range(start, start + n), key=lambda i: self._in_flight[i % n]) % n
            self._next = (best + 1) % n
            self._in_flight[best] += 1
            return best

    def _release(self, index: int) -> None:
        with self._lock:
            self._in_flight[index] -= 1
        if self._slots is not None:
            self._slots.release()

    def __repr__(self) -> str:
        return f"RayNode({self.name!r}, {self.component_class.__name__}, num_replicas={self.num_replicas})"


def _cause(error: Any) -> BaseException:
    """The exception a node raised inside an actor, from the `RayTaskError` that carries it."""
    cause = getattr(error, "cause", None)
    return cause if isinstance(cause, BaseException) else error


class RayPipeline(Pipeline):
    """A pipeline whose nodes run in Ray actors, `num_replicas` of each; loaded from YAML only.

    Args:
        address: the Ray cluster to join (`"ray://host:10001"`, `"auto"`); None joins the cluster of
            `RAY_ADDRESS` or starts a local one, as `ray.init()` does. A Ray already initialised in this
            process is used as it is.
        ray_args: more keyword arguments for `ray.init` (`num_cpus`, `include_dashboard`, ...).
        serve_args: accepted for Haystack 1.x code; Ray Serve is not used, so they have no effect.

    Stores: each replica builds its own store object from the config, so the store must be one that
    several processes share: `SQLDocumentStore` on PostgreSQL (or a SQLite file on a disk every node
    sees), `MilvusDocumentStore` on a Milvus server, or `FAISSDocumentStore(faiss_index_path=...)` to
    search a saved index. An `InMemoryDocumentStore`, an in-memory SQLite, Milvus Lite or an unsaved
    FAISS index is refused at load, naming the component.
    """

    def __init__(
        self,
        address: str | None = None,
        ray_args: dict[str, Any] | None = None,
        serve_args: dict[str, Any] | None = None,
    ):
        global _ray_users, _ray_started_here
        ray = _ray()
        super().__init__()
        self._ray_nodes: dict[str, RayNode] = {}
        self._config: dict[str, Any] | None = None
        self._spec: Any = None
        self._classes: dict[str, type[BaseComponent]] = {}
        self._local: dict[str, BaseComponent] = {}
        if ray_args is not None and not isinstance(ray_args, Mapping):
            raise PipelineError(f"ray_args must be a dict of ray.init() arguments, got {type(ray_args).__name__}.")
        if serve_args:
            logger.warning(
                "RayPipeline runs nodes as Ray actors, not Ray Serve deployments: serve_args (%s) have no effect.",
                ", ".join(serve_args),
            )
        with _ray_lock:
            if ray.is_initialized():
                if address is not None or ray_args:
                    logger.warning("Ray is already initialised in this process; address and ray_args are not applied.")
            else:
                ray.init(address=address, **dict(ray_args or {}))
                _ray_started_here = True
            self._uses_our_ray = _ray_started_here
            if self._uses_our_ray:
                _ray_users += 1
        self._closed = False

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(  # type: ignore[override]
        cls,
        source: str | os.PathLike | IO[str] | dict,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
        strict_version_check: bool = False,
        address: str | None = None,
        ray_args: dict[str, Any] | None = None,
        serve_args: dict[str, Any] | None = None,
    ) -> RayPipeline:
        """Start the nodes of one pipeline of a YAML file, YAML text, stream or config dict in Ray actors.

        Raises:
            PipelineConfigError: the config is wrong, a store cannot be shared by processes, a
                `serve_deployment_kwargs` key is not one RayPipeline applies, or a replica failed to build
                its component (the message is the replica's error).
        """
        from hayrick.pipelines.config import pipeline_spec, read_config

        config = source if isinstance(source, dict) else read_config(source)
        spec = pipeline_spec(config, pipeline_name, overwrite_with_env_variables, strict_version_check)
        pipeline = cls(address=address, ray_args=ray_args, serve_args=serve_args)
        try:
            pipeline._deploy(config, spec)
        except BaseException:
            pipeline.shutdown()
            raise
        return pipeline

    @classmethod
    def load_from_yaml(  # type: ignore[override]
        cls,
        path: str | os.PathLike,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
        address: str | None = None,
        strict_version_check: bool = False,
        ray_args: dict[str, Any] | None = None,
        serve_args: dict[str, Any] | None = None,
    ) -> RayPipeline:
        """Haystack 1.x's call (its argument order): `load` from a YAML file."""
        return cls.load(path, pipeline_name, overwrite_with_env_variables, strict_version_check, address, ray_args, serve_args)

    @classmethod
    def load_from_config(  # type: ignore[override]
        cls,
        pipeline_config: dict,
        pipeline_name: str | None = None,
        overwrite_with_env_variables: bool = True,
        strict_version_check: bool = False,
        address: str | None = None,
        ray_args: dict[str, Any] | None = None,
        serve_args: dict[str, Any] | None = None,
    ) -> RayPipeline:
        """`load` from a config dict (Haystack 1.x's call)."""
        if not isinstance(pipeline_config, dict):
            raise PipelineConfigError(
                f"pipeline_config must be a dict, got {type(pipeline_config).__name__}; for a file use load_from_yaml."
            )
        return cls.load(pipeline_config, pipeline_name, overwrite_with_env_variables, strict_version_check, address, ray_args, serve_args)

    @classmethod
    def load_many(cls, *args: Any, **kwargs: Any) -> dict[str, Pipeline]:  # type: ignore[override]
        raise NotImplementedError(
            "RayPipeline loads one pipeline at a time (RayPipeline.load(path, pipeline_name=...)); the replicas of two "
            "pipelines share a store through the store's database, not through one object."
        )

    def _deploy(self, config: dict, spec: Any) -> None:
        from hayrick.pipelines.config import component_classes
        from hayrick.stores.base import BaseDocumentStore

        ray = _ray()
        self._config, self._spec = copy.deepcopy(config), spec
        self._classes = classes = component_classes([node["name"] for node in spec.nodes], spec.components)
        local = [
            f"component '{name}': {reason}"
            for name, cls in classes.items()
            if issubclass(cls, BaseDocumentStore)
            and (reason := cls._not_shared_across_processes(spec.components[name]["params"]))
        ]
        if local:
            raise PipelineConfigError(
                "RayPipeline builds each node in Ray worker processes, each with its own copy of the components the "
                f"node uses, so these stores would not be one store: {'; '.join(local)}. Use a store the workers "
                "share: SQLDocumentStore on PostgreSQL (or a SQLite file on a disk every worker sees), "
                "MilvusDocumentStore on a Milvus server (uri='http://host:19530'), or FAISSDocumentStore"
                "(faiss_index_path=...) to search a saved index. Pipeline.load runs the same file in one process."
            )
        for node in spec.nodes:
            name, cls = node["name"], classes[node["name"]]
            params = spec.components[name]["params"]
            edges = cls._calculate_outgoing_edges(params)
            ray_node = RayNode(name, cls, edges, **_deployment_options(node))
            try:
                add_node_to_graph(
                    self.graph, name, node["inputs"], outgoing_edges=edges, run_method=cls.run,
                    type_name=cls.__name__, component=ray_node,
                )  # fmt: skip
            except HayrickError as exc:
                raise PipelineConfigError(f"{node['where']}: {exc}") from None
            self._ray_nodes[name] = ray_node
        _check_resources(ray, self._ray_nodes.values(), self._uses_our_ray)
        blob = ray.cloudpickle.dumps(classes)
        where = {node["name"]: node["where"] for node in spec.nodes}
        waiting = [
            (ref, node) for node in self._ray_nodes.values() for ref in node.start(spec.components, blob, where[node.name])
        ]
        for ref, node in waiting:
            try:
                node.pids.append(ray.get(ref))
            except Exception as exc:
                cause = _cause(exc)
                if isinstance(cause, HayrickError):  # the build's own error: it names the component and the fix
                    raise cause from None
                raise PipelineConfigError(
                    f"{where[node.name]}: a replica failed to start: {type(cause).__name__}: {cause}"
                ) from exc
        logger.info(
            "RayPipeline '%s' started: %s.", spec.name,
            ", ".join(f"{n.name} x{n.num_replicas}" for n in self._ray_nodes.values()),
        )  # fmt: skip

    # ------------------------------------------------------------------ running
    def _plan(self, batch: bool) -> Any:
        if self._closed:
            raise PipelineError("This RayPipeline was shut down, its actors are gone; load it again to run it.")
        return super()._plan(batch)

    async def run_async(
        self,
        query: str | None = None,
        file_paths: list[str] | None = None,
        labels: Any = None,
        documents: list[Any] | None = None,
        meta: dict | list[dict] | None = None,
        params: dict[str, Any] | None = None,
        debug: bool | None = None,
    ) -> dict[str, Any]:
        """`run`, awaiting each node's actor instead of blocking: many queries can be in flight in one event loop."""
        root_inputs = _root_inputs(query=query, file_paths=file_paths, labels=labels, documents=documents, meta=meta)
        call = functools.partial(self._call_async, "run")
        return await execute_async(self._plan(batch=False), root_inputs, params, bool(debug), call)

    async def run_batch_async(
        self,
        queries: list[str] | None = None,
        file_paths: list[str] | None = None,
        labels: list[Any] | None = None,
        documents: list[Any] | list[list[Any]] | None = None,
        meta: dict | list[dict] | None = None,
        params: dict[str, Any] | None = None,
        debug: bool | None = None,
    ) -> dict[str, Any]:
        """`run_batch`, awaiting each node's actor."""
        root_inputs = _root_inputs(queries=queries, file_paths=file_paths, labels=labels, documents=documents, meta=meta)
        call = functools.partial(self._call_async, "run_batch")
        return await execute_async(self._plan(batch=True), root_inputs, params, bool(debug), call)

    async def _call_async(self, method: str, node: PlannedNode, kwargs: dict[str, Any]) -> Any:
        try:
            return await self._ray_nodes[node.name].call_async(method, kwargs)
        except Exception as exc:
            raise node_failed(node, exc) from exc

    # ------------------------------------------------------------------ the rest of Pipeline
    @property
    def deployments(self) -> dict[str, RayNode]:
        """Each node's `RayNode`: its replicas and their options, by node name."""
        return dict(self._ray_nodes)

    def add_node(self, component: BaseComponent, name: str, inputs: list[str]) -> None:
        raise NotImplementedError(
            "A RayPipeline is built from YAML only (RayPipeline.load_from_yaml), as in Haystack 1.x: every replica "
            "builds its component from the config. Save a Pipeline you built in Python with pipeline.save(path) first."
        )

    def set_node(self, name: str, component: BaseComponent) -> None:
        raise NotImplementedError("A RayPipeline's nodes are fixed at load; change the YAML and load it again.")

    def get_document_store(self) -> Any:
        """The pipeline's document store, built in this process from the config (a client of the shared database).

        Write documents through it before querying: the replicas read the same database.

        Raises:
            PipelineError: the pipeline holds more than one document store.
        """
        from hayrick.pipelines.config import build_component
        from hayrick.stores.base import BaseDocumentStore

        stores = [name for name, cls in self._classes.items() if issubclass(cls, BaseDocumentStore)]
        if len(stores) > 1:
            raise PipelineError(
                f"Multiple Document Stores found in Pipeline: {', '.join(stores)}. Build the one you mean with "
                "Pipeline.load's config, or use MilvusDocumentStore/SQLDocumentStore with its params directly."
            )
        if not stores:
            return None
        return build_component(stores[0], self._spec.components, self._local, classes=self._classes)

    @property
    def node_components(self) -> dict[str, Any]:
        return dict(self._ray_nodes)

    @property
    def components(self) -> dict[str, Any]:
        return dict(self._ray_nodes)

    def get_config(self, return_defaults: bool = False, pipeline_name: str | None = None) -> dict[str, Any]:
        """The config this pipeline was loaded from: its components and its one pipeline, Ray keys included."""
        if self._config is None or self._spec is None:
            return {}
        used = set(self._classes)
        config = copy.deepcopy(self._config)
        config["components"] = [c for c in config.get("components") or [] if isinstance(c, dict) and c.get("name") in used]
        config["pipelines"] = [
            {**p, **({"name": pipeline_name} if pipeline_name else {})}
            for p in config.get("pipelines") or []
            if isinstance(p, dict) and p.get("name") == self._spec.name
        ]
        config.setdefault("extras", "ray")
        return config

    def save(self, path: str | os.PathLike, pipeline_name: str | None = None, return_defaults: bool = False) -> None:
        """Write the config this pipeline was loaded from (see `get_config`) to a YAML file."""
        from hayrick.pipelines.config import dump_config

        Path(path).write_text(dump_config(self.get_config(pipeline_name=pipeline_name)), encoding="utf-8")

    def save_to_yaml(self, path: str | os.PathLike, return_defaults: bool = False) -> None:
        self.save(path)

    # ------------------------------------------------------------------ stopping
    def shutdown(self) -> None:
        """Kill this pipeline's actors; stop Ray too if this module started it and no other RayPipeline uses it."""
        global _ray_users, _ray_started_here
        if self._closed:
            return
        self._closed = True
        for node in self._ray_nodes.values():
            node.stop()
        if self._uses_our_ray:
            with _ray_lock:
                _ray_users -= 1
                if _ray_users == 0 and _ray_started_here:
                    _ray().shutdown()
                    _ray_started_here = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        nodes = ", ".join(f"{n.name}({n.component_class.__name__} x{n.num_replicas})" for n in self._ray_nodes.values())
        return f"RayPipeline(root={self.root_node!r}, nodes=[{nodes}])"


def _deployment_options(node: dict) -> dict[str, Any]:
    """`num_replicas`, `ray_actor_options` and `max_ongoing_requests` of a node entry, checked."""
    where = node["where"]
    kwargs = {_RENAMED_KEYS.get(k, k): v for k, v in (node.get("serve_deployment_kwargs") or {}).items()}
    unknown = sorted(set(kwargs) - set(DEPLOYMENT_KEYS))
    if unknown:
        raise PipelineConfigError(
            f"{where}: serve_deployment_kwargs {', '.join(unknown)} "
            f"{'is a Ray Serve option' if len(unknown) == 1 else 'are Ray Serve options'} that RayPipeline (Ray actors) does not apply; it applies "
            "num_replicas, ray_actor_options, max_ongoing_requests (or max_concurrent_queries) and ignores version."
        )
    replicas = kwargs.get("num_replicas", node.get("replicas", 1))
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
        raise PipelineConfigError(f"{where}: num_replicas must be an int >= 1, got {replicas!r}.")
    if "num_replicas" in kwargs and "replicas" in node and node["replicas"] != replicas:
        raise PipelineConfigError(
            f"{where}: replicas: {node['replicas']} and serve_deployment_kwargs.num_replicas: {replicas} disagree; keep one."
        )
    options = kwargs.get("ray_actor_options") or {}
    if not isinstance(options, dict):
        raise PipelineConfigError(
            f"{where}: ray_actor_options must be a mapping of Ray actor options such as {{num_cpus: 1, num_gpus: 0.5}}, "
            f"got {options!r}."
        )
    limit = kwargs.get("max_ongoing_requests")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise PipelineConfigError(f"{where}: max_ongoing_requests must be an int >= 1, got {limit!r}.")
    return {"num_replicas": replicas, "ray_actor_options": dict(options), "max_ongoing_requests": limit}


_RESOURCE_NAMES = {"num_cpus": "CPU", "num_gpus": "GPU", "memory": "memory"}


def _check_resources(ray: Any, nodes: Any, local: bool) -> None:
    """Refuse replicas that ask for more than the cluster has, before they wait forever for it.

    On a cluster this module started (no autoscaler), the sum over all replicas counts against what is
    free now (other pipelines' actors hold the rest); on another cluster, which may grow, one replica's
    needs are checked against what the cluster has in all.
    """
    total = ray.available_resources() if local else ray.cluster_resources()
    asked: dict[str, float] = {}
    for node in nodes:
        options = node.ray_actor_options
        per_replica = {resource: options[option] for option, resource in _RESOURCE_NAMES.items() if options.get(option)}
        per_replica.update(options.get("resources") or {})
        for resource, value in per_replica.items():
            asked[resource] = asked.get(resource, 0.0) + float(value) * (node.num_replicas if local else 1)
    has = "has free" if local else "has"
    short = [f"{value:g} {resource} (the cluster {has} {total.get(resource, 0):g})" for resource, value in asked.items()
             if value > total.get(resource, 0) + 1e-9]  # fmt: skip
    if short:
        scope = "all replicas together ask for" if local else "a replica asks for"
        raise PipelineConfigError(
            f"The pipeline's ray_actor_options cannot be met: {scope} {', '.join(short)}, so some replicas would "
            "never start. Lower num_replicas or the ray_actor_options, or start Ray with more (ray_args={'num_cpus': N})."
        )
