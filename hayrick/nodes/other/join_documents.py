"""The old import path of `JoinDocuments` and `JoinNode`, which now live in `hayrick.nodes.joiners.join_documents`."""

from hayrick.nodes.joiners.join_documents import JoinDocuments, JoinNode

__all__ = ["JoinDocuments", "JoinNode"]
