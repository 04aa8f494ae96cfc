"""The node contract and the component registry: the layer every other package builds on.

`component.py` holds `BaseComponent` (read its docstring before writing a node), the
capture of constructor arguments and the signature helpers; `registry.py` maps YAML
`type:` names to classes. `core` imports only `hayrick.errors` (and `hayrick.schema` where needed).
"""

from hayrick.core.component import (
    BaseComponent,
    RootNode,
    accepted_parameters,
    describe_init_parameters,
    filter_kwargs,
    required_parameters,
)
from hayrick.core.registry import (
    ENTRY_POINT_GROUP,
    component_type_name,
    get_component_class,
    load_entry_point_nodes,
    registered_component_names,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "BaseComponent",
    "RootNode",
    "accepted_parameters",
    "component_type_name",
    "describe_init_parameters",
    "filter_kwargs",
    "get_component_class",
    "load_entry_point_nodes",
    "registered_component_names",
    "required_parameters",
]
