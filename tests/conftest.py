"""The shared fixtures live in tests/fixtures/, one module per concern, and are loaded here for every test
(indico's testing/fixtures pattern). A folder's conftest adds fixtures under names of its own; what a test
imports comes from tests/fixtures/ or tests/helpers.py, never from a conftest."""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.factories",
    "tests.fixtures.staff",
    "tests.fixtures.languages",
    "tests.fixtures.smtp",
    "tests.fixtures.rate_limits",
    "tests.fixtures.integrations",
    "tests.fixtures.oidc",
    "tests.fixtures.webhooks",
]
