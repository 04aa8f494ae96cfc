"""The old import path of the SQuAD and SubjQA readers, which now live in `hayrick.datasets`.

Kept so that `from hayrick.evaluation.datasets import load_squad` keeps working; new code imports
`hayrick.datasets`.
"""

from hayrick.datasets import squad, subjqa
from hayrick.datasets.squad import *  # noqa: F403
from hayrick.datasets.subjqa import *  # noqa: F403

__all__ = [*squad.__all__, *subjqa.__all__]
