"""Staff accounts: create, change role, deactivate, reset password; and changing one's own password."""

import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.forms import ActionForm, ChangePasswordForm, EditUserForm, NewUserForm
from app.audit.services import record_audit
from app.auth import oidc
from app.auth.decorators import role_required
from app.auth.passwords import verify_password
from app.auth.services import AccountError, create_user, find_user, set_password
from app.auth.staff_sessions import end_all_sessions, start_staff_session
from app.extensions import db
from app.models import Role, RoleSource, User

bp = Blueprint("admin", __name__, url_prefix="/admin")

ALL_STAFF = (Role.RECRUITER, Role.HR, Role.ADMIN)


def _temporary_password() -> str:
    return secrets.token_urlsafe(12)


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )


@bp.get("/users")
@role_required(Role.ADMIN)
def list_users():
    """Every staff account."""
    users = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=users, form=NewUserForm())


@bp.post("/users")
@role_required(Role.ADMIN)
def create_user_view():
    """Create an account with a temporary password, shown once."""
    form = NewUserForm()
    if form.validate_on_submit():
        if find_user(form.email.data) is not None:
            form.email.errors.append(_("An account with this e-mail address exists already."))
        else:
            password = _temporary_password()
            user = create_user(form.email.data, form.name.data, Role(form.role.data), password)
            db.session.flush()
            record_audit("account_created", target_type="user", target_id=user.id,
                         detail=f"{user.email} as {user.role.value}")
            return render_template("admin/password_shown.html", user=user, password=password, created=True)
    users = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=users, form=form), 422


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    """Change someone's name or role."""
    user = _get_user(user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        source = RoleSource(form.role_source.data) if oidc.groups_decide_roles() else user.role_source
        if source != user.role_source:
            # One source at a time: switching is explicit, audited, and the role field does not apply to groups.
            oidc.set_role_source(user, source)
            record_audit("role_source_changed", target_type="user", target_id=user.id,
                         detail=f"{user.email}: role decided by {source.value}")
        new_role = Role(form.role.data) if user.role_source == RoleSource.PORTAL else user.role
        if user.role == Role.ADMIN and new_role != Role.ADMIN and not _other_active_admins(user):
            flash(_("At least one active administrator must remain."), "error")
        else:
            if new_role != user.role:
                end_all_sessions(user)  # a new role takes effect at the next sign-in
                record_audit("role_changed", target_type="user", target_id=user.id,
                             detail=f"{user.email}: {user.role.value} -> {new_role.value}")
            user.name, user.role = form.name.data.strip(), new_role
            flash(_("The account of %(name)s is saved.", name=user.name), "success")
            return redirect(url_for(".list_users"))
    if not form.is_submitted():
        form.role.data = user.role.value
        form.role_source.data = user.role_source.value
    return render_template("admin/user_edit.html", user=user, form=form, action_form=ActionForm(),
                           groups_decide=oidc.groups_decide_roles()), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def toggle_active(user_id: int):
    """Deactivate an account (it can no longer sign in), or activate it again."""
    user = _get_user(user_id)
    if ActionForm().validate_on_submit():
        if user.active and user.role == Role.ADMIN and not _other_active_admins(user):
            flash(_("At least one active administrator must remain."), "error")
        else:
            user.active = not user.active
            end_all_sessions(user)
            record_audit("account_activated" if user.active else "account_deactivated", target_type="user",
                         target_id=user.id, detail=user.email)
            flash(_("%(name)s can sign in again.", name=user.name) if user.active
                  else _("%(name)s can no longer sign in.", name=user.name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    """Give someone a new temporary password, shown once; their open sessions end."""
    user = _get_user(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".edit_user", user_id=user.id))
    password = _temporary_password()
    own = user.id == current_user.id
    set_password(user, password)
    record_audit("password_reset", target_type="user", target_id=user.id, detail=user.email)
    if own:
        start_staff_session(user)  # stay signed in here; other sessions end
    return render_template("admin/password_shown.html", user=user, password=password, created=False)


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*ALL_STAFF)
def change_own_password():
    """Every member of staff can change their own password."""
    form = ChangePasswordForm()
    user: User = current_user._get_current_object()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            try:
                set_password(user, form.new.data)
            except AccountError:
                form.new.errors.append(_("Please choose a longer password."))
            else:
                start_staff_session(user)  # stay signed in here; other sessions end
                flash(_("Your password is changed."), "success")
                return redirect(url_for("main.home"))
    return render_template("admin/change_password.html", form=form), 422 if form.errors else 200
