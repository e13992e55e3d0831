"""The base of every feature's exceptions."""

import sys
from typing import Self

from app.i18n import _l


class DomainError(Exception):
    """A rule said no. ``message`` is what the person reads: the class's own, or one given when raised
    (made with ``_()``, as it may hold their data). Views turn it into a message on the page."""

    message = _l("That did not work. Please try again.")

    def __init__(self, message=None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message

    @classmethod
    def refusal(cls, name: str, message) -> type[Self]:
        """A named exception of this family that says ``message`` (a lazy string), for a refusal that needs
        nothing else: ``SameSlot = BookingError.refusal("SameSlot", _l("…"))`` is the class
        ``SameSlot(BookingError)`` with that message, caught by its name like any other."""
        module = sys._getframe(1).f_globals.get("__name__", __name__)
        return type(name, (cls,), {"message": message, "__module__": module, "__qualname__": name})
