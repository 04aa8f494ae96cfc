"""BM25 for the stores, laid out as bm25s lays it out.

- `tokenization.py`: the one tokenizer (`tokenize`, `Tokenizer`, `DEFAULT_TOKENIZATION_REGEX`).
- `scoring.py`: the BM25Okapi, BM25L and BM25Plus formulas, one small pure function each.
- `index.py`: `BM25Index`, the postings, their updates and their state.
- `selection.py`: top-k selection with a stable tie-break.
- `store.py`: what the in-memory and SQL stores share (`BM25Settings`, `keyword_search`).

```python
from hayrick.stores.bm25 import BM25Index, tokenize

texts = {"d1": "Great for reading.", "d2": "Loud bass.", "d3": "Bass, treble"}
index = BM25Index("BM25Okapi")
index.add_many(texts, [tokenize(text) for text in texts.values()])
index.top_k(tokenize("reading"), 5)  # [('d1', 0.4526...)]
```
"""

from hayrick.stores.bm25.index import BM25Index
from hayrick.stores.bm25.scoring import ALGORITHMS, VARIANTS
from hayrick.stores.bm25.tokenization import (
    DEFAULT_TOKENIZATION_REGEX,
    Tokenizer,
    tokenize,
)

__all__ = ["ALGORITHMS", "DEFAULT_TOKENIZATION_REGEX", "VARIANTS", "BM25Index", "Tokenizer", "tokenize"]
