"""The base of every feature's exceptions."""

from app.i18n import _l


class DomainError(Exception):
    """A rule said no. ``message`` is what the person reads: the class's own, or one given when raised
    (made with ``_()``, as it may hold their data). Views turn it into a message on the page."""

    message = _l("That did not work. Please try again.")

    def __init__(self, message=None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
