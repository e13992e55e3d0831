"""Role checks in one place."""

from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager
from app.models import Role

STAFF = (Role.RECRUITER, Role.ADMIN)


def role_required(*roles: Role):
    """Only signed-in staff with one of ``roles`` get through; others are sent to sign in (or get 403)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorate


def only_for(blueprint: Blueprint, *roles: Role) -> None:
    """Every page of ``blueprint`` is for ``roles`` only, whatever its view declares, checked before the view
    (and its form) runs."""
    blueprint.before_request(role_required(*roles)(lambda: None))
