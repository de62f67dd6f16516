"""``/status`` end to end through the simulator: each role, lookups, privacy, audit rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import AttendanceDay, AuditLog, CareAction, Survey, SurveyAnswer, SurveyQuestion
from handlers.commands.evidence import rule_name
from tests.commands_org import STREAK_EVIDENCE, Org, add_tag, build_org, reply_text, say, say_in_group

NOT_FOUND = "未找到或无权限查看"


@pytest.fixture
def org(runtime: Runtime) -> Org:
    org = build_org(runtime)
    add_tag(runtime, org.ids["zhangsan"], "high_pressure", "high", STREAK_EVIDENCE)
    return org


def _audits(runtime: Runtime) -> list[AuditLog]:
    with runtime.db.session() as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.id)))


@pytest.mark.parametrize("caller", ["hr1", "mgr_sales", "ceo", "zhangsan"])
def test_allowed_roles_see_the_status(client: Any, runtime: Runtime, org: Org, caller: str) -> None:
    text = reply_text(client, caller, "/status 张三")
    assert "张三" in text and "zhangsan" in text
    assert rule_name(runtime, "high_pressure", "zh-CN") in text
    # The evidence reads like a sentence with China-style dates and times.
    assert "11月18日" in text and "21:42" in text
    rows = _audits(runtime)
    assert [(r.actor_userid, r.subject_userid, r.action, r.channel) for r in rows] == [
        (caller, "zhangsan", "view.status", "local")
    ]
    assert rows[0].at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("caller", ["mgr_tech", "zhangwei1", "lead"])
def test_out_of_scope_looks_like_nobody(client: Any, runtime: Runtime, org: Org, caller: str) -> None:
    # Another manager, a colleague, a manager of someone else: same answer as for nobody at all.
    assert reply_text(client, caller, "/status zhangsan") == NOT_FOUND
    assert reply_text(client, caller, "/status 张三") == NOT_FOUND
    assert reply_text(client, caller, "/status 不存在的人") == NOT_FOUND
    assert _audits(runtime) == []


def test_stranger_may_only_use_help(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "nobody", "/status 张三")
    assert "张三" not in text and "/help" in text and "/status" not in text.replace("/status 张三", "")
    assert _audits(runtime) == []


def test_left_employee_is_a_stranger_and_not_findable(client: Any, runtime: Runtime, org: Org) -> None:
    assert "/status" not in reply_text(client, "gone", "/help")
    assert reply_text(client, "hr1", "/status 离职") == NOT_FOUND


@pytest.mark.parametrize("settings_overrides", [{"access": {"hr_scope": "hrbp"}}])
def test_hrbp_scope(client: Any, runtime: Runtime, org: Org) -> None:
    assert "张三" in reply_text(client, "hr1", "/status zhangsan")
    assert reply_text(client, "hr1", "/status qianduo") == NOT_FOUND
    assert "钱多" in reply_text(client, "hr2", "/status 钱多")


def test_manager_sees_indirect_reports(client: Any, runtime: Runtime, org: Org) -> None:
    assert "孙丽" in reply_text(client, "mgr_sales", "/status 孙丽")
    assert "孙丽" in reply_text(client, "ceo", "/status sunli")
    assert reply_text(client, "lead", "/status 张三") == NOT_FOUND


@pytest.mark.parametrize("query", ["zhangsan", "ZhangSan", "zhang san", "zs", "@张三", "张三"])
def test_lookup_variants(client: Any, runtime: Runtime, org: Org, query: str) -> None:
    text = reply_text(client, "mgr_sales", f"/status {query}")
    assert "**张三**" in text


def test_partial_name(client: Any, runtime: Runtime, org: Org) -> None:
    assert "**孙丽**" in reply_text(client, "hr1", "/status 丽")


def test_ambiguous_names_give_a_numbered_choice(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "hr1", "/status 张伟")
    assert "1. 张伟 · 销售部 · zhangwei1" in text and "2. 张伟 · 技术部 · zhangwei2" in text
    assert "/status <userid>" in text
    assert _audits(runtime) == []
    # In the manager's scope only one 张伟 exists: no choice, and the other one is not revealed.
    text = reply_text(client, "mgr_sales", "/status 张伟")
    assert "**张伟**" in text and "zhangwei2" not in text
    assert "**张伟**（zhangwei2）" in reply_text(client, "hr1", "/status zhangwei2")


def test_chinese_alias_and_glued_argument(client: Any, runtime: Runtime, org: Org) -> None:
    assert "**张三**" in reply_text(client, "mgr_sales", "/状态 张三")
    assert "**张三**" in reply_text(client, "mgr_sales", "／状态张三")


def test_no_argument_shows_yourself(client: Any, runtime: Runtime, org: Org) -> None:
    said = reply_text(client, "mgr_sales", "/status")
    assert "用法" not in said and "（mgr_sales）" in said


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE employees;--",
        "张三' OR '1'='1",
        "%",
        "_",
        "😀🔥",
        "<script>alert(1)</script>",
        "[x](http://e.vil)",
    ],
)
def test_injection_like_input(client: Any, runtime: Runtime, org: Org, query: str) -> None:
    assert reply_text(client, "hr1", f"/status {query}") == NOT_FOUND
    assert "**张三**" in reply_text(client, "hr1", "/status 张三")  # the table is still there


def test_very_long_input(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "hr1", "/status " + "张" * 3000)
    assert "太长" in text
    # The simulator refuses > 4000 characters with a clear 400; nothing is half-processed.
    resp = client.post("/simulator/api/messages", json={"user": "hr1", "text": "/status " + "x" * 10_000})
    assert resp.status_code == 400 and "4000" in resp.get_json()["error"]


def test_group_chat_answers_privately(client: Any, runtime: Runtime, org: Org) -> None:
    replies = say_in_group(runtime, "mgr_sales", "@关怀助手 /status 张三")
    assert len(replies) == 2
    note, detail = replies
    assert not note.private and "私聊" in note.text and "张三" not in note.text
    assert detail.private and "**张三**" in detail.text
    assert [(r.actor_userid, r.subject_userid, r.detail["group"]) for r in _audits(runtime)] == [
        ("mgr_sales", "zhangsan", True)
    ]


def test_help_in_group_is_posted_to_the_group(runtime: Runtime, org: Org) -> None:
    replies = say_in_group(runtime, "mgr_sales", "/help")
    assert len(replies) == 1 and not replies[0].private


def _pulse_data(runtime: Runtime, org: Org) -> None:
    with runtime.db.session() as s:
        s.add_all(
            [
                SurveyQuestion(
                    key="stress",
                    mode="checkin",
                    scale_min=0,
                    scale_max=10,
                    text_zh="【关怀问答 · 实名，HR 会看到你的回答】最近压力有多大？（0–10）",
                    text_en="[Care check-in · identified] How stressed are you? (0-10)",
                ),
                SurveyQuestion(
                    key="enps",
                    mode="team",
                    scale_min=0,
                    scale_max=10,
                    text_zh="【团队匿名调查】你会推荐朋友来公司吗？",
                    text_en="[Team pulse] Recommend us?",
                ),
            ]
        )
        survey = Survey(
            employee_id=org.ids["zhangsan"],
            scheduled_on=date(2026, 11, 16),
            question_keys=["stress", "enps"],
            status="answered",
            sent_at=datetime(2026, 11, 16, 2, tzinfo=UTC),
            answered_at=datetime(2026, 11, 16, 3, tzinfo=UTC),
        )
        unanswered = Survey(
            employee_id=org.ids["zhangsan"],
            scheduled_on=date(2026, 11, 2),
            question_keys=["stress"],
            status="expired",
            sent_at=datetime(2026, 11, 2, 2, tzinfo=UTC),
        )
        s.add_all([survey, unanswered])
        s.flush()
        at = datetime(2026, 11, 16, 3, tzinfo=UTC)
        s.add(
            SurveyAnswer(
                survey_id=survey.id,
                employee_id=org.ids["zhangsan"],
                question_key="stress",
                mode="checkin",
                value=8,
                answered_on=date(2026, 11, 16),
                answered_at=at,
            )
        )
        s.add(
            SurveyAnswer(
                survey_id=survey.id,
                employee_id=org.ids["zhangsan"],
                question_key="enps",
                mode="team",
                value=3,
                answered_on=date(2026, 11, 16),
                answered_at=at,
            )
        )
        s.add(
            CareAction(
                employee_id=org.ids["zhangsan"],
                actor_id=org.ids["hr1"],
                kind="done",
                note="聊过了，家里有事",
                acted_at=datetime(2026, 11, 20, 8, 30, tzinfo=UTC),
            )
        )


def test_checkins_and_care_notes_only_for_hr(client: Any, runtime: Runtime, org: Org) -> None:
    _pulse_data(runtime, org)
    hr = reply_text(client, "hr1", "/status 张三")
    assert "关怀问答" in hr and "最近压力有多大：8/10" in hr
    assert "回答 1/2 次" in hr
    assert "11月20日 16:30 王芳已跟进" in hr and "家里有事" in hr
    # The manager learns that HR followed up, never the answers, the note, or who answered pulses.
    manager = reply_text(client, "mgr_sales", "/status 张三")
    assert "王芳已跟进" in manager
    assert "关怀问答" not in manager and "8/10" not in manager and "家里有事" not in manager
    assert "回答 1/2 次" not in manager and "问卷" not in manager
    # The employee sees their own answers and participation (right to know), not HR's note.
    own = reply_text(client, "zhangsan", "/status 张三")
    assert "回答 1/2 次" in own and "王芳已跟进" in own and "最近压力有多大：8/10" in own
    assert "家里有事" not in own
    # Team-pulse answers are never shown per person, not even to HR.
    assert "推荐" not in hr and "3/10" not in hr


def test_attendance_summary_of_last_14_workdays(client: Any, runtime: Runtime, org: Org) -> None:
    emp = org.ids["zhangsan"]
    with runtime.db.session() as s:
        for day, late, out, overtime in [
            (date(2026, 11, 18), 0, 1302, 222),
            (date(2026, 11, 19), 15, 1325, 245),
            (date(2026, 11, 20), 0, 1297, 217),
            (date(2026, 11, 10), 30, 1080, 0),
            (date(2026, 11, 2), 40, 1300, 100),  # 15 workdays back: outside the window
        ]:
            s.add(
                AttendanceDay(
                    employee_id=emp,
                    day=day,
                    kind="workday",
                    late_minutes=late,
                    last_out_min=out,
                    overtime_minutes=overtime,
                    punch_count=2,
                    last_out=datetime(day.year, day.month, day.day, 10, tzinfo=UTC).replace(hour=0)
                    + __import__("datetime").timedelta(minutes=out - 480),
                )
            )
        s.add(
            AttendanceDay(
                employee_id=emp,
                day=date(2026, 11, 22),
                kind="restday",
                punch_count=2,
                overtime_minutes=240,
                last_out_min=1000,
            )
        )
    text = reply_text(client, "mgr_sales", "/status 张三")
    assert "近14个工作日，11月3日–11月22日" in text
    assert "迟到 2 天" in text and "21:00后下班 3 天" in text
    assert "加班 15.4小时" in text  # (222 + 245 + 217 + 240) / 60
    assert "休息日出勤 1 天" in text
    assert "11月20日 21:37" in text


def test_english_locale(client: Any, runtime: Runtime, org: Org) -> None:
    with runtime.db.session() as s:
        from bot.models import Employee

        s.execute(Employee.__table__.update().where(Employee.userid == "mgr_sales").values(locale="en"))
    text = reply_text(client, "mgr_sales", "/status 张三")
    assert "Active tags" in text and "Nov 18" in text
    assert reply_text(client, "mgr_sales", "/status qianduo") == "Not found or not permitted"


def test_reply_fits_platform_limits(client: Any, runtime: Runtime, org: Org) -> None:
    for i in range(60):
        evidence = dict(STREAK_EVIDENCE, days=[{"date": "2026-11-18", "value": 1302}] * 20)
        add_tag(runtime, org.ids["zhangsan"], f"rule_{i:02d}", "medium", evidence, raised_on=date(2026, 10, 1 + i % 28))
    replies = say(client, "hr1", "/status 张三")
    text = replies[0]["text"]
    assert len(text.encode("utf-8")) <= 2048 and replies[0]["markdown"]
    assert "…另有" in text and "条" in text
