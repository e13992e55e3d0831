"""What many views do the same way: the POST behind a button."""

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect

from app.core.forms import ActionForm


def button_action(action: Callable[[], Any], done: str | Callable[[Any], str], *, back: str,
                  refused: type[Exception] | tuple[type[Exception], ...] = (), done_category: str = "success"):
    """A button's POST (an ``ActionForm``, only its CSRF token): with a good token, ``action()`` and then
    ``done`` as a message (a text, or a function of what the action returned); a ``refused`` error (a
    ``DomainError``) shows its own message instead. Either way, back to ``back``."""
    if ActionForm().validate_on_submit():
        try:
            result = action()
        except refused as error:
            flash(str(error.message), "error")
        else:
            flash(done(result) if callable(done) else done, done_category)
    return redirect(back)


def button_pressed_or_back(back: str) -> None:
    """For a button whose POST shows a page (a secret shown once): go on only with a good CSRF token, else
    back to ``back``."""
    if not ActionForm().validate_on_submit():
        abort(redirect(back))
