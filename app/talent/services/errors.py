"""What the talent pool refuses, each with the message a person reads."""

from app.core.errors import DomainError
from app.i18n import _l


class TalentError(DomainError):
    """Something asked for cannot be done; ``message`` says why."""


UnknownEmail = TalentError.refusal("UnknownEmail", _l(
    "There is no earlier candidate with this e-mail address. Check the address for typing errors."))
UnreasonableDate = TalentError.refusal("UnreasonableDate", _l(
    "This date is not plausible. Check the day, month and year."))
AlreadyRecorded = TalentError.refusal("AlreadyRecorded", _l("This is already recorded."))
TagInvalid = TalentError.refusal("TagInvalid", _l("Enter a tag of at most 100 characters."))
DuplicateTag = TalentError.refusal("DuplicateTag", _l("This member already has that tag."))
AlreadyMember = TalentError.refusal("AlreadyMember", _l("You are already in our talent pool."))
NotMember = TalentError.refusal("NotMember", _l("You are not in our talent pool (any more)."))
AlreadyAsked = TalentError.refusal("AlreadyAsked", _l("The candidate has already been asked and has not answered yet."))
NoOpenRequest = TalentError.refusal("NoOpenRequest", _l("There is no open question about the talent pool (any more)."))
