"""A small organisation for the slash-command tests, and helpers to talk to the bot.

陈总 (ceo) ─┬─ 李强 (mgr_sales, manager) ─┬─ 张三 (zhangsan)     ← the person most tests ask about
            │                              ├─ 张伟 (zhangwei1)
            │                              └─ 周杰 (lead) ── 孙丽 (sunli)   ← indirect report of 李强
            └─ 刘伟 (mgr_tech, another manager) ─┬─ 张伟 (zhangwei2)
                                                └─ 钱多 (qianduo)
王芳 (hr1, HR; HRBP of the sales people) · 赵敏 (hr2, HR; HRBP of the tech people) · 离职 (gone, left)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.core.runtime import Runtime
from bot.models import Department, Employee, Tag
from bot.people.directory import name_to_pinyin
from bot.pipeline import inbox
from bot.pipeline.dispatch import Reply

STREAK_EVIDENCE = {
    "kind": "streak",
    "field": "last_out_min",
    "op": ">=",
    "threshold": 1260,
    "days": [
        {"date": "2026-11-18", "value": 1302},
        {"date": "2026-11-19", "value": 1325},
        {"date": "2026-11-20", "value": 1297},
    ],
    "skipped_leave": [],
}
RISK_EVIDENCE = {
    "kind": "score",
    "score": 70,
    "threshold": 50,
    "max": 80,
    "signals": [
        {"id": "stress", "label": {"zh": "压力大", "en": "high stress"}, "weight": 15, "evidence": {}},
        {"id": "overtime", "label": {"zh": "长期加班", "en": "long hours"}, "weight": 30, "evidence": STREAK_EVIDENCE},
        {"id": "perf", "label": {"zh": "业绩下滑", "en": "performance dip"}, "weight": 25, "evidence": {}},
    ],
}


@dataclass
class Org:
    ids: dict[str, int]


def build_org(runtime: Runtime, *, hr_scope_hrbp: bool = False) -> Org:
    """Create the organisation above; returns employee ids by userid."""
    with runtime.db.session() as s:
        sales, tech, hr = Department(name="销售部"), Department(name="技术部"), Department(name="人力资源部")
        s.add_all([sales, tech, hr])
        s.flush()

        def add(userid: str, name: str, dept: Department, **kw: Any) -> Employee:
            emp = Employee(
                userid=userid,
                name=name,
                name_pinyin=name_to_pinyin(name),
                department_id=dept.id,
                hired_on=kw.pop("hired_on", date(2024, 3, 1)),
                **kw,
            )
            s.add(emp)
            s.flush()
            return emp

        hr1 = add("hr1", "王芳", hr, is_hr=True)
        hr2 = add("hr2", "赵敏", hr, is_hr=True)
        ceo = add("ceo", "陈总", sales)
        mgr_sales = add("mgr_sales", "李强", sales, manager_id=ceo.id, hrbp_id=hr1.id)
        mgr_tech = add("mgr_tech", "刘伟", tech, manager_id=ceo.id, hrbp_id=hr2.id)
        add(
            "zhangsan",
            "张三",
            sales,
            manager_id=mgr_sales.id,
            hrbp_id=hr1.id,
            position="销售代表",
            email="zhangsan@example.com",
            mobile="13812345678",
            birthday="03-15",
        )
        add("zhangwei1", "张伟", sales, manager_id=mgr_sales.id, hrbp_id=hr1.id)
        lead = add("lead", "周杰", sales, manager_id=mgr_sales.id, hrbp_id=hr1.id)
        add("sunli", "孙丽", sales, manager_id=lead.id, hrbp_id=hr1.id)
        add("zhangwei2", "张伟", tech, manager_id=mgr_tech.id, hrbp_id=hr2.id)
        add("qianduo", "钱多", tech, manager_id=mgr_tech.id, hrbp_id=hr2.id)
        add("gone", "离职", sales, manager_id=mgr_sales.id, hrbp_id=hr1.id, status="left", left_on=date(2026, 10, 1))
        s.flush()
        ids = {e.userid: e.id for e in s.query(Employee).all()}
    return Org(ids)


def add_tag(
    runtime: Runtime,
    employee_id: int,
    rule_id: str,
    severity: str,
    evidence: dict[str, Any],
    raised_on: date = date(2026, 11, 20),
    score: float | None = None,
    status: str = "active",
) -> int:
    with runtime.db.session() as s:
        tag = Tag(
            rule_id=rule_id,
            employee_id=employee_id,
            severity=severity,
            status=status,
            raised_on=raised_on,
            last_seen_on=raised_on,
            evidence=evidence,
            score=score,
        )
        s.add(tag)
        s.flush()
        return tag.id


def say(client: Any, user: str, text: str, group: str | None = None) -> list[dict[str, Any]]:
    """Send ``text`` as ``user`` through the simulator; the bot's replies."""
    body: dict[str, Any] = {"user": user, "text": text, "id": uuid.uuid4().hex}
    if group:
        body["group"] = group
    resp = client.post("/simulator/api/messages", json=body)
    assert resp.status_code == 200, resp.get_json()
    replies: list[dict[str, Any]] = resp.get_json()["replies"]
    return replies


def reply_text(client: Any, user: str, text: str) -> str:
    """The one reply to a 1:1 message."""
    replies = say(client, user, text)
    assert len(replies) == 1, replies
    return str(replies[0]["text"])


def say_in_group(runtime: Runtime, user: str, text: str, conversation: str = "cid-sales") -> list[Reply]:
    """Send ``text`` in a group chat through the inbox; the Reply objects (with their ``private`` flag)."""
    with runtime.db.session() as s:
        event_id, _ = inbox.store(
            s, "local", uuid.uuid4().hex, "text", {"user": user, "text": text, "group": conversation}
        )
    return inbox.process(runtime, event_id)


NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
