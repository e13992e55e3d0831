"""What the talent pool refuses, each with the message a person reads."""

from app.core.errors import DomainError
from app.i18n import _l


class TalentError(DomainError):
    """Something asked for cannot be done; ``message`` says why."""

    message = _l("This cannot be done.")


class UnknownEmail(TalentError):
    message = _l("There is no earlier candidate with this e-mail address. Check the address for typing errors.")


class UnreasonableDate(TalentError):
    message = _l("This date is not plausible. Check the day, month and year.")


class AlreadyRecorded(TalentError):
    message = _l("This is already recorded.")


class TagInvalid(TalentError):
    message = _l("Enter a tag of at most 100 characters.")


class DuplicateTag(TalentError):
    message = _l("This member already has that tag.")


class AlreadyMember(TalentError):
    message = _l("You are already in our talent pool.")


class NotMember(TalentError):
    message = _l("You are not in our talent pool (any more).")


class AlreadyAsked(TalentError):
    message = _l("The candidate has already been asked and has not answered yet.")


class NoOpenRequest(TalentError):
    message = _l("There is no open question about the talent pool (any more).")
