"""Test suites that a plugin can reuse with pytest: `hayrick.testing.store_suite` for document stores.

Only tests import this package (`import hayrick` does not); it needs pytest (`pip install 'hayrick[test]'`).
"""

import pytest

pytest.register_assert_rewrite("hayrick.testing.store_suite")  # full assertion messages in a plugin's tests
