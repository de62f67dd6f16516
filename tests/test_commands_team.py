"""``/team``, ``/risk`` and ``/tags`` end to end: scope per role, severity grouping, aggregates, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import AuditLog, Employee, Survey, SurveyAnswer, SurveyQuestion
from bot.people.directory import name_to_pinyin
from handlers.commands.evidence import rule_name
from tests.commands_org import RISK_EVIDENCE, STREAK_EVIDENCE, Org, add_tag, build_org, reply_text, say_in_group


@pytest.fixture
def org(runtime: Runtime) -> Org:
    org = build_org(runtime)
    add_tag(runtime, org.ids["zhangsan"], "high_pressure", "high", STREAK_EVIDENCE)
    add_tag(runtime, org.ids["sunli"], "attrition_risk", "high", RISK_EVIDENCE, score=70)
    add_tag(runtime, org.ids["zhangwei1"], "birthday_tomorrow", "low", {"kind": "birthday", "date": "2026-11-24"})
    add_tag(runtime, org.ids["qianduo"], "attrition_risk", "high", dict(RISK_EVIDENCE, score=55), score=55)
    add_tag(runtime, org.ids["qianduo"], "high_pressure", "high", STREAK_EVIDENCE, status="resolved")
    return org


def _audited(runtime: Runtime, action: str) -> list[tuple[str, str | None]]:
    with runtime.db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
        return [(r.actor_userid, r.subject_userid) for r in rows]


# -- /team ---------------------------------------------------------------------------------------
def test_team_of_a_manager_with_indirect_reports(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "mgr_sales", "/team")
    assert "共 4 人（直属 3 人），3 人有需要关注的标签" in text
    assert text.index("**高关注（2人）**") < text.index("**低关注（1人）**")
    assert "- 孙丽 · 销售部" in text and "- 张三 · 销售部：" + rule_name(runtime, "high_pressure", "zh-CN") in text
    assert "钱多" not in text and "张伟 · 技术部" not in text
    assert sorted(_audited(runtime, "view.team")) == [
        ("mgr_sales", "sunli"),
        ("mgr_sales", "zhangsan"),
        ("mgr_sales", "zhangwei1"),
    ]


def test_team_alias_and_private_in_group(runtime: Runtime, org: Org) -> None:
    note, detail = say_in_group(runtime, "mgr_sales", "/团队")
    assert not note.private and "孙丽" not in note.text
    assert detail.private and "孙丽" in detail.text


@pytest.mark.parametrize("caller", ["zhangsan", "nobody"])
def test_team_is_not_for_employees_or_strangers(client: Any, runtime: Runtime, org: Org, caller: str) -> None:
    text = reply_text(client, caller, "/team")
    assert "孙丽" not in text and "/help" in text
    assert _audited(runtime, "view.team") == []


@pytest.mark.parametrize("settings_overrides", [{"access": {"hr_scope": "hrbp"}}])
def test_team_for_hr_covers_their_people(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "hr2", "/team")
    assert "你负责的员工" in text and "钱多" in text and "孙丽" not in text


def _team_pulse(runtime: Runtime, org: Org, enps_people: int, stress_people: int) -> None:
    with runtime.db.session() as s:
        extra = []
        for i in range(3):
            emp = Employee(
                userid=f"s{i}", name=f"销售{i}", name_pinyin=name_to_pinyin(f"销售{i}"), manager_id=org.ids["mgr_sales"]
            )
            s.add(emp)
            extra.append(emp)
        s.add_all(
            [
                SurveyQuestion(
                    key="enps",
                    mode="team",
                    scale_min=0,
                    scale_max=10,
                    text_zh="【团队匿名调查】你会向朋友推荐来这里工作吗？（0–10）",
                    text_en="[Team pulse] Recommend?",
                ),
                SurveyQuestion(
                    key="workload",
                    mode="team",
                    scale_min=1,
                    scale_max=5,
                    text_zh="【团队匿名调查】最近工作量如何？",
                    text_en="[Team pulse] Workload?",
                ),
            ]
        )
        s.flush()
        people = [org.ids[u] for u in ("zhangsan", "zhangwei1", "lead", "sunli")] + [e.id for e in extra]
        # Inside the last closed fixed window (Nov 1–15) on the test clock (Nov 23).
        at = datetime(2026, 11, 10, 3, tzinfo=UTC)
        for n, emp_id in enumerate(people):
            survey = Survey(
                employee_id=emp_id,
                scheduled_on=date(2026, 11, 10),
                question_keys=["enps", "workload"],
                status="answered",
                sent_at=at,
                answered_at=at,
            )
            s.add(survey)
            s.flush()
            if n < enps_people:
                s.add(
                    SurveyAnswer(
                        survey_id=survey.id,
                        employee_id=emp_id,
                        question_key="enps",
                        mode="team",
                        value=6 + n % 3,
                        answered_on=at.date(),
                        answered_at=at,
                    )
                )
            if n < stress_people:
                s.add(
                    SurveyAnswer(
                        survey_id=survey.id,
                        employee_id=emp_id,
                        question_key="workload",
                        mode="team",
                        value=4,
                        answered_on=at.date(),
                        answered_at=at,
                    )
                )


def test_team_pulse_only_as_aggregates_of_five(client: Any, runtime: Runtime, org: Org) -> None:
    _team_pulse(runtime, org, enps_people=5, stress_people=4)
    text = reply_text(client, "mgr_sales", "/team")
    # (6+7+8+6+7)/5, with the respondents as a band: never an exact count beside a mean.
    assert "你会向朋友推荐来这里工作吗：平均 6.8（5–9人）" in text
    assert "11月1日–11月15日" in text
    assert "最近工作量如何：样本不足（少于5人）" in text
    assert "4/5" not in text


def test_team_pulse_with_no_answers(client: Any, runtime: Runtime, org: Org) -> None:
    assert "样本不足（少于5人）" in reply_text(client, "mgr_sales", "/team")


# -- /risk ---------------------------------------------------------------------------------------
def test_risk_for_hr_lists_everyone_by_score_with_reasons(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "hr1", "/risk")
    assert "1. 孙丽 · 销售部 · 风险分 70：长期加班（+30）、业绩下滑（+25）、压力大（+15）" in text
    assert "2. 钱多 · 技术部 · 风险分 55" in text
    assert "规则评分：尚未训练模型" in text  # which scores these are (no learned model yet)
    assert _audited(runtime, "view.risk") == [("hr1", "sunli"), ("hr1", "qianduo")]


def test_risk_for_a_manager_stays_in_scope(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "mgr_tech", "/风险 3")
    assert "钱多" in text and "孙丽" not in text
    assert "- 孙丽" in reply_text(client, "lead", "/risk")  # a team lead sees their own report
    ceo = reply_text(client, "ceo", "/risk")
    # Indirect reports two levels down, in name order, without scores or reasons (HR follows up).
    assert "- 孙丽" in ceo and "- 钱多" in ceo and ceo.index("孙丽") < ceo.index("钱多")
    assert "70" not in ceo and "55" not in ceo and "长期加班" not in ceo and "HR 会跟进" in ceo


def test_risk_n_and_bad_arguments(client: Any, runtime: Runtime, org: Org) -> None:
    assert "钱多" not in reply_text(client, "hr1", "/risk 1")
    assert "用法" in reply_text(client, "hr1", "/risk abc")
    assert "用法" in reply_text(client, "hr1", "/risk 0")
    assert "最多显示 20 人" in reply_text(client, "hr1", "/risk 500")
    assert "孙丽" in reply_text(client, "hr1", "/risk ２")  # full-width digits from a Chinese keyboard


@pytest.mark.parametrize("caller", ["zhangsan", "nobody"])
def test_risk_not_for_employees_or_strangers(client: Any, runtime: Runtime, org: Org, caller: str) -> None:
    assert "孙丽" not in reply_text(client, caller, "/risk")
    assert _audited(runtime, "view.risk") == []


def test_risk_in_english(client: Any, runtime: Runtime, org: Org) -> None:
    with runtime.db.session() as s:
        s.execute(Employee.__table__.update().where(Employee.userid == "hr1").values(locale="en"))
    text = reply_text(client, "hr1", "/risk")
    assert "score 70" in text and "long hours" in text


# -- /tags ---------------------------------------------------------------------------------------
def test_tags_overview_and_one_rule(client: Any, runtime: Runtime, org: Org) -> None:
    pressure = rule_name(runtime, "high_pressure", "zh-CN")
    text = reply_text(client, "hr1", "/tags")
    assert f"**{pressure}** 1人：张三" in text and "钱多" in text
    text = reply_text(client, "hr1", "/tags high_pressure")
    assert "张三 · 销售部 · [高] 11月20日起" in text and "钱多" not in text  # qianduo's tag is resolved
    assert reply_text(client, "hr1", f"/标签 {pressure}") == text


def test_tags_scope_for_managers(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "mgr_tech", "/tags")
    assert "钱多" in text and "张三" not in text and "孙丽" not in text
    assert "没有人带有" in reply_text(client, "mgr_tech", "/tags high_pressure")


def test_tags_unknown_rule_lists_known_ones(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "hr1", "/tags 不存在的标签")
    assert "没有找到标签“不存在的标签”" in text


def test_tags_audit_rows(client: Any, runtime: Runtime, org: Org) -> None:
    # A manager reads attrition risk only as the neutral "需要关注": the rule id is not a handle.
    assert "没有找到标签" in reply_text(client, "mgr_sales", "/tags attrition_risk")
    assert _audited(runtime, "view.tags") == []
    text = reply_text(client, "mgr_sales", "/tags 需要关注")
    assert "孙丽" in text and "70" not in text
    assert _audited(runtime, "view.tags") == [("mgr_sales", "sunli")]
