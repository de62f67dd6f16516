"""``/家里有事`` (``/life``): declaring a life event in a short chat flow.

category → optional note → separate consent (PIPL art. 29: health and family-health details are
sensitive personal information) → a ``LifeEvent`` under its own ``Consent`` that the
``family_event`` rule reads until it expires. The flow's state lives on a ``VoiceRequest``
(intent ``life_event``, status ``flow``); it never reaches HR before the consent step, and a
refusal or "取消" drops everything typed so far.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.models import Employee, VoiceRequest
from bot.pipeline import outbox
from bot.pipeline.platform import Button, Card
from bot.voice import life_messages  # noqa: F401  (registers the texts)
from bot.voice.consent import hrbp_of, parse_answer
from bot.voice.life_records import declare

log = logging.getLogger(__name__)

FLOW = "flow"
LIFE_ACTION = "voice.life"
CATEGORIES: tuple[str, ...] = ("family_illness", "bereavement", "wedding", "newborn", "move", "health", "family")
# Health data (own or a relative's) is sensitive personal information (PIPL art. 28).
SENSITIVE = frozenset({"family_illness", "health"})
# Words that pick a category when the employee does not type its number.
_CUES: tuple[tuple[str, str], ...] = (
    ("自己", "health"), ("我生病", "health"), ("我住院", "health"), ("own", "health"),
    ("家人", "family_illness"), ("生病", "family_illness"), ("住院", "family_illness"), ("ill", "family_illness"),
    ("离世", "bereavement"), ("去世", "bereavement"), ("丧", "bereavement"), ("bereave", "bereavement"),
    ("婚", "wedding"), ("wedding", "wedding"), ("marr", "wedding"),
    ("宝宝", "newborn"), ("出生", "newborn"), ("生娃", "newborn"), ("孩子", "newborn"), ("baby", "newborn"),
    ("搬家", "move"), ("mov", "move"),
    ("其他", "family"), ("other", "family"),
)  # fmt: skip
_CANCEL = frozenset({"取消", "算了", "cancel", "stop", "退出"})
_SKIP = frozenset({"跳过", "没有", "无", "不用", "不用了", "skip", "no", "none"})
_TRIM = re.compile(r"[\s,.!?;，。！？；~～…]+")


def _token(text: str) -> str:
    return _TRIM.sub("", text).casefold()


def active(runtime: Runtime, session: Session, employee: Employee) -> VoiceRequest | None:
    """The employee's open life-event flow, if its last step is within ``[voice].consent_ttl_hours``."""
    since = runtime.clock.now() - timedelta(hours=runtime.settings.voice.consent_ttl_hours)
    return session.scalar(
        select(VoiceRequest)
        .where(VoiceRequest.employee_id == employee.id, VoiceRequest.status == FLOW, VoiceRequest.asked_at >= since)
        .order_by(VoiceRequest.id.desc())
        .limit(1)
    )


def _category_prompt(locale: str) -> str:
    items = [f"{n}. {i18n.t(f'voice.life.kind.{kind}', locale)}" for n, kind in enumerate(CATEGORIES, 1)]
    return "\n".join([i18n.t("voice.life.ask_category", locale), *items, i18n.t("voice.life.cancel_hint", locale)])


def start(
    runtime: Runtime, session: Session, employee: Employee, *, locale: str, note: str | None = None,
    request: VoiceRequest | None = None,
) -> str:  # fmt: skip
    """Open the flow (closing any older one) and ask for the category; ``note`` pre-fills the note."""
    now = runtime.clock.now()
    session.execute(
        update(VoiceRequest)
        .where(VoiceRequest.employee_id == employee.id, VoiceRequest.status.in_((FLOW, "pending")))
        .where(VoiceRequest.id != (request.id if request is not None else -1))
        .values(status="expired", quote=None, detail=None, answered_at=now)
    )
    flow = request or VoiceRequest(employee_id=employee.id, intent="life_event")
    flow.status, flow.asked_at, flow.detail = FLOW, now, {"step": "category"}
    flow.quote = note.strip()[: runtime.settings.voice.max_quote_chars] if note and note.strip() else None
    session.add(flow)
    session.flush()
    log.info("life-event flow %s opened", flow.id)
    return f"{i18n.t('voice.life.intro', locale)}\n{_category_prompt(locale)}"


def _category(text: str) -> str | None:
    token = _token(text)
    if token.isdigit() and 1 <= int(token) <= len(CATEGORIES):
        return CATEGORIES[int(token) - 1]
    for kind in CATEGORIES:
        if token in (kind, _token(i18n.t(f"voice.life.kind.{kind}", "zh-CN")).casefold()):
            return kind
    return next((kind for cue, kind in _CUES if cue in token), None)


def _note_prompt(flow: VoiceRequest, locale: str) -> str:
    if flow.quote:
        return i18n.t("voice.life.ask_note_prefilled", locale, note=flow.quote)
    return i18n.t("voice.life.ask_note", locale)


def _consent_prompt(
    runtime: Runtime, session: Session, employee: Employee, flow: VoiceRequest, *, platform: str, locale: str
) -> str:
    """The separate-consent question, as text and as a card with one button per choice."""
    kind = str((flow.detail or {}).get("kind"))
    hrbp = hrbp_of(session, employee)
    who = hrbp.name if hrbp is not None else i18n.t("voice.yes.hr", locale)
    days = runtime.settings.voice.life_event_days
    until = i18n.fmt_date(runtime.today() + timedelta(days=days), locale, with_year=True)
    label = i18n.t(f"voice.life.kind.{kind}", locale)
    lines = [i18n.t("voice.life.consent_head", locale)]
    if kind in SENSITIVE:
        lines.append(i18n.t("voice.life.sensitive", locale))
    lines.append(i18n.t("voice.life.consent_body", locale, who=who, kind=label, days=days, until=until))
    choices = ("category", "note", "no") if flow.quote else ("category", "no")
    lines.append(i18n.t("voice.life.consent_with_note" if flow.quote else "voice.life.consent_plain", locale))
    buttons = tuple(
        Button(
            i18n.t(f"voice.life.button.{choice}", locale),
            LIFE_ACTION,
            {"flow": str(flow.id), "step": "consent", "value": choice},
            "primary" if choice == "category" else "default",
        )
        for choice in choices
    )
    card = Card(f"le{flow.id}", i18n.t("voice.life.card_title", locale), "\n".join(lines[:-1]), buttons)
    outbox.enqueue(
        session,
        key=f"life:{flow.id}:consent",
        recipient=employee.userid,
        kind="card",
        payload=outbox.card_payload(card),
        platform=platform,
    )
    return "\n".join(lines)


def _consent_choice(text: str, has_note: bool) -> str | None:
    """``category`` / ``note`` / ``no`` from a typed answer to the consent question."""
    token = _token(text)
    numbered = {"1": "category", "2": "note", "3": "no"} if has_note else {"1": "category", "2": "no"}
    if token in numbered:
        return numbered[token]
    if token.startswith(("不同意", "不", "disagree")) or parse_answer(text) is False:
        return "no"
    if "说明" in token or "note" in token:
        return "note" if has_note else "category"
    if token.startswith(("同意", "agree")) or parse_answer(text) is True:
        return "category"
    return None


def _finish(
    runtime: Runtime, session: Session, employee: Employee, flow: VoiceRequest, choice: str, locale: str
) -> str:
    """Store the event (or nothing, on a refusal) and close the flow."""
    flow.answered_at = runtime.clock.now()
    if choice == "no":
        flow.status, flow.quote, flow.detail = "declined", None, None
        log.info("life-event flow %s declined", flow.id)
        return i18n.t("voice.life.declined", locale)
    kind = str((flow.detail or {}).get("kind"))
    event = declare(runtime, session, employee, kind, flow.quote if choice == "note" else None)
    flow.status, flow.quote, flow.detail = "declared", None, {"event": event.id}
    hrbp = hrbp_of(session, employee)
    who = hrbp.name if hrbp is not None else i18n.t("voice.yes.hr", locale)
    key = "voice.life.declared_note" if event.note else "voice.life.declared"
    return i18n.t(
        key,
        locale,
        who=who,
        kind=i18n.t(f"voice.life.kind.{kind}", locale),
        until=i18n.fmt_date(event.expires_on, locale, with_year=True),
    )


def step(
    runtime: Runtime, session: Session, employee: Employee, flow: VoiceRequest, text: str, *, platform: str,
    locale: str,
) -> str:  # fmt: skip
    """Take the employee's answer to the current step and return what to say next."""
    flow.asked_at = runtime.clock.now()  # an answer keeps the flow open for another TTL
    detail = dict(flow.detail or {})
    if _token(text) in _CANCEL:
        flow.status, flow.quote, flow.detail, flow.answered_at = "declined", None, None, runtime.clock.now()
        return i18n.t("voice.life.cancelled", locale)
    if detail.get("step") == "category":
        kind = _category(text)
        if kind is None:
            return f"{i18n.t('voice.life.which', locale)}\n{_category_prompt(locale)}"
        flow.detail = {"step": "note", "kind": kind}
        return _note_prompt(flow, locale)
    if detail.get("step") == "note":
        if _token(text) in _SKIP:
            flow.quote = None
        elif parse_answer(text) is not True:  # "好" keeps the pre-filled note; anything else replaces it
            flow.quote = text.strip()[: runtime.settings.voice.max_quote_chars]
        flow.detail = {**detail, "step": "consent"}
        return _consent_prompt(runtime, session, employee, flow, platform=platform, locale=locale)
    choice = _consent_choice(text, bool(flow.quote))
    if choice is None:
        return i18n.t("voice.life.consent_with_note" if flow.quote else "voice.life.consent_plain", locale)
    return _finish(runtime, session, employee, flow, choice, locale)


def answer_click(
    runtime: Runtime, session: Session, employee: Employee, flow_id: int, value: str, locale: str
) -> tuple[str, str] | None:
    """A consent-card button: (card status, text for the employee); None when the card is not theirs."""
    flow = session.get(VoiceRequest, flow_id)
    if flow is None or flow.employee_id != employee.id or flow.intent != "life_event":
        return None
    if flow.status != FLOW or (flow.detail or {}).get("step") != "consent" or value not in ("category", "note", "no"):
        return i18n.t("voice.card.gone", locale), ""
    text = _finish(runtime, session, employee, flow, value if flow.quote or value != "note" else "category", locale)
    return i18n.t("voice.life.card_no" if value == "no" else "voice.life.card_yes", locale), text
