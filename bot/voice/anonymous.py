"""Anonymous questions to HR (``/匿名``) and HR's answers (``/答复``).

The question row holds the text, the HR people it went to and a random ``sender_token``. The way
back to the sender is a separate row keyed by ``HMAC([app].secret_key, token)`` — no serial id, no
timestamp — that no HR surface, API or export reads. Once the answer is queued for the sender,
both the token and that row are deleted; unanswered ones are purged after
``[voice].anonymous_days``. Whoever can read the database *and* the configuration can still link a
question to its sender while it is open (docs/voice.md says so).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.models import AnonymousQuestion, AnonymousSender, Employee
from bot.pipeline import outbox, ratelimit
from bot.voice import anonymous_messages  # noqa: F401  (registers the texts)
from bot.voice.consent import hrbp_of

log = logging.getLogger(__name__)

MAX_CHARS = 1000
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Outcome:
    """What to tell the person who asked or answered."""

    text: str
    ok: bool


def _hash(runtime: Runtime, value: str) -> str:
    # Keyed with [app].secret_key: without it, the database alone does not link a question's token
    # (or a rate-limit key) to a person. With an empty key this is a plain hash (docs/voice.md).
    return hmac.new(runtime.settings.app.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()


def _locale(runtime: Runtime, person: Employee | None) -> str:
    return i18n.normalise_locale((person.locale if person else None) or runtime.settings.app.locale)


def hr_inbox(runtime: Runtime, session: Session, sender: Employee) -> list[Employee]:
    """Who receives the sender's question: their HR business partner, else ``[reminders].hr_userids``."""
    hrbp = hrbp_of(session, sender)
    if hrbp is not None:
        return [hrbp]
    userids = [u for u in runtime.settings.reminders.hr_userids if u and u != sender.userid]
    if not userids:
        return []
    return list(
        session.scalars(
            select(Employee).where(Employee.userid.in_(userids), Employee.status == "active").order_by(Employee.id)
        )
    )


def purge(runtime: Runtime, session: Session) -> None:
    """Forget the way back to senders whose questions went unanswered too long."""
    session.execute(delete(AnonymousSender).where(AnonymousSender.expires_on < runtime.today()))


def ask(runtime: Runtime, session: Session, sender: Employee, text: str, *, platform: str, locale: str) -> Outcome:
    """Send ``text`` to the sender's HR inbox without their identity; rate-limited per day."""
    question = text.strip()
    if not question:
        return Outcome(i18n.t("voice.anon.usage", locale), False)
    if len(question) > MAX_CHARS:
        return Outcome(i18n.t("voice.anon.too_long", locale, limit=MAX_CHARS), False)
    inbox = hr_inbox(runtime, session, sender)
    if not inbox:
        return Outcome(i18n.t("voice.anon.no_hr", locale), False)
    limit = runtime.settings.voice.anonymous_per_day
    decision = ratelimit.check_and_record(
        session, "anon:" + _hash(runtime, "ratelimit:" + sender.userid)[:40], runtime.clock.now(), limit, DAY
    )
    if not decision.allowed:
        return Outcome(i18n.t("voice.anon.slow_down", locale, limit=limit), False)
    purge(runtime, session)
    token = secrets.token_urlsafe(32)
    row = AnonymousQuestion(
        asked_at=runtime.clock.now(),
        question=question,
        sender_token=token,
        routed_to=[p.userid for p in inbox],
        status="open",
    )
    session.add(row)
    session.add(
        AnonymousSender(
            token_hash=_hash(runtime, token),
            userid=sender.userid,
            expires_on=runtime.today() + timedelta(days=runtime.settings.voice.anonymous_days),
        )
    )
    session.flush()
    for hr in inbox:
        outbox.enqueue(
            session,
            key=f"anon:{row.id}:hr:{hr.userid}",
            recipient=hr.userid,
            kind="text",
            payload={"text": i18n.t("voice.anon.to_hr", _locale(runtime, hr), n=row.id, question=question)},
            platform=platform,
        )
    # The number only: who asked is exactly what this log must not say.
    log.info("anonymous question %s sent to %d HR inbox(es)", row.id, len(inbox))
    return Outcome(i18n.t("voice.anon.sent", locale, days=runtime.settings.voice.anonymous_days), True)


def answer(runtime: Runtime, session: Session, hr: Employee, number: int, text: str, *, platform: str) -> Outcome:
    """Deliver HR's answer to question ``number`` and delete the way back to its sender."""
    locale = _locale(runtime, hr)
    row = session.get(AnonymousQuestion, number)
    may_answer = row is not None and (
        hr.userid in (row.routed_to or []) or hr.userid in runtime.settings.reminders.hr_userids
    )
    if row is None or not may_answer:
        return Outcome(i18n.t("voice.anon.unknown", locale, n=number), False)
    if row.status != "open":
        return Outcome(i18n.t("voice.anon.already", locale, n=number), False)
    reply = text.strip()
    if not reply:
        return Outcome(i18n.t("voice.anon.answer_usage", locale), False)
    mapping = session.get(AnonymousSender, _hash(runtime, row.sender_token)) if row.sender_token else None
    row.answer, row.answered_by, row.answered_at = reply[:MAX_CHARS], hr.userid, runtime.clock.now()
    row.sender_token = None
    if mapping is None or mapping.expires_on < runtime.today():
        if mapping is not None:
            session.delete(mapping)
        row.status = "expired"
        return Outcome(i18n.t("voice.anon.gone", locale, n=number), False)
    asker = session.scalar(select(Employee).where(Employee.userid == mapping.userid))
    outbox.enqueue(
        session,
        key=f"anon:{row.id}:answer",
        recipient=mapping.userid,
        kind="text",
        payload={
            "text": i18n.t(
                "voice.anon.to_sender", _locale(runtime, asker), question=row.question[:60], answer=row.answer
            )
        },
        platform=platform,
    )
    session.delete(mapping)
    row.status = "answered"
    log.info("anonymous question %s answered", row.id)
    return Outcome(i18n.t("voice.anon.answered", locale, n=number), True)
