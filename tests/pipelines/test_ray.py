"""RayPipeline on a real local Ray cluster (3 logical CPUs, no dashboard), against Pipeline on the same YAML.

One Ray instance serves the module: the `ray_cluster` fixture starts it through a RayPipeline,
so the last pipeline's shutdown stopping Ray is checked at the end.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from tests.optional import need

ray = need("ray")

from hayrick import Document, Pipeline
from hayrick.errors import NodeError, PipelineConfigError, PipelineError
from hayrick.pipelines import RayPipeline
from hayrick.stores.sql import SQLDocumentStore

pytestmark = pytest.mark.timeout(180)

REPO = Path(__file__).resolve().parents[2]
# 3 logical CPUs on this 2-core machine: the two reader replicas (num_cpus: 1 each) beside the search pipeline
RAY_ARGS = {"num_cpus": 3, "include_dashboard": False, "log_to_driver": False}
TEXTS = [
    "The kindle is good for reading on the train, the screen has no glare.",
    "The battery lasts three weeks with an hour of reading a day.",
    "The speaker is loud and the bass is deep.",
    "The tablet screen is sharp and bright, good for reading comics.",
    "The headphones are comfortable for long flights.",
    "Reading at night is easy with the built-in light.",
]


@pytest.fixture(scope="module")
def ray_cluster():
    """A local Ray started by a RayPipeline with no nodes; stopped when that pipeline shuts down last."""
    assert not ray.is_initialized(), "another test module left Ray running"
    holder = RayPipeline(ray_args=RAY_ARGS)
    yield holder
    holder.shutdown()
    assert not ray.is_initialized(), "the last RayPipeline's shutdown should stop the Ray it started"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ray') / 'docs.db'}"
    store = SQLDocumentStore(url=url, use_bm25=True)
    store.write_documents([Document(content=t, meta={"n": i}) for i, t in enumerate(TEXTS)])
    return url


def search_yaml(url: str) -> str:
    """Decision node, two BM25 retrievers joined by RRF on one branch, a keyword node on the other."""
    return f"""
version: ignore
extras: ray
components:
  - name: DocumentStore
    type: SQLDocumentStore
    params: {{url: "{url}", use_bm25: true}}
  - name: Router
    type: tests.sample_nodes.QuestionRouter
  - name: Wide
    type: BM25Retriever
    params: {{document_store: DocumentStore, top_k: 4}}
  - name: Narrow
    type: BM25Retriever
    params: {{document_store: DocumentStore, top_k: 2}}
  - name: Join
    type: JoinDocuments
    params: {{join_mode: reciprocal_rank_fusion}}
  - name: Keywords
    type: tests.sample_nodes.KeywordDocuments
    params: {{texts: {TEXTS!r}}}
pipelines:
  - name: query
    type: RayPipeline
    nodes:
      - name: Router
        inputs: [Query]
      - name: Wide
        inputs: [Router.output_1]
        serve_deployment_kwargs: {{num_replicas: 2, version: Twenty, ray_actor_options: {{num_cpus: 0.25}},
                                   max_concurrent_queries: 17}}
      - name: Narrow
        inputs: [Router.output_1]
        replicas: 2
      - name: Join
        inputs: [Wide, Narrow]
      - name: Keywords
        inputs: [Router.output_2]
"""


def without_debug(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "_debug"}


@pytest.fixture(scope="module")
def search(ray_cluster, db):
    pipe = RayPipeline.load(search_yaml(db))
    yield pipe
    pipe.shutdown()


class TestHaystackYaml:
    """Haystack 1.x's Ray keys in YAML, read by Pipeline too (no Ray needed)."""

    def test_pipeline_load_reads_the_ray_keys_and_runs_in_one_process(self, db):
        local = Pipeline.load(search_yaml(db))
        contents = [d.content for d in local.run(query="good for reading?")["documents"]]
        assert {TEXTS[0], TEXTS[3]} <= set(contents) and len(contents) == len(set(contents))

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (("replicas: 2", "replicas: 0"), "replicas` must be an int >= 1"),
            (("type: RayPipeline", "type: SparkPipeline"), "not a pipeline class"),
            (("extras: ray", "extras: spark"), "extras: 'spark'"),
        ],
    )
    def test_bad_ray_keys_are_config_errors(self, db, change, message):
        with pytest.raises(PipelineConfigError, match=message):
            Pipeline.load(search_yaml(db).replace(*change))


class TestRayPipeline:
    def test_same_results_as_pipeline_on_both_branches(self, search, db):
        local = Pipeline.load(search_yaml(db))
        for query in ("good for reading?", "screen bright", "battery?"):
            remote, here = search.run(query=query), local.run(query=query)
            assert without_debug(remote) == without_debug(here)
        assert search.run(query="good for reading?", params={"Wide": {"top_k": 1}, "Narrow": {"top_k": 1}}) == local.run(
            query="good for reading?", params={"Wide": {"top_k": 1}, "Narrow": {"top_k": 1}}
        )

    def test_run_batch_and_run_async_match_pipeline(self, search, db):
        local = Pipeline.load(search_yaml(db))
        queries = ["good for reading?", "night light?"]
        assert search.run_batch(queries=queries) == local.run_batch(queries=queries)

        async def both():
            return await asyncio.gather(*(search.run_async(query=q) for q in queries))

        assert [without_debug(r) for r in asyncio.run(both())] == [local.run(query=q) for q in queries]
        batch = asyncio.run(search.run_batch_async(queries=queries))
        assert batch == local.run_batch(queries=queries)

    def test_debug_reports_each_node_that_ran(self, search):
        result = search.run(query="good for reading?", debug=True)
        assert set(result["_debug"]) == {"Router", "Wide", "Narrow", "Join"}
        assert result["_debug"]["Wide"]["exec_time_ms"] > 0
        assert result["_debug"]["Wide"]["input"]["query"] == "good for reading?"

    def test_replicas_and_actor_options_as_haystack_wrote_them(self, search):
        wide, narrow, join = (search.deployments[n] for n in ("Wide", "Narrow", "Join"))
        assert (wide.num_replicas, narrow.num_replicas, join.num_replicas) == (2, 2, 1)
        assert wide.ray_actor_options == {"num_cpus": 0.25}
        assert wide.max_ongoing_requests == 17
        assert len(set(wide.pids + narrow.pids + join.pids)) == 5  # one process per replica

    def test_a_documents_written_through_the_driver_is_found_by_the_replicas(self, search, db):
        store = search.get_document_store()
        assert isinstance(store, SQLDocumentStore)
        store.write_documents([Document(content="The charger of the zeppelin gets hot.", id="zep")])
        try:
            assert search.run(query="zeppelin charger?")["documents"][0].id == "zep"
        finally:
            store.delete_documents(ids=["zep"])

    def test_a_failing_node_is_a_node_error_naming_it(self, search):
        with pytest.raises(NodeError, match=r"Node 'Wide' \(BM25Retriever\) failed: .*top_k") as info:
            search.run(query="reading?", params={"Wide": {"top_k": -1}})
        assert info.value.node_name == "Wide"
        assert not isinstance(info.value.__cause__, ray.exceptions.RayTaskError)  # the node's own exception
        with pytest.raises(NodeError, match="Node 'Wide'"):
            asyncio.run(search.run_async(query="reading?", params={"Wide": {"top_k": -1}}))

    def test_unknown_params_are_refused_before_any_actor_is_called(self, search):
        with pytest.raises(PipelineError, match="top_kk"):
            search.run(query="reading?", params={"Wide": {"top_kk": 1}})

    def test_nodes_cannot_be_added_in_python(self, search):
        with pytest.raises(NotImplementedError, match="YAML"):
            search.add_node(component=None, name="X", inputs=["Query"])

    def test_config_round_trip_keeps_the_ray_keys(self, search, tmp_path, db):
        path = tmp_path / "ray.yml"
        search.save(path)
        saved = Pipeline.load(path)
        assert saved.run(query="good for reading?") == Pipeline.load(search_yaml(db)).run(query="good for reading?")
        nodes = {n["name"]: n for n in search.get_config()["pipelines"][0]["nodes"]}
        assert nodes["Wide"]["serve_deployment_kwargs"]["num_replicas"] == 2
        assert nodes["Narrow"]["replicas"] == 2


class TestReplicas:
    def test_concurrent_calls_spread_over_the_replicas(self, ray_cluster):
        yaml_text = """
version: ignore
components:
  - {name: Pid, type: tests.sample_nodes.ProcessId, params: {delay: 0.2}}
pipelines:
  - name: query
    nodes:
      - {name: Pid, inputs: [Query], serve_deployment_kwargs: {num_replicas: 2, max_ongoing_requests: 1}}
"""
        with RayPipeline.load(yaml_text) as pipe:

            async def four():
                return await asyncio.gather(*(pipe.run_async(query=str(i)) for i in range(4)))

            pids = [r["pid"] for r in asyncio.run(four())]
            assert sorted(set(pids)) == sorted(pipe.deployments["Pid"].pids)
            assert pids.count(pids[0]) == 2  # least-loaded: two calls each
        with pytest.raises(PipelineError, match="shut down"):
            pipe.run(query="after")

    def test_a_second_pipeline_shutting_down_leaves_ray_to_the_first(self, ray_cluster):
        pipe = RayPipeline.load("version: ignore\ncomponents: [{name: Pid, type: tests.sample_nodes.ProcessId}]\n"
                                "pipelines: [{name: q, nodes: [{name: Pid, inputs: [Query]}]}]")  # fmt: skip
        actor = pipe.deployments["Pid"]._actors[0]
        pipe.shutdown()
        assert ray.is_initialized()
        deadline = time.monotonic() + 30
        with pytest.raises(ray.exceptions.RayActorError):  # ray.kill is asynchronous: a call may still land
            while time.monotonic() < deadline:
                ray.get(actor.ready.remote(), timeout=30)
                time.sleep(0.1)


class TestRefused:
    @pytest.mark.parametrize(
        ("store", "params", "reason"),
        [
            ("InMemoryDocumentStore", "{use_bm25: true}", "keeps its documents in the memory of one process"),
            ("SQLDocumentStore", "{url: 'sqlite://', use_bm25: true}", "in-memory SQLite"),
            ("MilvusDocumentStore", "{uri: './x.db'}", "Milvus Lite"),
        ],
    )
    def test_stores_that_live_in_one_process(self, ray_cluster, store, params, reason):
        text = f"""
version: ignore
components:
  - {{name: MyStore, type: {store}, params: {params}}}
  - {{name: Retriever, type: BM25Retriever, params: {{document_store: MyStore}}}}
pipelines:
  - {{name: q, nodes: [{{name: Retriever, inputs: [Query]}}]}}
"""
        with pytest.raises(PipelineConfigError, match=f"component 'MyStore': .*{reason}.*SQLDocumentStore on PostgreSQL"):
            RayPipeline.load(text)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ("{autoscaling_config: {min_replicas: 1}}", "autoscaling_config is a Ray Serve option"),
            ("{num_replicas: 0}", "num_replicas must be an int >= 1"),
            ("{ray_actor_options: 3}", "ray_actor_options must be a mapping"),
            ("{ray_actor_options: {num_gpus: 1}}", r"ask for 1 GPU \(the cluster has free 0\)"),
            ("{num_replicas: 4, ray_actor_options: {num_cpus: 1}}", r"4 CPU \(the cluster has free [\d.]+\)"),
            ("{ray_actor_options: {num_cpu: 1}}", "ray_actor_options .*num_cpu"),
        ],
    )
    def test_deployment_kwargs_that_cannot_be_applied(self, ray_cluster, kwargs, message):
        text = f"""
version: ignore
components: [{{name: Pid, type: tests.sample_nodes.ProcessId}}]
pipelines: [{{name: q, nodes: [{{name: Pid, inputs: [Query], serve_deployment_kwargs: {kwargs}}}]}}]
"""
        with pytest.raises(PipelineConfigError, match=message):
            RayPipeline.load(text)

    def test_a_component_that_fails_to_build_in_its_replica(self, ray_cluster):
        text = """
version: ignore
components:
  - {name: Pid, type: tests.sample_nodes.ProcessId}
  - {name: Boom, type: tests.sample_nodes.ExplodesOnInit, params: {setting: 7}}
pipelines: [{name: q, nodes: [{name: Pid, inputs: [Query]}, {name: Boom, inputs: [Pid]}]}]
"""
        with pytest.raises(PipelineConfigError, match=r"components\[1\] 'Boom'.*setting=7"):
            RayPipeline.load(text)

    def test_ray_args_must_be_a_dict(self, ray_cluster):
        with pytest.raises(PipelineError, match="ray_args must be a dict"):
            RayPipeline(ray_args=["num_cpus", 2])

    def test_without_ray_the_error_names_the_extra(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "ray", None)
        with pytest.raises(ImportError, match=r"hayrick\[ray\]"):
            RayPipeline()


class TestReader:
    def test_bm25_and_reader_match_pipeline(self, ray_cluster, db, shared_dir, monkeypatch):
        monkeypatch.setenv("READER_PARAMS_MODEL_NAME_OR_PATH", str(shared_dir / "models" / "minilm-l6-squad"))
        monkeypatch.setenv("DOCUMENTSTORE_PARAMS_URL", db)
        path = REPO / "yaml_pipelines" / "ray_qa.yml"
        local = Pipeline.load(path, pipeline_name="query")
        with RayPipeline.load_from_yaml(path, pipeline_name="query") as pipe:
            assert pipe.deployments["Reader"].num_replicas == 2
            assert pipe.deployments["Reader"].max_ongoing_requests == 4
            for query in ("How long does the battery last?", "Is the screen good for reading?"):
                remote, here = pipe.run(query=query), local.run(query=query)
                assert [a.answer for a in remote["answers"]] == [a.answer for a in here["answers"]]
                assert remote == here
            assert remote["answers"][0].answer
