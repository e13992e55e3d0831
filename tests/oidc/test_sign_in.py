"""Staff sign in with the organisation's account through a real OpenID Connect provider (oidc-provider on
127.0.0.1): code flow with PKCE, state and nonce, the ID token verified; groups map to roles; forged,
foreign, expired and replayed tokens are refused."""

from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.models import Role, RoleSource, StaffSession, User
from tests.fixtures.oidc import CLIENT_ID, sign_in_at_provider
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import page_text, set_english


def users() -> list[User]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(User).order_by(User.id)))


def test_the_portal_asks_for_the_code_flow_with_pkce_state_and_nonce(oidc_app, client, oidc_provider):
    start = client.get("/login/oidc")
    assert start.location.startswith(f"{oidc_provider.issuer}/auth?")
    query = parse_qs(urlsplit(start.location).query)
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == ["http://portal.test/login/oidc/callback"]
    assert "openid" in query["scope"][0].split()


def test_a_recruiter_group_signs_in_as_recruiter_on_a_server_side_session(oidc_app, client, oidc_provider):
    set_english(client)
    response = sign_in_at_provider(client, "rita")
    assert response.status_code == 302 and response.location.endswith("/recruiter/")
    [rita] = users()
    assert (rita.email, rita.name, rita.role, rita.role_source) == (
        "rita@hospital.example", "Rita de Recruiter", Role.RECRUITER, RoleSource.GROUPS)
    assert (rita.oidc_issuer, rita.oidc_subject) == (oidc_provider.issuer, "rita")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffSession)) == 1
    assert client.get("/recruiter/").status_code == 200
    assert client.get("/admin/users").status_code == 403
    client.post("/logout")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffSession)) == 0
    assert client.get("/recruiter/").status_code == 302  # signing out ends the server-side session


def test_signing_in_again_finds_the_same_account(oidc_app, client):
    sign_in_at_provider(client, "rita")
    client.post("/logout")
    assert sign_in_at_provider(client, "rita").status_code == 302
    assert len(users()) == 1


def test_the_most_powerful_mapped_group_counts(oidc_app, client):
    sign_in_at_provider(client, "bea")
    assert users()[0].role == Role.ADMIN


def test_no_mapped_group_no_entry(oidc_app, client):
    set_english(client)
    response = sign_in_at_provider(client, "olaf")
    assert response.status_code == 401
    assert "has no role in this portal" in page_text(response)
    assert users() == []


def test_a_forged_id_token_is_refused(oidc_app, client, oidc_provider):
    """Claims changed under the provider's signature (admin rights claimed): refused."""
    set_english(client)
    response = sign_in_at_provider(client, "rita", provider=oidc_provider, tamper="forged")
    assert response.status_code == 401
    assert "could not be verified" in page_text(response)
    assert users() == [] and client.get("/recruiter/").status_code == 302


def test_an_id_token_signed_by_another_key_is_refused(oidc_app, client, oidc_provider):
    response = sign_in_at_provider(client, "rita", provider=oidc_provider, tamper="foreign_key")
    assert response.status_code == 401 and users() == []


def test_an_expired_id_token_is_refused(oidc_app, client, oidc_provider):
    """Signed by the provider itself, but its exp is an hour ago (beyond the allowed clock skew)."""
    response = sign_in_at_provider(client, "rita", provider=oidc_provider, tamper="expired")
    assert response.status_code == 401 and users() == []


def test_an_id_token_for_another_nonce_is_refused(oidc_app, client, oidc_provider):
    response = sign_in_at_provider(client, "rita", provider=oidc_provider, tamper="wrong_nonce")
    assert response.status_code == 401 and users() == []


def test_a_callback_with_a_state_this_browser_did_not_start_is_refused(oidc_app, client, app):
    """The provider's answer replayed into another browser (login CSRF): its state is unknown there."""
    first = app.test_client()
    start = first.get("/login/oidc")
    state = parse_qs(urlsplit(start.location).query)["state"][0]
    other = app.test_client()
    response = other.get(f"/login/oidc/callback?code=stolen&state={state}")
    assert response.status_code == 401 and users() == []


def test_an_admin_made_account_keeps_its_role_and_shows_what_the_groups_say(oidc_app, client, make_user, app):
    """Role set by the admin (HR) and the groups say recruiter: the admin's role applies, and the account
    page says so; never both silently."""
    hanna = make_user("hr", email="rita@hospital.example", name="Rita")
    assert sign_in_at_provider(client, "rita").status_code == 302
    [rita] = users()
    assert (rita.id, rita.role, rita.role_source, rita.group_role) == (hanna.id, Role.HR, RoleSource.PORTAL,
                                                                      Role.RECRUITER)
    assert rita.oidc_subject == "rita"
    admin = app.test_client()
    admin_user = make_user("admin")
    admin.post("/login", data={"email": admin_user.email, "password": STAFF_PASSWORD})
    set_english(admin)
    page = page_text(admin.get(f"/admin/users/{rita.id}"))
    assert "The organisation's groups say Recruiter; the role set here applies (HR)." in page
    switched = admin.post(f"/admin/users/{rita.id}", data={"name": "Rita", "role": "hr", "role_source": "groups"})
    assert switched.status_code == 302
    [rita, _admin] = users()
    assert (rita.role, rita.role_source) == (Role.RECRUITER, RoleSource.GROUPS)
    page = page_text(admin.get(f"/admin/users/{rita.id}"))
    assert "as the organisation's groups said at the last sign-in" in page
    # With the groups deciding, the role field is not the admin's to set.
    admin.post(f"/admin/users/{rita.id}", data={"name": "Rita", "role": "admin", "role_source": "groups"})
    assert users()[0].role == Role.RECRUITER


def test_the_groups_decide_again_at_every_sign_in(oidc_app, client):
    """An account whose role the groups decide: whatever role is stored, the groups' role applies at the
    next sign-in (and the change is in the audit log)."""
    from app.audit.services import facts_of, list_entries

    sign_in_at_provider(client, "hanna")
    assert users()[0].role == Role.HR
    client.post("/logout")
    user = users()[0]
    user.role = Role.ADMIN  # changed behind the groups' back
    db.session.commit()
    sign_in_at_provider(client, "hanna")
    assert users()[0].role == Role.HR
    db.session.rollback()
    changes = [facts_of(e) for e in list_entries(action="role_changed").rows]
    assert any(c["from_role"] == "admin" and c["to_role"] == "hr" and c["role_source"] == "groups" for c in changes)


def test_a_deactivated_account_cannot_sign_in_with_the_organisations_account(oidc_app, client):
    sign_in_at_provider(client, "rita")
    client.post("/logout")
    user = users()[0]
    user.active = False
    db.session.commit()
    assert sign_in_at_provider(client, "rita").status_code == 401


def test_password_sign_in_can_be_switched_off(oidc_app, client, make_user):
    set_english(client)
    user = make_user("recruiter")
    oidc_app.config["PASSWORD_LOGIN_ENABLED"] = False
    page = page_text(client.get("/login"))
    assert "Sign in with Test-ID" in page and "Password" not in page
    refused = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert refused.status_code == 403 and "switched off" in page_text(refused)
    assert sign_in_at_provider(client, "rita").status_code == 302


def test_both_ways_are_offered_by_default(oidc_app, client, make_user):
    set_english(client)
    page = page_text(client.get("/login"))
    assert "Sign in with Test-ID" in page and "Or with a password" in page
    user = make_user("recruiter")
    assert client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302


def test_without_an_issuer_there_is_no_oidc_sign_in(client):
    assert client.get("/login/oidc").status_code == 404
    assert "organisation" not in page_text(client.get("/login"))


def test_a_provider_that_cannot_be_reached_is_said_so(app, client):
    from app.auth import oidc
    from tests.fixtures.oidc import CLIENT_SECRET
    from tests.helpers import free_port

    set_english(client)
    app.config.update(OIDC_ISSUER=f"http://127.0.0.1:{free_port()}", OIDC_CLIENT_ID=CLIENT_ID,
                      OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_TIMEOUT_SECONDS=2)
    oidc.init_app(app)
    response = client.get("/login/oidc")
    assert response.status_code == 503 and "cannot be reached" in page_text(response)


def test_a_role_map_naming_no_real_role_refuses_to_start(tmp_path):
    import pytest

    from app import create_app

    with pytest.raises(ValueError, match="OIDC_ROLE_MAP"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                    "OIDC_ISSUER": "https://id.example.org", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b",
                    "OIDC_ROLE_MAP": '{"group": "superuser"}'})
