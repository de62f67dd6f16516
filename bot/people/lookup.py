"""Find the person a command is about: @mention, exact name, userid, pinyin, initials, then partial.

Every step searches only inside the caller's scope (an SQL condition from ``bot.people.access``), so a
person out of scope is indistinguishable from nobody. The first step that finds anyone wins;
several people found by that step are returned for a numbered choice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from bot.models import Employee

MAX_QUERY_CHARS = 64  # longer than any name or userid: nothing can match, no need to search
_ASCII_NAME = re.compile(r"^[a-z][a-z ]*$")
_INITIALS = re.compile(r"^[a-z]{2,5}$")


@dataclass(frozen=True)
class Lookup:
    """The people found (at most ``limit``), how many in all, and by which step."""

    people: list[Employee] = field(default_factory=list)
    total: int = 0
    how: str = "none"  # mention | name | userid | pinyin | initials | partial | none

    @property
    def found(self) -> Employee | None:
        """The one person found, if exactly one."""
        return self.people[0] if self.total == 1 else None

    @property
    def ambiguous(self) -> bool:
        return self.total > 1


def _initials(pinyin: str | None) -> str:
    return "".join(part[0] for part in (pinyin or "").split() if part)


def _run(session: Session, stmt: Select[Employee], how: str, limit: int) -> Lookup:
    rows = list(session.scalars(stmt.order_by(Employee.name, Employee.userid).limit(limit + 1)))
    if not rows:
        return Lookup()
    total = len(rows)
    if total > limit:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or total
    return Lookup(rows[:limit], total, how)


def _by_initials(session: Session, base: Select[Employee], q: str, limit: int) -> Lookup:
    # "zs" → pinyin LIKE 'z% s%' narrows in SQL; the exact initials are checked here.
    pattern = " ".join(f"{c}%" for c in q)
    candidates = session.scalars(base.where(Employee.name_pinyin.like(pattern)).order_by(Employee.name).limit(500))
    people = [e for e in candidates if _initials(e.name_pinyin) == q]
    return Lookup(people[:limit], len(people), "initials") if people else Lookup()


def find_people(
    session: Session,
    query: str,
    scope: ColumnElement[bool],
    *,
    mentions: Sequence[str] = (),
    limit: int = 10,
) -> Lookup:
    """The people in ``scope`` that ``query`` names (see the module docstring for the order)."""
    base = select(Employee).where(scope)
    q = query.strip()
    mentioned = q.startswith(("@", "＠")) or not q
    q = q.lstrip("@＠").strip()
    if mentions and mentioned:
        # The platform resolved the @mention to user ids: no name guessing needed.
        return _run(session, base.where(Employee.userid.in_([m[:64] for m in mentions])), "mention", limit)
    if not q or len(q) > MAX_QUERY_CHARS:
        return Lookup()
    lowered = q.lower()
    compact = lowered.replace(" ", "")
    steps: list[tuple[str, ColumnElement[bool]]] = [
        ("name", Employee.name == q),
        ("userid", or_(Employee.userid == q, func.lower(Employee.userid) == lowered)),
    ]
    if _ASCII_NAME.match(lowered):
        steps.append(("pinyin", func.replace(Employee.name_pinyin, " ", "") == compact))
    for how, condition in steps:
        result = _run(session, base.where(condition), how, limit)
        if result.total:
            return result
    if _INITIALS.match(compact) and compact == lowered:
        result = _by_initials(session, base, compact, limit)
        if result.total:
            return result
    partial = [Employee.name.contains(q, autoescape=True)]
    if _ASCII_NAME.match(lowered):
        partial.append(func.replace(Employee.name_pinyin, " ", "").contains(compact, autoescape=True))
    return _run(session, base.where(or_(*partial)), "partial", limit)
