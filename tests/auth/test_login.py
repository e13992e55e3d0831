"""Signing in: argon2id hashes, a fresh session, no open redirect, a wait after failures."""

import pytest

from app.auth.services import LoginThrottled, authenticate, create_user
from app.extensions import db
from app.models import Role
from tests.fixtures.staff import STAFF_PASSWORD


def test_password_is_stored_as_argon2id_at_owasp_strength(app, make_user):
    user = make_user("recruiter")
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in user.password_hash
    assert STAFF_PASSWORD not in user.password_hash


def test_login_sends_each_role_home_and_wrong_password_is_refused(client, make_user):
    recruiter, hr = make_user("recruiter"), make_user("hr")
    response = client.post("/login", data={"email": recruiter.email, "password": STAFF_PASSWORD})
    assert response.headers["Location"].endswith("/recruiter/")
    client.post("/logout")
    response = client.post("/login", data={"email": hr.email, "password": STAFF_PASSWORD})
    assert response.headers["Location"].endswith("/hr/")
    client.post("/logout")
    response = client.post("/login", data={"email": hr.email, "password": "wrong password!!"})
    assert response.status_code == 401
    assert 'class="notice notice-error"' in response.get_data(as_text=True)


def test_login_starts_a_new_session(client, make_user):
    user = make_user("recruiter")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_no_open_redirect_after_login(client, make_user, target):
    user = make_user("recruiter")
    response = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/recruiter/"


def test_local_next_is_honoured(client, make_user):
    user = make_user("admin")
    response = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD, "next": "/admin/users"})
    assert response.headers["Location"] == "/admin/users"


def test_repeated_failures_make_that_address_wait_and_a_good_password_clears_them(app, make_user):
    user = make_user("recruiter")
    for _ in range(4):
        assert authenticate(user.email, "not the password", address="10.0.0.9") is None
    assert authenticate(user.email, STAFF_PASSWORD, address="10.0.0.9") == user  # the count starts again
    for _ in range(5):
        assert authenticate(user.email, "not the password", address="10.0.0.9") is None
    with pytest.raises(LoginThrottled) as throttled:
        authenticate(user.email, STAFF_PASSWORD, address="10.0.0.9")
    assert 0 < throttled.value.retry_after <= 15 * 60
    assert authenticate(user.email, STAFF_PASSWORD, address="10.0.0.10") == user  # another address is not held up


def test_locked_login_page_says_so(client, make_user):
    user = make_user("recruiter")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "not the password"})
    response = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 429


def test_deactivated_account_cannot_sign_in_and_is_signed_out(client, auth, make_user):
    user = auth.login("recruiter")
    assert client.get("/recruiter/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/recruiter/").status_code == 302
    response = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 401


def test_cli_creates_the_first_admin_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "first@example.org", "--role", "admin", "--password-stdin"],
                           input="a very long password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin account first@example.org" in result.output
    result = runner.invoke(args=["users", "create", "first@example.org", "--role", "admin", "--password-stdin"],
                           input="a very long password\n")
    assert result.exit_code != 0 and "exists already" in result.output
    result = runner.invoke(args=["users", "create", "short@example.org", "--role", "hr", "--password-stdin"],
                           input="short\n")
    assert result.exit_code != 0 and "at least 12" in result.output


def test_cli_asks_the_password_at_the_prompt(runner):
    result = runner.invoke(args=["users", "create", "prompt@example.org", "--role", "recruiter"],
                           input="a very long password\na very long password\n")
    assert result.exit_code == 0, result.output
    assert authenticate("prompt@example.org", "a very long password") is not None


def test_admin_manages_accounts(client, auth, app):
    admin = auth.login("admin")
    response = client.post("/admin/users", data={"email": "new@example.org", "name": "Nieuwe Recruiter",
                                                 "role": "recruiter"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    import re

    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert authenticate("new@example.org", password) is not None

    from app.auth.services import find_user

    new = find_user("new@example.org")
    client.post(f"/admin/users/{new.id}", data={"name": "Nieuwe HR", "role": "hr"})
    db.session.refresh(new)
    assert new.role == Role.HR and new.name == "Nieuwe HR"

    client.post(f"/admin/users/{new.id}/active")
    db.session.refresh(new)
    assert new.active is False

    # The last active admin cannot take away their own admin role or deactivate themselves.
    client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "recruiter"})
    client.post(f"/admin/users/{admin.id}/active")
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active


def test_duplicate_account_is_refused_with_a_message(client, auth):
    admin = auth.login("admin")
    response = client.post("/admin/users", data={"email": admin.email.upper(), "name": "Dubbel", "role": "hr"})
    assert response.status_code == 422
    assert admin.email in response.get_data(as_text=True)


def test_changing_own_password_ends_other_sessions(app, client, auth):
    user = auth.login("recruiter")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert other.get("/recruiter/").status_code == 200
    response = client.post("/admin/account/password", data={
        "current": STAFF_PASSWORD, "new": "another long password", "repeat": "another long password"})
    assert response.status_code == 302
    assert client.get("/recruiter/").status_code == 200
    assert other.get("/recruiter/").status_code == 302


def test_create_user_rejects_short_passwords(app):
    from app.auth.services import AccountError

    with pytest.raises(AccountError):
        create_user("x@example.org", "X", Role.HR, "short")


def test_the_chosen_language_survives_signing_in(client, make_user):
    user = make_user("recruiter")
    client.post("/language/en", data={"next": "/login"})
    client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    page = client.get("/recruiter/").get_data(as_text=True)
    assert '<html lang="en">' in page
