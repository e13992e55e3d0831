"""The talent pool and what came of earlier candidates.

A member is a candidate whose consent was given, not withdrawn and not yet expired. Consent is
asked, never assumed, and lasts twelve months: the candidate joins from their link or the booking
form, or answers a recruiter's question sent by e-mail after the conversation (yes or no). A month
before it ends the member is asked once to renew, and a withdrawal ends it at once. Consent belongs to
the person, so renewing or withdrawing from one personal link acts on every membership held under the
same e-mail address.

Re-applications and hires are recorded for any earlier candidate, found by e-mail address; a hire
counts for the feedback hour only when the person attended a conversation before starting.

The modules: ``periods`` (consent periods, the person behind candidate rows), ``members`` (the pool for
recruiters), ``records`` (re-applications and hires), ``consent`` and ``renewal``; ``errors`` holds what they
refuse. Views turn the exceptions into messages. Nothing here commits.
"""

from app.talent.services.consent import (
    current_membership,
    decline,
    join_pool,
    last_answer,
    open_request,
    renew_consent,
    request_consent,
    withdraw_consent,
)
from app.talent.services.errors import (
    AlreadyAsked,
    AlreadyMember,
    AlreadyRecorded,
    DuplicateTag,
    NoOpenRequest,
    NotMember,
    TagInvalid,
    TalentError,
    UnknownEmail,
    UnreasonableDate,
)
from app.talent.services.members import (
    PAGE_SIZE,
    SOURCES,
    TAG_KINDS,
    TAG_MAX_LENGTH,
    MemberHistory,
    MemberRow,
    add_tag,
    filter_choices,
    get_member,
    list_members,
    member_history,
    remove_tag,
)
from app.talent.services.periods import (
    CONSENT_MONTHS,
    RENEWAL_NOTICE_MONTHS,
    add_months,
    expiring_soon,
    is_current,
    person_ids,
    same_email,
    same_text,
)
from app.talent.services.records import (
    HIRE_AHEAD_DAYS,
    OLDEST_RECORD_YEARS,
    RecordRow,
    attended_before,
    find_earlier_candidate,
    recent_records,
    record_hire,
    record_reapplication,
    today_local,
)
from app.talent.services.renewal import (
    queue_pool_renewals,
)

__all__ = [
    "AlreadyAsked",
    "AlreadyMember",
    "AlreadyRecorded",
    "CONSENT_MONTHS",
    "DuplicateTag",
    "HIRE_AHEAD_DAYS",
    "MemberHistory",
    "MemberRow",
    "NoOpenRequest",
    "NotMember",
    "OLDEST_RECORD_YEARS",
    "PAGE_SIZE",
    "RENEWAL_NOTICE_MONTHS",
    "RecordRow",
    "SOURCES",
    "TAG_KINDS",
    "TAG_MAX_LENGTH",
    "TagInvalid",
    "TalentError",
    "UnknownEmail",
    "UnreasonableDate",
    "add_months",
    "add_tag",
    "attended_before",
    "current_membership",
    "decline",
    "expiring_soon",
    "filter_choices",
    "find_earlier_candidate",
    "get_member",
    "is_current",
    "join_pool",
    "last_answer",
    "list_members",
    "member_history",
    "open_request",
    "person_ids",
    "queue_pool_renewals",
    "recent_records",
    "record_hire",
    "record_reapplication",
    "remove_tag",
    "renew_consent",
    "request_consent",
    "same_email",
    "same_text",
    "today_local",
    "withdraw_consent",
]
