"""The integrations tests use the shared fixtures of tests/fixtures/integrations.py."""

from tests.fixtures.integrations import bearer, rejection  # noqa: F401 (re-exported for the tests here)
