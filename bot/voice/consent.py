"""Asking before telling: the offer to bring HR in, and what a "是" or "不用" does.

The employee's words are held in a ``pending`` request only until they answer. "是" keeps them
for HR and raises the ``voice_request`` (or, for distress, ``voice_distress``) tag at once, so the
HR business partner gets a care reminder quoting them; "不用" clears them, keeping only the answer.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.logsafe import describe
from bot.core.runtime import Runtime
from bot.models import Employee, VoiceRequest
from bot.pipeline import outbox
from bot.pipeline.dispatch import Reply
from bot.pipeline.platform import Button, Card
from bot.voice import messages  # noqa: F401  (registers the texts)
from bot.voice.support import support_lines

log = logging.getLogger(__name__)

CONSENT_ACTION = "voice.consent"
YES = frozenset({"是", "是的", "好", "好的", "1", "要", "可以", "行", "嗯", "嗯嗯", "麻烦了", "yes", "y", "ok", "sure"})
NO = frozenset({"不用", "先不用", "不", "不要", "不了", "2", "算了", "暂时不用", "no", "n", "not now"})
_TRIM = re.compile(r"[\s,.!?;，。！？；~～…]+")
_AFTER_COMMIT = "voice.evaluate_after_commit"
_LISTENING = "voice.evaluate_listener"


def parse_answer(text: str) -> bool | None:
    """True for a yes ("是", "好", "1"), False for a no ("不用"), None for anything else."""
    token = _TRIM.sub("", text).casefold()
    if token in YES:
        return True
    if token in NO:
        return False
    return None


def pending(runtime: Runtime, session: Session, employee: Employee) -> VoiceRequest | None:
    """The employee's open question, if it is still within ``[voice].consent_ttl_hours``."""
    since = runtime.clock.now() - timedelta(hours=runtime.settings.voice.consent_ttl_hours)
    return session.scalar(
        select(VoiceRequest)
        .where(
            VoiceRequest.employee_id == employee.id, VoiceRequest.status == "pending", VoiceRequest.asked_at >= since
        )
        .order_by(VoiceRequest.id.desc())
        .limit(1)
    )


def hrbp_of(session: Session, employee: Employee) -> Employee | None:
    """The employee's active HR business partner (never themselves), if any."""
    person = session.get(Employee, employee.hrbp_id) if employee.hrbp_id else None
    return person if person is not None and person.status == "active" and person.id != employee.id else None


def question(session: Session, employee: Employee, locale: str) -> str:
    """ "要我请你的 HRBP 赵月磊联系你吗？" (or HR when there is no business partner)."""
    hrbp = hrbp_of(session, employee)
    if hrbp is not None:
        return i18n.t("voice.ask.hrbp", locale, name=hrbp.name)
    return i18n.t("voice.ask.hr", locale)


def offer(
    runtime: Runtime, session: Session, employee: Employee, intent: str, text: str, *, platform: str, locale: str
) -> Reply:
    """Answer warmly and ask whether HR may contact the employee (text fallback plus a card)."""
    now = runtime.clock.now()
    # Only the newest question stays open: an older unanswered one is closed and its words dropped.
    session.execute(
        update(VoiceRequest)
        .where(VoiceRequest.employee_id == employee.id, VoiceRequest.status == "pending")
        .values(status="expired", quote=None, answered_at=now)
    )
    request = VoiceRequest(
        employee_id=employee.id,
        intent=intent,
        status="pending",
        quote=text.strip()[: runtime.settings.voice.max_quote_chars],
        asked_at=now,
    )
    session.add(request)
    session.flush()
    ask = question(session, employee, locale)
    parts = [i18n.t(f"voice.warm.{intent}", locale)]
    if intent == "distress":
        parts += [*support_lines(runtime, locale), i18n.t("voice.danger", locale)]
    parts += [ask, i18n.t("voice.ask.how", locale)]
    buttons = (
        Button(
            i18n.t("voice.button.yes", locale), CONSENT_ACTION, {"request": str(request.id), "answer": "yes"}, "primary"
        ),
        Button(i18n.t("voice.button.no", locale), CONSENT_ACTION, {"request": str(request.id), "answer": "no"}),
    )
    card = Card(f"vr{request.id}", i18n.t("voice.card.title", locale), ask, buttons)
    outbox.enqueue(
        session,
        key=f"voice:{request.id}:ask",
        recipient=employee.userid,
        kind="card",
        payload=outbox.card_payload(card),
        platform=platform,
    )
    return Reply(text="\n".join(parts))


def evaluate_after_commit(runtime: Runtime, session: Session, employee_id: int, source: str = "voice") -> None:
    """Re-evaluate the rules reading ``source`` for the employee once the session commits.

    The engine reads committed data in its own session, so a consent (or an ended life event)
    raises or resolves its tag at once rather than at the nightly run.
    """
    session.info.setdefault(_AFTER_COMMIT, set()).add((employee_id, source))
    if session.info.get(_LISTENING):
        return
    session.info[_LISTENING] = True

    def run(committed: Session) -> None:
        from rules.engine import evaluate_employee

        # after_commit also fires when a savepoint is released (commands run in one); other
        # sessions see the data only once the outermost transaction commits.
        if committed.in_nested_transaction() or not committed.info.get(_AFTER_COMMIT):
            return
        for emp, src in sorted(committed.info.pop(_AFTER_COMMIT)):
            try:
                evaluate_employee(runtime, emp, sources={src})
            except Exception as exc:
                # The consent is stored either way; the nightly evaluation raises the tag. Classes and
                # location only: the error's text may quote what the employee said (docs/security.md).
                log.error("evaluating %s rules for employee %s after a consent failed: %s", src, emp, describe(exc))

    event.listen(session, "after_commit", run)


def resolve(
    runtime: Runtime, session: Session, request: VoiceRequest, employee: Employee, yes: bool, locale: str
) -> str:
    """Record the answer; returns what to tell the employee."""
    request.answered_at = runtime.clock.now()
    if not yes:
        request.status, request.quote = "declined", None
        log.info("voice request %s declined", request.id)
        return i18n.t("voice.no.done", locale)
    if request.intent == "life_event":
        # A family or health matter needs its own, separate consent (PIPL art. 29): "是" opens the
        # short declaration flow instead of passing the words on.
        from bot.voice import life

        return life.start(runtime, session, employee, locale=locale, note=request.quote, request=request)
    request.status = "consented"
    request.expires_on = runtime.today() + timedelta(days=runtime.settings.voice.request_days)
    evaluate_after_commit(runtime, session, employee.id)
    log.info("voice request %s consented (%s)", request.id, request.intent)
    hrbp = hrbp_of(session, employee)
    who = hrbp.name if hrbp is not None else i18n.t("voice.yes.hr", locale)
    hours = runtime.settings.care.response_hours
    return i18n.t("voice.yes.done", locale, who=who, hours=hours, quote=request.quote or "")


def answer_text(runtime: Runtime, session: Session, employee: Employee, text: str, locale: str) -> str | None:
    """Handle a typed "是"/"不用" to the open question; None when there is none or this is no answer."""
    yes = parse_answer(text)
    if yes is None:
        return None
    request = pending(runtime, session, employee)
    if request is None:
        return None
    return resolve(runtime, session, request, employee, yes, locale)


def claims(runtime: Runtime, session: Session, employee: Employee, text: str) -> bool:
    """Whether ``text`` answers the employee's open question (so no survey reads "1" as a score)."""
    return parse_answer(text) is not None and pending(runtime, session, employee) is not None


def answer_click(
    runtime: Runtime, session: Session, employee: Employee, request_id: int, answer: str, locale: str
) -> tuple[str, str] | None:
    """A card button: (card status, text for the employee); None when the card is not theirs."""
    request = session.get(VoiceRequest, request_id)
    if request is None or request.employee_id != employee.id:
        return None
    if request.status != "pending":
        return i18n.t("voice.card.gone", locale), ""
    yes = answer == "yes"
    text = resolve(runtime, session, request, employee, yes, locale)
    return i18n.t("voice.card.yes" if yes else "voice.card.no", locale), text
