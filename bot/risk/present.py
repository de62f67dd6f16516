"""The risk view as JSON (the API's exact shape) with the user ids of the people scored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.models import Employee
from bot.risk.types import RiskView

BACKTEST_KEYS = ("auc", "pr_auc", "top10", "top20", "base_rate", "n", "leavers", "calibration", "points", "skipped")


def userids(session: Session, view: RiskView) -> dict[int, str]:
    """``{employee id: userid}`` of the people in ``view``."""
    out: dict[int, str] = {}
    for chunk in chunked(sorted({p.employee_id for p in view.people}), 5000):
        out.update(session.execute(select(Employee.id, Employee.userid).where(Employee.id.in_(chunk))).all())
    return out


def backtest_json(view: RiskView) -> dict[str, Any]:
    """The back-test figures; every key present (None when there is no learned model)."""
    figures = view.backtest or {}
    return {key: figures.get(key) for key in BACKTEST_KEYS}


def as_json(view: RiskView, ids: dict[int, str], model_as_of: str) -> dict[str, Any]:
    """``{"model": {...}, "people": [...]}`` as GET /api/v1/risk answers."""
    return {
        "model": {
            "kind": view.kind,
            "trained_at": view.trained_at.isoformat() if view.trained_at else None,
            "as_of": model_as_of,
            "horizon_days": view.horizon_days,
            "backtest": backtest_json(view),
            "message": view.message,
        },
        "people": [
            {
                "userid": ids[p.employee_id],
                "score": p.score,
                "reasons": [
                    {"feature": r.feature, "label": r.label, "contribution": r.contribution} for r in p.reasons
                ],
            }
            for p in view.people
            if p.employee_id in ids
        ],
    }
