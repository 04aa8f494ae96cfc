"""The old home of the node contract, kept so existing imports work: it lives in `hayrick.core` now."""

from hayrick.core.component import (
    BaseComponent,
    accepted_parameters,
    describe_init_parameters,
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
    "accepted_parameters",
    "component_type_name",
    "describe_init_parameters",
    "get_component_class",
    "load_entry_point_nodes",
    "registered_component_names",
    "required_parameters",
]
