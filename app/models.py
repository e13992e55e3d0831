"""The portal's data: feedback sessions and their slots, candidates, their personal links,
bookings, the waitlist, the mail outbox and an anonymous event log for the figures."""

import enum
import uuid
from datetime import date, datetime
from email.utils import parseaddr

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.i18n import _l


def _enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: a short string with a check constraint on every database."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )



def trigram_index(name: str, column: str) -> sa.Index:
    """A pg_trgm GIN index on ``column`` for searching a piece of text anywhere in it (ILIKE '%…%'), on
    PostgreSQL only: SQLite has no such index and scans (migration 0011 creates it, where pg_trgm can be)."""
    return sa.Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}).ddl_if(
        dialect="postgresql")


def made_on(schema_item, dialect_name: str) -> bool:
    """Whether the models make ``schema_item`` on a database of ``dialect_name`` (``trigram_index``: only on
    PostgreSQL)."""
    condition = getattr(schema_item, "_ddl_if", None)
    return condition is None or condition.dialect in (None, dialect_name)


def on_this_database(dialect_name: str):
    """Alembic's ``include_object`` for comparing the models with a database of ``dialect_name``: an index the
    models declare for another database only is no difference."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        return made_on(obj, dialect_name) and (compare_to is None or made_on(compare_to, dialect_name))

    return include


class Labelled(enum.StrEnum):
    """An enum whose members carry what a person reads, ``BOOKED = "booked", _l("Booked")``: the code is
    stored, ``member.label`` is shown (app/labels.py makes the tables the pages and filters use)."""

    label: str

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class FeedbackSessionStatus(Labelled):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CLOSED = "closed", _l("Closed")
    CANCELLED = "cancelled", _l("Cancelled")


class Stage(Labelled):
    CV_SCREENING = "cv_screening", _l("CV screening")
    PHONE = "phone", _l("Phone interview")
    INTERVIEW = "interview", _l("Interview")


class BookingStatus(Labelled):
    BOOKED = "booked", _l("Booked")
    CANCELLED = "cancelled", _l("Cancelled")
    ATTENDED = "attended", _l("Attended")
    NO_SHOW = "no_show", _l("No-show")


class WaitlistStatus(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    BOOKED = "booked"
    LEFT = "left"


class OutboxStatus(Labelled):
    PENDING = "pending", _l("Waiting")
    SENDING = "sending", _l("Sending")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed")


class Topic(Labelled):
    WENT_WELL = "went_well", _l("What went well")
    IMPROVE = "improve", _l("Points to improve")
    CV_PROFILE = "cv_profile", _l("CV and online profile")
    OTHER = "other", _l("Something else")


class CallOutcome(Labelled):
    """How a call after an interview went."""

    REACHED = "reached", _l("Reached")
    NOT_REACHED = "not_reached", _l("Not reached")
    CALL_BACK = "call_back", _l("Call back at")


class AdviceField(Labelled):
    """The field of work an advice snippet is written for; ANY fits every vacancy."""

    ANY = "any", _l("Any field")
    IT = "it", _l("IT")
    SALES = "sales", _l("Sales")
    CARE = "care", _l("Care")


class Role(Labelled):
    RECRUITER = "recruiter", _l("Recruiter")
    HR = "hr", _l("HR")
    ADMIN = "admin", _l("Administrator")


class RoleSource(Labelled):
    """Who decides a member of staff's role: an administrator in the portal, or the organisation's groups
    at each sign-in through its identity provider (OIDC_ROLE_MAP). Never both: see app/auth/oidc.py."""

    PORTAL = "portal", _l("the portal")
    GROUPS = "groups", _l("the organisation's groups")


class FollowUp(Labelled):
    """What happens when an integration brings in a rejection: the recruiter writes the personal line, or
    the stage's default rejection e-mail goes out by itself after the integration's delay."""

    PERSONAL_LINE = "personal_line", _l("Waits for a personal line")
    AUTOMATIC = "automatic", _l("Default e-mail by itself")


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class ConversationMode(Labelled):
    """How a conversation takes place: at the session's location, by its video link, or by phone (the
    recruiter calls the number the candidate gave)."""

    ON_SITE = "on_site", _l("On site")
    VIDEO = "video", _l("Video call")
    PHONE = "phone", _l("Phone call")


class CancelReason(Labelled):
    """Why a candidate cancelled, if they said: a small fixed list, counted anonymously in the HR figures."""

    NO_LONGER_NEEDED = "no_longer_needed", _l("I no longer need the conversation")
    TIME_UNSUITABLE = "time_unsuitable", _l("The time no longer suits me")
    FOUND_JOB = "found_job", _l("I have found a job")
    OTHER = "other", _l("Another reason")


class PoolSource(enum.StrEnum):
    BOOKING = "booking"
    RECRUITER = "recruiter"
    LINK = "link"


class User(UserMixin, db.Model):
    """A member of staff: recruiter, HR or admin. Candidates have no account."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # What the candidate reads beside the first name of the recruiter they meet, e.g. "Recruiter, nursing".
    job_title: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True)
    # Changes whenever the password or role changes, so that older login sessions stop working.
    session_version: Mapped[int] = mapped_column(default=0)
    # The secret of the recruiter's calendar feed; only its hash is kept.
    feed_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Signing in with the organisation's account (OpenID Connect): the provider's issuer and its stable id
    # of the person, linked at the first such sign-in.
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(300))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))
    # Who decides the role (RoleSource), and what the organisation's groups said at the last sign-in.
    role_source: Mapped[RoleSource] = mapped_column(
        _enum(RoleSource, "user_role_source"), default=RoleSource.PORTAL, server_default=RoleSource.PORTAL.value)
    group_role: Mapped[Role | None] = mapped_column(_enum(Role, "user_group_role"))

    __table_args__ = (sa.Index("uq_user_account_oidc_identity", "oidc_issuer", "oidc_subject", unique=True),)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class StaffSession(db.Model):
    """One sign-in of a member of staff, from signing in until signing out, a timeout or a password or
    role change. The browser holds a random id in its (signed) session cookie; only its SHA-256 is kept.
    The row exists while the session may be used: signing out deletes it."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


feedback_session_host = sa.Table(
    "feedback_session_host",
    db.metadata,
    sa.Column("feedback_session_id", sa.ForeignKey("feedback_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class FeedbackSession(db.Model):
    """One monthly feedback hour: a day with a start, an end and slots in between."""

    __tablename__ = "feedback_session"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 120", name="slot_minutes_range"),
        sa.CheckConstraint("offers_on_site OR offers_video OR offers_phone", name="offers_a_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_minutes: Mapped[int] = mapped_column(default=15)
    # Breaks as local times, e.g. [["17:00", "17:15"]]: no slot starts inside one.
    breaks: Mapped[list] = mapped_column(sa.JSON, default=list)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    video_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # How candidates may talk in this session (ConversationMode): at least one.
    offers_on_site: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    offers_video: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    offers_phone: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[FeedbackSessionStatus] = mapped_column(
        _enum(FeedbackSessionStatus, "session_status"), default=FeedbackSessionStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    slots: Mapped[list["Slot"]] = relationship(
        back_populates="feedback_session", order_by="Slot.starts_at", cascade="all, delete-orphan"
    )
    hosts: Mapped[list[User]] = relationship(secondary=feedback_session_host, order_by="User.name")

    @property
    def modes(self) -> list[ConversationMode]:
        """The ways of talking this session offers, in a fixed order."""
        offered = (self.offers_on_site, self.offers_video, self.offers_phone)
        return [mode for mode, on in zip(ConversationMode, offered, strict=True) if on]

    @property
    def places(self) -> int:
        """How many conversations fit at each time: one per host, one when nobody is named yet."""
        return max(1, len(self.hosts))


class Slot(db.Model):
    """A time of ``slot_minutes`` within a session; holds one active booking per host (one when the session
    names no host)."""

    __tablename__ = "slot"
    __table_args__ = (
        sa.UniqueConstraint("feedback_session_id", "starts_at", name="uq_slot_session_start"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_session.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    feedback_session: Mapped[FeedbackSession] = relationship(back_populates="slots")


PERSONAL_LINE_MAX = 1000  # characters of the recruiter's personal line in a rejection e-mail


class Candidate(db.Model):
    """A rejected applicant. Has no account: reaches the portal through an invitation link."""

    __tablename__ = "candidate"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random, meaningless key that the anonymous event log uses instead of the person.
    ref: Mapped[str] = mapped_column(sa.String(32), unique=True, default=lambda: uuid.uuid4().hex)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320), index=True)
    vacancy: Mapped[str] = mapped_column(sa.String(200))
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "candidate_stage"))
    rejected_on: Mapped[date] = mapped_column(sa.Date)
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(100))
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the rejection e-mail with the personal link was queued, and the one gentle reminder after it.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invite_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Brought in by an integration (an applicant tracking system): which one, and its own id of the
    # application, by which sending the same rejection again updates this candidate instead of adding one.
    integration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("integration.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(100))
    # When the stage's default rejection e-mail goes out by itself (the integration's automatic follow-up);
    # None when a recruiter writes the personal line (or stopped the automatic e-mail).
    auto_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The phone number, when the applicant tracking system gave one (for the call after an interview).
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    # The recruiter's personal line for the rejection e-mail, when the import brought one: the rejection pages
    # start from it, and the e-mail to everyone not invited yet sends it.
    personal_line: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.Index("uq_candidate_integration_external_id", "integration_id", "external_id", unique=True),
        # The candidate list: newest rejection first, whole or by vacancy or department (migration 0011).
        sa.Index("ix_candidate_rejected_on_id", "rejected_on", "id"),
        sa.Index("ix_candidate_vacancy_rejected_on_id", "vacancy", "rejected_on", "id"),
        sa.Index("ix_candidate_department_rejected_on_id", "department", "rejected_on", "id"),
        trigram_index("ix_candidate_name_trgm", "name"),
        trigram_index("ix_candidate_email_trgm", "email"),
        # A whole address as the search term: that address, whatever its case (migration 0014).
        sa.Index("ix_candidate_email_lower", sa.text("lower(email)")),
    )

    integration: Mapped["Integration | None"] = relationship()
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="Invitation.created_at"
    )
    bookings: Mapped[list["Booking"]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="Booking.created_at"
    )
    calls: Mapped[list["CallRecord"]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="CallRecord.called_at"
    )

    @property
    def first_name(self) -> str:
        return first_name(self.name)


def first_name(name: str) -> str:
    """How the portal greets someone: the first word of their name."""
    return name.split()[0] if name.strip() else name


class Invitation(db.Model):
    """A personal link. Its token is an HMAC of a random ``nonce`` under the server's secret key
    (app/tokens.py); only the token's SHA-256 and the nonce are stored, so the database alone holds no
    working link, while the portal can send the same link again. Links made before nonces existed have none."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(sa.String(43))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship(back_populates="invitations")


ACTIVE_BOOKING = sa.text("status <> 'cancelled'")
CONSENT_STANDS = sa.text("consented_at IS NOT NULL AND withdrawn_at IS NULL")
OPEN_BOOKING = sa.text("status = 'booked'")
ACTIVE_UNHOSTED = sa.text("status <> 'cancelled' AND host_id IS NULL")
ACTIVE_HOSTED = sa.text("status <> 'cancelled' AND host_id IS NOT NULL")


class Booking(db.Model):
    """A candidate's conversation in a slot with one of the session's hosts. The database allows one active
    booking per slot and host (per slot, when nobody hosts)."""

    __tablename__ = "booking"
    __table_args__ = (
        sa.Index(
            "uq_booking_active_slot", "slot_id", unique=True,
            sqlite_where=ACTIVE_UNHOSTED, postgresql_where=ACTIVE_UNHOSTED,
        ),
        sa.Index(
            "uq_booking_active_slot_host", "slot_id", "host_id", unique=True,
            sqlite_where=ACTIVE_HOSTED, postgresql_where=ACTIVE_HOSTED,
        ),
        sa.CheckConstraint("mode <> 'phone' OR phone <> ''", name="phone_for_phone_mode"),
        sa.Index(
            "uq_booking_open_candidate", "candidate_id", unique=True,
            sqlite_where=OPEN_BOOKING, postgresql_where=OPEN_BOOKING,
        ),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        sa.Index("ix_booking_status_candidate_id", "status", "candidate_id"),  # the candidate list (0011)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("slot.id", ondelete="RESTRICT"), index=True)
    # The recruiter the candidate talks to, one of the session's hosts; None when the session names none.
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # How the candidate chose to talk, and, for a phone call, the number the recruiter calls (personal data:
    # erased with the booking).
    mode: Mapped[ConversationMode] = mapped_column(
        _enum(ConversationMode, "booking_mode"), default=ConversationMode.ON_SITE,
        server_default=ConversationMode.ON_SITE.value)
    phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    # Why the candidate cancelled, if they said (CancelReason value), else "".
    cancel_reason: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    status: Mapped[BookingStatus] = mapped_column(
        _enum(BookingStatus, "booking_status"), default=BookingStatus.BOOKED
    )
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    question: Mapped[str] = mapped_column(sa.Text, default="")
    # The calendar invitation's identity: the same UID for every update, a higher SEQUENCE each time.
    uid: Mapped[str] = mapped_column(sa.String(100), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outcome, recorded by the recruiter after the conversation.
    cancelled_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    suitable_after_all: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    follow_up_action: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    follow_up_on: Mapped[date | None] = mapped_column(sa.Date)
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    survey_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship(back_populates="bookings")
    slot: Mapped[Slot] = relationship()
    host: Mapped[User | None] = relationship()
    note: Mapped["PreparationNote | None"] = relationship(back_populates="booking", cascade="all, delete-orphan")


class PreparationNote(db.Model):
    """The recruiter's preparation, by the three talking points, plus free notes."""

    __tablename__ = "preparation_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    went_well: Mapped[str] = mapped_column(sa.Text, default="")
    why_not: Mapped[str] = mapped_column(sa.Text, default="")
    advice: Mapped[str] = mapped_column(sa.Text, default="")
    free_notes: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    booking: Mapped[Booking] = relationship(back_populates="note")


REACHED_CALL = sa.text("outcome = 'reached'")


class CallRecord(db.Model):
    """One phone call to a candidate rejected after an interview: whether they were reached (or asked to be
    called back, and when), the one or two points given, and whether they want the feedback hour as well.
    Personal data: erased with the candidate."""

    __tablename__ = "call_record"
    __table_args__ = (
        sa.CheckConstraint("(outcome = 'call_back') = (call_back_at IS NOT NULL)", name="call_back_has_time"),
        sa.CheckConstraint("outcome = 'reached' OR NOT wants_feedback_hour", name="wish_needs_reached"),
        # A candidate is reached once: two recruiters saving the same call at once cannot both count it.
        sa.Index("uq_call_record_reached_candidate", "candidate_id", unique=True,
                 sqlite_where=REACHED_CALL, postgresql_where=REACHED_CALL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[CallOutcome] = mapped_column(_enum(CallOutcome, "call_outcome"))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    call_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    points: Mapped[str] = mapped_column(sa.Text, default="")
    wants_feedback_hour: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    candidate: Mapped[Candidate] = relationship(back_populates="calls")
    recorded_by: Mapped[User | None] = relationship()


class AdviceSnippet(db.Model):
    """A reusable piece of advice for the written summary, in one language, for a field of work and one of
    the topics a candidate can choose. Retired snippets are no longer offered but stay for the audit log."""

    __tablename__ = "advice_snippet"
    __table_args__ = (sa.UniqueConstraint("language", "title", name="uq_advice_snippet_language_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    field: Mapped[AdviceField] = mapped_column(_enum(AdviceField, "advice_field"), default=AdviceField.ANY)
    topic: Mapped[Topic] = mapped_column(_enum(Topic, "advice_topic"))
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailTemplate(db.Model):
    """The editable rejection e-mail, one per language and stage. Placeholders: {name}, {vacancy}."""

    __tablename__ = "email_template"
    __table_args__ = (sa.UniqueConstraint("language", "stage", name="uq_email_template_language_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "template_stage"))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ImportMapping(db.Model):
    """Which field each column of a CSV file holds, as a recruiter chose it for a header line; used again
    for the next file with the same headers. Keyed by ``csv_import.header_key`` (the SHA-256 of the header
    names without case, accents or punctuation): column names only, never a candidate's data."""

    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    header_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    headers: Mapped[list] = mapped_column(sa.JSON)
    targets: Mapped[list] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PoolMembership(db.Model):
    """Consent to stay in the talent pool: asked, never assumed; lasts 12 months."""

    __tablename__ = "pool_membership"
    __table_args__ = (
        # The pool list, the most recent consent first: only the memberships that may still count (0011).
        sa.Index("ix_pool_membership_consented_current", "consented_at", "id",
                 sqlite_where=CONSENT_STANDS, postgresql_where=CONSENT_STANDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    source: Mapped[PoolSource] = mapped_column(_enum(PoolSource, "pool_source"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    renewal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship()


class FeedbackRule(db.Model):
    """A rule for the feedback checker that an admin added on top of the shipped data files."""

    __tablename__ = "feedback_rule"
    __table_args__ = (sa.CheckConstraint("syntax IN ('words', 'regex')", name="syntax_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    category: Mapped[str] = mapped_column(sa.String(30))
    pattern: Mapped[str] = mapped_column(sa.String(300))
    suggestion: Mapped[str] = mapped_column(sa.String(500))
    # "words": a word pattern (app/checker/patterns.py); "regex": a regular expression on the text, as
    # rules were written before the checker read words (kept working as they were).
    syntax: Mapped[str] = mapped_column(sa.String(10), default="words", server_default="words")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WaitlistEntry(db.Model):
    """A candidate waiting for a free slot; offers go out first come, first served."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        sa.Index(
            "uq_waitlist_entry_open_candidate", "candidate_id", unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'offered')"),
            postgresql_where=sa.text("status IN ('waiting', 'offered')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    status: Mapped[WaitlistStatus] = mapped_column(
        _enum(WaitlistStatus, "waitlist_status"), default=WaitlistStatus.WAITING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship()


def _bare_address(context) -> str:
    return parseaddr(context.get_current_parameters().get("to_address") or "")[1]


class OutboxMessage(db.Model):
    """An e-mail, written in the same transaction as the change that caused it; the worker sends it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # The outbox list: newest first, by state or kind, searched by address or subject (migration 0011).
        sa.Index("ix_outbox_message_status_id", "status", "id"),
        sa.Index("ix_outbox_message_kind_id", "kind", "id"),
        trigram_index("ix_outbox_message_to_address_trgm", "to_address"),
        trigram_index("ix_outbox_message_subject_trgm", "subject"),
        # A whole address as the search term: the messages to that address, newest first (migration 0014).
        sa.Index("ix_outbox_message_to_email_lower_id", sa.text("lower(to_email)"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    candidate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("candidate.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(sa.String(320))
    # The bare address of ``to_address`` (which holds the name too: "Name <address>"), for the search by a
    # whole address; taken from ``to_address`` when the row is written.
    to_email: Mapped[str] = mapped_column(sa.String(320), default=_bare_address, server_default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    ics: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    ics_method: Mapped[str | None] = mapped_column(sa.String(10))
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The e-mail's Message-ID, the same at every attempt: a copy sent twice (a worker killed between the
    # server's "accepted" and recording it) is recognisably the same e-mail to servers and mail programs.
    message_id: Mapped[str | None] = mapped_column(sa.String(250), unique=True, index=True)
    # Which worker holds the lease ("host:pid"), so that a restarted worker takes its own back at once.
    locked_by: Mapped[str | None] = mapped_column(sa.String(100))


class MailServerStatus(db.Model):
    """Whether the mail worker can reach the mail server (one row). While it cannot connect or sign in (a
    wrong password, refused encryption, an unreachable host), sending pauses and every e-mail waits;
    the outbox page says why. A failure of one message is recorded on that message instead."""

    __tablename__ = "mail_server_status"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problem: Mapped[str | None] = mapped_column(sa.String(20))  # a MailProblem value
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LinkRequest(db.Model):
    """Someone asked for their personal link again on the public form. The request only records the
    address, the same for every address; the mail worker answers it (app/main/services.py) and deletes it."""

    __tablename__ = "link_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Event(db.Model):
    """One step of a candidate's way through the feedback hour, kept without personal data."""

    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_kind_occurred", "kind", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    candidate_ref: Mapped[str] = mapped_column(sa.String(32), index=True)
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    vacancy: Mapped[str] = mapped_column(sa.String(200), default="")
    stage: Mapped[str] = mapped_column(sa.String(20), default="")
    reason: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # A fixed code that belongs to the event, never free text: why a candidate cancelled (CancelReason).
    detail: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    rejected_on: Mapped[date | None] = mapped_column(sa.Date)
    feedback_session_id: Mapped[int | None] = mapped_column()
    # A number that belongs to the event: a survey score, or the minutes a conversation took.
    value: Mapped[int | None] = mapped_column()
    # The member of staff involved (e.g. the host of the conversation), never the candidate.
    user_id: Mapped[int | None] = mapped_column()


class StatMonth(db.Model):
    """The event log rolled up per calendar month (Amsterdam), so that the HR figures stay fast at any size.

    One row per month, kind of event and breakdown: ``dimension`` is "all" or what the row splits by
    (department, vacancy, stage, reason, session, recruiter, attributed, invite_speed, nps) and
    ``dim_value`` its value. ``people`` counts candidates whose FIRST event of that kind fell in the month,
    so months add up to distinct people. Kept up to date by app.events; rebuilt from the log by
    ``flask --app wsgi stats rebuild``.
    """

    __tablename__ = "stat_month"
    __table_args__ = (
        sa.UniqueConstraint("month", "kind", "dimension", "dim_value", name="uq_stat_month_key"),
        # Every dashboard query picks one breakdown and one or a few kinds over a range of months.
        sa.Index("ix_stat_month_dimension_kind_month", "dimension", "kind", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(30))
    dimension: Mapped[str] = mapped_column(sa.String(20))
    dim_value: Mapped[str] = mapped_column(sa.String(200))
    people: Mapped[int] = mapped_column(default=0)
    value_sum: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    value_n: Mapped[int] = mapped_column(default=0)


class PoolTag(db.Model):
    """A recruiter's tag on a talent-pool member: a skill or a preferred department."""

    __tablename__ = "pool_tag"
    __table_args__ = (
        sa.UniqueConstraint("membership_id", "kind", "value", name="uq_pool_tag_membership_kind_value"),
        sa.Index("ix_pool_tag_kind_value", "kind", "value"),  # the pool's filter choices (migration 0011)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("pool_membership.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # "skill" or "department"
    value: Mapped[str] = mapped_column(sa.String(100))


class Reapplication(db.Model):
    """An earlier candidate applied again."""

    __tablename__ = "reapplication"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    vacancy: Mapped[str] = mapped_column(sa.String(200))
    applied_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Hire(db.Model):
    """An earlier candidate was hired; attributed to the feedback hour if they had a conversation before."""

    __tablename__ = "hire"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(200))
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date] = mapped_column(sa.Date)
    attributed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(db.Model):
    """The candidate's two answers after the conversation."""

    __tablename__ = "survey_response"
    __table_args__ = (
        sa.CheckConstraint("useful BETWEEN 1 AND 5", name="useful_range"),
        sa.CheckConstraint("recommend BETWEEN 0 AND 10", name="recommend_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    useful: Mapped[int] = mapped_column()
    recommend: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(db.Model):
    """Who did what to personal data, and when; never the content of notes."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_at", "at"),
        # The audit log: newest first, by action, searched by the person's address (migration 0011).
        sa.Index("ix_audit_entry_action_id", "action", "id"),
        trigram_index("ix_audit_entry_user_email_trgm", "user_email"),
        # A whole address as the person: that person's entries, newest first (migration 0014).
        sa.Index("ix_audit_entry_user_email_lower_id", sa.text("lower(user_email)"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept as plain values so that the log outlives the account and the candidate.
    user_id: Mapped[int | None] = mapped_column()
    user_email: Mapped[str] = mapped_column(sa.String(320), default="")
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(50), default="")
    target_id: Mapped[int | None] = mapped_column()
    detail: Mapped[str] = mapped_column(sa.String(500), default="")


class Integration(db.Model):
    """An applicant tracking system (or any other system) that sends rejections: through the API with its
    keys, or through its webhook signed with a shared secret. The recruiters choose what follows."""

    __tablename__ = "integration"
    __table_args__ = (sa.CheckConstraint("auto_send_delay_minutes BETWEEN 0 AND 10080", name="delay_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # In the webhook's address: /api/v1/webhooks/<kind>/<slug>.
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # The webhook's shared secret, encrypted under SECRET_KEY (app/secretbox.py).
    webhook_secret: Mapped[str] = mapped_column(sa.Text)
    follow_up: Mapped[FollowUp] = mapped_column(
        _enum(FollowUp, "integration_follow_up"), default=FollowUp.PERSONAL_LINE)
    auto_send_delay_minutes: Mapped[int] = mapped_column(default=120)
    # The candidates' language when the system does not send one.
    default_language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(db.Model):
    """A key of an integration for the API: shown once, only its SHA-256 kept; scoped; revocable."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(sa.ForeignKey("integration.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The key's first characters, which identify it on screen and in the audit log (not secret).
    prefix: Mapped[str] = mapped_column(sa.String(20), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(320), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    integration: Mapped[Integration] = relationship()


class WebhookReceipt(db.Model):
    """A signed webhook the portal accepted, remembered by a hash of its signature and body (no content) for
    as long as a copy could still pass the timestamp check: the same delivery sent again is a replay."""

    __tablename__ = "webhook_receipt"
    __table_args__ = (sa.UniqueConstraint("integration_id", "digest", name="uq_webhook_receipt_integration_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(sa.ForeignKey("integration.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


webhook_subscription = sa.Table(
    "webhook_subscription",
    db.metadata,
    sa.Column("endpoint_id", sa.ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("event", sa.String(40), primary_key=True),
)


class WebhookEndpoint(db.Model):
    """An address outside that the portal tells about events (bookings, conversations, the talent pool,
    hires), each delivery signed with the endpoint's secret."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    # Encrypted under SECRET_KEY (app/secretbox.py); shown to the administrator once.
    secret: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    # Set only by an administrator who means it: deliveries may go to loopback, private and link-local
    # addresses (an internal system). Off, such addresses are refused (server-side request forgery).
    allow_private_network: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list["WebhookDelivery"]] = relationship(back_populates="endpoint", passive_deletes=True)


class WebhookDelivery(db.Model):
    """One event for one endpoint, written in the same transaction as the change it announces; the worker
    delivers it, retrying with back-off, and the administrator sees its state."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoint.id", ondelete="RESTRICT"), index=True)
    event_id: Mapped[str] = mapped_column(sa.String(40))
    event_type: Mapped[str] = mapped_column(sa.String(40))
    # The JSON body exactly as it is sent (and signed) at every attempt.
    payload: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(sa.String(100))
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
