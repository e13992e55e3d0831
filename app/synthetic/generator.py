"""The synthetic history itself, in chronological order: sessions, candidates and what became of them, and
the event log at the moment each step happened."""


import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.calls.duty import DECIDED_AT
from app.calls.workdays import call_due_on
from app.models import (
    Stage,
)
from app.sessions.layout import slot_times
from app.synthetic.rates import (
    CHUNK,
    DEPARTMENTS,
    EVENING,
    FIRST_NAMES,
    LAST_NAMES,
    RATES,
    REASONS,
    REF_PREFIX,
    SEASON,
    SKILLS,
    STAGES,
    SYNTHETIC_DOMAIN,
    SYNTHETIC_LOCATION,
    TOPIC_SETS,
    WHOLE_DAY,
    WRITE_ORDER,
    YEARS,
)
from app.synthetic.writing import BulkWriter, ensure_recruiters, next_ids, reset_sequences
from app.timeutil import from_local, local


@dataclass
class ScaleReport:
    """What was generated, and how long it took."""

    candidates: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n



def _utc(day: date, clock: time) -> datetime:
    """An Amsterdam wall-clock time as naive UTC: the generator's datetimes are naive UTC throughout."""
    return from_local(day, clock).replace(tzinfo=None)


def second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


@dataclass
class _SessionDay:
    """The feedback hour of one month: its sessions side by side, filled one after the other."""

    day: date
    starts_at: datetime
    slots: list[tuple[datetime, datetime]]
    # (session id, host id, slot ids), in the order they were opened.
    sessions: list[tuple[int, int, list[int]]] = field(default_factory=list)
    taken: int = 0


class Generator:
    def __init__(self, connection: sa.Connection, n: int, *, seed: int, until: date, say: Callable[[str], None]):
        self.connection, self.n, self.say = connection, n, say
        self.rng = random.Random(seed)
        self.today = until
        self.now = _utc(until, time(0, 0))  # the history ends where that day begins
        self.first_day = until - timedelta(days=round(365.25 * YEARS))
        self.report = ScaleReport()
        # In the order of the foreign keys: parents first.
        self.buffers: dict[str, list[dict]] = {name: [] for name in WRITE_ORDER}
        self.candidates, self.events = self.buffers["candidate"], self.buffers["event"]
        self.writer = BulkWriter(connection)
        self.hosts = ensure_recruiters(connection)
        self.ids = next_ids(connection)
        self.host_turn = itertools.count()
        self._vacancies = {name: vacancies for name, _, vacancies in DEPARTMENTS}
        # (department, vacancy) and (stage, reason) pairs with cumulative weights, to draw each pair at once.
        jobs = [((d, v), w / len(vs)) for d, w, vs in DEPARTMENTS for v in vs]
        self._jobs = ([j for j, _ in jobs], list(itertools.accumulate(w for _, w in jobs)))
        stage_weight = dict(STAGES)
        stage_reasons = [((s, r), stage_weight[s] * w / sum(x for _, x in rs))
                         for s, rs in REASONS.items() for r, w in rs]
        self._stage_reasons = ([p for p, _ in stage_reasons], list(itertools.accumulate(w for _, w in stage_reasons)))
        self._names = [(f"{first} {last}", f"{first}.{last}".replace(" ", "").lower())
                       for first in FIRST_NAMES for last in LAST_NAMES]
        self._books = dict(RATES.books)
        self._session_days = self._plan_session_days()
        self._session_starts = [d.starts_at for d in self._session_days]

    # --- the calendar ----------------------------------------------------------------------------------

    def _plan_session_days(self) -> list[_SessionDay]:
        booking_share = sum(self._books[s] * w for s, w in STAGES) / sum(w for _, w in STAGES)
        expected_per_month = self.n * RATES.invited * booking_share / (12 * YEARS)
        start, end, breaks = EVENING if expected_per_month <= 40 else WHOLE_DAY
        self.layout = (start, end, breaks)
        days, year, month = [], self.first_day.year, self.first_day.month
        last = self.today + timedelta(days=100)
        while (year, month) <= (last.year, last.month):
            day = second_tuesday(year, month)
            if day >= self.first_day:
                slots = [(a.replace(tzinfo=None), b.replace(tzinfo=None))
                         for a, b in slot_times(day, start, end, 15, breaks)]
                days.append(_SessionDay(day, _utc(day, start), slots))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return days

    def _rejections_per_day(self) -> list[tuple[date, int]]:
        """Spread the candidates over the working days: seasons, and a slowly growing organisation."""
        days = [self.first_day + timedelta(days=i) for i in range((self.today - self.first_day).days)]
        days = [d for d in days if d.weekday() < 5]
        span = max(len(days) - 1, 1)
        weights = [SEASON[d.month] * (1 + 0.3 * i / span) for i, d in enumerate(days)]
        total, cumulative, placed, result = sum(weights), 0.0, 0, []
        for day, weight in zip(days, weights, strict=False):
            cumulative += weight
            upto = round(self.n * cumulative / total)
            result.append((day, upto - placed))
            placed = upto
        return result

    # --- writing ---------------------------------------------------------------------------------------

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)

    def flush(self) -> None:
        """Write what the buffers hold, parents before children, and commit."""
        for name, rows in self.buffers.items():
            if rows:
                self.writer.write(name, rows)
                self.report.count(name, len(rows))
                rows.clear()
        self.connection.commit()

    def run(self) -> ScaleReport:
        rng, done = self.rng, 0
        step = max(self.n // 10, CHUNK)
        next_report = step
        for session_day in self._session_days:  # at least one session every month
            self._open_session(session_day)
        candidate_ids = self.ids["candidate"]
        for day, count in self._rejections_per_day():
            day_start = _utc(day, time(0, 0))
            for _ in range(count):
                rejected_at = day_start + timedelta(minutes=480 + int(rng.random() * 600))
                self._candidate(next(candidate_ids), day, rejected_at)
                done += 1
                if done % CHUNK == 0:
                    self.flush()
                    if done >= next_report:
                        self.say(f"  {done:,} of {self.n:,} candidates")
                        next_report += step
        self.flush()
        reset_sequences(self.connection)
        self.connection.commit()
        self.report.candidates = done
        return self.report

    # --- sessions --------------------------------------------------------------------------------------

    def _open_session(self, session_day: _SessionDay) -> None:
        feedback_session_id = next(self.ids["feedback_session"])
        host = self.hosts[next(self.host_turn) % len(self.hosts)]
        start, end, breaks = self.layout
        ends_at = _utc(session_day.day, end)
        self.add("feedback_session", {
            "id": feedback_session_id, "starts_at": session_day.starts_at, "ends_at": ends_at, "slot_minutes": 15,
            "breaks": breaks, "location": SYNTHETIC_LOCATION, "video_url": "",
            "status": "closed" if ends_at <= self.now else "published",
            "created_at": session_day.starts_at - timedelta(days=60), "updated_at": session_day.starts_at,
        })
        self.add("feedback_session_host", {"feedback_session_id": feedback_session_id, "user_id": host})
        slot_ids = []
        for a, b in session_day.slots:
            slot_id = next(self.ids["slot"])
            slot_ids.append(slot_id)
            self.add("slot", {"id": slot_id, "feedback_session_id": feedback_session_id, "starts_at": a, "ends_at": b})
        session_day.sessions.append((feedback_session_id, host, slot_ids))

    def _take_slot(self, booked_at: datetime) -> tuple[int, int, int, datetime, datetime] | None:
        """The next free seat in the first feedback hour that still takes bookings (it closes 24 h before)."""
        index = bisect.bisect_left(self._session_starts, booked_at + timedelta(hours=24))
        if index >= len(self._session_days):
            return None
        session_day = self._session_days[index]
        per_session = len(session_day.slots)
        session_index, slot_index = divmod(session_day.taken, per_session)
        if session_index >= len(session_day.sessions):
            self._open_session(session_day)
        session_day.taken += 1
        feedback_session_id, host, slot_ids = session_day.sessions[session_index]
        starts_at, ends_at = session_day.slots[slot_index]
        return feedback_session_id, host, slot_ids[slot_index], starts_at, ends_at

    # --- one candidate ---------------------------------------------------------------------------------

    def _pick(self, values, cumulative):
        return values[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]

    def _one_of(self, values):
        return values[int(self.rng.random() * len(values))]

    def _candidate(self, candidate_id: int, day: date, rejected_at: datetime) -> None:
        rng, now, random = self.rng, self.now, self.rng.random
        department, vacancy = self._pick(*self._jobs)
        stage, reason = self._pick(*self._stage_reasons)
        name, mailbox = self._names[int(random() * len(self._names))]
        ref = f"{REF_PREFIX}{rng.getrandbits(124):031x}"
        candidate = {
            "id": candidate_id, "ref": ref, "name": name, "email": f"{mailbox}.{candidate_id}@{SYNTHETIC_DOMAIN}",
            "vacancy": vacancy, "department": department, "stage": stage, "rejected_on": day,
            "rejection_reason": reason, "language": "nl" if random() < 0.85 else "en",
            "created_at": rejected_at - timedelta(days=7 + 33 * random()), "invited_at": None,
            "invite_reminder_at": None,
        }
        self.candidates.append(candidate)
        if stage == Stage.INTERVIEW.value:
            self._call(_EventMaker(self, ref, department, vacancy, stage, reason, day), day)
        if random() >= RATES.invited:
            return
        r = random()
        hours = rng.uniform(0.1, 24) if r < 0.70 else rng.uniform(24, 168) if r < 0.93 else rng.uniform(168, 504)
        invited_at = rejected_at + timedelta(hours=hours)
        if invited_at > now:
            return
        candidate["invited_at"] = invited_at
        event = _EventMaker(self, ref, department, vacancy, stage, reason, day)
        event("invited", invited_at)

        booked_at, slot = None, None
        if rng.random() < self._books[stage]:
            r = rng.random()
            lag = rng.uniform(0.1, 72) if r < 0.6 else rng.uniform(72, 336) if r < 0.9 else rng.uniform(336, 960)
            booked_at = invited_at + timedelta(hours=lag)
            slot = self._take_slot(booked_at) if booked_at <= now else None
        reminder_at = invited_at + timedelta(days=7)
        if reminder_at <= now and (slot is None or booked_at > reminder_at):
            candidate["invite_reminder_at"] = reminder_at
        if slot is None:
            self._without_conversation(candidate_id, event, invited_at, waitlist=True)
        elif self._booking(candidate_id, event, booked_at, slot) is None:
            self._without_conversation(candidate_id, event, invited_at, waitlist=False)

    def _call(self, event: "_EventMaker", day: date) -> None:
        """The call after an interview: owed at the decision, mostly made within two working days."""
        rng = self.rng
        event("call_due", _utc(day, DECIDED_AT))
        if rng.random() < 0.9:
            called_at = _utc(day, time(10, 0)) + timedelta(hours=rng.uniform(1, 24) if rng.random() < 0.7
                                                           else rng.uniform(24, 140))
            if called_at <= self.now:
                on_time = local(called_at.replace(tzinfo=UTC)).date() <= call_due_on(day)
                event("called", called_at, value=1 if on_time else 0)

    def _booking(self, candidate_id: int, event: "_EventMaker", booked_at: datetime,
                 slot: tuple[int, int, int, datetime, datetime]) -> datetime | None:
        """The booking and what became of it; the moment of the conversation if it took place."""
        rng, now = self.rng, self.now
        feedback_session_id, host, slot_id, starts_at, ends_at = slot
        booking_id = next(self.ids["booking"])
        booking = {
            "id": booking_id, "candidate_id": candidate_id, "slot_id": slot_id, "status": "booked",
            "topics": self._one_of(TOPIC_SETS), "question": "",
            "uid": f"synthetic-{booking_id}@feedbackspreekuur", "sequence": 0, "created_at": booked_at,
            "updated_at": booked_at, "cancelled_at": None, "reminder_queued_at": None, "cancelled_late": False,
            "suitable_after_all": False, "follow_up_action": "", "follow_up_on": None,
            "outcome_recorded_at": None, "summary_sent_at": None, "survey_requested_at": None,
        }
        self.add("booking", booking)
        if rng.random() < RATES.waitlisted_first:
            joined = max(event.invited_at, booked_at - timedelta(days=rng.uniform(1, 10)))
            event("waitlisted", joined)
            self.add("waitlist_entry", {"id": next(self.ids["waitlist_entry"]), "candidate_id": candidate_id,
                                        "status": "booked", "created_at": joined,
                                        "offered_at": booked_at - timedelta(hours=rng.uniform(0.5, 40))})
        event("booked", booked_at, feedback_session_id=feedback_session_id)
        closes = starts_at - timedelta(hours=24)
        if rng.random() < RATES.pool_at_booking:
            self._pool(candidate_id, event, "booking", booked_at, booked_at)
        if rng.random() < RATES.rescheduled:
            moved = booked_at + (closes - booked_at) * rng.random()
            if moved <= now:
                event("rescheduled", moved, feedback_session_id=feedback_session_id)
                booking["sequence"] += 1
                booking["updated_at"] = moved
        reminder = starts_at - timedelta(days=1)
        r = rng.random()
        if r < RATES.cancelled and rng.random() >= RATES.cancelled_late:
            # Through the portal, which closes 24 hours before the session.
            at = booked_at + (closes - booked_at) * rng.random()
            if at > now:
                return None
            booking.update(status="cancelled", cancelled_at=at, updated_at=at, sequence=booking["sequence"] + 1)
            event("cancelled", at, feedback_session_id=feedback_session_id)
            return None
        if reminder <= now:
            booking["reminder_queued_at"] = reminder
        # The recruiter records the outcome after the session; a conversation counts when it was planned
        # and a late cancellation when it was recorded (as app/notes/services.py does).
        recorded_at = ends_at + timedelta(minutes=rng.uniform(1, 120))
        if recorded_at > now:
            return None  # still to come, or not recorded yet
        booking.update(outcome_recorded_at=recorded_at, updated_at=recorded_at)
        if r < RATES.cancelled:
            booking.update(status="cancelled", cancelled_late=True, cancelled_at=recorded_at)
            event("cancelled_late", recorded_at, feedback_session_id=feedback_session_id, user_id=host)
            return None
        if r < RATES.cancelled + RATES.no_show:
            booking["status"] = "no_show"
            event("no_show", starts_at, feedback_session_id=feedback_session_id, user_id=host)
            return None
        booking["status"] = "attended"
        event("attended", starts_at, feedback_session_id=feedback_session_id, user_id=host)
        self._after_conversation(candidate_id, booking, event, starts_at, recorded_at, feedback_session_id, host)
        return starts_at

    def _after_conversation(self, candidate_id: int, booking: dict, event: "_EventMaker", held_at: datetime,
                            recorded_at: datetime, feedback_session_id: int, host: int) -> None:
        rng, now = self.rng, self.now
        suitable = rng.random() < RATES.suitable
        if suitable:
            booking["suitable_after_all"] = True
            event("suitable", held_at, feedback_session_id=feedback_session_id, user_id=host)
        if rng.random() < 0.5:
            booking["summary_sent_at"] = recorded_at + timedelta(minutes=rng.uniform(5, 600))
        booking["survey_requested_at"] = recorded_at + timedelta(minutes=rng.uniform(1, 10))
        if rng.random() < RATES.surveyed:
            answered = recorded_at + timedelta(hours=rng.uniform(1, 120))
            if answered <= now:
                useful = self._pick((1, 2, 3, 4, 5), (2, 6, 18, 55, 100))
                recommend = max(0, min(10, useful * 2 + self._one_of((-2, -1, 0, 1))))
                self.add("survey_response", {"id": next(self.ids["survey_response"]), "booking_id": booking["id"],
                                             "useful": useful, "recommend": recommend, "comment": "",
                                             "created_at": answered})
                event("surveyed", answered, feedback_session_id=feedback_session_id, value=useful)
                event("recommended", answered, feedback_session_id=feedback_session_id, value=recommend)
        in_pool = event.in_pool
        offer = RATES.pool_offer_suitable if suitable else RATES.pool_offer_other
        if not in_pool and rng.random() < offer:
            source = "recruiter" if rng.random() < 0.7 else "link"
            requested = recorded_at + timedelta(minutes=rng.uniform(1, 60)) if source == "recruiter" \
                else recorded_at + timedelta(hours=rng.uniform(2, 200))
            consented = requested + timedelta(hours=rng.uniform(0.2, 120)) if rng.random() < RATES.pool_consents \
                else None
            if requested <= now:
                in_pool = self._pool(candidate_id, event, source, requested, consented)
        chance = RATES.reapply_suitable if suitable else RATES.reapply_pool if in_pool else RATES.reapply_other
        if rng.random() < chance:
            hired = RATES.hired_suitable if suitable else RATES.hired_other
            self._reapply(candidate_id, event, held_at + timedelta(days=rng.uniform(20, 400)), hired, attributed=True)

    def _without_conversation(self, candidate_id: int, event: "_EventMaker", invited_at: datetime, *,
                              waitlist: bool) -> None:
        """Invited, but no conversation: perhaps a waitlist left, perhaps hired anyway (not attributed)."""
        rng = self.rng
        if waitlist and rng.random() < RATES.waitlisted_left:
            joined = invited_at + timedelta(hours=rng.uniform(1, 200))
            if joined <= self.now:
                event("waitlisted", joined)
                left = joined + timedelta(days=rng.uniform(3, 40))
                self.add("waitlist_entry", {"id": next(self.ids["waitlist_entry"]), "candidate_id": candidate_id,
                                            "status": "left" if left <= self.now else "waiting",
                                            "created_at": joined, "offered_at": None})
        if rng.random() < RATES.reapply_without_conversation:
            self._reapply(candidate_id, event, invited_at + timedelta(days=rng.uniform(30, 500)),
                          RATES.hired_without_conversation, attributed=False)

    def _pool(self, candidate_id: int, event: "_EventMaker", source: str, requested: datetime,
              consented: datetime | None) -> bool:
        """A pool membership: asked, perhaps consented, then renewed, withdrawn or left to expire.
        True if consent was given. Only a withdrawal is a ``left_pool`` event, as in app/talent/services.py."""
        rng, now = self.rng, self.now
        if consented is not None and consented > now:
            consented = None
        membership_id = next(self.ids["pool_membership"])
        row = {"id": membership_id, "candidate_id": candidate_id, "source": source, "requested_at": requested,
               "consented_at": consented, "expires_at": None, "withdrawn_at": None, "renewal_requested_at": None}
        self.add("pool_membership", row)
        event("pool_requested", requested)
        if consented is None:
            return False
        event("joined_pool", consented)
        event.in_pool = True
        expires = consented + timedelta(days=365)
        renewal = expires - timedelta(days=30)
        withdrawn = consented + (expires - consented) * rng.random() if rng.random() < RATES.pool_withdraws else None
        if withdrawn is not None and withdrawn <= now:
            row.update(expires_at=expires, withdrawn_at=withdrawn,
                       renewal_requested_at=renewal if renewal <= withdrawn else None)
            event("left_pool", withdrawn)
            return True  # the recruiters' tags went with the withdrawal
        row["expires_at"] = expires
        if renewal <= now:
            renewed = renewal + timedelta(days=rng.uniform(0, 25))
            if rng.random() < RATES.pool_renews and renewed <= now:
                row["expires_at"] = renewed + timedelta(days=365)
            else:
                row["renewal_requested_at"] = renewal
        self.add("pool_tag", {"id": next(self.ids["pool_tag"]), "membership_id": membership_id, "kind": "skill",
                              "value": self._one_of(SKILLS)})
        self.add("pool_tag", {"id": next(self.ids["pool_tag"]), "membership_id": membership_id,
                              "kind": "department", "value": event.department})
        return True

    def _reapply(self, candidate_id: int, event: "_EventMaker", applied_at: datetime, hire_chance: float,
                 *, attributed: bool) -> None:
        """A re-application and perhaps a hire, both dated events that count at noon on their day."""
        rng, now = self.rng, self.now
        applied_on = applied_at.date()
        recorded = _utc(applied_on, time(9, 0)) + timedelta(days=rng.uniform(0, 10))
        if recorded > now:
            return
        vacancies = self._vacancies[event.department]
        vacancy = event.vacancy if rng.random() < 0.4 else self._one_of(vacancies)
        self.add("reapplication", {"id": next(self.ids["reapplication"]), "candidate_id": candidate_id,
                                   "vacancy": vacancy, "applied_on": applied_on, "created_at": recorded})
        event("reapplied", min(_utc(applied_on, time(12, 0)), recorded))
        if rng.random() >= hire_chance:
            return
        start_date = applied_on + timedelta(days=30 + int(rng.random() * 70))
        recorded = _utc(start_date, time(9, 0)) - timedelta(days=rng.uniform(0, 20))
        if recorded > now:
            return
        self.add("hire", {"id": next(self.ids["hire"]), "candidate_id": candidate_id, "role": vacancy,
                          "department": event.department, "start_date": start_date, "attributed": attributed,
                          "created_at": recorded})
        event("hired", min(_utc(start_date, time(12, 0)), recorded), value=1 if attributed else 0)


class _EventMaker:
    """Writes the events of one candidate, with the facts the figures group by copied in (as record_event does)."""

    __slots__ = ("generator", "ref", "department", "vacancy", "stage", "reason", "rejected_on", "invited_at",
                 "in_pool")

    def __init__(self, generator: Generator, ref: str, department: str, vacancy: str, stage: str, reason: str,
                 rejected_on: date):
        self.generator, self.ref, self.department, self.vacancy = generator, ref, department, vacancy
        self.stage, self.reason, self.rejected_on = stage, reason, rejected_on
        self.invited_at: datetime | None = None
        self.in_pool = False

    def __call__(self, kind: str, at: datetime, *, feedback_session_id: int | None = None, value: int | None = None,
                 user_id: int | None = None) -> None:
        if kind == "invited":
            self.invited_at = at
        self.generator.events.append({
            "kind": kind, "occurred_at": at, "candidate_ref": self.ref, "department": self.department,
            "vacancy": self.vacancy, "stage": self.stage, "reason": self.reason, "rejected_on": self.rejected_on,
            "feedback_session_id": feedback_session_id, "value": value, "user_id": user_id,
        })

