"""Survey tests read pages in English (the catalogs may or may not be compiled when the tests run)."""

import pytest


@pytest.fixture
def client(english_client):
    return english_client
