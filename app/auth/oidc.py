"""Staff sign-in with the organisation's account: OpenID Connect through Authlib's Flask client.

The authorization-code flow with PKCE (S256): Authlib makes ``state``, ``nonce`` and the code verifier
and keeps them in the signed session cookie; at the callback it checks the state, exchanges the code, and
verifies the ID token against the provider's published keys (signature, ``iss``, ``aud``, ``exp`` within
OIDC_CLOCK_SKEW_SECONDS, ``nonce``, ``azp``). Only then does this module look at who it is.

**Whose role decides.** Each account has one source for its role (``User.role_source``), never both:

- ``portal``: what an administrator set in the portal. Signing in with the organisation's account never
  changes it; what the groups would say is shown to the administrator next to it (``group_role``).
- ``groups``: what the mapped group says (OIDC_ROLE_MAP on the claim OIDC_ROLE_CLAIM), at every sign-in:
  a changed group changes the role (and ends the person's other sessions); no mapped group, no entry.
  The administrator cannot set the role of such an account, only switch its source (written in the
  audit log).

An account made by the first sign-in (nobody created it) gets its role from the groups. An account an
administrator made is linked at its first such sign-in by e-mail address and keeps ``portal``. When the
groups name more than one role, the first of admin, recruiter, hr counts.
"""

import json
import secrets
from collections.abc import Mapping
from datetime import datetime

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError

from app.audit.services import record_audit
from app.auth.passwords import hash_password
from app.auth.services import find_user
from app.auth.staff_sessions import end_all_sessions
from app.core.errors import DomainError
from app.database import utcnow
from app.extensions import db
from app.i18n import _l
from app.models import Role, RoleSource, User

ROLE_ORDER = (Role.ADMIN, Role.RECRUITER, Role.HR)
_CLIENT = "auth.oidc_client"  # key in app.extensions


class SignInRefused(DomainError):
    """Signing in with the organisation's account did not work; ``message`` says why, for the person."""

    message = _l("Signing in with your organisation's account did not work. Please try again.")


NoRole = SignInRefused.refusal("NoRole", _l(
    "Your organisation's account has no role in this portal. Ask an administrator to give you access (a group "
    "for the portal, or an account)."))
Deactivated = SignInRefused.refusal("Deactivated", _l(
    "This account is deactivated. Ask an administrator if you need access again."))
IdentityUnverified = SignInRefused.refusal("IdentityUnverified", _l(
    "Your organisation's account could not be verified (its sign-in was invalid, changed or expired). Please "
    "sign in again."))
ProviderUnavailable = SignInRefused.refusal("ProviderUnavailable", _l(
    "Your organisation's sign-in service cannot be reached right now. Please try again shortly."))


def role_map(config: Mapping) -> dict[str, Role]:
    """OIDC_ROLE_MAP as {group or role claim value: Role}; a JSON text is read too. ValueError if a value
    is not a role of the portal."""
    raw = config.get("OIDC_ROLE_MAP") or {}
    if isinstance(raw, str):
        raw = json.loads(raw or "{}")
    if not isinstance(raw, dict):
        raise ValueError("OIDC_ROLE_MAP must be a JSON object: {\"group\": \"recruiter\"}")
    try:
        return {str(group): Role(str(role)) for group, role in raw.items()}
    except ValueError:
        raise ValueError("OIDC_ROLE_MAP names a role that does not exist; use recruiter, hr or admin") from None


def enabled() -> bool:
    return current_app.extensions.get(_CLIENT) is not None


def password_login_enabled() -> bool:
    return bool(current_app.config.get("PASSWORD_LOGIN_ENABLED", True))


def groups_decide_roles() -> bool:
    """Whether roles can come from the groups at all (a role map is configured)."""
    return enabled() and bool(role_map(current_app.config))


def init_app(app: Flask) -> None:
    """Register the provider when OIDC_ISSUER is set. One client per app (Authlib keeps its registry on its
    OAuth object, and every app may name another provider)."""
    app.extensions[_CLIENT] = None
    app.jinja_env.globals.update(oidc_enabled=enabled, password_login_enabled=password_login_enabled)
    issuer = (app.config.get("OIDC_ISSUER") or "").rstrip("/")
    if not issuer:
        return
    if app.config.get("DEPLOYMENT") == "production" and not issuer.startswith("https://"):
        raise RuntimeError("FLASK_OIDC_ISSUER must be an https:// address in production.")
    if not app.config.get("OIDC_CLIENT_ID") or not app.config.get("OIDC_CLIENT_SECRET"):
        raise RuntimeError("FLASK_OIDC_ISSUER is set: FLASK_OIDC_CLIENT_ID and FLASK_OIDC_CLIENT_SECRET "
                           "are needed too.")
    role_map(app.config)  # refuse to start with a map that names no real role
    oauth = OAuth(app)
    app.extensions[_CLIENT] = oauth.register(
        "oidc",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256",
                       "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"]},
    )


def client():
    return current_app.extensions.get(_CLIENT)


def start_sign_in(redirect_uri: str):
    """The redirect to the provider (state, nonce and the PKCE verifier kept in the session)."""
    try:
        return client().authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, KeyError, RuntimeError):
        raise ProviderUnavailable() from None


def verified_claims() -> dict:
    """At the callback: the state checked, the code exchanged, the ID token verified; its claims."""
    config = current_app.config
    oidc = client()
    try:
        metadata = oidc.load_server_metadata()
        token = oidc.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [metadata.get("issuer")]},
                            "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]}},
            leeway=config["OIDC_CLOCK_SKEW_SECONDS"],
        )
    except MismatchingStateError:
        raise IdentityUnverified() from None
    except OAuthError as error:
        if error.error == "access_denied":
            raise SignInRefused(_l("Signing in was cancelled.")) from None
        raise IdentityUnverified() from None
    except (JoseError, ValueError, KeyError, TypeError):
        raise IdentityUnverified() from None
    except requests.RequestException:
        raise ProviderUnavailable() from None
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise IdentityUnverified()
    return dict(claims) | {"iss": claims.get("iss") or metadata.get("issuer")}


def group_role(claims: Mapping) -> Role | None:
    """The role the mapped groups give, the most powerful first; None when no group is mapped."""
    config = current_app.config
    values = claims.get(config["OIDC_ROLE_CLAIM"]) or []
    if isinstance(values, str):
        values = [values]
    mapping = role_map(config)
    roles = {mapping[str(value)] for value in values if isinstance(value, str | int) and str(value) in mapping}
    return next((role for role in ROLE_ORDER if role in roles), None)


def _email(claims: Mapping) -> str:
    return str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()


def account_for(claims: Mapping, *, now: datetime | None = None) -> User:
    """The member of staff these verified claims are, with their role by the rule in the module's
    docstring; linked or made on their first sign-in. Raises SignInRefused. Does not commit."""
    now = now or utcnow()
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    groups_say = group_role(claims)
    user = db.session.scalar(db.select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))
    email = _email(claims)
    if user is None and email:
        existing = find_user(email)
        if existing is not None:
            if existing.oidc_subject is not None or claims.get("email_verified") is False:
                raise IdentityUnverified()  # the address belongs to another identity, or is unconfirmed
            user = existing
            user.oidc_issuer, user.oidc_subject = issuer, subject
    if user is None:
        if groups_say is None:
            raise NoRole()
        if not email or len(email) > 320:
            raise IdentityUnverified()
        user = User(email=email, name=str(claims.get("name") or email)[:200], role=groups_say,
                    role_source=RoleSource.GROUPS, oidc_issuer=issuer, oidc_subject=subject,
                    password_hash=hash_password(secrets.token_urlsafe(32)))  # no password anyone knows
        db.session.add(user)
        db.session.flush()
        record_audit("account_created", target_type="user", target_id=user.id, actor=_system(),
                     facts={"email": user.email, "role": user.role, "role_source": RoleSource.GROUPS})
    if not user.active:
        raise Deactivated()
    user.group_role = groups_say
    if user.role_source == RoleSource.GROUPS:
        if groups_say is None:
            end_all_sessions(user)
            raise NoRole()
        if groups_say != user.role:
            record_audit("role_changed", target_type="user", target_id=user.id, actor=_system(),
                         facts={"email": user.email, "from_role": user.role, "to_role": groups_say,
                                "role_source": RoleSource.GROUPS})
            end_all_sessions(user)
            user.role = groups_say
    user.last_login_at = now
    return user


def _system():
    from types import SimpleNamespace

    return SimpleNamespace(id=None, email="system (sign-in with the organisation's account)")


def set_role_source(user: User, source: RoleSource) -> bool:
    """An administrator chooses who decides this person's role. To the groups: the role becomes what the
    groups said at the last sign-in (if known; else it is decided at the next one). Returns whether it
    changed; ends the person's sessions when the role changes."""
    if user.role_source == source:
        return False
    user.role_source = source
    if source == RoleSource.GROUPS and user.group_role is not None and user.group_role != user.role:
        user.role = user.group_role
        end_all_sessions(user)
    return True
