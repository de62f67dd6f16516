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

from bot.core.config import RiskSection
from bot.core.runtime import Runtime
from bot.models import AttendanceDay, RiskModel
from bot.risk import learn, measure
from bot.risk.features import FEATURES, PersonPeriods, month_starts, person_periods

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


def _window(session: Session, cfg: RiskSection, until: date) -> tuple[date, date] | None:
    """First and last snapshot whose one-month outcome is complete by ``until`` and whose window has data."""
    start = history_start(session)
    if start is None:
        return None
    first = max(until - timedelta(days=31 * cfg.history_months), start + timedelta(days=learn.PERIOD_DAYS))
    last = until - timedelta(days=learn.PERIOD_DAYS)
    return (first, last) if first <= last else None


@dataclass
class History:
    """The person-months of every snapshot any fit of one training run needs, extracted once."""

    rows: PersonPeriods | None
    snapshot_day: np.ndarray  # per row, the snapshot as a date ordinal

    @classmethod
    def load(cls, session: Session, cfg: RiskSection, untils: list[date]) -> History:
        windows = [w for w in (_window(session, cfg, u) for u in untils) if w is not None]
        if not windows:
            return cls(None, np.zeros(0, dtype=np.int64))
        snaps = month_starts(min(w[0] for w in windows), max(w[1] for w in windows))
        rows = person_periods(session, snaps, label_days=learn.PERIOD_DAYS, metrics=cfg.performance_metrics)
        ordinals = np.array([d.toordinal() for d in rows.snapshots], dtype=np.int64)
        return cls(rows, ordinals[rows.snapshot_of_row] if len(rows) else np.zeros(0, dtype=np.int64))


def _fit_until(
    session: Session, cfg: RiskSection, until: date, history: History | None = None
) -> tuple[learn.Learned | None, int, int]:
    """The model trained on history complete by ``until`` (None below ``min_leavers``), rows, leavers."""
    history = history or History.load(session, cfg, [until])
    window = _window(session, cfg, until)
    if history.rows is None or window is None:
        return None, 0, 0
    lo = month_starts(window[0], window[1])
    if not lo:
        return None, 0, 0
    mask = (history.snapshot_day >= lo[0].toordinal()) & (history.snapshot_day <= lo[-1].toordinal())
    x, y = history.rows.x[mask], history.rows.y[mask] if history.rows.y is not None else None
    assert y is not None
    leavers = int(y.sum())
    if leavers < cfg.min_leavers or leavers == len(y):
        return None, len(y), leavers
    return (
        learn.fit(x, y, FEATURES, c=cfg.regularisation_c, metrics=tuple(cfg.performance_metrics)),
        len(y),
        leavers,
    )


def cutoffs(cfg: RiskSection, as_of: date) -> list[date]:
    """The back-test cut-offs, oldest first."""
    latest = as_of - timedelta(days=cfg.horizon_days)
    return sorted(latest - timedelta(days=learn.PERIOD_DAYS * k) for k in range(cfg.backtest_points))


def backtest(
    session: Session, cfg: RiskSection, as_of: date, history: History | None = None
) -> tuple[dict[str, Any], list[Outcome]]:
    """The back-test figures (pooled over the cut-offs, and per cut-off) and the raw outcomes."""
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    cuts = cutoffs(cfg, as_of)
    history = history or History.load(session, cfg, cuts)
    for cut in cuts:
        model, _, leavers = _fit_until(session, cfg, cut, history)
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
    # One extraction of person-months serves the model and every back-test cut-off.
    history = History.load(session, cfg, [as_of, *cutoffs(cfg, as_of)])
    model, rows, leavers = _fit_until(session, cfg, as_of, history)
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
        record.backtest, _ = backtest(session, cfg, as_of, history)
    session.add(record)
    session.flush()
    log.info("risk model %s as of %s: %d person-months, %d leavers", record.kind, as_of, rows, leavers)
    return record
