"""What the candidates' services refuse, each with the message a recruiter reads."""

from app.core.errors import DomainError
from app.i18n import _l


class CandidateError(DomainError):
    """Something the recruiter asked for cannot be done; ``message`` says why."""


DuplicateCandidate = CandidateError.refusal("DuplicateCandidate", _l(
    "This person is already in the list for this vacancy."))
PersonalLineMissing = CandidateError.refusal("PersonalLineMissing", _l(
    "Write the personal line: something specific from the application and the concrete reason."))
AlreadyInvited = CandidateError.refusal("AlreadyInvited", _l(
    "This candidate has had the rejection e-mail already. Confirm to send it again with a new link."))
TemplateInvalid = CandidateError.refusal("TemplateInvalid", _l("The e-mail template has an error."))


class NotAllRowsGood(CandidateError):
    """'Import nothing unless all rows are good' was chosen and some rows are not."""


ImportExpired = CandidateError.refusal("ImportExpired", _l(
    "This upload is no longer available. Upload the file again."))
