"""Staff accounts as an administrator manages them: the list, a new account with a temporary password, a
change of name or role, (de)activating, and a new temporary password. One active administrator always
remains. Views turn the exceptions here into messages. Nothing here commits."""

import secrets

import sqlalchemy as sa

from app.audit.services import record_audit
from app.auth import oidc
from app.auth.services import AccountError, create_user, find_user, set_password
from app.auth.staff_sessions import end_all_sessions
from app.extensions import db
from app.i18n import _l
from app.models import Role, RoleSource, User


class AccountExists(AccountError):
    message = _l("An account with this e-mail address exists already.")


class LastAdmin(AccountError):
    message = _l("At least one active administrator must remain.")


def list_users() -> list[User]:
    """Every staff account: the active ones first, by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def temporary_password() -> str:
    return secrets.token_urlsafe(12)


def create_account(email: str, name: str, role: Role) -> tuple[User, str]:
    """A new account with a temporary password (returned, to be shown once); AccountExists when the
    address has one already, whatever its case."""
    if find_user(email) is not None:
        raise AccountExists()
    password = temporary_password()
    user = create_user(email, name, role, password)
    db.session.flush()
    record_audit("account_created", target_type="user", target_id=user.id,
                 facts={"email": user.email, "role": user.role})
    return user, password


def change_account(user: User, name: str, role: Role, job_title: str | None = None) -> None:
    """A new name, job title (what candidates read beside the first name; unchanged when None) or role; a new
    role ends the person's sessions (it counts from the next sign-in). LastAdmin when it would leave no active
    administrator."""
    if user.role == Role.ADMIN and role != Role.ADMIN and _is_last_active_admin(user):
        raise LastAdmin()
    if role != user.role:
        end_all_sessions(user)
        record_audit("role_changed", target_type="user", target_id=user.id,
                     facts={"email": user.email, "from_role": user.role, "to_role": role})
    user.name, user.role = name.strip(), role
    if job_title is not None:
        user.job_title = job_title.strip()[:100]


def change_role_source(user: User, source: RoleSource) -> None:
    """Who decides the person's role from now on: the admin (the portal) or the mapped OIDC groups; a
    switch is explicit and audited, never silent."""
    if source != user.role_source:
        oidc.set_role_source(user, source)
        record_audit("role_source_changed", target_type="user", target_id=user.id,
                     facts={"email": user.email, "role_source": source})


def toggle_active(user: User) -> None:
    """Deactivate the account (its sessions end and it can no longer sign in), or activate it again.
    LastAdmin when it would leave no active administrator."""
    if user.active and user.role == Role.ADMIN and _is_last_active_admin(user):
        raise LastAdmin()
    user.active = not user.active
    end_all_sessions(user)
    record_audit("account_activated" if user.active else "account_deactivated", target_type="user",
                 target_id=user.id, facts={"email": user.email})


def reset_password(user: User) -> str:
    """A new temporary password (returned, to be shown once); every session of the account ends."""
    password = temporary_password()
    set_password(user, password)
    record_audit("password_reset", target_type="user", target_id=user.id, facts={"email": user.email})
    return password


def _is_last_active_admin(user: User) -> bool:
    return not db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )
