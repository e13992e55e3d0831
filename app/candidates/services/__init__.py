"""Rejected candidates: the list and its filters (``listing``), adding them by hand or from a CSV file
(``adding``), the rejection e-mail's editable templates per language and stage (``templates``), the rejection
e-mail with the personal link and the one gentle reminder to those who did nothing with it (``rejection``), and
that e-mail to everyone not invited yet at once (``bulk``). Views call these functions and turn their exceptions
(``errors``) into messages; none of them commits unless it says so."""

from app.candidates.csv_import import today_local
from app.candidates.services.adding import (
    ImportMode,
    add_candidate,
    discard_upload,
    import_candidates,
    load_upload,
    preview_import,
    remember_targets,
    remembered_targets,
    remove_stale_uploads,
    store_upload,
)
from app.candidates.services.bulk import (
    BULK_MAX,
    BulkRejection,
    bulk_rejection,
    checked,
    send_bulk_rejection,
    shown_warnings,
    sign_shown,
)
from app.candidates.services.errors import (
    AlreadyInvited,
    CandidateError,
    DuplicateCandidate,
    ImportExpired,
    NotAllRowsGood,
    PersonalLineMissing,
    TemplateInvalid,
)
from app.candidates.services.listing import (
    PAGE_SIZE,
    PROGRESS_LABELS,
    CandidateRow,
    Progress,
    candidate_row,
    filter_choices,
    get_candidates,
    list_candidates,
    sent_messages,
)
from app.candidates.services.rejection import (
    PERSONAL_LINE_MAX,
    Preview,
    RejectionEmail,
    RejectionWarnings,
    clean_personal_line,
    compose_rejection,
    compose_rejections,
    link_expiry,
    preview_link,
    preview_of,
    preview_rejection,
    previews_of,
    queue_invite_reminders,
    rejection_warnings,
    send_rejections,
)
from app.candidates.services.templates import (
    DEFAULT_TEMPLATES,
    DEFAULT_TEXTS_LANGUAGE,
    PLACEHOLDERS,
    TemplateText,
    all_templates,
    fill,
    get_template,
    placeholder_errors,
    reset_template,
    save_template,
    template_lookup,
    template_warnings,
)

__all__ = [
    "BULK_MAX", "BulkRejection", "bulk_rejection", "checked", "send_bulk_rejection", "shown_warnings", "sign_shown",
    "DEFAULT_TEMPLATES", "DEFAULT_TEXTS_LANGUAGE", "PAGE_SIZE", "PERSONAL_LINE_MAX", "PLACEHOLDERS", "PROGRESS_LABELS",
    "AlreadyInvited", "CandidateError", "CandidateRow", "DuplicateCandidate", "ImportExpired", "ImportMode",
    "NotAllRowsGood", "PersonalLineMissing", "Preview", "Progress", "RejectionEmail", "RejectionWarnings",
    "TemplateInvalid", "TemplateText",
    "add_candidate", "all_templates", "candidate_row", "clean_personal_line", "compose_rejection",
    "compose_rejections", "discard_upload", "fill", "filter_choices", "get_candidates", "get_template",
    "import_candidates", "link_expiry", "list_candidates", "load_upload", "placeholder_errors", "preview_import",
    "preview_link", "preview_of", "previews_of",
    "remember_targets", "remembered_targets", "preview_rejection", "queue_invite_reminders", "rejection_warnings",
    "remove_stale_uploads", "reset_template", "save_template", "send_rejections", "sent_messages", "store_upload",
    "template_lookup", "template_warnings", "today_local",
]
