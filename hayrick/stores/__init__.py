"""Document stores: the store contract, filters, the BM25 kernel, in-memory, SQL and FAISS stores."""

__all__: list[str] = []
