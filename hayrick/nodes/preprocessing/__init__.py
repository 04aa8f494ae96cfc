"""Preprocessing: cleaning documents and splitting them into passages.

```python
from hayrick.nodes.preprocessing import PreProcessor
```
"""

from hayrick.nodes.preprocessing.base import BasePreProcessor
from hayrick.nodes.preprocessing.preprocessor import PreProcessor
from hayrick.nodes.preprocessing.sentences import split_sentences

__all__ = ["BasePreProcessor", "PreProcessor", "split_sentences"]
