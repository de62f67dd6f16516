"""Training as of a day: person-months up to it, the learned model or the rules, and its back-test.

Time-split back-test: for each cut-off ``T`` (the latest ``horizon`` days before as-of, then one
month apart) a model is trained only on person-months whose outcome month ended by ``T``, scores
everyone employed on ``T``, and is judged on who left in ``(T, T + horizon]`` — all of which is
known by as-of. Cut-offs whose training history has fewer than ``min_leavers`` leavers are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import RiskSection
from bot.models import AttendanceDay, RiskModel
from bot.risk import learn, measure
from bot.risk.features import FEATURES, month_starts, person_periods
from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """Predictions at one cut-off and who actually left within the horizon."""

    cutoff: date
    score: np.ndarray
    left: np.ndarray
    train_leavers: int


def history_start(session: Session) -> date | None:
    """The first day with attendance facts: before it, features would read as zeros, not as data."""
    first: date | None = session.scalar(select(func.min(AttendanceDay.day)))
    return first


def _history(session: Session, cfg: RiskSection, until: date) -> list[date]:
    """Month starts whose one-month outcome is complete by ``until`` and whose 30-day window has data."""
    start = history_start(session)
    if start is None:
        return []
    first = max(until - timedelta(days=31 * cfg.history_months), start + timedelta(days=learn.PERIOD_DAYS))
    return month_starts(first, until - timedelta(days=learn.PERIOD_DAYS))


def _fit_until(session: Session, cfg: RiskSection, until: date) -> tuple[learn.Learned | None, int, int]:
    """The model trained on history complete by ``until`` (None below ``min_leavers``), rows, leavers."""
    snaps = _history(session, cfg, until)
    if not snaps:
        return None, 0, 0
    rows = person_periods(session, snaps, label_days=learn.PERIOD_DAYS, metrics=cfg.performance_metrics)
    assert rows.y is not None
    leavers = int(rows.y.sum())
    if leavers < cfg.min_leavers or leavers == len(rows):
        return None, len(rows), leavers
    return (
        learn.fit(rows.x, rows.y, FEATURES, c=cfg.regularisation_c, metrics=tuple(cfg.performance_metrics)),
        len(rows),
        leavers,
    )


def cutoffs(cfg: RiskSection, as_of: date) -> list[date]:
    """The back-test cut-offs, oldest first."""
    latest = as_of - timedelta(days=cfg.horizon_days)
    return sorted(latest - timedelta(days=learn.PERIOD_DAYS * k) for k in range(cfg.backtest_points))


def backtest(session: Session, cfg: RiskSection, as_of: date) -> tuple[dict[str, Any], list[Outcome]]:
    """The back-test figures (pooled over the cut-offs, and per cut-off) and the raw outcomes."""
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    for cut in cutoffs(cfg, as_of):
        model, _, leavers = _fit_until(session, cfg, cut)
        if model is None:
            skipped.append(cut.isoformat())
            continue
        rows = person_periods(session, [cut], label_days=cfg.horizon_days, metrics=cfg.performance_metrics)
        assert rows.y is not None
        outcomes.append(Outcome(cut, model.probability(rows.x, cfg.horizon_days), rows.y, leavers))
    if not outcomes:
        return {"points": [], "skipped": skipped, "auc": None}, outcomes
    score = np.concatenate([o.score for o in outcomes])
    left = np.concatenate([o.left for o in outcomes])
    figures = measure.summary(score, left)
    figures["points"] = [{"cutoff": o.cutoff.isoformat(), **measure.summary(o.score, o.left)} for o in outcomes]
    figures["skipped"] = skipped
    figures["calibration"] = measure.deciles(score, left)
    return figures, outcomes


def train(session: Session, runtime: Runtime, as_of: date) -> RiskModel:
    """Train as of ``as_of`` (and back-test), store the result and return it.

    Below ``[risk].min_leavers`` leavers the stored model is of kind ``rules`` with the reason.
    """
    cfg = runtime.settings.risk
    model, rows, leavers = _fit_until(session, cfg, as_of)
    record = RiskModel(
        trained_at=runtime.clock.now(),
        as_of=as_of,
        horizon_days=cfg.horizon_days,
        rows=rows,
        leavers=leavers,
    )
    if model is None:
        record.kind = "rules"
        record.params = None
        record.backtest = None
        record.message = f"leavers={leavers} min_leavers={cfg.min_leavers}"
    else:
        record.kind = "learned"
        record.params = model.to_json()
        record.backtest, _ = backtest(session, cfg, as_of)
    session.add(record)
    session.flush()
    log.info("risk model %s as of %s: %d person-months, %d leavers", record.kind, as_of, rows, leavers)
    return record
