"""Evaluation mode: arms assigned once (stratified, seeded, stored), reminders of the holdout held back."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from app import create_app
from bot.core.config import load_settings
from bot.core.errors import ConfigError
from bot.core.settings.evaluation import DEFAULT_NEVER_HOLD
from bot.evaluation.assignment import arms_by_employee, assign_pending, tenure_band
from bot.models import Employee, EvaluationAssignment, Reminder, Tag
from bot.pipeline import outbox
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from tests.conftest import make_settings
from tests.evaluation_org import company, tag

TODAY = date(2026, 11, 23)
AUTH = {"Authorization": "Bearer ev4l"}
ON = {"enabled": True, "holdout_share": 0.3, "seed": 11}


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"api": {"tokens": ["ev4l"]}, "evaluation": getattr(request, "param", ON)}


def arms(runtime: Any) -> dict[int, str]:
    with runtime.db.session() as s:
        return {
            a.unit_id: a.arm
            for a in s.scalars(select(EvaluationAssignment).where(EvaluationAssignment.unit == "employee"))
        }


def test_first_assignment_is_stratified_by_department_and_tenure(runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 400)
        result = assign_pending(runtime, s)
    assert result.total == 401  # everyone active, HR included
    assert result.holdout in (120, 121)  # 30 % of 401, give or take one
    with runtime.db.session() as s:
        rows = list(s.scalars(select(EvaluationAssignment)))
    per_stratum: dict[str, Counter[str]] = {}
    for row in rows:
        per_stratum.setdefault(row.stratum, Counter())[row.arm] += 1
    assert len(per_stratum) == 17  # 4 departments × 4 tenure bands, plus HR
    for stratum, counts in per_stratum.items():
        n = counts["care"] + counts["holdout"]
        assert abs(counts["holdout"] - 0.3 * n) <= 1, stratum  # balanced within every stratum
    assert {r.seed for r in rows} == {11} and {r.assigned_on for r in rows} == {TODAY}
    assert ids["u0000"] in arms(runtime)


def test_tenure_bands() -> None:
    assert tenure_band(None, TODAY) == "unknown"
    assert tenure_band(date(2026, 10, 1), TODAY) == "0-3m"
    assert tenure_band(date(2026, 3, 1), TODAY) == "3-12m"
    assert tenure_band(date(2024, 6, 1), TODAY) == "1-3y"
    assert tenure_band(date(2019, 1, 1), TODAY) == "3y+"


def test_the_seed_decides_and_the_same_seed_gives_the_same_arms(runtime: Any) -> None:
    with runtime.db.session() as s:
        company(s, 120)
        assign_pending(runtime, s)
    first = arms(runtime)
    with runtime.db.session() as s:
        s.execute(delete(EvaluationAssignment))
        assign_pending(runtime, s)
    assert arms(runtime) == first  # deterministic from the seed
    with runtime.db.session() as s:
        s.execute(delete(EvaluationAssignment))
    other = create_app(make_settings_like(runtime, {**ON, "seed": 12}), clock=runtime.clock)
    rt2 = other.extensions["carebot"]
    with rt2.db.session() as s:
        assign_pending(rt2, s)
    assert arms(runtime) != first  # another seed, another draw
    rt2.db.dispose()


def make_settings_like(runtime: Any, evaluation: dict[str, Any], tmp: Path | None = None) -> Any:
    """The runtime's settings with another ``[evaluation]`` (a restart with a changed file)."""
    data = runtime.settings.model_dump()
    data["evaluation"] = evaluation
    return type(runtime.settings).model_validate(data)


def test_assignment_never_changes_on_re_evaluation_or_restart_with_other_settings(runtime: Any) -> None:
    with runtime.db.session() as s:
        company(s, 60)
        assign_pending(runtime, s)
    before = arms(runtime)
    with runtime.db.session() as s:
        assert assign_pending(runtime, s).total == 0  # a re-run assigns nothing new
    # A restart with another seed and share: stored arms stay as they are.
    restarted = create_app(make_settings_like(runtime, {**ON, "seed": 999, "holdout_share": 0.5}), clock=runtime.clock)
    rt2 = restarted.extensions["carebot"]
    with rt2.db.session() as s:
        assert assign_pending(rt2, s).total == 0
    rt2.db.dispose()
    assert arms(runtime) == before


def test_later_hires_are_assigned_on_arrival_and_keep_the_share(runtime: Any) -> None:
    with runtime.db.session() as s:
        company(s, 100)
        assign_pending(runtime, s)
    before = arms(runtime)
    with runtime.db.session() as s:
        from bot.people.directory import EmployeeRow, upsert_employees

        upsert_employees(
            s,
            [EmployeeRow(userid=f"new{i}", name=f"新人{i}", department="销售部", hired_on=TODAY) for i in range(40)],
        )
        s.flush()
        assert assign_pending(runtime, s).total == 40
    after = arms(runtime)
    assert {k: v for k, v in after.items() if k in before} == before
    new = [v for k, v in after.items() if k not in before]
    assert 6 <= new.count("holdout") <= 18  # a seeded coin toward 30 % of the stratum


@pytest.mark.parametrize("settings_overrides", [{"enabled": False}], indirect=True)
def test_nothing_is_assigned_or_held_when_evaluation_is_off(runtime: Any, client: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 20)
        assert assign_pending(runtime, s).total == 0
        tag(s, ids["u0001"], "high_pressure", TODAY)
        plan(runtime, s)
    with runtime.db.session() as s:
        assert {r.status for r in s.scalars(select(Reminder))} == {"open"}
    [item] = client.get("/api/v1/tags", headers=AUTH).get_json()["tags"]
    assert item["arm"] is None


@pytest.mark.parametrize("settings_overrides", [{**ON, "start": "2026-12-01"}], indirect=True)
def test_nothing_happens_before_the_start_day(runtime: Any) -> None:
    with runtime.db.session() as s:
        company(s, 20)
        assert assign_pending(runtime, s).total == 0


def _split(runtime: Any, ids: dict[str, int]) -> tuple[int, int]:
    with runtime.db.session() as s:
        assign_pending(runtime, s)
        by = arms_by_employee(s, "employee", [i for u, i in ids.items() if u.startswith("u")])
    care = next(e for e, a in sorted(by.items()) if a == "care")
    holdout = next(e for e, a in sorted(by.items()) if a == "holdout")
    return care, holdout


def test_holdout_reminders_are_held_and_never_sent_but_never_hold_rules_are(runtime: Any, fake_platform: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 20)
    care, holdout = _split(runtime, ids)
    with runtime.db.session() as s:
        tag(s, care, "high_pressure", TODAY)
        tag(s, holdout, "high_pressure", TODAY)
        tag(s, holdout, "high_stress", TODAY)  # wellbeing: delivered to the holdout too
        plan(runtime, s)
    deliver(runtime)
    outbox.drain(runtime)
    with runtime.db.session() as s:
        got = {(r.tag_id, r.status, r.sent_at is not None) for r in s.scalars(select(Reminder).order_by(Reminder.id))}
        tags = {t.id: (t.employee_id, t.rule_id) for t in s.scalars(select(Tag))}
    states = {tags[t]: (status, sent) for t, status, sent in got}
    assert states[(care, "high_pressure")] == ("open", True)
    assert states[(holdout, "high_pressure")] == ("held_out", False)
    assert states[(holdout, "high_stress")] == ("open", True)
    cards = [m for m in fake_platform.to("hr1") if m.kind == "card"]
    assert len(cards) == 2
    with runtime.db.session() as s:
        assert s.get(Employee, holdout).status == "active"  # the tag is raised and kept as usual


def test_the_api_shows_the_arm_and_filters_held_out_reminders(runtime: Any, client: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 20)
    care, holdout = _split(runtime, ids)
    with runtime.db.session() as s:
        tag(s, care, "high_pressure", TODAY)
        tag(s, holdout, "high_pressure", TODAY)
        plan(runtime, s)
        userid = {e.id: e.userid for e in s.scalars(select(Employee))}
    items = client.get("/api/v1/tags", headers=AUTH).get_json()["tags"]
    assert {(i["userid"], i["arm"]) for i in items} == {(userid[care], "care"), (userid[holdout], "holdout")}
    held = client.get("/api/v1/reminders?status=held_out", headers=AUTH).get_json()["reminders"]
    assert [(r["userid"], r["status"]) for r in held] == [(userid[holdout], "held_out")]
    opened = client.get("/api/v1/reminders?status=open", headers=AUTH).get_json()["reminders"]
    assert [r["userid"] for r in opened] == [userid[care]]


@pytest.mark.parametrize("settings_overrides", [{**ON, "never_hold": ["high_pressure"]}], indirect=True)
def test_an_explicit_never_hold_list_replaces_the_default(runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 20)
    _, holdout = _split(runtime, ids)
    with runtime.db.session() as s:
        a = tag(s, holdout, "high_pressure", TODAY)
        b = tag(s, holdout, "high_stress", TODAY)
        plan(runtime, s)
        status = {r.tag_id: r.status for r in s.scalars(select(Reminder))}
    assert status == {a.id: "open", b.id: "held_out"}


def test_acting_on_a_held_out_reminder_is_refused(runtime: Any, client: Any) -> None:
    from bot.reminders.actions import act

    with runtime.db.session() as s:
        ids = company(s, 20)
    _, holdout = _split(runtime, ids)
    with runtime.db.session() as s:
        tag(s, holdout, "high_pressure", TODAY)
        plan(runtime, s)
        rem = s.scalars(select(Reminder)).one()
        hr = s.get(Employee, ids["hr1"])
        result = act(runtime, s, rem.id, hr, "snooze")
        assert not result.ok and "对照组" in result.message
        assert rem.status == "held_out"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ({"holdout_share": 0}, "[evaluation].holdout_share"),
        ({"holdout_share": 0.6}, "[evaluation].holdout_share"),
        ({"unit": "team"}, "[evaluation].unit"),
        ({"start": "next week"}, "[evaluation].start"),
        ({"never_hold": ["bad id!"]}, "[evaluation].never_hold"),
        ({"enable": True}, "[evaluation].enable"),
    ],
)
def test_bad_evaluation_config_names_the_key(tmp_path: Path, value: dict[str, Any], key: str) -> None:
    empty = tmp_path / "c.toml"
    empty.write_text("")
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        load_settings(path=empty, overrides={"evaluation": value}, environ={})


def test_defaults_and_environment(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert settings.evaluation.enabled is False and settings.evaluation.never_hold == DEFAULT_NEVER_HOLD
    empty = tmp_path / "e.toml"
    empty.write_text("")
    env = {"CAREBOT_EVALUATION__ENABLED": "true", "CAREBOT_EVALUATION__NEVER_HOLD": "high_stress,family_event"}
    loaded = load_settings(path=empty, environ=env)
    assert loaded.evaluation.enabled and loaded.evaluation.never_hold == ("high_stress", "family_event")


@pytest.mark.parametrize("settings_overrides", [{**ON, "unit": "department", "holdout_share": 0.5}], indirect=True)
def test_department_units_share_their_arm(runtime: Any, client: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 40)
        result = assign_pending(runtime, s)
        assert result.total == 5  # four departments and 人力资源部
        staff = [i for u, i in ids.items() if u.startswith("u")]
        by = arms_by_employee(s, "department", staff)
        depts = {e.id: e.department_id for e in s.scalars(select(Employee))}
    per_dept: dict[int | None, set[str]] = {}
    for emp, arm in by.items():
        per_dept.setdefault(depts[emp], set()).add(arm)
    assert all(len(a) == 1 for a in per_dept.values())  # everyone in a department has its arm
    assert {next(iter(a)) for a in per_dept.values()} == {"care", "holdout"}
    held = next(e for e, a in by.items() if a == "holdout")
    with runtime.db.session() as s:
        tag(s, held, "high_pressure", TODAY)
        plan(runtime, s)
        assert s.scalars(select(Reminder.status)).one() == "held_out"
    [item] = client.get("/api/v1/tags", headers=AUTH).get_json()["tags"]
    assert item["arm"] == "holdout"


def test_a_tag_of_a_past_day_is_held_too_without_a_start(runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 20)
    _, holdout = _split(runtime, ids)
    with runtime.db.session() as s:
        tag(s, holdout, "high_pressure", date(2026, 10, 1))  # raised by a catch-up evaluation of October
        plan(runtime, s)
        assert s.scalars(select(Reminder.status)).one() == "held_out"


@pytest.mark.parametrize("settings_overrides", [{**ON, "start": "2026-11-01"}], indirect=True)
def test_a_tag_raised_before_the_configured_start_is_not_held(runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 20)
    _, holdout = _split(runtime, ids)
    with runtime.db.session() as s:
        early = tag(s, holdout, "high_pressure", date(2026, 10, 30))
        late = tag(s, holdout, "long_week", date(2026, 11, 2), severity="medium")
        s.add(
            Tag(
                rule_id="often_late",
                employee_id=holdout,
                severity="low",
                status="active",
                raised_on=date(2026, 11, 20),
                last_seen_on=date(2026, 11, 20),
                evidence={},
            )
        )
        plan(runtime, s)
        status = {r.tag_id: r.status for r in s.scalars(select(Reminder))}
    assert status[early.id] == "open" and status[late.id] == "open"  # before the start; long_week never held
    assert sorted(status.values()).count("held_out") == 1
