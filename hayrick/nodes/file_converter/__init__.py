"""File converters: files (text, PDF, Markdown) to `Document`s for indexing pipelines.

```python
from hayrick.nodes.file_converter import MarkdownConverter, PDFToTextConverter, TextConverter
```
"""

from hayrick.nodes.file_converter.base import BaseConverter
from hayrick.nodes.file_converter.markdown import MarkdownConverter
from hayrick.nodes.file_converter.pdf import PDFToTextConverter
from hayrick.nodes.file_converter.txt import TextConverter

__all__ = ["BaseConverter", "MarkdownConverter", "PDFToTextConverter", "TextConverter"]
