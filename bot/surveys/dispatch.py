"""Dispatch: plan who is due today, send planned pulses in the window, remind once, expire.

Every step is idempotent (one survey per person and day, outbox keys per message), so the
scheduler can call :func:`dispatch` every few minutes and a manual run changes nothing extra.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.chunks import chunked
from bot.core.runtime import Runtime
from bot.core.send_window import Window, is_open, local_instant
from bot.core.sqlutil import dialect_insert
from bot.models import Employee, Survey, SurveyQuestion
from bot.people.leave import on_leave
from bot.surveys import rotation
from bot.surveys.bank import BANK, COMMENT_KEY, load_questions, seed_questions
from bot.surveys.cadence import due_on
from bot.surveys.sending import locale_of, send_question
from bot.surveys.state import answers_of, next_key

log = logging.getLogger(__name__)

HISTORY = timedelta(days=180)
SEND_BATCH = 500


@dataclass
class DispatchResult:
    """What one dispatch run did."""

    day: date
    workday: bool = True
    window_open: bool = False
    planned: int = 0
    sent: int = 0
    reminded: int = 0
    expired: int = 0


def window(runtime: Runtime) -> Window:
    cfg = runtime.settings.surveys
    return Window(cfg.send_from, cfg.send_until)


def _scale_keys(session: Session) -> list[str]:
    questions = load_questions(session)
    order = [q.key for q in BANK] + sorted(k for k in questions if k not in {q.key for q in BANK})
    return [k for k in order if k in questions and questions[k].kind == "scale"]


def plan(runtime: Runtime, session: Session, day: date) -> int:
    """Create ``pending`` surveys for everyone due on ``day``; returns how many were created."""
    candidates = due_on(runtime, session, day)
    keys = _scale_keys(session)
    if not candidates or not keys:
        return 0
    with_comment = COMMENT_KEY in load_questions(session)
    count = runtime.settings.surveys.questions_per_send
    created = 0
    for batch in chunked(candidates, 1000):
        history: dict[int, list[tuple[date, list[str]]]] = {}
        rows = session.execute(
            select(Survey.employee_id, Survey.scheduled_on, Survey.question_keys).where(
                Survey.employee_id.in_([c.employee_id for c in batch]), Survey.scheduled_on >= day - HISTORY
            )
        )
        for emp_id, on, asked in rows:
            history.setdefault(emp_id, []).append((on, list(asked)))
        now = runtime.clock.now()
        values = [
            {
                "employee_id": c.employee_id,
                "scheduled_on": day,
                "question_keys": rotation.choose(c.userid, keys, history.get(c.employee_id, []), count)
                + ([COMMENT_KEY] if with_comment else []),
                "status": "pending",
                "created_at": now,
            }
            for c in batch
        ]
        # One multi-row INSERT per batch; RETURNING counts what was new (rowcount is -1 on psycopg).
        stmt = (
            dialect_insert(session, Survey)
            .on_conflict_do_nothing(index_elements=["employee_id", "scheduled_on"])
            .returning(Survey.id)
        )
        created += len(list(session.scalars(stmt, values)))
    return created


def expire(runtime: Runtime, session: Session, now: datetime) -> int:
    """Close delivered surveys past their expiry, and planned ones that could not go out in time."""
    result = session.execute(
        update(Survey).where(Survey.status == "sent", Survey.expires_at <= now).values(status="expired")
    )
    expired: int = result.rowcount or 0  # type: ignore[attr-defined]
    cutoff = runtime.calendar.workdays_back(runtime.today(), runtime.settings.surveys.expire_after_workdays)[0]
    stale = session.execute(
        update(Survey).where(Survey.status == "pending", Survey.scheduled_on < cutoff).values(status="expired")
    )
    return expired + (stale.rowcount or 0)  # type: ignore[attr-defined]


def _expires_at(runtime: Runtime, sent_day: date) -> datetime:
    cfg = runtime.settings.surveys
    return local_instant(runtime, runtime.calendar.add_workdays(sent_day, cfg.expire_after_workdays), cfg.send_until)


def send_planned(
    runtime: Runtime, session: Session, now: datetime, *, after_id: int = 0, limit: int | None = None
) -> tuple[int, int | None]:
    """Send planned surveys of today or earlier with ids after ``after_id`` (at most ``limit``).

    Returns how many were sent and the last survey id looked at (None when there was none), so
    callers can commit batch by batch instead of holding one long write transaction.
    """
    today = runtime.today()
    query = (
        select(Survey, Employee)
        .join(Employee, Employee.id == Survey.employee_id)
        .where(Survey.status == "pending", Survey.scheduled_on <= today, Survey.id > after_id)
        .order_by(Survey.id)
    )
    rows = session.execute(query.limit(limit) if limit else query).all()
    if not rows:
        return 0, None
    away = on_leave(runtime, session, {e.id for _, e in rows}, today)
    questions = load_questions(session)
    going: list[tuple[Survey, Employee, SurveyQuestion]] = []
    for survey, emp in rows:
        if emp.status != "active" or emp.surveys_paused:
            survey.status = "expired"
            continue
        first = next((questions[k] for k in survey.question_keys if k in questions), None)
        if emp.id not in away and first is not None:  # on leave today: it waits (and expires if it must)
            going.append((survey, emp, first))
    # Only the newest pulse is open: older unanswered ones close when a new one goes out (one UPDATE
    # per batch; none of those rows is loaded in this session, so nothing needs synchronising).
    for batch in chunked(going, 1000):
        session.execute(
            update(Survey)
            .where(Survey.employee_id.in_([e.id for _, e, _ in batch]), Survey.status == "sent")
            .values(status="expired")
            .execution_options(synchronize_session=False)
        )
    sent = 0
    # Rows are flushed once at the end, not before every outbox INSERT (autoflush made this O(n) flushes).
    with session.no_autoflush:
        for survey, emp, first in going:
            locale = locale_of(runtime, emp)
            scale = [k for k in survey.question_keys if k != COMMENT_KEY]
            lead = i18n.t("surveys.intro", locale, name=emp.name, count=len(scale))
            send_question(runtime, session, survey, first, emp, purpose="initial", lead=lead, not_before=now)
            survey.status = "sent"
            survey.sent_at = now
            survey.expires_at = _expires_at(runtime, today)
            sent += 1
    return sent, rows[-1][0].id


def remind(runtime: Runtime, session: Session, now: datetime) -> int:
    """Send the one reminder for surveys unanswered after the configured workdays; returns how many."""
    cfg = runtime.settings.surveys
    today = runtime.today()
    rows = session.execute(
        select(Survey, Employee)
        .join(Employee, Employee.id == Survey.employee_id)
        .where(Survey.status == "sent", Survey.reminded_at.is_(None), Survey.expires_at > now)
        .order_by(Survey.id)
    ).all()
    due = []
    for survey, emp in rows:
        assert survey.sent_at is not None
        sent_local = survey.sent_at.astimezone(runtime.tz)
        remind_day = runtime.calendar.add_workdays(sent_local.date(), cfg.reminder_after_workdays)
        if now >= local_instant(runtime, remind_day, sent_local.time()) and not emp.surveys_paused:
            due.append((survey, emp))
    away = on_leave(runtime, session, {e.id for _, e in due}, today)
    questions = load_questions(session)
    reminded = 0
    with session.no_autoflush:
        for survey, emp in due:
            key = next_key(survey, answers_of(session, survey.id))
            if emp.id in away or key is None or key not in questions:
                continue
            locale = locale_of(runtime, emp)
            assert survey.expires_at is not None
            lead = i18n.t(
                "surveys.reminder_intro", locale, deadline=i18n.fmt_datetime(survey.expires_at, runtime.tz, locale)
            )
            send_question(runtime, session, survey, questions[key], emp, purpose="reminder", lead=lead, not_before=now)
            survey.reminded_at = now
            reminded += 1
    return reminded


def dispatch(runtime: Runtime, day: date | None = None) -> DispatchResult:
    """Plan ``day`` (default today), then send, remind and expire as the clock allows."""
    now = runtime.clock.now()
    day = day or runtime.today()
    result = DispatchResult(day=day, workday=runtime.calendar.is_workday(day))
    result.window_open = is_open(runtime, window(runtime), now)
    with runtime.db.session() as s:
        seed_questions(s)
        result.expired = expire(runtime, s, now)
    if not runtime.settings.surveys.enabled:
        return result
    if result.workday:
        with runtime.db.session() as s:
            result.planned = plan(runtime, s, day)
    if result.window_open:
        last: int | None = 0
        while last is not None:
            # Short transactions: SQLite has one writer, and callbacks must not wait for a big send.
            with runtime.db.session() as s:
                sent, last = send_planned(runtime, s, now, after_id=last, limit=SEND_BATCH)
            result.sent += sent
        with runtime.db.session() as s:
            result.reminded = remind(runtime, s, now)
    log.info(
        "surveys dispatch %s: planned %d, sent %d, reminded %d, expired %d",
        day,
        result.planned,
        result.sent,
        result.reminded,
        result.expired,
    )
    return result
