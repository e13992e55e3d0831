"""Role checks in one place."""

from functools import wraps

from flask import Blueprint, abort, current_app, g, request
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
    """Every page of ``blueprint`` is for ``roles`` only, checked before the view (and its form) runs. A view
    may narrow it further with its own ``role_required``; a page reached through a secret in its URL instead
    of a sign-in says so with ``reached_by_link``."""
    roles = tuple(roles)
    check = role_required(*roles)(lambda: None)
    _BLUEPRINT_ROLES[blueprint.name] = roles

    @blueprint.before_request
    def _only_for():
        if getattr(current_app.view_functions.get(request.endpoint or ""), "reached_by_link", False):
            return None
        g.page_roles = roles  # what app.security reads to keep the page out of a shared browser's cache
        return check()


def reached_by_link(view):
    """Marks a view of an ``only_for`` blueprint that a secret in its URL opens, for whoever holds the link."""
    view.reached_by_link = True
    return view


_BLUEPRINT_ROLES: dict[str, tuple[Role, ...]] = {}


def allowed_roles(endpoint: str) -> tuple[Role, ...]:
    """Who may open ``endpoint``: the roles of its own ``role_required``, else of its blueprint's ``only_for``;
    nothing for a page that needs no sign-in."""
    view = current_app.view_functions.get(endpoint)
    if view is None or getattr(view, "reached_by_link", False):
        return ()
    if getattr(view, "allowed_roles", None):
        return view.allowed_roles
    return _BLUEPRINT_ROLES.get(endpoint.rpartition(".")[0], ())
