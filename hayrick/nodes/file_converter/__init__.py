"""File converters: files (text, PDF, Markdown) to `Document`s for indexing pipelines.

```python
from hayrick.nodes.file_converter import MarkdownConverter, PDFToTextConverter, TextConverter
```
Each name loads its module on first use.
"""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {
    "BaseConverter": ".base",
    "MarkdownConverter": ".markdown",
    "PDFToTextConverter": ".pdf",
    "TextConverter": ".txt",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
