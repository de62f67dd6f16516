"""The whole library over the demo organisation gives the same tags on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import create_app
from bot.core.clock import FixedClock
from bot.models import Employee, Tag
from bot.ops.demo.loader import load_demo
from rules.engine import evaluate_range
from tests import rules_builders as b
from tests.conftest import DEFAULT_NOW, _truncate, make_settings


def pulses(runtime: Any, seed: int) -> None:
    """Weekly check-ins for most people (some stressed, some sliding), silence for a few."""
    rnd = random.Random(seed)
    with runtime.db.session() as s:
        people = list(s.scalars(select(Employee.id).where(Employee.status == "active").order_by(Employee.id)))
        for emp in people:
            kind = rnd.random()
            for week in range(4):
                day = date(2026, 10, 30) + timedelta(weeks=week)
                if kind < 0.1:
                    b.survey(s, emp, day, "expired")
                elif kind < 0.8:
                    b.answer(s, emp, "stress", rnd.choice([2, 4, 5, 7, 8, 9]), day)
                    s.add(
                        b.SurveyAnswer(
                            survey_id=s.scalar(
                                select(b.Survey.id).where(b.Survey.employee_id == emp, b.Survey.scheduled_on == day)
                            ),
                            employee_id=emp,
                            question_key="mood",
                            mode="checkin",
                            value=max(1, 5 - week - rnd.randint(0, 1)) if kind < 0.3 else rnd.randint(3, 5),
                            answered_on=day,
                        )
                    )


def outcome(url: str, tmp_path: Path) -> list[tuple[Any, ...]]:
    app = create_app(make_settings(tmp_path, url), clock=FixedClock(DEFAULT_NOW))
    runtime = app.extensions["carebot"]
    try:
        with app.app_context():
            load_demo(runtime, size=160, seed=11, days=40)
            pulses(runtime, seed=11)
            evaluate_range(runtime, date(2026, 11, 19), date(2026, 11, 23))
            with runtime.db.session() as s:
                rows = s.execute(
                    select(
                        Tag.rule_id,
                        Employee.userid,
                        Tag.raised_on,
                        Tag.status,
                        Tag.last_seen_on,
                        Tag.resolved_on,
                        Tag.evidence,
                    ).join(Employee, Employee.id == Tag.employee_id)
                ).all()
        return sorted((*r[:6], json.dumps(r[6], sort_keys=True, ensure_ascii=False)) for r in rows)
    finally:
        runtime.db.dispose()
        _truncate(url)


def test_same_tags_with_the_same_evidence_on_both_backends(sqlite_url: str, postgres_url: str, tmp_path: Path) -> None:
    on_sqlite = outcome(sqlite_url, tmp_path)
    on_postgres = outcome(postgres_url, tmp_path)
    assert on_sqlite == on_postgres
    rules = {row[0] for row in on_sqlite}
    assert len(on_sqlite) > 20 and len(rules) >= 6, rules
