"""Roles and scope (bot/people/access.py) on SQLite and PostgreSQL: recursive reports, HR scopes, cycles."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from sqlalchemy import select

from bot.core.config import Settings
from bot.core.runtime import Runtime
from bot.models import Employee
from bot.people.access import can_view, report_ids, roles_of, scope_clause
from tests.commands_org import build_org


def _emp(s: Any, userid: str) -> Employee:
    emp = s.scalar(select(Employee).where(Employee.userid == userid))
    assert emp is not None
    return emp


def _visible(s: Any, caller: str, settings: Settings) -> set[str]:
    emp = _emp(s, caller)
    return set(s.scalars(select(Employee.userid).where(scope_clause(emp, roles_of(s, emp), settings))))


def test_roles(runtime: Runtime) -> None:
    build_org(runtime)
    with runtime.db.session() as s:
        assert roles_of(s, _emp(s, "hr1")) == {"employee", "hr"}
        assert roles_of(s, _emp(s, "mgr_sales")) == {"employee", "manager"}
        assert roles_of(s, _emp(s, "lead")) == {"employee", "manager"}
        assert roles_of(s, _emp(s, "zhangsan")) == {"employee"}
        assert roles_of(s, _emp(s, "gone")) == frozenset()
        assert roles_of(s, None) == frozenset()


def test_recursive_reports(runtime: Runtime) -> None:
    org = build_org(runtime)
    ids = {v: k for k, v in org.ids.items()}
    with runtime.db.session() as s:
        everyone_under_ceo = {ids[i] for i in report_ids(s, org.ids["ceo"])}
        assert everyone_under_ceo == {
            "mgr_sales",
            "mgr_tech",
            "zhangsan",
            "zhangwei1",
            "lead",
            "sunli",
            "zhangwei2",
            "qianduo",
        }
        assert {ids[i] for i in report_ids(s, org.ids["mgr_sales"])} == {"zhangsan", "zhangwei1", "lead", "sunli"}
        assert {ids[i] for i in report_ids(s, org.ids["mgr_sales"], direct_only=True)} == {
            "zhangsan",
            "zhangwei1",
            "lead",
        }
        assert report_ids(s, org.ids["zhangsan"]) == set()


def test_deep_chain_and_cycle_terminate(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        chain = [Employee(userid=f"c{i}", name=f"链{i}") for i in range(40)]
        s.add_all(chain)
        s.flush()
        for boss, worker in pairwise(chain):
            worker.manager_id = boss.id
        chain[0].manager_id = chain[-1].id  # bad org data: a cycle back to the top
        s.flush()
        found = report_ids(s, chain[0].id)
        assert found == {e.id for e in chain[1:]}  # everyone else, and the query ended


def test_scope_per_role(runtime: Runtime) -> None:
    build_org(runtime)
    settings = runtime.settings
    with runtime.db.session() as s:
        assert _visible(s, "zhangsan", settings) == {"zhangsan"}
        assert _visible(s, "lead", settings) == {"lead", "sunli"}
        assert _visible(s, "mgr_tech", settings) == {"mgr_tech", "zhangwei2", "qianduo"}
        everyone_active = set(s.scalars(select(Employee.userid).where(Employee.status == "active")))
        assert _visible(s, "hr1", settings) == everyone_active
        assert "gone" not in everyone_active


def test_hrbp_scope(runtime: Runtime) -> None:
    build_org(runtime)
    settings = runtime.settings.model_copy(
        update={"access": runtime.settings.access.model_copy(update={"hr_scope": "hrbp"})}
    )
    with runtime.db.session() as s:
        assert _visible(s, "hr1", settings) == {"hr1", "mgr_sales", "zhangsan", "zhangwei1", "lead", "sunli"}
        assert _visible(s, "hr2", settings) == {"hr2", "mgr_tech", "zhangwei2", "qianduo"}
        hr1 = _emp(s, "hr1")
        assert can_view(s, hr1, roles_of(s, hr1), settings, _emp(s, "sunli").id)
        assert not can_view(s, hr1, roles_of(s, hr1), settings, _emp(s, "qianduo").id)
        assert not can_view(s, None, frozenset(), settings, _emp(s, "qianduo").id)
