"""The visibility policy: data category × viewer role → ``full``, ``summary`` or ``none``.

This table is the one place that decides who sees what; every surface (chat commands, reminder
cards and digests, the dashboard, the API, the report, CSV exports, logs) asks :meth:`Policy.can`.
The defaults follow the promises the survey questions make ("实名，HR 会看到你的回答" for check-ins,
"只统计 5 人以上的汇总" for the team pulse). An operator may change a cell in
``[privacy].grants`` but never above its ceiling (:data:`CEILINGS`): the ceiling is the promise.
docs/privacy.md shows the table and explains each choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Level(IntEnum):
    """How much of a category a viewer sees; ordered, so ``min()`` picks the strictest."""

    NONE = 0
    SUMMARY = 1
    FULL = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Level:
        """``"full"`` / ``"summary"`` / ``"none"`` → :class:`Level` (ValueError otherwise)."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"expected full, summary or none, got {value!r}") from None


class Category(StrEnum):
    """The kinds of personal data CareBot holds, as the policy distinguishes them."""

    DIRECTORY = "directory"  # name, department, position, hire date, birthday (month-day)
    CHECKIN = "checkin"  # identified care check-in answers and their comments
    TEAM_PULSE = "team_pulse"  # confidential team-pulse answers: aggregates of ≥ k people only
    PARTICIPATION = "participation"  # whether a person answered their pulses
    RISK = "risk"  # attrition-risk scores and the signals behind them
    LIFE_EVENT = "life_event"  # self-declared life events (family, health, …)
    DECLARED = "declared"  # anything else the employee declared in chat (issue 14)
    ATTENDANCE = "attendance"  # punches and daily attendance facts
    PERFORMANCE = "performance"  # metrics imported from business systems
    TAG = "tag"  # that a care tag exists, its name and severity (evidence: see below)
    CARE_ACTION = "care_action"  # who followed up, when, how
    CARE_NOTE = "care_note"  # the free-text notes of care actions
    AUDIT_LOG = "audit_log"  # who viewed whose data


class Role(StrEnum):
    """The viewer's relation to the person whose data is shown."""

    HR = "hr"  # HR covering the person ([access].hr_scope)
    HR_ADMIN = "hr_admin"  # HR who is also an administrator
    MANAGER_DIRECT = "manager_direct"
    MANAGER_INDIRECT = "manager_indirect"
    MENTOR = "mentor"
    SELF = "self"  # the employee themselves
    API = "api"  # an API token or a dashboard session signed in with one; limited by scopes
    OTHER = "other"  # anyone else (colleagues, strangers)


# Categories that reach an API answer only with the ``read:sensitive`` scope (issue 12, item 5).
SENSITIVE: frozenset[Category] = frozenset(
    {
        Category.CHECKIN,
        Category.DECLARED,
        Category.LIFE_EVENT,
        Category.RISK,
        Category.CARE_NOTE,
        Category.PARTICIPATION,
    }
)
# The most revealing first: a tag quoting several categories is classed by the first one it quotes.
STRICTNESS: tuple[Category, ...] = (
    Category.DECLARED,
    Category.LIFE_EVENT,
    Category.PARTICIPATION,
    Category.CHECKIN,
    Category.RISK,
    Category.CARE_NOTE,
    Category.TEAM_PULSE,
    Category.PERFORMANCE,
    Category.ATTENDANCE,
    Category.CARE_ACTION,
    Category.AUDIT_LOG,
    Category.TAG,
    Category.DIRECTORY,
)

F, S, N = Level.FULL, Level.SUMMARY, Level.NONE
_ROLES = (
    Role.HR,
    Role.HR_ADMIN,
    Role.MANAGER_DIRECT,
    Role.MANAGER_INDIRECT,
    Role.MENTOR,
    Role.SELF,
    Role.API,
    Role.OTHER,
)


def _rows(table: Mapping[Category, tuple[Level, ...]]) -> dict[tuple[Role, Category], Level]:
    return {(role, cat): levels[i] for cat, levels in table.items() for i, role in enumerate(_ROLES)}


# Columns:              HR HR_ADMIN MGR_D MGR_I MENTOR SELF API OTHER
# API is the level *with* the scope the category needs (scopes.py); without it, see Policy.can.
DEFAULTS: dict[tuple[Role, Category], Level] = _rows(
    {
        Category.DIRECTORY: (F, F, F, F, S, F, F, N),
        # The check-in promise: "实名，HR 会看到你的回答". Managers learn only that HR will follow up.
        Category.CHECKIN: (F, F, S, S, N, F, F, N),
        # Aggregates of at least k people for everyone; the employee sees their own answers.
        Category.TEAM_PULSE: (S, S, S, S, N, F, S, N),
        # Managers never learn who has not answered.
        Category.PARTICIPATION: (F, F, N, N, N, F, F, N),
        # Not pushed at the person by default (docs/privacy.md, "Flight risk and the employee").
        Category.RISK: (F, F, S, S, N, N, F, N),
        Category.LIFE_EVENT: (F, F, N, N, N, F, F, N),
        Category.DECLARED: (F, F, N, N, N, F, F, N),
        Category.ATTENDANCE: (F, F, F, F, N, F, F, N),
        Category.PERFORMANCE: (F, F, F, F, N, F, F, N),
        Category.TAG: (F, F, F, F, N, F, F, N),
        Category.CARE_ACTION: (F, F, F, F, N, F, F, N),
        # HR's working notes: the person sees that a note exists and may ask HR for it (PIPL art. 45).
        Category.CARE_NOTE: (F, F, N, N, N, S, F, N),
        Category.AUDIT_LOG: (N, F, N, N, N, F, N, N),
    }
)

# The most an operator may grant ([privacy].grants). Survey promises and consent texts set them.
CEILINGS: dict[tuple[Role, Category], Level] = _rows(
    {
        Category.DIRECTORY: (F, F, F, F, F, F, F, N),
        Category.CHECKIN: (F, F, S, S, N, F, F, N),
        Category.TEAM_PULSE: (S, S, S, S, S, F, S, N),
        Category.PARTICIPATION: (F, F, N, N, N, F, F, N),
        Category.RISK: (F, F, F, S, N, F, F, N),
        Category.LIFE_EVENT: (F, F, S, N, N, F, F, N),
        Category.DECLARED: (F, F, S, N, N, F, F, N),
        Category.ATTENDANCE: (F, F, F, F, S, F, F, N),
        Category.PERFORMANCE: (F, F, F, F, S, F, F, N),
        Category.TAG: (F, F, F, F, S, F, F, N),
        Category.CARE_ACTION: (F, F, F, F, S, F, F, N),
        Category.CARE_NOTE: (F, F, S, N, N, F, F, N),
        Category.AUDIT_LOG: (S, F, N, N, N, F, N, N),
    }
)


def check_grants(grants: Mapping[str, Mapping[str, str]]) -> dict[tuple[Role, Category], Level]:
    """Validate ``[privacy].grants`` (``{role: {category: level}}``) against the ceilings.

    Raises:
        ValueError: naming the role and category of the first unknown name or too-loose level.
    """
    out: dict[tuple[Role, Category], Level] = {}
    for role_name, cells in grants.items():
        try:
            role = Role(role_name)
        except ValueError:
            raise ValueError(f"unknown role {role_name!r} (known: {', '.join(r.value for r in Role)})") from None
        for cat_name, raw in cells.items():
            try:
                cat = Category(cat_name)
            except ValueError:
                known = ", ".join(c.value for c in Category)
                raise ValueError(f"{role_name}.{cat_name}: unknown category (known: {known})") from None
            level = Level.parse(str(raw))
            ceiling = CEILINGS[(role, cat)]
            if level > ceiling:
                raise ValueError(
                    f"{role_name}.{cat_name} = {level.label!r} is above what was promised ({ceiling.label!r} at most)"
                )
            out[(role, cat)] = level
    return out


@dataclass(frozen=True)
class Viewer:
    """Who is looking, relative to the person shown: a role and, for API tokens, the scopes held."""

    role: Role
    scopes: frozenset[str] = field(default_factory=frozenset)
    actor: str = ""


@dataclass(frozen=True)
class Policy:
    """The table in force: :data:`DEFAULTS` with the operator's bounded ``grants`` applied."""

    grants: Mapping[tuple[Role, Category], Level] = field(default_factory=dict)
    min_group_size: int = 5

    def level(self, role: Role, category: Category) -> Level:
        """The table cell for ``role`` × ``category``, before API scopes."""
        return self.grants.get((role, category), DEFAULTS[(role, category)])

    def can(self, viewer: Viewer, category: Category) -> Level:
        """How much of ``category`` this viewer sees.

        API viewers get the table's level only with the scope the category needs: ``read:sensitive``
        for :data:`SENSITIVE` categories (without it a ``read:people`` token gets a summary),
        ``read:people`` for the others, ``read:aggregates`` (or ``read:people``) for team pulse.
        """
        cell = self.level(viewer.role, category)
        if viewer.role is not Role.API:
            return cell
        from bot.core.settings.scopes import READ_AGGREGATES, READ_PEOPLE, READ_SENSITIVE

        scopes = viewer.scopes
        if category is Category.TEAM_PULSE:
            return cell if scopes & {READ_AGGREGATES, READ_PEOPLE, READ_SENSITIVE} else Level.NONE
        if category is Category.AUDIT_LOG:
            return cell
        if category in SENSITIVE:
            if READ_SENSITIVE in scopes:
                return cell
            return min(cell, Level.SUMMARY) if READ_PEOPLE in scopes else Level.NONE
        return cell if scopes & {READ_PEOPLE, READ_SENSITIVE} else Level.NONE

    def loosened(self) -> list[tuple[Role, Category, Level, Level]]:
        """``(role, category, default, granted)`` for every cell the operator opened beyond the default."""
        return [
            (role, cat, DEFAULTS[(role, cat)], level)
            for (role, cat), level in sorted(self.grants.items())
            if level > DEFAULTS[(role, cat)]
        ]


def strictest(categories: set[Category]) -> Category:
    """The most revealing of ``categories`` (``TAG`` when there are none)."""
    for cat in STRICTNESS:
        if cat in categories:
            return cat
    return Category.TAG
