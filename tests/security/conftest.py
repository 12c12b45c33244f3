"""The access table's world (every kind of object, for every persona) is shared with these tests."""

from tests.test_access import access_world  # noqa: F401
