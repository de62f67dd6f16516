"""The demo's history: every report section, the charts and /risk have real figures on the first run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.models import CareAction, Employee, Reminder, SurveyAnswer, Tag
from bot.report.period import resolve_for
from bot.report.service import generate
from tests.demo_server import DemoServer, shared_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoServer:
    return shared_demo(tmp_path_factory.mktemp("demo"))


def test_history_went_through_every_path(demo: DemoServer) -> None:
    loaded = demo.loaded
    assert loaded.tags > 50 and loaded.reminders > 20 and loaded.hr_actions > 20
    assert loaded.pulse_messages > 100 and loaded.left >= 2 and loaded.joined >= 1
    with demo.runtime.db.session() as s:
        statuses = dict(s.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all())
        assert statuses.get("done", 0) > 10 and statuses.get("dismissed", 0) > 0
        assert s.scalar(select(func.count()).where(Reminder.snoozed_until.is_not(None))) > 0, "some were snoozed"
        assert s.scalar(select(func.count()).where(Reminder.dismiss_reason.is_not(None))) > 0, "reasons given"
        assert s.scalar(select(func.count()).select_from(CareAction).where(CareAction.note.is_not(None))) > 5
        reasons = set(s.scalars(select(Employee.leave_reason).where(Employee.left_on.is_not(None))))
        assert {"voluntary", "involuntary"} & reasons
        # History is spread over the months, not stamped "now" (the replay's clock is everyone's clock).
        first = s.scalar(select(func.min(Reminder.created_at)))
        assert first is not None and first < demo.runtime.clock.now() - timedelta(days=30)
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) > 100
        assert s.scalar(select(func.count()).select_from(Tag).where(Tag.status == "active")) > 0


def test_every_report_section_has_figures(demo: DemoServer) -> None:
    runtime = demo.runtime
    period = resolve_for(runtime, None, None, "zh-CN")
    report = generate(runtime, period, "zh-CN", actor="test", channel="cli", fmt="json")
    care = report.care
    assert care.tags_total > 0 and care.employees_tagged > 0 and care.tags
    assert care.reminders.sent > 0 and care.reminders.acted_on > 0 and care.reminders.done > 0
    assert care.dismiss_reasons and care.care_actions
    assert care.time_to_act.median_working_hours is not None
    # Pulse after care: people are counted (their means stay hidden below min_group_size people).
    assert report.pulse.questions and sum(q.cared.people + q.not_cared.people for q in report.pulse.questions) > 0
    assert report.turnover.overall.headcount_start > 0
    assert report.turnover.cared.people + report.turnover.not_cared.people > 0
    assert report.hr_time.care_actions > 0 and report.hr_time.saved_minutes > 0
    assert any(row.average is not None for row in report.team_pulse.company)


def test_turnover_is_plausible_for_telesales(demo: DemoServer) -> None:
    """Telesales turnover runs about 30 % a year: the demo's leavers over its days say the same."""
    loaded = demo.loaded
    annual = loaded.left / loaded.employees * 365 / 75
    assert 0.10 <= annual <= 0.50, annual
