"""The visibility matrix, generated from the policy table: every surface × viewer × category.

One organisation with canaries (tests/privacy_org.py, plus a journey with an HR note and a mentor
evaluation) is built once per module and backend; every surface is rendered once per viewer and
cached. For each (surface, viewer, category) the expected outcome is read from
``bot.privacy.policy``: ``full`` → the category's canary is visible wherever the surface renders
that category at all; ``summary`` or ``none`` → no canary of it anywhere in what the viewer sees.
A surface that does not render a category must never leak it, whatever the level: those cells are
checked for absence too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from app import create_app
from bot.core.clock import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings.scopes import LEGACY_SCOPES, READ_AGGREGATES, READ_PEOPLE, READ_SENSITIVE
from bot.models import Employee, Journey, JourneyStep, OutboxMessage
from bot.privacy import Category, Level, Role, Viewer, policy_of
from bot.reminders.delivery import deliver_in
from tests.commands_org import say
from tests.conftest import DEFAULT_NOW, _truncate, make_settings
from tests.privacy_org import CANARIES, RISK_SIGNAL, add_reminders, plant

JOURNEY_NOTE = "CANARY-JOURNEY-NOTE-4d2e"  # HR's note on a journey check-in: a care note
MENTOR_NOTE = "CANARY-MENTOR-NOTE-3b7c"  # the mentor's note after a mentoring talk: a care note too
EVAL_COMMENT = "CANARY-EVAL-COMMENT-a11f"  # the mentor's evaluation comment (JourneyStep.result)
MATRIX_CANARIES: dict[Category, tuple[str, ...]] = {
    **CANARIES,
    Category.CARE_NOTE: (*CANARIES[Category.CARE_NOTE], JOURNEY_NOTE, MENTOR_NOTE, EVAL_COMMENT),
}

# Viewers: a chat/dashboard caller (userid) or an API token (with its scopes), and their role.
TOKENS = {
    "api-sensitive": ("tok-sensitive", frozenset({READ_PEOPLE, READ_SENSITIVE})),
    "api-people": ("tok-people", LEGACY_SCOPES),
    "api-aggregates": ("tok-aggregates", frozenset({READ_AGGREGATES})),
    "api-write": ("tok-write", frozenset({"metrics:write"})),
}


@dataclass(frozen=True)
class Who:
    """One viewer of the matrix: ``userid`` for people, ``token`` for integrations."""

    name: str
    role: Role
    userid: str | None = None
    token: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.role, self.scopes)


PEOPLE = [
    Who("hr", Role.HR, "hr1"),
    Who("hr_admin", Role.HR_ADMIN, "hradmin"),
    Who("manager_direct", Role.MANAGER_DIRECT, "mgr_sales"),
    Who("manager_indirect", Role.MANAGER_INDIRECT, "ceo"),
    Who("mentor", Role.MENTOR, "zhangwei1"),
    Who("self", Role.SELF, "zhangsan"),
    Who("other", Role.OTHER, "qianduo"),
]
APIS = [Who(name, Role.API, token=tok, scopes=scopes) for name, (tok, scopes) in TOKENS.items()]


@dataclass
class World:
    """The module's organisation: its app and runtime, and every rendering already made (cache)."""

    app: Any
    runtime: Runtime
    outbox: dict[str, str]
    seen: dict[tuple[str, str], str] = field(default_factory=dict)


def _plant_journey(runtime: Runtime, ids: dict[str, int]) -> None:
    with runtime.db.session() as s:
        journey = Journey(employee_id=ids["zhangsan"], name="default", started_on=date(2026, 10, 8), source="import")
        s.add(journey)
        s.flush()
        done = {"status": "done", "done_on": date(2026, 11, 2), "journey_id": journey.id}
        s.add_all(
            [
                JourneyStep(
                    step_key="hr_checkin_30",
                    day=30,
                    assignee_role="hr",
                    assignee_id=ids["hr1"],
                    note=JOURNEY_NOTE,
                    **done,
                ),
                JourneyStep(
                    step_key="mentor_checkin",
                    day=3,
                    assignee_role="mentor",
                    assignee_id=ids["zhangwei1"],
                    note=MENTOR_NOTE,
                    **done,
                ),
                JourneyStep(
                    step_key="mentor_evaluation",
                    day=40,
                    assignee_role="mentor",
                    assignee_id=ids["zhangwei1"],
                    result={"scores": {"product_knowledge": 4, "customer_handling": 3}, "comment": EVAL_COMMENT},
                    **done,
                ),
            ]
        )


def _deliver(runtime: Runtime, ids: dict[str, int]) -> dict[str, str]:
    """Reminder cards (immediate) and digests about 张三, to HR and to managers: recipient → texts."""
    org = type("O", (), {"ids": ids})()
    add_reminders(runtime, org, "hr1", "hrbp", "immediate")  # type: ignore[arg-type]
    add_reminders(runtime, org, "hr2", "hr", "digest")  # type: ignore[arg-type]
    add_reminders(runtime, org, "mgr_sales", "manager", "immediate")  # type: ignore[arg-type]
    add_reminders(runtime, org, "lead", "manager", "digest")  # type: ignore[arg-type]
    with runtime.db.session() as s:
        deliver_in(runtime, s, runtime.clock.now())
        rows = list(s.scalars(select(OutboxMessage)))
        out: dict[str, str] = {}
        for m in rows:
            out[m.recipient] = out.get(m.recipient, "") + json.dumps(m.payload, ensure_ascii=False)
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One organisation with canaries per module and backend, reused by every cell."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    tokens: list[Any] = ["tok-people"] + [
        {"name": name, "token": tok, "scopes": sorted(scopes)}
        for name, (tok, scopes) in TOKENS.items()
        if name != "api-people"
    ]
    settings = make_settings(
        tmp_path_factory.mktemp("matrix"),
        url,
        api={"tokens": tokens},
        app={"environment": "development"},  # lets the dashboard sign an HR employee in (local platform)
    )
    application = create_app(settings, clock=FixedClock(DEFAULT_NOW))
    application.config["TESTING"] = True
    runtime: Runtime = application.extensions["carebot"]
    org = plant(runtime)
    with runtime.db.session() as s:
        me = s.get(Employee, org.ids["zhangsan"])
        assert me is not None
        me.mentor_id = org.ids["zhangwei1"]
        admin = Employee(userid="hradmin", name="管理员", is_hr=True, is_admin=True, department_id=me.department_id)
        s.add(admin)
        s.flush()
        org.ids["hradmin"] = admin.id
    _plant_journey(runtime, org.ids)
    outbox = _deliver(runtime, org.ids)
    yield World(application, runtime, outbox)
    runtime.db.dispose()
    _truncate(url)


# -- surfaces ----------------------------------------------------------------------------------
Render = Callable[[World, Who], str]


def _chat(command: str) -> Render:
    def render(world: World, who: Who) -> str:
        assert who.userid is not None
        replies = say(world.app.test_client(), who.userid, command)
        return "\n".join(str(r.get("text", "")) for r in replies)

    return render


def _outbox(delivery: str) -> Render:
    recipients = {("immediate", Role.HR): "hr1", ("digest", Role.HR): "hr2"}
    recipients |= {("immediate", Role.MANAGER_DIRECT): "mgr_sales", ("digest", Role.MANAGER_DIRECT): "lead"}

    def render(world: World, who: Who) -> str:
        return world.outbox.get(recipients[(delivery, who.role)], "")

    return render


def _dashboard(path: str) -> Render:
    def render(world: World, who: Who) -> str:
        client = world.app.test_client()
        page = client.get("/dashboard/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf
        form = {"csrf_token": csrf.group(1)} | ({"token": who.token} if who.token else {"userid": who.userid or ""})
        client.post("/dashboard/login", data=form)
        return str(client.get(path).get_data(as_text=True))

    return render


def _api(path: str) -> Render:
    def render(world: World, who: Who) -> str:
        resp = world.app.test_client().get(path, headers={"Authorization": f"Bearer {who.token}"})
        return str(resp.get_data(as_text=True))

    return render


def _export(fmt: str) -> Render:
    def render(world: World, who: Who) -> str:
        args = ["report", "--from", "2026-11-01", "--to", "2026-11-22", "--format", fmt]
        return str(world.app.test_cli_runner().invoke(args=args).output)

    return render


@dataclass(frozen=True)
class Surface:
    """A place personal data is shown: how to render it, for whom, and which canaries it renders.

    ``shows`` maps a viewer name ("*" for any) to the canaries the surface renders for a viewer who
    may see their category in full; every other canary must be absent whatever the level.
    """

    name: str
    render: Render
    viewers: tuple[Who, ...]
    shows: dict[str, frozenset[str]]
    # Canaries shown to a viewer whatever the table says, because a narrower promise made when the
    # data was written covers them (a journey step's ``visible_to``: the mentor wrote it for the hire).
    shared: dict[str, frozenset[str]] = field(default_factory=dict)

    def renders(self, who: Who, canary: str) -> bool:
        return canary in self.shows.get(who.name, self.shows.get("*", frozenset()))


C = Category


def _of(*categories: Category) -> frozenset[str]:
    """The planted canaries of ``categories`` (tests/privacy_org.py)."""
    return frozenset(text for c in categories for text in CANARIES[c])


HR_ROLES = ("hr", "hr_admin")
TAG_EVIDENCE = _of(C.CHECKIN, C.RISK)  # what /status and /risk render for HR
TAG_TEXT = frozenset({"9.37"}) | _of(C.RISK)  # what a tag's evidence renders to (cards, digests, pages)
TAG_JSON = frozenset({"9.37", RISK_SIGNAL})  # … and what it holds as JSON
# The evaluation's scores and comment are sent to HR and the manager when submitted; no surface
# here renders them, so EVAL_COMMENT must be absent everywhere.
JOURNEY_NOTES = frozenset({JOURNEY_NOTE, MENTOR_NOTE})
DASHBOARD_VIEWERS = tuple(PEOPLE[:2])  # HR employees: API tokens never open the dashboard (issue 11)
CARD_VIEWERS = (PEOPLE[0], PEOPLE[2])  # cards and digests go to HR (hrbp/hr) or to a manager
SURFACES = [
    Surface(
        "chat /status",
        _chat("/status 张三"),
        tuple(PEOPLE),
        {**{n: TAG_EVIDENCE | _of(C.CARE_NOTE) for n in HR_ROLES}, "self": _of(C.CHECKIN)},
    ),
    Surface("chat /team", _chat("/team"), tuple(PEOPLE), {}),
    Surface("chat /tags", _chat("/tags"), tuple(PEOPLE), {}),
    Surface("chat /tags stress", _chat("/tags 自评压力很大"), tuple(PEOPLE), {}),
    Surface("chat /tags risk", _chat("/tags 离职风险"), tuple(PEOPLE), {}),
    Surface("chat /tags summary", _chat("/tags 关怀问答提示"), tuple(PEOPLE), {}),
    Surface("chat /risk", _chat("/risk"), tuple(PEOPLE), {n: _of(C.RISK) for n in HR_ROLES}),
    Surface("chat /mydata", _chat("/mydata"), tuple(PEOPLE), {"self": _of(C.CHECKIN, C.LIFE_EVENT)}),
    Surface("chat /成长", _chat("/成长"), tuple(PEOPLE), {}, {"self": frozenset({MENTOR_NOTE})}),
    Surface("card", _outbox("immediate"), CARD_VIEWERS, {"hr": TAG_TEXT}),
    Surface("digest", _outbox("digest"), CARD_VIEWERS, {"hr": TAG_TEXT}),
    Surface("dashboard tags", _dashboard("/dashboard/tags"), DASHBOARD_VIEWERS, {"*": TAG_TEXT}),
    Surface("dashboard reminders", _dashboard("/dashboard/reminders"), DASHBOARD_VIEWERS, {}),
    Surface("dashboard care", _dashboard("/dashboard/care"), DASHBOARD_VIEWERS, {"*": _of(C.CARE_NOTE)}),
    Surface("dashboard journeys", _dashboard("/dashboard/journeys"), DASHBOARD_VIEWERS, {}),
    Surface("dashboard overview", _dashboard("/dashboard"), DASHBOARD_VIEWERS, {}),
    Surface("api tags", _api("/api/v1/tags?active_on=2026-11-23"), tuple(APIS), {"*": TAG_JSON | _of(C.LIFE_EVENT)}),
    Surface("api reminders", _api("/api/v1/reminders"), tuple(APIS), {}),
    Surface("api employee", _api("/api/v1/employees/zhangsan"), tuple(APIS), {}),
    Surface("api attendance", _api("/api/v1/employees/zhangsan/attendance"), tuple(APIS), {}),
    Surface("api journey", _api("/api/v1/journeys/zhangsan"), tuple(APIS), {"*": JOURNEY_NOTES}),
    Surface("api report", _api("/api/v1/report?from=2026-11-01&to=2026-11-22"), tuple(APIS), {}),
    *[Surface(f"export {f}", _export(f), (Who("operator", Role.HR_ADMIN),), {}) for f in ("md", "csv", "json")],
]


CELLS = [
    (surface, who, category)
    for surface in SURFACES
    for who in surface.viewers
    for category in MATRIX_CANARIES  # every category the organisation holds a canary for
]


@pytest.mark.parametrize(
    ("surface", "who", "category"), CELLS, ids=[f"{s.name}-{w.name}-{c.value}" for s, w, c in CELLS]
)
def test_matrix(world: World, surface: Surface, who: Who, category: Category) -> None:
    key = (surface.name, who.name)
    if key not in world.seen:
        world.seen[key] = surface.render(world, who)
    text = world.seen[key]
    full = policy_of(world.runtime.settings).can(who.viewer, category) is Level.FULL
    for canary in MATRIX_CANARIES[category]:
        if canary in surface.shared.get(who.name, frozenset()) or (full and surface.renders(who, canary)):
            assert canary in text, (surface.name, who.name, category.value, text[:3000])
        else:
            assert canary not in text, (surface.name, who.name, category.value, text[:3000])


def test_every_role_and_category_of_the_table_is_in_the_matrix() -> None:
    roles = {w.role for s in SURFACES for w in s.viewers}
    assert roles == set(Role)
    scopes = {frozenset(w.scopes) for w in APIS}
    assert frozenset({READ_AGGREGATES}) in scopes and LEGACY_SCOPES in scopes
    assert {c for _, _, c in CELLS} == set(MATRIX_CANARIES)
    assert {s.name for s, _, _ in CELLS} == {s.name for s in SURFACES}
