"""The weekly summary: on the last workday of a week, what did not fit the daily budget, in one message.

Instead of a backlog that grows every day, each recipient gets one compact list (one line per
item, split into parts that fit the platform) of the reminders still waiting to be sent. They
stay open — `/done #` and `/dismiss #` work on them — but are no longer queued one by one
(``delivery = "summary"``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from bot.core.i18n import fmt_date, normalise_locale
from bot.core.runtime import Runtime
from bot.models import Employee, Reminder, Tag
from bot.people.leave import on_leave
from bot.pipeline.outbox import enqueue
from bot.reminders import compose, ruleinfo
from bot.reminders.budget import rank_key
from bot.reminders.digest import fits
from bot.reminders.templates import Templates

log = logging.getLogger(__name__)


def is_summary_day(runtime: Runtime, day: date) -> bool:
    """The last workday of ``day``'s calendar week (the next workday falls in a later week)."""
    if not runtime.calendar.is_workday(day):
        return False
    following = runtime.calendar.add_workdays(day, 1)
    return following.isocalendar()[:2] != day.isocalendar()[:2]


def _waiting(session: Session, now: datetime) -> list[tuple[Reminder, Tag, Employee, Employee]]:
    recipient = aliased(Employee)
    stmt = (
        select(Reminder, Tag, Employee, recipient)
        .join(Tag, Tag.id == Reminder.tag_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .join(recipient, recipient.id == Reminder.recipient_id)
        .where(
            Reminder.status == "open",
            Reminder.sent_at.is_(None),
            Reminder.due_at <= now,
            Tag.status == "active",
            and_(Employee.status == "active", recipient.status == "active"),
        )
        .order_by(Reminder.id)
    )
    return [(r, t, e, p) for r, t, e, p in session.execute(stmt).all()]


def _parts(tpl: Templates, locale: str, lines: list[str], platform: str) -> list[tuple[str, str]]:
    count = len(lines)
    probe = tpl.text(locale, "summary_title_part", count=count, part=99, parts=99)
    chunks: list[list[str]] = [[tpl.text(locale, "summary_intro", count=count)]]
    for line in [*lines, tpl.text(locale, "summary_footer")]:
        if fits(probe, "\n".join([*chunks[-1], line]), platform) or (len(chunks[-1]) == 1 and not chunks[1:]):
            chunks[-1].append(line)
        else:
            chunks.append([line])
    if len(chunks) == 1:
        return [(tpl.text(locale, "summary_title", count=count), "\n".join(chunks[0]))]
    return [
        (tpl.text(locale, "summary_title_part", count=count, part=n, parts=len(chunks)), "\n".join(chunk))
        for n, chunk in enumerate(chunks, start=1)
    ]


def send_weekly(runtime: Runtime, session: Session, now: datetime, tpl: Templates) -> tuple[int, int]:
    """On the summary day, queue each recipient's summary of waiting reminders; ``(messages, items)``."""
    today = now.astimezone(runtime.tz).date()
    if not is_summary_day(runtime, today):
        return 0, 0
    rows = _waiting(session, now)
    away = on_leave(runtime, session, {t.employee_id for _, t, _, _ in rows}, today)
    by_recipient: dict[int, list[tuple[Reminder, Tag, Employee, Employee]]] = {}
    for row in sorted(rows, key=rank_key(runtime, today)):
        if row[2].id not in away:  # nothing about people on leave, here either
            by_recipient.setdefault(row[0].recipient_id, []).append(row)
    platform = runtime.settings.platform.default
    messages = items = 0
    for group in by_recipient.values():
        person = group[0][3]
        locale = normalise_locale(person.locale or runtime.settings.app.locale)
        lines = []
        for reminder, tag, subject, _ in group:
            who = compose.Subject.of(subject)
            lines.append(
                tpl.text(
                    locale,
                    "summary_item",
                    id=reminder.id,
                    severity_icon=compose.severity_icon(tpl, locale, tag.severity),
                    name=who.name,
                    department=who.department or tpl.text(locale, "unknown_department"),
                    tag=ruleinfo.describe(runtime, session, tag, locale, role=reminder.role).name,
                    since=fmt_date(reminder.due_at.astimezone(runtime.tz).date(), locale),
                )
            )
        key = f"reminder-summary:{person.id}:{today.isoformat()}"
        first = None
        for n, (title, text) in enumerate(_parts(tpl, locale, lines, platform), start=1):
            queued = enqueue(
                session,
                key=key if n == 1 else f"{key}:{n}",
                recipient=person.userid,
                kind="markdown",
                payload={"title": title, "text": text},
                platform=platform,
                not_before=now,
            )
            if n == 1:
                first = queued
                if queued is None:
                    break  # this week's summary already went out
        if first is None:
            continue
        for reminder, *_ in group:
            reminder.delivery, reminder.sent_at = "summary", now
        messages += 1
        items += len(group)
    if messages:
        log.info("weekly summary: %d items to %d recipients", items, messages)
    return messages, items
