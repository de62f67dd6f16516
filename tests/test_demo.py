"""The demo organisation: deterministic, realistic, loaded through the ingestion paths, idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.models import Approval, Employee, Metric, Punch
from bot.ops.demo.company import DemoOrg
from bot.ops.demo.loader import load_demo

END = date(2026, 11, 20)


def test_same_seed_same_org() -> None:
    a, b = DemoOrg(120, seed=3, end=END), DemoOrg(120, seed=3, end=END)
    assert a.employees() == b.employees()
    assert list(a.punches())[:500] == list(b.punches())[:500]
    assert DemoOrg(120, seed=4, end=END).employees() != a.employees()


def test_org_shape() -> None:
    org = DemoOrg(400, seed=1, end=END)
    rows = org.employees()
    assert len(rows) == 400
    assert len({r.userid for r in rows}) == 400
    depts = Counter(r.department for r in rows)
    assert {"电销一部", "信贷销售一部", "客户服务部", "人力资源部"} <= set(depts)
    ids = {r.userid for r in rows}
    assert all(r.manager_userid in ids for r in rows if r.manager_userid)
    assert all(r.hrbp_userid in ids for r in rows if r.hrbp_userid)
    assert any(r.is_hr for r in rows)
    assert any(r.hired_on and (END - r.hired_on).days <= 90 for r in rows), "recent hires"
    assert all(r.birthday for r in rows)
    assert any(r.left_on for r in rows), "some turnover"


def test_patterns_follow_calendar() -> None:
    org = DemoOrg(300, seed=2, end=date(2026, 10, 12), days=20)
    local_days = Counter(p.punched_at.astimezone(org.tz).date() for p in org.punches())
    # National Day holiday: only occasional weekend workers punch; the 调休 Saturday is a full workday.
    assert local_days[date(2026, 10, 10)] > 10 * max(1, local_days[date(2026, 10, 3)])
    outs = [p for p in org.punches() if p.check_type == "off"]
    late = [p for p in outs if p.punched_at.astimezone(org.tz).hour >= 21 or p.punched_at.astimezone(org.tz).hour < 5]
    assert 0 < len(late) < len(outs) * 0.2
    assert list(org.approvals()), "a few people are on leave"
    metrics = list(org.metrics())
    assert {m.metric for m in metrics} == {"calls", "rejection_rate", "sales"}


def test_load_twice_does_not_duplicate(runtime) -> None:
    first = load_demo(runtime, size=60, seed=5, days=14, end=END)
    assert first.loaded and first.employees == 60
    again = load_demo(runtime, size=60, seed=5, days=14, end=END, if_empty=True)
    assert not again.loaded
    load_demo(runtime, size=60, seed=5, days=14, end=END)  # a forced reload upserts
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Employee)) == 60
        assert s.scalar(select(func.count()).select_from(Punch)) == first.punches
        assert s.scalar(select(func.count()).select_from(Metric)) == first.metrics
        assert s.scalar(select(func.count()).select_from(Approval)) == len(
            list(DemoOrg(60, seed=5, days=14, end=END).approvals())
        )
        linked = s.scalar(select(func.count()).select_from(Employee).where(Employee.manager_id.is_not(None)))
        assert linked and linked > 40
        assert s.scalar(select(func.min(Punch.punched_at))).date() >= END - timedelta(days=14)


def test_cli_demo_if_empty(runner) -> None:
    r = runner.invoke(args=["demo", "--size", "30", "--days", "5", "--if-empty"])
    assert r.exit_code == 0, r.output
    assert "30 employees" in r.output
    r = runner.invoke(args=["demo", "--size", "30", "--days", "5", "--if-empty"])
    assert "already present" in r.output
