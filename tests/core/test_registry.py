"""The component registry (`hayrick/core/registry.py`): short and qualified names, built-ins, entry points."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hayrick import BaseComponent
from hayrick.core import (
    component_type_name,
    get_component_class,
    load_entry_point_nodes,
    registered_component_names,
)
from hayrick.core.registry import BUILTIN_COMPONENTS, Registry, qualified_name, registry
from hayrick.errors import ComponentError
from tests.sample_nodes import KeywordDocuments


def test_registration_by_short_and_qualified_name():
    assert get_component_class("KeywordDocuments") is KeywordDocuments
    assert get_component_class("tests.sample_nodes.KeywordDocuments") is KeywordDocuments
    assert component_type_name(KeywordDocuments) == "KeywordDocuments"
    assert "KeywordDocuments" in registered_component_names()


def test_redefining_a_class_in_the_same_module_replaces_it():
    def define():
        class Redefined(BaseComponent):
            def run(self, query):
                return {}, "output_1"

        return Redefined

    first, second = define(), define()
    assert first is not second
    assert get_component_class("Redefined") is second


def test_unknown_type_suggests_close_names():
    with pytest.raises(ComponentError, match=r"Unknown component type 'KeywordDocument'. Did you mean 'KeywordDocuments'"):
        get_component_class("KeywordDocument")


def test_qualified_name_is_imported_on_demand(tmp_path, monkeypatch):
    (tmp_path / "ondemand_nodes.py").write_text(
        textwrap.dedent(
            """
            from hayrick import BaseComponent

            class OnDemand(BaseComponent):
                def run(self, query):
                    return {"query": query[::-1]}, "output_1"
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    cls = get_component_class("ondemand_nodes.OnDemand")
    assert cls().run(query="abc") == ({"query": "cba"}, "output_1")


def test_entry_point_plugins_register_their_nodes(tmp_path, monkeypatch):
    package = tmp_path / "hayrick_plugin_demo"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from hayrick import BaseComponent

            class PluginShout(BaseComponent):
                def run(self, query):
                    return {"query": query.upper()}, "output_1"
            """
        )
    )
    dist = tmp_path / "hayrick_plugin_demo-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hayrick-plugin-demo\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[hayrick.nodes]\nshout = hayrick_plugin_demo:PluginShout\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "hayrick_plugin_demo" not in sys.modules
    load_entry_point_nodes(force=True)
    cls = get_component_class("PluginShout")
    assert cls.__module__ == "hayrick_plugin_demo"
    assert cls().run(query="hi") == ({"query": "HI"}, "output_1")


def _builtin_classes() -> dict[str, type]:
    """Every concrete component class that hayrick's own packages define, by short name."""
    import hayrick.nodes
    import hayrick.stores

    for package in (hayrick.nodes, hayrick.stores):  # their names load on first use: load them all
        for name in package.__all__:
            getattr(package, name)
    return {
        cls.__name__: cls
        for cls in registry._by_qualified.values()
        if cls.__module__.startswith("hayrick.") and not cls.__module__.startswith("hayrick.testing")
    }


def test_the_builtin_table_lists_every_builtin_component_where_it_is_defined():
    defined = {name: cls.__module__ for name, cls in _builtin_classes().items()}
    assert defined == BUILTIN_COMPONENTS


def test_a_builtin_is_found_by_short_and_qualified_name_and_written_short():
    for name, module in BUILTIN_COMPONENTS.items():
        cls = get_component_class(name)
        assert cls.__name__ == name and cls.__module__ == module
        assert get_component_class(f"{module}.{name}") is cls
        assert component_type_name(cls) == name
    assert set(BUILTIN_COMPONENTS) <= set(registered_component_names())


def test_looking_up_a_builtin_imports_only_its_module():
    code = (
        "import sys\n"
        "from hayrick.core import get_component_class\n"
        "get_component_class('BM25Retriever')\n"
        "loaded = [m for m in sys.modules if m.startswith('hayrick.')]\n"
        "assert 'hayrick.nodes.retrievers.bm25' in loaded, loaded\n"
        "heavy = [m for m in loaded if m.startswith(('hayrick.nodes.readers.', 'hayrick.stores.faiss', 'hayrick.evaluation.'))]\n"
        "assert not heavy, heavy\n"
        "assert 'torch' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture()
def user_class_named_like_a_builtin():
    """A user's `TfidfRetriever` in module `regtest_user.nodes`, taken out of the registry afterwards."""
    namespace = {"BaseComponent": BaseComponent, "__name__": "regtest_user.nodes"}
    source = "class TfidfRetriever(BaseComponent):\n    def run(self, query):\n        return {}, 'output_1'\n"
    exec(compile(source, "<regtest_user.nodes>", "exec"), namespace)  # noqa: S102 - trusted literal source
    cls = namespace["TfidfRetriever"]
    yield cls
    registry._by_qualified.pop(qualified_name(cls))
    registry._by_short["TfidfRetriever"].pop(qualified_name(cls))


def test_a_user_class_with_a_builtin_short_name_is_ambiguous_loaded_or_not(user_class_named_like_a_builtin):
    user = user_class_named_like_a_builtin
    with pytest.raises(ComponentError, match=r"ambiguous.*hayrick\.nodes\.retrievers\.tfidf\.TfidfRetriever.*regtest_user"):
        get_component_class("TfidfRetriever")
    assert get_component_class("regtest_user.nodes.TfidfRetriever") is user
    builtin = get_component_class("hayrick.nodes.retrievers.tfidf.TfidfRetriever")
    assert builtin is not user
    assert component_type_name(user) == "regtest_user.nodes.TfidfRetriever"
    assert component_type_name(builtin) == "hayrick.nodes.retrievers.tfidf.TfidfRetriever"
    assert "TfidfRetriever" not in registered_component_names()[: len(BUILTIN_COMPONENTS) + 50]


def test_a_registry_knows_its_builtins_by_name_before_loading_them():
    local = Registry(builtins={"NotLoadedYet": "no_such_module_for_hayrick"})
    assert "NotLoadedYet" in local.short_names()
    assert "no_such_module_for_hayrick.NotLoadedYet" in local.names()
