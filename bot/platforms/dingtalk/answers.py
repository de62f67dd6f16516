"""What DingTalk is answered: the synchronous robot message and the in-place card update (protocols.md §3.2, §4.4)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.core import i18n
from bot.pipeline.dispatch import Reply
from bot.platforms.dingtalk.fields import field

i18n.register(
    {
        "webhooks.private_reply_sent": {
            "zh-CN": "详情已私信发送给你",
            "en": "I've sent you the details in a private message.",
        }
    }
)

EMPTY_ROBOT_ANSWER: dict[str, Any] = {"msgtype": "empty"}


def is_group(payload: Mapping[str, Any]) -> bool:
    """Whether a robot message came from a group chat (``conversationType`` "2"; "1" is a single chat)."""
    return str(field(payload, "conversationType")) == "2"


def robot_body(replies: list[Reply], at_userid: str | None) -> dict[str, Any]:
    """The synchronous robot answer: one text or markdown message, or ``empty``."""
    texts = [r.text for r in replies if r.text]
    if not texts:
        return dict(EMPTY_ROBOT_ANSWER)
    at = {"at": {"atUserIds": [at_userid], "isAtAll": False}} if at_userid else {}
    title = next((r.markdown_title for r in replies if r.markdown_title is not None), None)
    joined = "\n\n".join(texts)
    if title is not None:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": joined}, **at}
    return {"msgtype": "text", "text": {"content": joined}, **at}


def goes_private(reply: Reply, payload: Mapping[str, Any]) -> bool:
    """A private reply asked for in a group goes to the sender 1:1, never to the group."""
    return reply.private and is_group(payload)


def robot_answer(payload: Mapping[str, Any], replies: list[Reply], locale: str) -> dict[str, Any]:
    """The body answering a robot message: the public replies, @-ing the sender in a group."""
    group = is_group(payload)
    public = [r for r in replies if not goes_private(r, payload)]
    # Say where the answer went, unless the handler already did (once is enough in a group).
    if group and not public and any(r.private and r.text for r in replies):
        public.append(Reply(text=i18n.t("webhooks.private_reply_sent", locale)))
    sender = str(field(payload, "senderStaffId") or "")
    return robot_body(public, sender if group and public else None)


def card_update_body(update: dict[str, Any] | None) -> dict[str, Any]:
    """The card-callback answer that updates the card in place (``{}`` leaves it as it is).

    Keys follow the card template of :func:`bot.platforms.dingtalk.platform.card_params`: a ``status_text``
    becomes ``status`` and clears ``buttons``; other keys (``title``, ``markdown`` …) pass through,
    and only the keys given are updated. The same body answers an HTTP callback and acks a Stream one.
    """
    if not update:
        return {}

    def as_map(values: dict[str, Any]) -> dict[str, str]:
        return {str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in values.items()}

    params = {k: v for k, v in update.items() if k not in ("status_text", "private")}
    if update.get("status_text") is not None:
        params["status"] = update["status_text"]
        params["buttons"] = []  # a settled card has nothing left to click
    body: dict[str, Any] = {"cardData": {"cardParamMap": as_map(params)}}
    private = update.get("private")
    if isinstance(private, dict):
        body["userPrivateData"] = {"cardParamMap": as_map(private)}
    body["cardUpdateOptions"] = {"updateCardDataByKey": True, "updatePrivateDataByKey": True}
    return body


def card_answer(replies: list[Reply]) -> dict[str, Any]:
    """The last card update a handler asked for, as the answer body."""
    update = next((r.card_update for r in reversed(replies) if r.card_update), None)
    return card_update_body(update)
