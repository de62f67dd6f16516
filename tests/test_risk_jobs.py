"""Scheduled retraining of the attrition model: only when the newest model is older than retrain_days."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import RiskModel
from bot.pipeline.scheduler import registered_jobs
from bot.risk.jobs import retrain_if_due


def test_retrains_once_per_cadence(runtime: Any) -> None:
    assert retrain_if_due(runtime) is True
    assert retrain_if_due(runtime) is False
    runtime.clock.advance(days=29)
    assert retrain_if_due(runtime) is False
    runtime.clock.advance(days=2)
    assert retrain_if_due(runtime) is True
    with runtime.db.session() as s:
        models = s.scalars(select(RiskModel).order_by(RiskModel.id)).all()
        # An empty company has no leavers: the rule score stays, with the reason recorded.
        assert [(m.kind, m.leavers) for m in models] == [("rules", 0), ("rules", 0)]


def test_job_is_registered_at_the_configured_time(app: Any) -> None:
    import bot.ops.jobs  # noqa: F401

    spec = registered_jobs()["risk.retrain"]
    settings = app.extensions["carebot"].settings
    assert {k: v(settings) for k, v in spec.trigger_args.items()} == {"hour": 3, "minute": 30}
