"""Pure readers of what applicant tracking systems send: JSON in, the candidate's fields out (as text,
to be checked like a CSV row). They touch no database."""

import re
from datetime import datetime

# Greenhouse's stage names are the customer's own ("Application Review", "Phone Screen", "Face to Face",
# "Take Home Test", "Offer"): these words decide the portal's stage, in this order; anything else is a
# rejection after the CV screening.
_PHONE_WORDS = ("phone", "telefo", "call")
_INTERVIEW_WORDS = ("interview", "face to face", "onsite", "on-site", "gesprek", "assessment", "test", "case",
                    "reference", "offer", "final", "panel")
_REASON_WORDS = (
    ("experience", ("experience", "ervaring", "junior", "senior")),
    ("qualifications", ("qualification", "diploma", "degree", "education", "certif", "opleiding")),
    ("skills", ("skill", "vaardig", "competen", "technical")),
    ("team_fit", ("team", "culture", "fit")),
)


def greenhouse_stage(name: str) -> str:
    words = (name or "").casefold()
    if any(word in words for word in _PHONE_WORDS):
        return "phone"
    if any(word in words for word in _INTERVIEW_WORDS):
        return "interview"
    return "cv_screening"


def greenhouse_reason(name: str) -> str:
    words = (name or "").casefold()
    if not words:
        return ""
    for reason, hints in _REASON_WORDS:
        if any(hint in words for hint in hints):
            return reason
    return "other"


def _moment(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _email(candidate: dict) -> str:
    addresses = [a for a in candidate.get("email_addresses") or [] if isinstance(a, dict) and a.get("value")]
    personal = [a for a in addresses if a.get("type") == "personal"]
    return str((personal or addresses or [{"value": ""}])[0]["value"])


def greenhouse_rejection(body: dict) -> tuple[str, dict | None, datetime | None]:
    """From Greenhouse's ``reject_candidate`` web hook: the application's id (the external id), the
    candidate's fields as text (None for a prospect without a job: nobody to invite) and ``rejected_at``.
    Names and the department come from the payload; the stage from the current stage's name; the reason
    from the rejection reason's name; the language is left to the integration's default."""
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    application = payload.get("application") if isinstance(payload.get("application"), dict) else {}
    candidate = application.get("candidate") if isinstance(application.get("candidate"), dict) else {}
    jobs = [job for job in application.get("jobs") or [] if isinstance(job, dict)]
    raw_id = application.get("id")
    external_id = str(raw_id) if isinstance(raw_id, int | str) and not isinstance(raw_id, bool) else ""
    rejected_at = _moment(application.get("rejected_at"))
    if not jobs:
        return external_id, None, rejected_at
    job = jobs[0]
    departments = [d for d in job.get("departments") or [] if isinstance(d, dict)]
    stage = application.get("current_stage") if isinstance(application.get("current_stage"), dict) else {}
    reason = application.get("rejection_reason") if isinstance(application.get("rejection_reason"), dict) else {}
    name = " ".join(str(part) for part in (candidate.get("first_name"), candidate.get("last_name")) if part)
    values = {
        "name": name,
        "email": _email(candidate),
        "vacancy": str(job.get("name") or ""),
        "department": str(departments[0].get("name") or "") if departments else "",
        "stage": greenhouse_stage(str(stage.get("name") or "")),
        "rejected_on": application.get("rejected_at") or "",
        "rejection_reason": greenhouse_reason(str(reason.get("name") or "")),
        "phone": _phone(candidate),
    }
    return external_id, values, rejected_at


_PHONE = re.compile(r"\+?[0-9 ()./-]{6,40}")


def _phone(candidate: dict) -> str:
    """Greenhouse's first phone number of the candidate that reads as one (else none: a number written
    otherwise must not make the rejection itself fail)."""
    numbers = [str(n["value"]).strip() for n in candidate.get("phone_numbers") or []
               if isinstance(n, dict) and n.get("value")]
    return next((n for n in numbers if _PHONE.fullmatch(n)), "")
