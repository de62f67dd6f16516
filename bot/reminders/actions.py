"""Acting on a reminder (done / snooze / dismiss): a care action is recorded and the card shows the result."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.core.send_window import local_instant
from bot.models import CareAction, Employee, OutboxMessage, Reminder, Tag
from bot.pipeline.outbox import card_from_payload, card_payload, enqueue
from bot.reminders import messages  # noqa: F401  (registers the texts)
from bot.reminders.delivery import locale_of, templates
from bot.reminders.planner import send_window

log = logging.getLogger(__name__)

Action = Literal["done", "snooze", "dismiss"]
MAX_NOTE_CHARS = 1000
MAX_MINUTES = 480  # a recorded conversation longer than a working day is a typo


@dataclass
class ActionResult:
    """The answer to the person who acted, and the clicked card's new status line."""

    ok: bool
    message: str
    status_text: str | None = None


def may_act(reminder: Reminder, actor: Employee) -> bool:
    """The recipient may act, and so may HR and admins (a colleague covering)."""
    return actor.status == "active" and (actor.id == reminder.recipient_id or actor.is_hr or actor.is_admin)


def snooze_until(runtime: Runtime, now: datetime) -> datetime:
    """The same local time on the next workday, moved into the send window."""
    window = send_window(runtime)
    local = now.astimezone(runtime.tz)
    day = runtime.calendar.add_workdays(local.date(), 1)
    at = local.time().replace(second=0, microsecond=0)
    if not window.start <= at < window.end:
        at = window.start
    return local_instant(runtime, day, at)


def status_text(runtime: Runtime, reminder: Reminder, actor_name: str, locale: str) -> str:
    """The settled card's line, e.g. "✅ 已跟进 · 王芳 · 11月20日 10:05：聊过了"."""
    tpl = templates(runtime)
    if reminder.status == "snoozed" and reminder.snoozed_until is not None:
        return tpl.text(locale, "status_snoozed", until=i18n.fmt_datetime(reminder.snoozed_until, runtime.tz, locale))
    at = i18n.fmt_datetime(reminder.acted_at or runtime.clock.now(), runtime.tz, locale)
    if reminder.status == "dismissed":
        reason = reminder.dismiss_reason
        key = "status_dismissed_reason" if reason else "status_dismissed"
        return tpl.text(locale, key, actor=actor_name, at=at, reason=reason or "")
    key = "status_done_note" if reminder.note else "status_done"
    return tpl.text(locale, key, actor=actor_name, at=at, note=reminder.note or "")


def _last_actor(session: Session, reminder: Reminder) -> str:
    actor_id = session.scalar(
        select(CareAction.actor_id)
        .where(CareAction.reminder_id == reminder.id)
        .order_by(CareAction.acted_at.desc(), CareAction.id.desc())
        .limit(1)
    )
    actor = session.get(Employee, actor_id) if actor_id else None
    return actor.name if actor is not None else "—"


def _log_care(
    session: Session,
    reminder: Reminder,
    tag: Tag,
    actor: Employee,
    kind: str,
    note: str | None,
    at: datetime,
    minutes: int | None = None,
) -> None:
    """Add the care-log row of an action on ``reminder`` (done, dismissed, or a note added later)."""
    session.add(
        CareAction(
            employee_id=tag.employee_id,
            actor_id=actor.id,
            reminder_id=reminder.id,
            tag_id=tag.id,
            kind=kind,
            note=note,
            minutes=minutes,
            acted_at=at,
        )
    )


def _record_minutes(session: Session, reminder: Reminder, minutes: int) -> None:
    """Minutes given after the fact go on the reminder's ``done`` care-log row (what HR time counts)."""
    row = session.scalar(
        select(CareAction)
        .where(CareAction.reminder_id == reminder.id, CareAction.kind == "done")
        .order_by(CareAction.id.desc())
        .limit(1)
    )
    if row is not None:
        row.minutes = minutes


def update_sent_card(runtime: Runtime, session: Session, reminder: Reminder, text: str) -> int | None:
    """Queue an update of the reminder's card (after a text command) so it shows ``text``."""
    ref = reminder.card_ref or {}
    msg = session.get(OutboxMessage, ref.get("outbox_id")) if ref.get("outbox_id") else None
    if msg is None or msg.status != "sent":
        return None  # never sent as a card (digest) or still queued: a click on it will say it is handled
    card = replace(card_from_payload(msg.payload), status_text=text)
    stamp = int(runtime.clock.now().timestamp())
    return enqueue(
        session,
        key=f"reminder-update:{reminder.id}:{card.card_id}:{stamp}",
        recipient=msg.recipient,
        kind="card_update",
        payload=card_payload(card) | {"ref": {**(msg.platform_ref or {}), "card_id": card.card_id}},
        platform=msg.platform,
    )


def act(
    runtime: Runtime,
    session: Session,
    reminder_id: int,
    actor: Employee | None,
    action: Action,
    note: str | None = None,
    *,
    from_card: bool = False,
    minutes: int | None = None,
) -> ActionResult:
    """Apply ``action`` by ``actor``; text commands also update the card, clicks get ``status_text``.

    ``minutes`` is how long the conversation took, when the person says so (``done`` only); the
    report's HR time uses it instead of ``[report].minutes_per_care_action``.
    """
    locale = locale_of(runtime, actor) if actor is not None else i18n.normalise_locale(runtime.settings.app.locale)
    note = (note or "").strip()[:MAX_NOTE_CHARS] or None
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        return ActionResult(False, i18n.t("reminders.not_found", locale, id=reminder_id))
    if actor is None or not may_act(reminder, actor):
        return ActionResult(False, i18n.t("reminders.not_yours", locale, id=reminder_id))
    if reminder.status == "held_out":
        # Evaluation mode held it back; acting on it (a snooze would even send it) would blur the arms.
        return ActionResult(False, i18n.t("reminders.held_out", locale, id=reminder_id))
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        return ActionResult(False, i18n.t("reminders.minutes_range", locale, max=MAX_MINUTES))
    tag = session.get(Tag, reminder.tag_id)
    subject = session.get(Employee, tag.employee_id) if tag is not None else None
    assert tag is not None and subject is not None
    now = runtime.clock.now()
    values = {"id": reminder.id, "name": subject.name}
    if reminder.status in ("done", "dismissed"):
        same = (action, reminder.status) in (("done", "done"), ("dismiss", "dismissed"))
        if same and reminder.status == "done" and minutes is not None and not note and not from_card:
            _record_minutes(session, reminder, minutes)
            text = status_text(runtime, reminder, _last_actor(session, reminder), locale)
            return ActionResult(True, i18n.t("reminders.minutes_added", locale, minutes=minutes, **values), text)
        if same and note and not from_card:
            # A note or reason given after the fact (the card buttons cannot take text).
            if reminder.status == "done":
                reminder.note = note
            else:
                reminder.dismiss_reason = note
            _log_care(session, reminder, tag, actor, "note", note, now)
            if minutes is not None and reminder.status == "done":
                _record_minutes(session, reminder, minutes)
            text = status_text(runtime, reminder, _last_actor(session, reminder), locale)
            update_sent_card(runtime, session, reminder, text)
            return ActionResult(True, i18n.t("reminders.note_added", locale, **values), text)
        current = status_text(runtime, reminder, _last_actor(session, reminder), locale)
        return ActionResult(False, i18n.t("reminders.already", locale, status=current, **values), current)
    if action == "snooze":
        reminder.status = "snoozed"
        reminder.snoozed_until = snooze_until(runtime, now)
        reminder.delivery = "immediate"  # it comes back on its own, not buried in a digest
        message = i18n.t(
            "reminders.snoozed", locale, until=i18n.fmt_datetime(reminder.snoozed_until, runtime.tz, locale), **values
        )
    else:
        kind = "done" if action == "done" else "dismissed"
        reminder.status, reminder.acted_at = kind, now
        if action == "done":
            reminder.note = note
        else:
            reminder.dismiss_reason = note
        _log_care(session, reminder, tag, actor, kind, note, now, minutes if action == "done" else None)
        message = i18n.t(f"reminders.{kind}", locale, **values)
        if not note:
            hint = "reminders.done_hint" if action == "done" else "reminders.dismiss_hint"
            message += "\n" + i18n.t(hint, locale, id=reminder.id)
    log.info("reminder %s: %s by %s", reminder.id, action, actor.userid)
    text = status_text(runtime, reminder, actor.name, locale)
    if not from_card:
        update_sent_card(runtime, session, reminder, text)
    return ActionResult(True, message, text)
