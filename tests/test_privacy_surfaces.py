"""Who sees what, proven on every surface: a matrix generated from the policy table, and canaries.

The matrix takes every (role, category) cell of ``bot.privacy.policy.DEFAULTS`` that a chat
caller can hold towards 张三 and checks ``/status 张三`` shows the category's canary exactly when
the cell is ``full``. The canary tests then drive every command, reminder card and digest, API
call, dashboard page and report export as each non-HR role and assert no HR-only canary appears,
nor in the log at INFO.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import OutboxMessage
from bot.privacy import Category, Level, Role, Viewer, policy_of
from bot.privacy.policy import DEFAULTS
from bot.reminders.delivery import deliver_in
from tests.commands_org import Org, reply_text
from tests.privacy_org import CANARIES, HR_ONLY, add_reminders, plant

# A caller in the test organisation for every role a chat user can have towards 张三.
CALLERS = {
    Role.HR: "hr1",
    Role.MANAGER_DIRECT: "mgr_sales",
    Role.MANAGER_INDIRECT: "ceo",
    Role.SELF: "zhangsan",
}
SENSITIVE_TOKEN, PEOPLE_TOKEN, AGGREGATES_TOKEN = "tok-sensitive", "tok-people", "tok-aggregates"


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "api": {
            "tokens": [
                PEOPLE_TOKEN,  # legacy: read:people + writes
                {"name": "hr-bi", "token": SENSITIVE_TOKEN, "scopes": ["read:people", "read:sensitive"]},
                {"name": "bi", "token": AGGREGATES_TOKEN, "scopes": ["read:aggregates"]},
            ]
        }
    }


@pytest.fixture
def org(runtime: Runtime) -> Org:
    return plant(runtime)


MATRIX = [(role, category) for (role, category) in sorted(DEFAULTS) if role in CALLERS and category in CANARIES]


@pytest.mark.parametrize(("role", "category"), MATRIX, ids=[f"{r.value}-{c.value}" for r, c in MATRIX])
def test_status_matrix_follows_the_policy_table(
    client: Any, runtime: Runtime, org: Org, role: Role, category: Category
) -> None:
    text = reply_text(client, CALLERS[role], "/status 张三")
    full = policy_of(runtime.settings).can(Viewer(role), category) is Level.FULL
    for canary in CANARIES[category]:
        if category is Category.LIFE_EVENT:
            assert canary not in text  # the note itself is never rendered in chat, not even to HR
        elif full and role is not Role.SELF:
            assert canary in text, (role, category, text)
        elif not full:
            assert canary not in text, (role, category, text)


@pytest.mark.parametrize("caller", ["mgr_sales", "ceo", "zhangwei1", "nobody"])
@pytest.mark.parametrize("command", ["/status 张三", "/team", "/tags", "/tags 关怀问答提示", "/risk", "/mydata"])
def test_no_hr_only_canary_in_any_command_for_non_hr(
    client: Any, runtime: Runtime, org: Org, caller: str, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    text = reply_text(client, caller, command)
    for canary in HR_ONLY:
        assert canary not in text, (caller, command, text)
        assert canary not in caplog.text


def test_the_manager_reads_hr_will_follow_up(client: Any, runtime: Runtime, org: Org) -> None:
    text = reply_text(client, "mgr_sales", "/status 张三")
    assert "近期关怀问答显示需要关注，HR 会跟进" in text
    assert "自评压力很大" not in text and "离职风险" not in text and "家" not in text
    assert "综合多项信号显示需要多关心" in text  # risk as a summary: no score, no signals
    hr = reply_text(client, "hr1", "/status 张三")
    assert "9.37/10" in hr and "CANARY-RISK-SIGNAL-c0de" in hr and "CANARY-CARE-NOTE-9b1e" in hr


def test_the_employee_is_not_pushed_a_flight_risk_label(client: Any, runtime: Runtime, org: Org) -> None:
    for command in ("/status 张三", "/mydata"):
        text = reply_text(client, "zhangsan", command)
        assert "风险分" not in text and "CANARY-RISK-SIGNAL-c0de" not in text and "需要关注 ·" not in text
    mydata = reply_text(client, "zhangsan", "/mydata")
    # …but their own answers are shown, and the kinds of evaluation are listed (PIPL art. 24).
    assert "9.37" in mydata and "CANARY-CHECKIN-COMMENT-7f3a" in mydata
    assert "离职风险" in mydata and "自动评估" in mydata


def _outbox_texts(runtime: Runtime) -> list[str]:
    with runtime.db.session() as s:
        return [json.dumps(m.payload, ensure_ascii=False) for m in s.scalars(select(OutboxMessage))]


@pytest.mark.parametrize("delivery", ["immediate", "digest"])
def test_reminder_cards_and_digests_to_a_manager_carry_no_canary(
    runtime: Runtime, org: Org, delivery: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    add_reminders(runtime, org, "mgr_sales", "manager", delivery)
    with runtime.db.session() as s:
        result = deliver_in(runtime, s, runtime.clock.now())
    assert result.sent + result.digest_items >= 3
    assert result.closed == 1  # the life-event tag is hidden from managers: closed, never sent
    texts = _outbox_texts(runtime)
    assert texts and any("近期关怀问答显示需要关注，HR 会跟进" in t for t in texts)
    for canary in HR_ONLY:
        assert all(canary not in t for t in texts), canary
        assert canary not in caplog.text
    assert all("谢谢你在问答里如实告诉我们" not in t for t in texts)  # the rule's talking point quotes the answer


def test_the_same_reminders_to_hr_carry_the_evidence(runtime: Runtime, org: Org) -> None:
    add_reminders(runtime, org, "hr1", "hrbp", "immediate")
    with runtime.db.session() as s:
        deliver_in(runtime, s, runtime.clock.now())
    texts = "\n".join(_outbox_texts(runtime))
    assert "9.37/10" in texts and "CANARY-RISK-SIGNAL-c0de" in texts


def _api(client: Any, token: str, path: str) -> Any:
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("token", [PEOPLE_TOKEN, AGGREGATES_TOKEN])
def test_api_answers_leave_sensitive_data_out_without_read_sensitive(
    client: Any, runtime: Runtime, org: Org, token: str
) -> None:
    add_reminders(runtime, org, "hr1", "hrbp", "immediate")
    for path in (
        "/api/v1/tags?active_on=2026-11-23",
        "/api/v1/reminders",
        "/api/v1/employees/zhangsan",
        "/api/v1/employees/zhangsan/attendance",
        "/api/v1/report?from=2026-11-01&to=2026-11-22",
    ):
        resp = _api(client, token, path)
        body = resp.get_data(as_text=True)
        for canary in HR_ONLY:
            assert canary not in body, (token, path)
        if token == AGGREGATES_TOKEN and "report" not in path:
            assert resp.status_code == 403 and resp.get_json()["scope"] == "read:people"
    if token == PEOPLE_TOKEN:
        tags = _api(client, token, "/api/v1/tags?active_on=2026-11-23").get_json()["tags"]
        # The rule id would say what the summary hides: the token reads the category instead.
        assert "high_stress" not in {t["rule"] for t in tags} and "family_event" not in {t["rule"] for t in tags}
        stress = next(t for t in tags if t["rule"] == "checkin")
        assert stress["evidence"]["summary"] == "近期关怀问答显示需要关注，HR 会跟进"
        assert "value" not in stress["evidence"]
        assert "high_pressure" in {t["rule"] for t in tags}  # attendance is not sensitive: the id stays
        probe = _api(client, token, "/api/v1/tags?active_on=2026-11-23&rule=high_stress").get_json()["tags"]
        assert probe == []  # ?rule=high_stress is no handle on a summarised tag
        by_kind = _api(client, token, "/api/v1/tags?active_on=2026-11-23&rule=checkin").get_json()["tags"]
        assert [t["userid"] for t in by_kind] == ["zhangsan"]


def test_api_with_read_sensitive_gets_the_evidence(client: Any, runtime: Runtime, org: Org) -> None:
    tags = _api(client, SENSITIVE_TOKEN, "/api/v1/tags?active_on=2026-11-23").get_json()["tags"]
    stress = next(t for t in tags if t["rule"] == "high_stress")
    assert stress["evidence"]["value"] == 9.37
    only = _api(client, SENSITIVE_TOKEN, "/api/v1/tags?active_on=2026-11-23&rule=high_stress").get_json()["tags"]
    assert [t["rule"] for t in only] == ["high_stress"]


def test_the_employee_reads_their_own_answers_and_declarations(client: Any, runtime: Runtime, org: Org) -> None:
    status = reply_text(client, "zhangsan", "/status 张三")
    assert "9.37" in status and "CANARY-CHECKIN-COMMENT-7f3a" in status
    assert "仅 HR 可见" not in status and "只有你和 HR 可见" in status
    mydata = reply_text(client, "zhangsan", "/mydata")
    assert "CANARY-LIFE-NOTE-51c2" in mydata  # what they declared is theirs to read back
    hr = reply_text(client, "hr1", "/status 张三")
    assert "仅 HR 可见" in hr


def test_write_scopes_are_enforced(client: Any, runtime: Runtime, org: Org) -> None:
    resp = client.post("/api/v1/metrics", json=[], headers={"Authorization": f"Bearer {AGGREGATES_TOKEN}"})
    assert resp.status_code == 403 and resp.get_json()["scope"] == "metrics:write"
    legacy = client.post("/api/v1/metrics", json=[], headers={"Authorization": f"Bearer {PEOPLE_TOKEN}"})
    assert legacy.status_code != 403  # a plain token keeps the writes it always had


def test_dashboard_with_a_token_without_read_sensitive(client: Any, runtime: Runtime, org: Org) -> None:
    import re

    page = client.get("/dashboard/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    # API tokens never sign in to the dashboard (issue 11): the pages stay behind the sign-in form.
    refused = client.post("/dashboard/login", data={"csrf_token": csrf.group(1), "token": PEOPLE_TOKEN})
    assert refused.status_code in (401, 403)
    for path in ("/dashboard/tags", "/dashboard/care", "/dashboard/reminders", "/dashboard"):
        body = client.get(path).get_data(as_text=True)
        for canary in HR_ONLY:
            assert canary not in body, path


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_report_exports_carry_no_canary(runner: Any, runtime: Runtime, org: Org, fmt: str) -> None:
    out = runner.invoke(args=["report", "--from", "2026-11-01", "--to", "2026-11-22", "--format", fmt]).output
    for canary in HR_ONLY:
        assert canary not in out
