"""Fixtures of the integrations tests: an integration with its webhook secret, and API keys for it."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.integrations import services
from app.models import FollowUp


@pytest.fixture
def make_integration(app):
    """make_integration(name="Greenhouse", follow_up="personal_line", delay=120) -> (integration, secret)."""

    def make(name: str = "Greenhouse", follow_up: str = "personal_line", delay: int = 120, language: str = "nl"):
        integration, secret = services.create_integration(name, default_language=language)
        services.set_follow_up(integration, FollowUp(follow_up), delay)
        db.session.commit()
        return integration, secret

    return make


@pytest.fixture
def make_key(app):
    """make_key(integration, scopes=("rejections:write", "progress:read")) -> the raw key."""

    def make(integration, scopes=("rejections:write", "progress:read")):
        _api_key, key = services.create_api_key(integration, "ATS", list(scopes), created_by="test")
        db.session.commit()
        return key

    return make


def rejection(external_id: str = "app-1001", **overrides) -> dict:
    """A rejection as an ATS sends it to the API."""
    body = {"external_id": external_id, "name": "Noor Bakker", "email": "noor.bakker@example.org",
            "vacancy": "Verpleegkundige IC", "department": "Intensive Care", "stage": "interview",
            "rejected_on": (date.today() - timedelta(days=1)).isoformat(), "language": "en",
            "rejection_reason": "experience"}
    body.update(overrides)
    return body


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}
