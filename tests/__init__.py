"""compoundgraph's tests, grouped by area; shared helpers in ``tests.support``, shared fixtures in conftest.py."""

import pytest

# The helpers in tests/support/ assert too (``problem``, the UI's page checks): pytest rewrites their asserts
# as it does the tests', so a failure there shows the values compared.
pytest.register_assert_rewrite("tests.support")
