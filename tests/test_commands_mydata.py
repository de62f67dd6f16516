"""``/mydata``: an employee's right to know what CareBot stores about them, and why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import AttendanceDay, AuditLog, CareAction, Consent, LifeEvent, Metric, Punch, Survey, SurveyAnswer
from handlers.commands.evidence import rule_name
from tests.commands_org import STREAK_EVIDENCE, Org, add_tag, build_org, reply_text, say_in_group


@pytest.fixture
def org(runtime: Runtime) -> Org:
    org = build_org(runtime)
    me = org.ids["zhangsan"]
    add_tag(runtime, me, "high_pressure", "high", STREAK_EVIDENCE)
    at = datetime(2026, 11, 16, 3, tzinfo=UTC)
    with runtime.db.session() as s:
        s.add_all(
            [
                Punch(
                    userid="zhangsan", employee_id=me, punched_at=datetime(2026, 9, 1, 1, tzinfo=UTC), source="import"
                ),
                Punch(
                    userid="zhangsan", employee_id=me, punched_at=datetime(2026, 9, 1, 10, tzinfo=UTC), source="import"
                ),
                AttendanceDay(employee_id=me, day=date(2026, 9, 1), kind="workday", punch_count=2),
                Metric(employee_id=me, metric="calls", day=date(2026, 11, 2), value=40),
                Metric(employee_id=me, metric="sales", day=date(2026, 11, 2), value=1200),
                CareAction(employee_id=me, actor_id=org.ids["hr1"], kind="done", note="私人备注", acted_at=at),
            ]
        )
        consent = Consent(
            employee_id=me,
            kind="life_event",
            granted_at=datetime(2026, 11, 1, 2, tzinfo=UTC),
            expires_on=date(2027, 2, 1),
        )
        s.add(consent)
        s.flush()
        s.add(
            LifeEvent(
                employee_id=me,
                consent_id=consent.id,
                kind="newborn",
                declared_on=date(2026, 11, 1),
                expires_on=date(2027, 2, 1),
                note="宝宝出生",
            )
        )
        s.add(LifeEvent(employee_id=me, kind="move", declared_on=date(2026, 1, 1), expires_on=date(2026, 3, 1)))
        survey = Survey(
            employee_id=me,
            scheduled_on=date(2026, 11, 16),
            question_keys=["stress", "enps"],
            status="answered",
            sent_at=at,
            answered_at=at,
        )
        s.add(survey)
        s.flush()
        s.add(
            SurveyAnswer(
                survey_id=survey.id,
                employee_id=me,
                question_key="stress",
                mode="checkin",
                value=8,
                answered_on=at.date(),
                answered_at=at,
            )
        )
        s.add(
            SurveyAnswer(
                survey_id=survey.id,
                employee_id=me,
                question_key="enps",
                mode="team",
                value=3,
                answered_on=at.date(),
                answered_at=at,
            )
        )
    return org


def test_mydata_tells_what_is_stored_and_why(client: Any, runtime: Runtime, org: Org) -> None:
    reply_text(client, "hr1", "/status 张三")  # one view by someone else
    text = reply_text(client, "zhangsan", "/mydata")
    assert "姓名 张三 · userid zhangsan · 部门 销售部 · 职位 销售代表" in text
    assert "上级 李强 · HRBP 王芳 · 入职 2024年3月1日" in text
    assert "生日 03-15（仅月日）" in text and "138＊＊＊＊5678" in text and "z＊＊＊@example.com" in text
    assert "13812345678" not in text
    assert "打卡记录 2 条（最早 2026年9月1日）· 每日考勤汇总 1 天" in text
    assert "calls、sales：共 2 条" in text
    assert "收到 1 次，回答 1 次" in text and "实名关怀问答回答 1 条" in text and "团队匿名调查回答 1 条" in text
    assert rule_name(runtime, "high_pressure", "zh-CN") in text
    assert "**关怀记录**：1 条" in text and "私人备注" not in text
    # A stored note is one the employee agreed HR may read: they see it here as HR does.
    assert "家有新生儿：2026年11月1日 告知，2027年2月1日 到期，HR 可见说明：“宝宝出生”" in text
    assert "/mydata 结束" in text
    assert "搬家" not in text  # expired life events are no longer held for care
    assert "被他人查看 1 次" in text
    assert "授权 生活事件：2026年11月1日 同意，有效至 2027年2月1日" in text
    assert "保存期限" in text
    with runtime.db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "view.mydata")).all()
        assert [(r.actor_userid, r.subject_userid) for r in rows] == [("zhangsan", "zhangsan")]


def test_mydata_alias_english_and_group(client: Any, runtime: Runtime, org: Org) -> None:
    assert "**基本资料**" in reply_text(client, "zhangwei1", "/我的数据")
    note, detail = say_in_group(runtime, "zhangsan", "/mydata")
    assert not note.private and "张三" not in note.text and detail.private and "zhangsan" in detail.text


def test_mydata_in_english(client: Any, runtime: Runtime, org: Org) -> None:
    from bot.models import Employee

    with runtime.db.session() as s:
        s.execute(Employee.__table__.update().where(Employee.userid == "zhangsan").values(locale="en"))
    text = reply_text(client, "zhangsan", "/mydata")
    assert "**Profile**" in text and "joined Mar 1, 2024" in text and "**Retention**" in text


def test_mydata_for_stranger(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "nobody", "/mydata")
    assert "通讯录里没有找到你" in text
    with runtime.db.session() as s:
        assert s.scalars(select(AuditLog)).all() == []
