"""The candidate's personal page, reached only through the link in their e-mail."""

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.booking import services
from app.booking.forms import (
    TOPIC_LABELS,
    BookingForm,
    CancelForm,
    RescheduleForm,
    TopicsForm,
)
from app.booking.free_times import free_slots_by_day, picker_choice
from app.core.views import button_action
from app.database import only_reads_from_here, reads_first, reads_without_transaction, utcnow, writes_from_here
from app.extensions import limiter
from app.i18n import current_language
from app.mail.notifications import booking_ics, calendar_links
from app.models import Booking, BookingStatus, Candidate
from app.talent import services as talent
from app.tokens import Link, booking_url, current_candidate, load_candidate_from_url

bp = Blueprint("booking", __name__, url_prefix="/b")
limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])(bp)
action_limit = limiter.limit(lambda: current_app.config["BOOKING_ACTION_RATE_LIMIT"])


bp.before_request(load_candidate_from_url)


_TOPIC_LABELS = {topic.value: label for topic, label in TOPIC_LABELS.items()}  # translated when shown


def _page(template: str, candidate: Candidate | Link, **context) -> str:
    """A page of the candidate's own: ``candidate`` is the link's ``Link`` where the page shows no more than
    it holds (the picker), else the candidate; ``booking`` (their open booking or None) is always given by
    the view, which has it already; ``in_pool`` only where the talent-pool offer is shown."""
    return render_template(
        template,
        candidate=candidate,
        token=g.token,
        topic_labels=_TOPIC_LABELS,
        closes_hours=current_app.config["BOOKING_CLOSES_HOURS"],
        **context,
    )


def _booking_ahead(candidate: Candidate) -> Booking:
    """The candidate's booking that lies ahead; without one the visitor is sent to their page."""
    booking = services.open_booking(candidate)
    if booking is None:
        abort(redirect(url_for(".show_booking", token=g.token)))
    return booking


def _in_pool() -> bool:
    return talent.current_membership(current_candidate()) is not None


@bp.get("/<token>")
@reads_without_transaction  # the page everyone opens at once when the rejection e-mails have gone out
def show_booking(token: str):
    """The candidate's page: their booking if they have one, otherwise the free slots or the waitlist."""
    link: Link = g.link
    now = utcnow()
    if not (link.has_open_booking or link.had_conversation):
        return _picker_page(None, now)  # most visits, and all of them when the e-mails have just gone out
    candidate = current_candidate()
    booking = next((b for b in candidate.bookings if b.status == BookingStatus.BOOKED), None)
    if booking is not None:
        return _manage_page(booking, now)
    past = [b for b in candidate.bookings if b.status in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)]
    return _page("booking/done.html", candidate, booking=None, past=past[-1], in_pool=_in_pool())


def _picker_page(form: BookingForm | None, now, status: int = 200):
    """The free times and the booking form: ``form`` as sent, or None for a page opened from the link
    (the template then shows the empty form, which it renders once per language)."""
    # Shown again after an attempt that failed (409, 422), the page reads the free times afresh: the
    # time just chosen may have been taken by someone served by another process.
    days = free_slots_by_day(now, fresh=status != 200)
    if days:
        # No booking yet: the picker, showing what was chosen if the form came back.
        choice = picker_choice(days, form.slot.data, form.day.data) if form else days.default_choice
        return _page("booking/pick.html", g.link, form=form, new_form=BookingForm, days=days, choice=choice,
                     booking=None), status
    # The waitlist is offered only when every time is taken.
    return _page(
        "booking/pick.html", g.link, form=form, days=days, booking=None,
        waitlist=services.waitlist_entry(current_candidate()),
    ), status


def _manage_page(booking: Booking, now, reschedule_form: RescheduleForm | None = None,
                 topics_form: TopicsForm | None = None, status: int = 200):
    can_change = services.is_open(booking.slot.feedback_session, now)
    days = free_slots_by_day(now, exclude_slot_id=booking.slot_id, fresh=status != 200) if can_change else ()
    chosen = reschedule_form is not None
    reschedule_form = reschedule_form or RescheduleForm()
    reschedule_form.booking.data, reschedule_form.sequence.data = booking.id, booking.sequence
    choice = picker_choice(days, reschedule_form.slot.data, reschedule_form.day.data) if chosen and days else None
    if topics_form is None:
        topics_form = TopicsForm(formdata=None, topics=booking.topics, question=booking.question)
    topics_form.booking.data, topics_form.sequence.data = booking.id, booking.sequence
    return _page(
        "booking/manage.html", current_candidate(), booking=booking, can_change=can_change, days=days,
        choice=choice or (days.default_choice if days else None), reschedule_form=reschedule_form,
        cancel_form=CancelForm(booking=booking.id, sequence=booking.sequence),
        topics_form=topics_form, calendar_links=calendar_links(booking),
    ), status


@bp.post("/<token>/book")
@action_limit
@reads_first
def book_slot(token: str):
    """Book the chosen slot with the chosen subjects."""
    link: Link = g.link
    form = BookingForm()
    now = utcnow()
    if not form.validate_on_submit():
        if link.has_open_booking:
            return redirect(url_for(".show_booking", token=token))
        return _picker_page(form, now, status=422)
    try:
        # When everyone books at once, most are too late for the time they chose: they learn it here,
        # from a read, and only the others go on to write (where the database still decides).
        services.check_still_free(link, form.slot.data)
        writes_from_here()
        services.book_slot(
            current_candidate(), form.slot.data, form.topics.data, form.question.data or "",
            mode=form.mode.data, phone=form.phone.data, token=token, language=current_language(), now=now,
            join_pool=form.pool_consent.data,
        )
    except services.AlreadyBooked:
        # Most often a double click: the first submit already booked. Show the booking as it stands.
        return redirect(url_for(".show_confirmation", token=token))
    except services.BookingError as exc:
        only_reads_from_here()  # nothing was booked: show the times still free without holding up other bookings
        flash(str(exc.message), _category(exc))
        return _picker_page(form, now, status=409)
    return redirect(url_for(".show_confirmation", token=token))


@bp.get("/<token>/confirmed")
def show_confirmation(token: str):
    """What the candidate sees right after booking."""
    candidate = current_candidate()
    booking = _booking_ahead(candidate)
    return _page("booking/confirmation.html", candidate, booking=booking, in_pool=_in_pool(),
                 calendar_links=calendar_links(booking))


@bp.get("/<token>/invite.ics")
def download_invite(token: str):
    """The current booking as a calendar file, for people who prefer to add it themselves."""
    booking = _booking_ahead(current_candidate())
    body = booking_ics(booking, "REQUEST", booking_url(token))
    return Response(
        body, mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="feedbackgesprek.ics"'},
    )


def _change_booking(token: str, form_class, page_form: str, change, *, nothing_to_change: str, done: str):
    """A change the candidate makes on their booking's page: ``change(booking, form, now)`` once ``form_class``
    is valid. With no booking (any more), or one changed meanwhile, back to the page as it stands; a rule that
    says no shows the form again with the reason, nothing saved."""
    booking = services.open_booking(current_candidate())
    now = utcnow()
    if booking is None:
        flash(nothing_to_change, "info")
        return redirect(url_for(".show_booking", token=token))
    form = form_class()
    if not form.validate_on_submit():
        return _manage_page(booking, now, **{page_form: form}, status=422)
    try:
        change(booking, form, now)
    except services.BookingChanged as exc:
        flash(str(exc.message), "info")
        return redirect(url_for(".show_booking", token=token))
    except services.BookingError as exc:
        only_reads_from_here()
        flash(str(exc.message), _category(exc))
        return _manage_page(services.open_booking(current_candidate()), now, **{page_form: form}, status=409)
    flash(done, "success")
    return redirect(url_for(".show_booking", token=token))


@bp.post("/<token>/reschedule")
@action_limit
def move_booking(token: str):
    """Move the booking to another free slot."""
    def move(booking: Booking, form: RescheduleForm, now: datetime) -> None:
        services.reschedule_booking(booking, form.slot.data, _expected_sequence(form, booking), token=token, now=now)

    return _change_booking(
        token, RescheduleForm, "reschedule_form", move,
        nothing_to_change=_("You have no booking to move (any more). This is how it stands now."),
        done=_("Your conversation has moved. We have sent you an updated calendar invitation."))


@bp.post("/<token>/topics")
@action_limit
def change_topics(token: str):
    """Change what the conversation is about, and the question, without moving it."""
    def change(booking: Booking, form: TopicsForm, now: datetime) -> None:
        services.change_topics(booking, form.topics.data, form.question.data or "", _expected_sequence(form, booking),
                               now=now)

    return _change_booking(
        token, TopicsForm, "topics_form", change,
        nothing_to_change=_("You have no booking to change (any more). This is how it stands now."),
        done=_("Saved. The recruiter will prepare for what you chose; your time stays the same."))


@bp.get("/<token>/cancel")
def confirm_cancellation(token: str):
    """Ask once more before cancelling."""
    candidate = current_candidate()
    booking = _booking_ahead(candidate)
    return _page("booking/cancel.html", candidate, booking=booking,
                 can_change=services.is_open(booking.slot.feedback_session, utcnow()),
                 cancel_form=CancelForm(booking=booking.id, sequence=booking.sequence))


@bp.post("/<token>/cancel")
@action_limit
def cancel_booking(token: str):
    """Cancel the booking; the slot is free again."""
    booking = services.open_booking(current_candidate())
    if booking is None:
        flash(_("There is no booking to cancel (any more). This is how it stands now."), "info")
        return redirect(url_for(".show_booking", token=token))
    form = CancelForm()
    if not form.validate_on_submit():
        return redirect(url_for(".show_booking", token=token))
    try:
        services.cancel_booking(booking, _expected_sequence(form, booking), token=token, reason=form.reason.data or "")
    except services.BookingError as exc:
        flash(str(exc.message), "error" if isinstance(exc, services.BookingClosed) else "info")
        return redirect(url_for(".show_booking", token=token))
    flash(_("Your conversation is cancelled. You can book a new time below whenever you like."), "success")
    return redirect(url_for(".show_booking", token=token))


@bp.post("/<token>/waitlist")
@action_limit
def join_waitlist(token: str):
    """Wait for a free place (someone who booked meanwhile is told so instead)."""
    return button_action(lambda: services.join_waitlist(current_candidate(), language=current_language()),
                         _("You are on the waitlist. We will e-mail you as soon as a place comes free."),
                         back=url_for(".show_booking", token=token), refused=services.AlreadyBooked)


@bp.post("/<token>/waitlist/leave")
@action_limit
def leave_waitlist(token: str):
    """Stop waiting."""
    return button_action(lambda: services.leave_waitlist(current_candidate()), _("You are no longer on the waitlist."),
                         back=url_for(".show_booking", token=token), done_category="info")


def _category(error: services.BookingError) -> str:
    """A time someone else took (or that closed) is news, not a mistake of the candidate's: a status message
    ("warning", read out politely), with the page showing what else there is; anything else is an error."""
    if isinstance(error, services.SlotTaken | services.SlotUnavailable | services.SlotClosedForBooking):
        return "warning"
    return "error"


def _expected_sequence(form: RescheduleForm | CancelForm | TopicsForm, booking: Booking) -> int | None:
    """The version of ``booking`` the form was made for; None (never current) if it was made for another
    booking, e.g. one the candidate cancelled before booking again, whose first version is also 0."""
    if _as_int(form.booking.data) != booking.id:
        return None
    return _as_int(form.sequence.data)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
