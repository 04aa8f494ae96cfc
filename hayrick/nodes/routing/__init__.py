"""Routing nodes: decision nodes that send their inputs down one of several edges.

```python
from hayrick.nodes.routing import FileTypeClassifier
```
"""

from hayrick.nodes.routing.file_type_classifier import FileTypeClassifier

__all__ = ["FileTypeClassifier"]
