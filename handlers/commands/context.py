"""What a command function receives: the caller, the arguments and helpers for texts and audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.models import Employee
from bot.people import audit
from bot.pipeline.events import ChatMessage
from bot.privacy import Policy, Role, Viewer, policy_of
from bot.privacy.viewers import in_scope_role, viewer_of


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

    @property
    def policy(self) -> Policy:
        """The visibility policy in force."""
        return policy_of(self.runtime.settings)

    def viewer_for(self, person: Employee) -> Viewer:
        """The caller as a viewer of ``person`` (their role towards them)."""
        return viewer_of(self.session, self.caller, self.roles, self.runtime.settings, person)

    def row_viewer(self, person: Employee) -> Viewer:
        """The caller as a viewer of ``person``, a row already filtered to the caller's scope."""
        if self.caller is None:
            return Viewer(Role.OTHER)
        return Viewer(in_scope_role(self.caller, self.roles, self.runtime.settings, person), actor=self.caller.userid)

    def list_viewers(self) -> list[Viewer]:
        """Every role the rows of a list command can have; counts use what all of them may see."""
        actor = self.caller_userid
        out: list[Viewer] = []
        if "hr" in self.roles:
            out.append(Viewer(Role.HR_ADMIN if "admin" in self.roles else Role.HR, actor=actor))
            if self.runtime.settings.access.hr_scope == "all":
                return out
        if "manager" in self.roles:
            out += [Viewer(Role.MANAGER_DIRECT, actor=actor), Viewer(Role.MANAGER_INDIRECT, actor=actor)]
        return out or [Viewer(Role.OTHER, actor=actor)]

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
