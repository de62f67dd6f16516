"""Acting on a task: 完成 (with a note, or an evaluation's scores), 稍后, 不适用 (with a reason).

The assignee may act, and so may the person an overdue task was escalated to, HR and admins.
A click settles the clicked card; a text command updates the sent card. Evaluations are sent to
HR and the manager when submitted (the only people besides the mentor who may read them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core import journey_file as definition
from bot.core.journey_file import StepDef
from bot.core.runtime import Runtime
from bot.core.send_window import local_instant
from bot.journeys import evaluation
from bot.journeys.assignees import Assignees
from bot.journeys.compose import People, title
from bot.models import Employee, Journey, JourneyStep, OutboxMessage
from bot.pipeline.outbox import card_from_payload, card_payload, enqueue
from bot.reminders.planner import send_window

log = logging.getLogger(__name__)

Action = Literal["done", "later", "skip"]
OPEN = ("sent", "overdue")
MAX_NOTE_CHARS = 1000


@dataclass
class ActionResult:
    """The answer to the person who acted and the clicked card's new status line."""

    ok: bool
    message: str
    status_text: str | None = None


def locale_of(runtime: Runtime, person: Employee | None) -> str:
    return i18n.normalise_locale((person.locale if person else None) or runtime.settings.app.locale)


def may_act(step: JourneyStep, actor: Employee) -> bool:
    return actor.status == "active" and (
        actor.id in (step.assignee_id, step.escalated_to_id) or actor.is_hr or actor.is_admin
    )


def later_until(runtime: Runtime, now: datetime) -> datetime:
    """The same local time on the next workday, moved into the send window."""
    window = send_window(runtime)
    local = now.astimezone(runtime.tz)
    at = local.time().replace(second=0, microsecond=0)
    if not window.start <= at < window.end:
        at = window.start
    return local_instant(runtime, runtime.calendar.add_workdays(local.date(), 1), at)


def status_line(runtime: Runtime, step: JourneyStep, actor: Employee, locale: str) -> str:
    at = i18n.fmt_datetime(runtime.clock.now(), runtime.tz, locale)
    if step.snoozed_until is not None and step.status in OPEN:
        return i18n.t("journeys.status_later", locale, until=i18n.fmt_datetime(step.snoozed_until, runtime.tz, locale))
    key = "journeys.status_skipped" if step.status == "skipped" else "journeys.status_done"
    line = i18n.t(key, locale, actor=actor.name, at=at)
    return f"{line}：{step.note}" if step.note and locale != "en" else f"{line}: {step.note}" if step.note else line


def update_sent_card(runtime: Runtime, session: Session, step: JourneyStep, text: str) -> None:
    """After a text command: show ``text`` on the task card in place of its buttons."""
    ref = step.card_ref or {}
    msg = session.get(OutboxMessage, ref.get("outbox_id")) if ref.get("outbox_id") else None
    if msg is None or msg.status != "sent":
        return
    card = replace(card_from_payload(msg.payload), status_text=text)
    enqueue(
        session,
        key=f"journey-update:{step.id}:{card.card_id}:{int(runtime.clock.now().timestamp())}",
        recipient=msg.recipient,
        kind="card_update",
        payload=card_payload(card) | {"ref": {**(msg.platform_ref or {}), "card_id": card.card_id}},
        platform=msg.platform,
    )


def _share_evaluation(runtime: Runtime, session: Session, step: JourneyStep, spec: StepDef, hire: Employee) -> None:
    """Send a submitted evaluation to HR and the manager (the mentor already has it)."""
    mentor = session.get(Employee, step.assignee_id) if step.assignee_id else None
    assignees = Assignees(runtime, session)
    readers = [a.person for a in (assignees.resolve("hr", hire), assignees.resolve("manager", hire)) if a]
    if "manager" not in spec.visible_to:
        readers = readers[:1]
    for reader in {r.id: r for r in readers if r.id != step.assignee_id}.values():
        locale = locale_of(runtime, reader)
        summary = evaluation.summary(step.result, locale)
        text = i18n.t(
            "journeys.evaluation_notice", locale, mentor=mentor.name if mentor else "—", name=hire.name, summary=summary
        )
        enqueue(
            session,
            key=f"journey-evaluation:{step.id}:{reader.id}",
            recipient=reader.userid,
            kind="markdown",
            payload={"title": i18n.t("journeys.evaluation_notice_title", locale, name=hire.name), "text": text},
            platform=runtime.settings.platform.default,
        )


def act(
    runtime: Runtime,
    session: Session,
    step_id: int,
    actor: Employee | None,
    action: Action,
    note: str | None = None,
    *,
    from_card: bool = False,
) -> ActionResult:
    """Apply ``action`` on the step with ``step_id`` by ``actor``."""
    locale = locale_of(runtime, actor)
    note = (note or "").strip()[:MAX_NOTE_CHARS] or None
    step = session.get(JourneyStep, step_id)
    if step is None:
        return ActionResult(False, i18n.t("journeys.not_found", locale, no=step_id))
    if actor is None or not may_act(step, actor):
        return ActionResult(False, i18n.t("journeys.not_yours", locale))
    journey = session.get(Journey, step.journey_id)
    hire = session.get(Employee, journey.employee_id) if journey else None
    spec = definition.get(runtime.settings.onboarding.journey_file).step(step.step_key)
    assert hire is not None
    if spec is None:
        return ActionResult(False, i18n.t("journeys.not_found", locale, no=step.task_no or step.id))
    name = title(spec, People.of(session, hire, locale), locale)
    no = step.task_no or step.id
    now = runtime.clock.now()
    if step.status not in OPEN:
        if step.status in ("done", "skipped") and note and not from_card and not spec.is_evaluation:
            same = (action, step.status) in (("done", "done"), ("skip", "skipped"))
            if same:
                step.note = note  # the buttons cannot take text: a note or reason given afterwards
                update_sent_card(runtime, session, step, status_line(runtime, step, actor, locale))
                return ActionResult(True, i18n.t("journeys.note_added", locale, title=name))
        status = i18n.t(f"journeys.status.{step.status}", locale)
        return ActionResult(False, i18n.t("journeys.already", locale, status=status), status)
    if action == "later":
        step.snoozed_until = later_until(runtime, now)
        until = i18n.fmt_datetime(step.snoozed_until, runtime.tz, locale)
        line = status_line(runtime, step, actor, locale)
        return ActionResult(True, i18n.t("journeys.later", locale, until=until, title=name), line)
    if action == "done" and spec.is_evaluation:
        parsed = evaluation.parse(spec.survey, note or "") if not from_card else None
        if parsed is None:
            order = " ".join(f"<{evaluation.QUESTIONS[k].label(locale)}>" for k in evaluation.scale_keys(spec.survey))
            return ActionResult(False, i18n.t("journeys.evaluation_usage", locale, name=hire.name, no=no, order=order))
        step.result = {"scores": parsed.scores, "comment": parsed.comment}
        note = None
    step.status = "done" if action == "done" else "skipped"
    step.done_on, step.actor_id, step.note, step.snoozed_until = runtime.today(), actor.id, note, None
    log.info("journey step %s: %s by employee %s", step.id, action, actor.id)
    line = status_line(runtime, step, actor, locale)
    if not from_card:
        update_sent_card(runtime, session, step, line)
    if spec.is_evaluation:
        _share_evaluation(runtime, session, step, spec, hire)
        summary = evaluation.summary(step.result, locale)
        return ActionResult(True, i18n.t("journeys.evaluation_done", locale, name=hire.name, summary=summary), line)
    if action == "done":
        text = i18n.t("journeys.done", locale, title=name)
        if not note:
            text += "\n" + i18n.t("journeys.done_note_hint", locale, no=no)
        return ActionResult(True, text, line)
    text = i18n.t("journeys.skipped", locale, title=name)
    if not note:
        text += "\n" + i18n.t("journeys.skip_hint", locale, no=no)
    return ActionResult(True, text, line)
