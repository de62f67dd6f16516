"""Builders shared by the reminder and survey tests (no tests here): an organisation, rules, tags."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.models import Department, Employee, Tag

SH = ZoneInfo("Asia/Shanghai")

# A rule file like the built-in "late last punch" rule, so reminder texts can be checked exactly.
PRESSURE_RULE = """
id = "test_pressure"
severity = "high"
audience = "hr"
category = "workload"
name = { zh = "持续高压", en = "Sustained pressure" }
why = { zh = "连续加班容易透支，早点关心能避免倦怠。", en = "Long evenings in a row wear people out." }
actions = [{ zh = "这两天找 {employee} 聊 10 分钟，问问工作安排。", en = "Talk with {employee} briefly." }]
talking_points = [{ zh = "最近辛苦了，有什么我能帮上忙的吗？", en = "You have been working hard; how can I help?" }]
[condition]
kind = "streak"
field = "last_out_min"
op = ">"
value = 1260
days = 3
"""

STRESS_RULE = """
id = "test_stress"
severity = "high"
audience = "both"
category = "wellbeing"
name = { zh = "压力自评偏高", en = "High self-reported stress" }
why = { zh = "员工主动告诉我们压力很大。", en = "The employee told us the stress is high." }
talking_points = [{ zh = "看到你说最近压力挺大，想听听你的想法。", en = "You mentioned a lot of stress lately." }]
[condition]
kind = "pulse_latest"
question = "stress"
op = ">="
value = 8
max_age_days = 14
"""

LOW_RULE = """
id = "test_birthday"
severity = "low"
audience = "hr"
category = "milestone"
name = { zh = "明天生日", en = "Birthday tomorrow" }
why = { zh = "一句祝福让人感到被记得。", en = "A kind word makes people feel remembered." }
[condition]
kind = "birthday"
days_ahead = 1
"""

MEDIUM_RULE = """
id = "test_dip"
severity = "medium"
audience = "manager"
category = "performance"
name = { zh = "业绩下滑", en = "Performance dip" }
why = { zh = "业绩连续下滑可能意味着遇到了困难。", en = "A dip may mean trouble." }
[condition]
kind = "metric_change"
metric = "sales"
op = "<"
value = -15
weeks = 2
"""


def write_rules(folder: Path) -> str:
    """Write the test rules into ``folder`` and return it (for ``[rules].paths``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("pressure", PRESSURE_RULE), ("stress", STRESS_RULE), ("low", LOW_RULE), ("dip", MEDIUM_RULE)):
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return str(folder)


def at(text: str) -> datetime:
    """A Shanghai wall-clock time as an aware UTC instant: ``at("2026-11-23 14:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(UTC)


def person(s: Any, userid: str, name: str, **kw: Any) -> Employee:
    emp = Employee(userid=userid, name=name, status="active", source="test", **kw)
    s.add(emp)
    s.flush()
    return emp


def make_org(db: Any) -> dict[str, int]:
    """Sales: 王芳 (HRBP), 李强 (manager), 张三 and 赵六 (reps); 陈总 an HR admin without HRBP."""
    with db.session() as s:
        hr = Department(name="人力资源部")
        sales = Department(name="销售一部")
        s.add_all([hr, sales])
        s.flush()
        boss = person(s, "hrhead", "陈总", department_id=hr.id, is_hr=True, is_admin=True, position="HR总监")
        hrbp = person(s, "hrbp1", "王芳", department_id=hr.id, is_hr=True, manager_id=boss.id, position="HRBP")
        mgr = person(
            s, "mgr1", "李强", department_id=sales.id, hrbp_id=hrbp.id, position="销售经理", hired_on=date(2020, 3, 1)
        )
        zs = person(
            s,
            "zhangsan",
            "张三",
            department_id=sales.id,
            manager_id=mgr.id,
            hrbp_id=hrbp.id,
            position="销售专员",
            hired_on=date(2025, 9, 1),
        )
        zl = person(
            s,
            "zhaoliu",
            "赵六",
            department_id=sales.id,
            manager_id=mgr.id,
            hrbp_id=hrbp.id,
            position="销售专员",
            hired_on=date(2026, 10, 8),
        )
        return {"boss": boss.id, "hrbp": hrbp.id, "mgr": mgr.id, "zs": zs.id, "zl": zl.id, "sales": sales.id}


PRESSURE_EVIDENCE: dict[str, Any] = {
    "kind": "streak",
    "field": "last_out_min",
    "op": ">",
    "threshold": 1260,
    "days": [
        {"date": "2026-11-18", "value": 1302},
        {"date": "2026-11-19", "value": 1325},
        {"date": "2026-11-20", "value": 1297},
    ],
    "skipped_leave": [],
}


def make_tag(
    db: Any,
    employee_id: int,
    *,
    rule_id: str = "test_pressure",
    severity: str = "high",
    raised_on: date = date(2026, 11, 23),
    evidence: dict[str, Any] | None = None,
) -> int:
    with db.session() as s:
        tag = Tag(
            rule_id=rule_id,
            employee_id=employee_id,
            severity=severity,
            status="active",
            raised_on=raised_on,
            last_seen_on=raised_on,
            evidence=evidence if evidence is not None else PRESSURE_EVIDENCE,
            created_at=datetime(2026, 11, 22, 22, 30, tzinfo=UTC),
        )
        s.add(tag)
        s.flush()
        return tag.id


def employee_id(db: Any, userid: str) -> int:
    with db.session() as s:
        found = s.scalar(select(Employee.id).where(Employee.userid == userid))
        assert found is not None
        return found


STRESS_EVIDENCE: dict[str, Any] = {
    "kind": "pulse_latest",
    "question": "stress",
    "op": ">=",
    "threshold": 8,
    "value": 9,
    "answered_on": "2026-11-23",
}
BIRTHDAY_EVIDENCE: dict[str, Any] = {"kind": "birthday", "birthday": "11-24", "date": "2026-11-24", "days_until": 1}
DIP_EVIDENCE: dict[str, Any] = {
    "kind": "metric_change",
    "metric": "sales",
    "aggregate": "avg",
    "op": "<",
    "threshold": -15,
    "weeks": [
        {"from": "2026-11-02", "to": "2026-11-08", "value": 100},
        {"from": "2026-11-09", "to": "2026-11-15", "value": 80},
        {"from": "2026-11-16", "to": "2026-11-22", "value": 60},
    ],
    "changes": [-20.0, -25.0],
}
