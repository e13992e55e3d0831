"""Staff accounts, for admins: create, change role, deactivate, reset password."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import services
from app.admin.forms import EditUserForm, NewUserForm
from app.auth import oidc
from app.auth.decorators import only_for
from app.auth.staff_sessions import start_staff_session
from app.core.views import button_action, button_pressed_or_back
from app.models import Role, RoleSource, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
only_for(bp, Role.ADMIN)


def _get_user(user_id: int) -> User:
    return services.get_user(user_id) or abort(404)


@bp.get("/users")
def list_users():
    """Every staff account."""
    return render_template("admin/users.html", users=services.list_users(), form=NewUserForm())


@bp.post("/users")
def create_user():
    """Create an account with a temporary password, shown once."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user, password = services.create_account(form.email.data, form.name.data, Role(form.role.data))
        except services.AccountExists as error:
            form.email.errors.append(error.message)
        else:
            return render_template("admin/password_shown.html", user=user, password=password, created=True)
    return render_template("admin/users.html", users=services.list_users(), form=form), 422


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change someone's name or role."""
    user = _get_user(user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        source = RoleSource(form.role_source.data) if oidc.groups_decide_roles() else user.role_source
        # One source at a time: the role field applies only while the portal decides the role.
        role = Role(form.role.data) if source == RoleSource.PORTAL else user.role
        try:
            services.change_account(user, form.name.data, role, form.job_title.data or "")
        except services.LastAdmin as error:
            flash(error.message, "error")
        else:
            services.change_role_source(user, source)
            flash(_("The account of %(name)s is saved.", name=user.name), "success")
            return redirect(url_for(".list_users"))
    if not form.is_submitted():
        form.role.data = user.role.value
        form.role_source.data = user.role_source.value
    page = render_template("admin/user_edit.html", user=user, form=form, groups_decide=oidc.groups_decide_roles())
    return page, 422 if form.errors else 200


@bp.post("/users/<int:user_id>/active")
def toggle_user_active(user_id: int):
    """Deactivate an account (it can no longer sign in), or activate it again."""
    user = _get_user(user_id)
    return button_action(
        lambda: services.toggle_active(user),
        lambda _result: _("%(name)s can sign in again.", name=user.name) if user.active
        else _("%(name)s can no longer sign in.", name=user.name),
        refused=services.LastAdmin, back=url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    """Give someone a new temporary password, shown once; their open sessions end."""
    user = _get_user(user_id)
    button_pressed_or_back(url_for(".edit_user", user_id=user.id))
    password = services.reset_password(user)
    if user.id == current_user.id:
        start_staff_session(user)  # stay signed in here; other sessions end
    return render_template("admin/password_shown.html", user=user, password=password, created=False)
