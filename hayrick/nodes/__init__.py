"""Every built-in node, one family per folder (retrievers/, readers/, preprocessing/, ...).

`from hayrick.nodes import BaseComponent` is the base class of every node; see
`hayrick/nodes/base.py` for the node contract.
"""

from hayrick.nodes.base import BaseComponent, get_component_class, load_entry_point_nodes, registered_component_names

__all__ = ["BaseComponent", "get_component_class", "load_entry_point_nodes", "registered_component_names"]
