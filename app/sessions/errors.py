"""The planning rules' refusals: each carries the message the recruiter reads."""

from typing import TYPE_CHECKING

from app.core.errors import DomainError
from app.i18n import _l

if TYPE_CHECKING:
    from app.sessions.changes import LayoutChange


class SessionError(DomainError):
    """A planning rule said no; ``message`` is what the recruiter reads."""


SessionLocked = SessionError.refusal("SessionLocked", _l(
    "This feedback hour has begun or is over, or it was cancelled: it can no longer be changed."))
WrongStatus = SessionError.refusal("WrongStatus", _l("This is not possible in the feedback hour's current state."))


class ChangedMeanwhile(SessionError):
    """Bookings changed between the confirmation page and the decision: the recruiter must look again."""

    message = _l("Bookings changed in the meantime. Please look at the list again before you decide.")

    def __init__(self, change: "LayoutChange | None" = None, message=None):
        super().__init__(message)
        self.change = change


class DecisionNeeded(SessionError):
    """The change would remove booked slots: the recruiter must choose what happens to them first."""

    message = _l("This change removes booked conversations. Please choose what happens to them.")

    def __init__(self, change: "LayoutChange"):
        super().__init__()
        self.change = change
