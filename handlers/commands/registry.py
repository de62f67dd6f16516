"""The slash-command registry: ``@command(...)`` registers a function under a name and its aliases.

Other packages add commands the same way (e.g. the reminders' ``/done``)::

    @command("status", aliases=("状态",), roles=("hr", "manager", "employee"),
             summary_key="commands.status.summary", example="/status 张三")
    def status(ctx: CommandContext) -> Reply: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from bot.pipeline.dispatch import Reply
from handlers.commands.context import CommandContext

__all__ = ["ROLES", "Command", "CommandContext", "all_commands", "command", "lookup", "names"]

Role = Literal["anyone", "employee", "manager", "hr", "admin", "recipient"]
# ``anyone`` includes strangers (senders not in the directory); the rest are caller roles
# (``recipient``: has been sent a care reminder, see bot.people.access.roles_of).
ROLES: tuple[str, ...] = ("anyone", "employee", "manager", "hr", "admin", "recipient")

CommandFn = Callable[[CommandContext], Reply]
F = TypeVar("F", bound=CommandFn)


@dataclass(frozen=True)
class Command:
    """A registered command; ``private_in_group`` sends its answer 1:1 when asked in a group."""

    name: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    summary_key: str
    example: str
    example_en: str | None
    private_in_group: bool
    fn: CommandFn
    order: int = 100

    def allowed(self, roles: Iterable[str]) -> bool:
        """Whether a caller with ``roles`` may run this command."""
        return "anyone" in self.roles or bool(set(roles) & set(self.roles))

    def example_for(self, locale: str) -> str:
        return self.example_en if (locale == "en" and self.example_en) else self.example


_commands: dict[str, Command] = {}  # canonical name → command, in registration order
_index: dict[str, Command] = {}  # lower-cased name or alias → command


def _key(token: str) -> str:
    return token.strip().casefold()


def command(
    name: str,
    *,
    aliases: tuple[str, ...] = (),
    roles: tuple[str, ...] = ("employee",),
    summary_key: str,
    example: str,
    example_en: str | None = None,
    private_in_group: bool = True,
    order: int = 100,
) -> Callable[[F], F]:
    """Register ``fn`` as ``/name`` (and ``/alias``…) for callers having one of ``roles``.

    ``order`` places the command in ``/help`` (lower first; equal ones in registration order).

    Raises:
        ValueError: an unknown role, or a name/alias already taken by another function.
    """
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValueError(f"command /{name}: unknown roles {bad or roles!r} (use {', '.join(ROLES)})")

    def register(fn: F) -> F:
        cmd = Command(name, tuple(aliases), tuple(roles), summary_key, example, example_en, private_in_group, fn, order)
        for token in (name, *aliases):
            taken = _index.get(_key(token))
            if taken is not None and taken.fn is not fn and taken.name != name:
                raise ValueError(f"command /{token} is already registered by /{taken.name}")
        for token in (name, *aliases):
            _index[_key(token)] = cmd
        _commands[name] = cmd
        return fn

    return register


def lookup(token: str) -> Command | None:
    """The command registered under ``token`` (a name or alias, case-insensitive), if any."""
    return _index.get(_key(token))


def names() -> frozenset[str]:
    """Every registered name and alias, lower-cased (for the parser)."""
    return frozenset(_index)


def all_commands() -> list[Command]:
    """Registered commands by ``order``, then in registration order."""
    return sorted(_commands.values(), key=lambda c: c.order)
