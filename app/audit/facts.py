"""The audit log's details in words: each fact an entry may hold, its label and how its value reads."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from app.checker import CATEGORIES
from app.core.languages import language_name
from app.i18n import _l
from app.integrations.services import SCOPES
from app.labels import FOLLOW_UP, ROLE, ROLE_SOURCE, STAGE, label_of

HR_TABLE = {
    "funnel": _l("From rejection to rehire"),
    "department": _l("Per department"),
    "vacancy": _l("Per vacancy"),
    "stage": _l("By stage reached"),
    "reason": _l("By rejection reason"),
    "trend": _l("Month by month"),
    "seats": _l("Seat use of the most recent feedback hours"),
    "recruiters": _l("Recruiter time"),
}
SENT = {
    "summary": _l("Summary of the conversation"),
    "rejection": _l("Rejection e-mail"),
    "template": _l("E-mail template saved"),
}
ERASED_BECAUSE = {
    "retention": _l("The retention period ended"),
    "candidate": _l("At the candidate's request"),
    "staff": _l("On request, by staff"),
}
BY = {"candidate": _l("The candidate")}
SOURCE = {"greenhouse": _l("Greenhouse webhook"), "generic": _l("Webhook"), "api": _l("API")}
REQUEST = {"rejection": _l("A rejection"), "progress": _l("A candidate's progress")}
RESULT = {
    "created": _l("new candidate"),
    "updated": _l("candidate updated"),
    "unchanged": _l("nothing changed"),
    "refused": _l("refused"),
    "ignored": _l("left alone: not a rejection"),
    "read": _l("read"),
}


def _day(value) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), "medium")
    except ValueError:
        return str(value)


def _reader(reads):
    """How a fact's value reads: ``reads`` itself, or for a table, the labels of the value's codes."""
    if callable(reads):
        return reads
    table = reads

    def read(value) -> str:
        values = value if isinstance(value, list) else [value]
        return ", ".join(label_of(table, v) for v in values)

    return read


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


# fact: (label, how its value reads: a function, or the table of its labels), in the order they are shown
FACTS = {
    "sent": (_l("What"), SENT),
    "table": (_l("Table"), HR_TABLE),
    "first_day": (_l("From"), _day),
    "last_day": (_l("Until"), _day),
    "email": (_l("Account"), str),
    "role": (_l("Role"), ROLE),
    "from_role": (_l("Role before"), ROLE),
    "to_role": (_l("Role now"), ROLE),
    "role_source": (_l("Role decided by"), ROLE_SOURCE),
    "language": (_l("Language"), language_name),
    "stage": (_l("Stage"), STAGE),
    "warnings": (_l("Warnings"), CATEGORIES),
    "imported": (_l("Imported"), str),
    "skipped": (_l("Skipped"), str),
    "added": (_l("Added"), str),
    "removed": (_l("Removed"), str),
    "reason": (_l("Reason"), ERASED_BECAUSE),
    "by": (_l("By"), BY),
    "source": (_l("From"), SOURCE),
    "integration": (_l("Integration"), str),
    "request": (_l("Request"), REQUEST),
    "result": (_l("Result"), RESULT),
    "answer": (_l("The API's answer"), str),
    "external_id": (_l("External id"), str),
    "active": (_l("Active"), _yes_no),
    "new_secret": (_l("New secret"), _yes_no),
    "key": (_l("API key"), lambda prefix: f"{prefix}…"),
    "scopes": (_l("May"), SCOPES),
    "follow_up": (_l("Follow-up"), FOLLOW_UP),
    "delay_minutes": (_l("Minutes"), str),
    "url": (_l("Address"), str),
    "private": (_l("Private network allowed"), _yes_no),
}


def describe_facts(facts: dict) -> str:
    """``facts`` as "label: value · label: value" in the reader's language; an unknown fact by its value."""
    parts = [f"{label}: {_reader(reads)(facts[name])}" for name, (label, reads) in FACTS.items() if name in facts]
    parts += [str(value) for name, value in facts.items() if name not in FACTS]
    return " · ".join(parts)
