"""What a command function receives: the caller, the arguments and helpers for texts and audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot import audit, i18n
from bot.events import ChatMessage
from bot.models import Employee
from bot.runtime import Runtime


@dataclass(frozen=True)
class CommandContext:
    """One invocation of a slash command.

    ``caller`` is ``None`` for a stranger (a sender who is not an active employee); ``roles`` holds
    ``employee``/``manager``/``hr``/``admin`` as they apply to the caller; ``name`` is the canonical
    command name even when an alias was typed.
    """

    runtime: Runtime
    session: Session
    event: ChatMessage
    caller: Employee | None
    args: str
    locale: str
    is_group: bool
    roles: frozenset[str] = frozenset()
    name: str = ""

    @property
    def channel(self) -> str:
        """The platform the command came from (``dingtalk``, ``wecom`` or ``local``)."""
        return self.event.platform

    @property
    def caller_userid(self) -> str:
        return self.caller.userid if self.caller is not None else self.event.sender_userid

    def t(self, key: str, **values: object) -> str:
        """The message ``key`` in the caller's language."""
        return i18n.t(key, self.locale, **values)

    def audit(self, subject_userid: str | None, action: str, detail: dict[str, Any] | None = None) -> None:
        """Record that the caller viewed ``subject_userid``'s data (``action`` like ``view.status``)."""
        extra = {"command": self.name, "group": self.is_group, **(detail or {})}
        audit.record(
            self.session,
            self.caller_userid,
            subject_userid,
            action,
            self.channel,
            extra,
            at=self.runtime.clock.now(),
        )
