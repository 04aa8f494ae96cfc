"""The old home of the node contract, kept so existing imports work: it lives in `hayrick.core` now."""

from hayrick.core import *  # noqa: F403 - the same names as hayrick.core
from hayrick.core import __all__  # noqa: F401
