"""Assigning units to the ``care`` or ``holdout`` arm: once, stratified, deterministic from the seed.

The first assignment of a unit kind walks every stratum (department × tenure band for employees,
size band for departments) in a seeded random order and takes every ``1/share``-th unit into the
holdout (systematic allocation with a seeded random start), so each stratum holds ``share`` of
its units give or take one and the whole company ``share`` give or take one. Units that appear
later (new hires, new departments) are assigned on arrival by a seeded coin biased toward the
share their stratum is missing. Rows are only inserted (``ON CONFLICT DO NOTHING``), never
updated: a re-run, a restart or a second process never changes an arm.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.runtime import Runtime
from bot.core.settings.evaluation import Arm, EvaluationSection
from bot.core.sqlutil import IN_CHUNK, dialect_insert
from bot.models import Employee, EvaluationAssignment

log = logging.getLogger(__name__)

NO_DEPARTMENT = 0  # the unit id of "no department" when the unit is the department
# Tenure bands (days since hire): leaving risk differs most in the first months, so they are finer there.
TENURE_BANDS: tuple[tuple[int, str], ...] = ((90, "0-3m"), (365, "3-12m"), (3 * 365, "1-3y"))
DEPARTMENT_SIZE_BANDS: tuple[tuple[int, str], ...] = ((10, "1-9"), (50, "10-49"))


@dataclass(frozen=True)
class Candidate:
    """A unit waiting for an arm, with the stratum it is balanced within."""

    unit_id: int
    stratum: str


@dataclass
class AssignResult:
    """How many units were newly assigned to each arm by one run."""

    care: int = 0
    holdout: int = 0

    @property
    def total(self) -> int:
        return self.care + self.holdout


def uniform(seed: int, *parts: object) -> float:
    """A number in [0, 1) fixed by the seed and ``parts`` (SHA-256, so stable across processes and versions)."""
    digest = hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def tenure_band(hired_on: date | None, today: date) -> str:
    """The tenure band of someone hired on ``hired_on`` (``unknown`` without a hire date)."""
    if hired_on is None:
        return "unknown"
    days = (today - hired_on).days
    return next((name for limit, name in TENURE_BANDS if days < limit), "3y+")


def size_band(people: int) -> str:
    """The size band of a department of ``people`` active employees."""
    return next((name for limit, name in DEPARTMENT_SIZE_BANDS if people < limit), "50+")


def started(runtime: Runtime) -> bool:
    """Evaluation mode is on and its start day (if any) has come."""
    cfg = runtime.settings.evaluation
    return cfg.enabled and (cfg.start is None or runtime.today() >= cfg.start)


def _candidates(session: Session, cfg: EvaluationSection, today: date) -> list[Candidate]:
    """Active units without an arm yet, with their strata, in id order (one query: planning runs often)."""
    if cfg.unit == "employee":
        assigned = exists().where(EvaluationAssignment.unit == "employee", EvaluationAssignment.unit_id == Employee.id)
        people = session.execute(
            select(Employee.id, Employee.department_id, Employee.hired_on)
            .where(Employee.status == "active", ~assigned)
            .order_by(Employee.id)
        ).all()
        return [Candidate(emp, f"d{dept or NO_DEPARTMENT}/{tenure_band(hired, today)}") for emp, dept, hired in people]
    dept_key = func.coalesce(Employee.department_id, NO_DEPARTMENT)
    assigned = exists().where(EvaluationAssignment.unit == "department", EvaluationAssignment.unit_id == dept_key)
    sizes = session.execute(
        select(dept_key, func.count()).where(Employee.status == "active", ~assigned).group_by(dept_key)
    ).all()
    return [Candidate(int(dept), f"size/{size_band(int(n))}") for dept, n in sorted(sizes)]


def _systematic(cfg: EvaluationSection, candidates: list[Candidate]) -> dict[int, Arm]:
    """First assignment: strata in key order, units in seeded order, every 1/share-th to the holdout."""
    by_stratum: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_stratum.setdefault(c.stratum, []).append(c)
    walk = [
        c
        for key in sorted(by_stratum)
        for c in sorted(by_stratum[key], key=lambda c: (uniform(cfg.seed, cfg.unit, c.unit_id), c.unit_id))
    ]
    start = uniform(cfg.seed, cfg.unit, "start")
    share = cfg.holdout_share
    # Unit i is held out when the running total share·i + start crosses an integer.
    return {
        c.unit_id: "holdout" if math.floor(share * (i + 1) + start) > math.floor(share * i + start) else "care"
        for i, c in enumerate(walk)
    }


def _on_arrival(session: Session, cfg: EvaluationSection, candidates: list[Candidate]) -> dict[int, Arm]:
    """Later units: a seeded coin whose odds make up what their stratum lacks of the holdout share."""
    counts: dict[str, list[int]] = {}  # stratum -> [units, held out]
    rows = session.execute(
        select(EvaluationAssignment.stratum, EvaluationAssignment.arm, func.count())
        .where(EvaluationAssignment.unit == cfg.unit)
        .group_by(EvaluationAssignment.stratum, EvaluationAssignment.arm)
    )
    for stratum, stored, n in rows:
        entry = counts.setdefault(stratum, [0, 0])
        entry[0] += int(n)
        entry[1] += int(n) if stored == "holdout" else 0
    out: dict[int, Arm] = {}
    for c in candidates:
        units, held = counts.setdefault(c.stratum, [0, 0])
        missing = min(max(cfg.holdout_share * (units + 1) - held, 0.0), 1.0)
        arm: Arm = "holdout" if uniform(cfg.seed, cfg.unit, "arrival", c.unit_id) < missing else "care"
        counts[c.stratum] = [units + 1, held + (arm == "holdout")]
        out[c.unit_id] = arm
    return out


def assign_pending(runtime: Runtime, session: Session) -> AssignResult:
    """Give every active unit without an arm one (nothing when evaluation mode is off or not started)."""
    result = AssignResult()
    if not started(runtime):
        return result
    cfg, today = runtime.settings.evaluation, runtime.today()
    candidates = _candidates(session, cfg, today)
    if not candidates:
        return result
    first = session.scalar(select(func.count()).where(EvaluationAssignment.unit == cfg.unit)) == 0
    arms = _systematic(cfg, candidates) if first else _on_arrival(session, cfg, candidates)
    strata = {c.unit_id: c.stratum for c in candidates}
    rows = [
        {
            "unit": cfg.unit,
            "unit_id": unit_id,
            "arm": arm,
            "stratum": strata[unit_id],
            "seed": cfg.seed,
            "assigned_on": today,
            "created_at": runtime.clock.now(),
        }
        for unit_id, arm in arms.items()
    ]
    for batch in chunked(rows, 2000):
        insert = (
            dialect_insert(session, EvaluationAssignment)
            .on_conflict_do_nothing(index_elements=["unit", "unit_id"])
            .returning(EvaluationAssignment.arm)
        )
        # A concurrent run may have assigned some of them first: only what we inserted counts.
        for (arm,) in session.execute(insert, batch).all():
            result.holdout += arm == "holdout"
            result.care += arm == "care"
    if result.total:
        log.info("evaluation: %d units assigned (%d care, %d holdout)", result.total, result.care, result.holdout)
    return result


def arms_of(session: Session, unit: str, employees: Iterable[tuple[int, int | None]]) -> dict[int, Arm]:
    """Arms by employee id for ``(employee id, department id)`` pairs; unassigned people are left out."""
    pairs = list(employees)
    key_of = {emp: emp if unit == "employee" else (dept or NO_DEPARTMENT) for emp, dept in pairs}
    found: dict[int, Arm] = {}
    for chunk in chunked(sorted(set(key_of.values())), IN_CHUNK):
        rows = session.execute(
            select(EvaluationAssignment.unit_id, EvaluationAssignment.arm).where(
                EvaluationAssignment.unit == unit, EvaluationAssignment.unit_id.in_(chunk)
            )
        )
        found.update((int(u), "holdout" if a == "holdout" else "care") for u, a in rows)
    return {emp: found[key] for emp, key in key_of.items() if key in found}


def arms_by_employee(session: Session, unit: str, employee_ids: Collection[int]) -> dict[int, Arm]:
    """Arms of the given employees (by their current department when the unit is the department)."""
    out: dict[int, Arm] = {}
    for chunk in chunked(sorted(set(employee_ids)), IN_CHUNK):
        pairs = session.execute(select(Employee.id, Employee.department_id).where(Employee.id.in_(chunk))).all()
        out.update(arms_of(session, unit, ((int(e), d) for e, d in pairs)))
    return out
