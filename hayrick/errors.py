"""Every exception hayrick raises, in one shallow hierarchy.

```
HayrickError                     (also importable as HaystackError)
├── PipelineError
│   └── PipelineConfigError      a YAML file or config dict is wrong, or a graph is (as in Haystack 1.x)
│       ├── PipelineValidationError    a graph is wrong (unknown input, cycle, bad edge, bad params)
│       ├── PipelineSchemaError        a YAML `type:` names no known component
│       └── PipelineConfigFileNotFoundError  no file at the path given (also a FileNotFoundError)
├── NodeError                    a node failed while running (the original exception is chained)
├── ComponentError               a component was built or defined wrongly (bad init argument, bad class)
├── FileConversionError          a file could not be converted to documents
└── DocumentStoreError
    ├── DuplicateDocumentError   a document id exists already and duplicate_documents="fail"
    └── FilterError              a filter is malformed (unknown operator, wrong shape)
```

Errors about bad values also subclass `ValueError`, and errors about bad types
`TypeError`, so code that catches the built-in kinds keeps working. The names are Haystack 1.x's,
so `except PipelineConfigError` catches what it caught there: `add_node` mistakes included. Every message
names what is wrong, what was expected, what came, and how to fix it.
"""

from __future__ import annotations


class HayrickError(Exception):
    """Root of every error hayrick raises."""


#: Haystack 1.x's name for the root error: `except HaystackError` keeps working.
HaystackError = HayrickError


class PipelineError(HayrickError):
    """A pipeline could not be built, loaded or run."""


class PipelineConfigError(PipelineError, ValueError):
    """A pipeline configuration (YAML file, text or dict) is wrong."""


class PipelineValidationError(PipelineConfigError):
    """A pipeline graph or the parameters of a run are wrong."""


class PipelineSchemaError(PipelineConfigError):
    """A pipeline config names a component type that is not known (Haystack 1.x's name for it)."""


class PipelineConfigFileNotFoundError(PipelineConfigError, FileNotFoundError):
    """`Pipeline.load_from_yaml` was given a path where there is no file."""


class NodeError(HayrickError):
    """A node raised an exception, or returned something that is not `(dict, edge)`, while running.

    Attributes:
        node_name: the node's name in the pipeline.
        component_type: the node's class name.
    """

    def __init__(self, message: str, node_name: str | None = None, component_type: str | None = None):
        super().__init__(message)
        self.node_name = node_name
        self.component_type = component_type


class ComponentError(HayrickError, ValueError):
    """A component class is defined wrongly, or a component was given invalid init arguments."""


class FileConversionError(HayrickError, ValueError):
    """A file could not be read or converted (bad encoding, damaged PDF)."""


class DocumentStoreError(HayrickError):
    """A document store operation failed."""


class DuplicateDocumentError(DocumentStoreError, ValueError):
    """A document with the same id exists already and `duplicate_documents="fail"` was asked for."""


class FilterError(DocumentStoreError, ValueError):
    """A filter is malformed: an unknown operator or a value of the wrong shape."""


class DocumentStoreValueError(DocumentStoreError, ValueError):
    """A store's arguments or state refuse the call where Haystack 1.x raised a `ValueError`
    (parameters that exclude each other, an untrained FAISS index)."""


__all__ = [
    "HayrickError",
    "HaystackError",
    "PipelineConfigFileNotFoundError",
    "PipelineSchemaError",
    "PipelineError",
    "PipelineConfigError",
    "PipelineValidationError",
    "NodeError",
    "ComponentError",
    "FileConversionError",
    "DocumentStoreError",
    "DuplicateDocumentError",
    "FilterError",
    "DocumentStoreValueError",
]
