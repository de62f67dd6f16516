"""Which cards CareBot delivered to whom: a click is only believed for a card it sent to the clicker.

A card callback names a card (DingTalk ``outTrackId``, WeCom ``task_id``) and a user. Even when
the callback is authentic, the ids inside a click come from the card's buttons, so a click is
admitted only when that user received that card and the click is one of its buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.sqlutil import dialect_insert
from bot.models import SentCard
from bot.people import audit
from bot.pipeline.events import CardAction
from bot.pipeline.platform import Card

log = logging.getLogger(__name__)

# Per platform, the id it echoes in a click made from CareBot's card id; set by each inbound
# adapter when the pipeline takes it (``InboundPipeline.add``). A platform without one echoes ours.
_clicked_ids: dict[str, Callable[[str], str]] = {}


def register_clicked_card_id(platform: str, convert: Callable[[str], str]) -> None:
    """Set how ``platform`` names CareBot's card ids in its click callbacks."""
    _clicked_ids[platform] = convert


def platform_card_id(platform: str, card_id: str) -> str:
    """The id the platform echoes in a click (e.g. WeCom's ``task_id`` form), else the card id itself."""
    convert = _clicked_ids.get(platform)
    return convert(card_id) if convert is not None else card_id


def record(session: Session, platform: str, userid: str, card: Card, outbox_id: int | None, at: datetime) -> None:
    """Remember that ``card`` was delivered to ``userid`` on ``platform`` (idempotent)."""
    buttons = [{"action": b.action, "params": dict(b.params)} for b in card.buttons]
    stmt = (
        dialect_insert(session, SentCard)
        .values(
            platform=platform,
            card_id=platform_card_id(platform, card.card_id)[:128],
            userid=userid[:64],
            outbox_id=outbox_id,
            buttons=buttons,
            sent_at=at,
        )
        .on_conflict_do_nothing(index_elements=["platform", "card_id", "userid"])
    )
    session.execute(stmt)


def find(session: Session, platform: str, card_id: str, userid: str) -> SentCard | None:
    """The delivery of card ``card_id`` to ``userid``, if CareBot made one."""
    return session.scalar(
        select(SentCard).where(
            SentCard.platform == platform, SentCard.card_id == card_id[:128], SentCard.userid == userid[:64]
        )
    )


def _offered(sent: SentCard, action: str, params: Mapping[str, str]) -> bool:
    """Whether the click is one of the card's buttons: same action, and the button's params as sent."""
    for button in sent.buttons or []:
        wanted: Mapping[str, Any] = button.get("params") or {}
        if button.get("action") == action and all(params.get(k) == str(v) for k, v in wanted.items()):
            return True
    return False


def admit(session: Session, event: CardAction, at: datetime) -> bool:
    """True for a click on a card sent to its clicker, matching one of its buttons; audits either way."""
    sent = find(session, event.platform, event.card_id, event.userid)
    ok = sent is not None and _offered(sent, event.action, event.params)
    detail = {"card_id": event.card_id[:128], "action": event.action[:64]}
    action = "card_click" if ok else "card_click_refused"
    audit.record(session, event.userid, None, action, event.platform, detail, at=at)
    if not ok:
        log.warning("%s card click refused: not a card sent to this user, or not one of its buttons", event.platform)
    return ok
