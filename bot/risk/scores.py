"""Attrition-risk scores as of a day: the one door through which every surface reads them.

The API, ``/risk`` (through the ``attrition_risk`` rule's tags), the rule itself, the dashboard and
the report all call :func:`view` or :func:`learned_scores`, so they agree on the numbers, and a
visibility policy for this sensitive category has one place to hook in. The model in force on a
day is the newest one trained as of that day or earlier; without a learned one the rule score
is used and the view says why.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.models import RiskModel
from bot.risk.features import FEATURES, person_periods
from bot.risk.labels import reason_label
from bot.risk.learn import Learned
from bot.risk.rules_score import rule_scores
from bot.risk.types import PersonScore, Reason, RiskView

TOP_REASONS = 3


def model_in_force(session: Session, as_of: date) -> RiskModel | None:
    """The newest training run as of ``as_of`` or earlier (a later model would know the future)."""
    return session.scalars(
        select(RiskModel).where(RiskModel.as_of <= as_of).order_by(RiskModel.as_of.desc(), RiskModel.id.desc()).limit(1)
    ).first()


def learned_scores(
    session: Session,
    record: RiskModel,
    as_of: date,
    employee_ids: Collection[int] | None,
    locale: str | None,
) -> list[PersonScore]:
    """The learned model's probability of leaving within its horizon for everyone employed on ``as_of``."""
    assert record.params is not None
    model = Learned.from_json(record.params)
    rows = person_periods(session, [as_of], label_days=None, metrics=model.metrics)
    if len(rows) == 0:
        return []
    keep = np.ones(len(rows), dtype=bool)
    if employee_ids is not None:
        keep = np.isin(rows.employee_ids, np.fromiter(employee_ids, dtype=np.int64))
    x = rows.x[keep]
    ids = rows.employee_ids[keep]
    probs = model.probability(x, record.horizon_days)
    contrib = model.contributions(x)
    index = {name: j for j, name in enumerate(FEATURES)}
    out = []
    for i, emp in enumerate(ids):
        order = np.argsort(-contrib[i])[:TOP_REASONS]
        reasons = []
        for j in order:
            if contrib[i, j] <= 0:
                continue
            name = model.features[j]
            value = float(x[i, index[name]])
            reasons.append(
                Reason(
                    name,
                    reason_label(name, value, locale),
                    round(float(contrib[i, j]), 4),
                    reason_label(name, value, "en"),
                )
            )
        out.append(PersonScore(int(emp), round(float(probs[i]), 4), reasons))
    return out


def learned_for_rule(session: Session, day: date, employee_ids: Collection[int]) -> list[PersonScore] | None:
    """Learned scores for the ``attrition_risk`` rule on ``day`` (Chinese reasons), None without a model."""
    record = model_in_force(session, day)
    if record is None or record.kind != "learned" or not record.params:
        return None
    return learned_scores(session, record, day, employee_ids, "zh-CN")


def model_summary(session: Session, runtime: Runtime, as_of: date, locale: str | None) -> RiskView:
    """The model in force as of ``as_of`` without scoring anyone (kind, back-test, message)."""
    return _model_view(session, runtime, as_of, locale)[0]


def _model_view(
    session: Session, runtime: Runtime, as_of: date, locale: str | None
) -> tuple[RiskView, RiskModel | None]:
    cfg = runtime.settings.risk
    record = model_in_force(session, as_of)
    if record is not None and record.kind == "learned" and record.params:
        return RiskView("learned", as_of, record.horizon_days, record.trained_at, record.backtest), record
    result = RiskView("rules", as_of, cfg.horizon_days)
    if record is None:
        result.message = i18n.t("risk.msg.untrained", locale)
    else:
        result.trained_at = record.trained_at
        result.message = i18n.t("risk.msg.few_leavers", locale, leavers=record.leavers, min=cfg.min_leavers)
    return result, None


def view(
    session: Session,
    runtime: Runtime,
    as_of: date,
    *,
    employee_ids: Collection[int] | None = None,
    limit: int | None = None,
    locale: str | None = None,
) -> RiskView:
    """Scores of everyone (or ``employee_ids``) as of ``as_of``, highest first, with their model."""
    result, record = _model_view(session, runtime, as_of, locale)
    if record is not None:
        result.people = learned_scores(session, record, as_of, employee_ids, locale)
    else:
        result.people = rule_scores(session, runtime, as_of, employee_ids, locale)
    result.people.sort(key=lambda p: (-p.score, p.employee_id))
    if limit is not None:
        result.people = result.people[:limit]
    return result
