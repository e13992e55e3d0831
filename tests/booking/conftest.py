"""Booking tests read pages in English: the default language is Dutch, whose catalog may or may not
be compiled when the tests run, and a test must not depend on that."""

import pytest


@pytest.fixture
def client(english_client):
    return english_client
