"""Every command × every role, in 1:1 and group chat: who gets an answer, who sees whom, what is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import AuditLog
from tests.commands_org import RISK_EVIDENCE, STREAK_EVIDENCE, Org, add_tag, build_org, reply_text, say_in_group

# Roles towards 张三 (zhangsan, reports to 李强 mgr_sales; 孙丽 sunli reports to 李强 through 周杰).
ROLES = {
    "hr": "hr1",
    "manager_of_person": "mgr_sales",
    "another_manager": "mgr_tech",
    "the_employee": "zhangsan",
    "stranger": "nobody",
}
COMMANDS = ["/help", "/status 张三", "/team", "/risk", "/tags", "/mydata"]
# (command, role) → (sees 张三's or 孙丽's data?, audit actions written)
EXPECTED: dict[tuple[str, str], tuple[bool, set[str]]] = {("/help", role): (False, set()) for role in ROLES}
EXPECTED |= {
    ("/status 张三", "hr"): (True, {"view.status"}),
    ("/status 张三", "manager_of_person"): (True, {"view.status"}),
    ("/status 张三", "another_manager"): (False, set()),
    ("/status 张三", "the_employee"): (True, {"view.status"}),
    ("/status 张三", "stranger"): (False, set()),
    ("/team", "hr"): (True, {"view.team"}),
    ("/team", "manager_of_person"): (True, {"view.team"}),
    ("/team", "another_manager"): (False, set()),
    ("/team", "the_employee"): (False, set()),
    ("/team", "stranger"): (False, set()),
    ("/risk", "hr"): (True, {"view.risk"}),
    ("/risk", "manager_of_person"): (True, {"view.risk"}),
    ("/risk", "another_manager"): (False, set()),
    ("/risk", "the_employee"): (False, set()),
    ("/risk", "stranger"): (False, set()),
    ("/tags", "hr"): (True, {"view.tags"}),
    ("/tags", "manager_of_person"): (True, {"view.tags"}),
    ("/tags", "another_manager"): (False, set()),
    ("/tags", "the_employee"): (False, set()),
    ("/tags", "stranger"): (False, set()),
    ("/mydata", "hr"): (False, {"view.mydata"}),
    ("/mydata", "manager_of_person"): (False, {"view.mydata"}),
    ("/mydata", "another_manager"): (False, {"view.mydata"}),
    ("/mydata", "the_employee"): (True, {"view.mydata"}),
    ("/mydata", "stranger"): (False, set()),
}
PRIVATE_IN_GROUP = {"/status 张三", "/team", "/risk", "/tags", "/mydata"}


@pytest.fixture
def org(runtime: Runtime) -> Org:
    org = build_org(runtime)
    add_tag(runtime, org.ids["zhangsan"], "high_pressure", "high", STREAK_EVIDENCE)
    add_tag(runtime, org.ids["sunli"], "attrition_risk", "high", RISK_EVIDENCE, score=70)
    return org


def _actions(runtime: Runtime) -> set[str]:
    with runtime.db.session() as s:
        return set(s.scalars(select(AuditLog.action)))


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("command", COMMANDS)
def test_command_by_role(client: Any, runtime: Runtime, org: Org, command: str, role: str) -> None:
    sees, actions = EXPECTED[(command, role)]
    text = reply_text(client, ROLES[role], command)
    shown = "zhangsan" in text or "张三 ·" in text or "孙丽" in text or "**张三**" in text
    assert shown == sees, text
    assert _actions(runtime) == actions


@pytest.mark.parametrize("command", COMMANDS)
def test_command_in_a_group(runtime: Runtime, org: Org, command: str) -> None:
    replies = say_in_group(runtime, "hr1", command)
    if command in PRIVATE_IN_GROUP:
        note, detail = replies
        assert not note.private and "私聊" in note.text
        assert "张三" not in note.text and "孙丽" not in note.text
        assert detail.private
    else:
        assert len(replies) == 1 and not replies[0].private
