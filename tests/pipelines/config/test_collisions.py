"""Two classes with one short name: an error naming both; qualified names pick one (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import pytest

from hayrick import BaseComponent, Pipeline
from hayrick.errors import PipelineConfigError
from hayrick.nodes import get_component_class
from hayrick.pipelines import validate_config
from tests.pipelines.config.helpers import (
    _config,
)


def _module_with(module_name: str, source: str, module: types.ModuleType | None = None) -> types.ModuleType:
    """Run `source` as module `module_name` (as a notebook cell or an imported file would)."""
    module = module or types.ModuleType(module_name)
    module.__dict__.setdefault("BaseComponent", BaseComponent)
    # Trusted literal source from this file, run the way a notebook runs a cell.
    exec(compile(textwrap.dedent(source), f"<{module_name}>", "exec"), module.__dict__)  # noqa: S102
    return module


COLLIDING = """\
    class CfgTestCollidingShout(BaseComponent):
        def __init__(self, suffix: str = "!"):
            self.suffix = suffix

        def run(self, query: str):
            return {{"query": query + self.suffix, "impl": "{impl}"}}, "output_1"
    """


class TestShortNameCollision:
    @pytest.fixture(scope="class")
    def classes(self) -> tuple[type, type]:
        mod_a = _module_with("cfgtest_plugins_a.nodes", COLLIDING.format(impl="a"))
        mod_b = _module_with("cfgtest_plugins_b.nodes", COLLIDING.format(impl="b"))
        return mod_a.CfgTestCollidingShout, mod_b.CfgTestCollidingShout

    def test_short_name_names_both_classes(self, classes):
        config = _config([{"name": "Shout", "type": "CfgTestCollidingShout"}], [{"name": "Shout", "inputs": ["Query"]}])
        with pytest.raises(PipelineConfigError) as info:
            Pipeline.load(config)
        message = str(info.value)
        assert message.startswith("components[0] 'Shout':")
        assert "ambiguous" in message
        assert "cfgtest_plugins_a.nodes.CfgTestCollidingShout" in message
        assert "cfgtest_plugins_b.nodes.CfgTestCollidingShout" in message
        with pytest.raises(PipelineConfigError, match=r"cfgtest_plugins_a\.nodes\.CfgTestCollidingShout"):
            validate_config(config)

    @pytest.mark.parametrize("which", ["a", "b"])
    def test_qualified_name_picks_one(self, classes, which: str):
        cls = classes["ab".index(which)]
        config = _config(
            [
                {
                    "name": "Shout",
                    "type": f"cfgtest_plugins_{which}.nodes.CfgTestCollidingShout",
                    "params": {"suffix": "?"},
                }
            ],
            [{"name": "Shout", "inputs": ["Query"]}],
        )
        validate_config(config)
        p = Pipeline.load(config)
        assert type(p.get_node("Shout")) is cls
        result = p.run(query="hi")
        assert (result["query"], result["impl"]) == ("hi?", which)

    def test_saving_writes_the_qualified_name(self, classes, tmp_path: Path):
        cls_a, cls_b = classes
        p = Pipeline()
        p.add_node(cls_a(suffix="1"), "ShoutA", ["Query"])
        p.add_node(cls_b(suffix="2"), "ShoutB", ["ShoutA"])
        types_written = [c["type"] for c in p.get_config()["components"]]
        assert types_written == [
            "cfgtest_plugins_a.nodes.CfgTestCollidingShout",
            "cfgtest_plugins_b.nodes.CfgTestCollidingShout",
        ]
        path = tmp_path / "p.yml"
        p.save(path)
        loaded = Pipeline.load(path)
        assert [type(c) for c in loaded.components.values()] == [cls_a, cls_b]
        assert loaded.run(query="x")["query"] == "x12"

    def test_same_class_redefined_in_the_same_module_does_not_collide(self):
        cell = """\
            class CfgTestNotebookCell(BaseComponent):
                def run(self, query: str):
                    return {"version": VERSION}, "output_1"
            """
        notebook = types.ModuleType("cfgtest_notebook_main")
        notebook.VERSION = 1
        first = _module_with("cfgtest_notebook_main", cell, notebook).CfgTestNotebookCell
        notebook.VERSION = 2
        second = _module_with("cfgtest_notebook_main", cell, notebook).CfgTestNotebookCell
        assert first is not second
        # The short name still resolves, to the latest definition.
        assert get_component_class("CfgTestNotebookCell") is second
        config = _config([{"name": "Cell", "type": "CfgTestNotebookCell"}], [{"name": "Cell", "inputs": ["Query"]}])
        p = Pipeline.load(config)
        assert type(p.get_node("Cell")) is second
        assert p.run(query="q")["version"] == 2
        p2 = Pipeline()
        p2.add_node(second(), "Cell", ["Query"])
        assert p2.get_config()["components"][0]["type"] == "CfgTestNotebookCell"
