"""The access table's world (every kind of object, for every persona) is shared with these tests."""

import sys

from tests.test_access import access_world  # noqa: F401


def pytest_terminal_summary(terminalreporter):
    """How many random posts the fuzz test made (tests/security/test_fuzz_forms.py)."""
    module = sys.modules.get("tests.security.test_fuzz_forms")
    if module is None or not module.RUN:
        return
    posts = sum(module.RUN.values())
    terminalreporter.write_line(f"security fuzz: {posts} random posts to {len(module.RUN)} URL patterns")
