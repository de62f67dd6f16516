"""``GET /api/v1/journeys/<userid>``: a new hire's onboarding journey and the state of every step."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.core.settings.scopes import READ_PEOPLE, READ_SENSITIVE
from bot.journeys.views import journey_dict, journey_of
from bot.models import Employee
from bot.people import audit
from handlers.api import api_actor, bp, error, locale, needs, policy, viewer

i18n.register(
    {
        "api.journey.unknown_employee": {"zh-CN": "没有这个员工", "en": "no such employee"},
        "api.journey.none": {"zh-CN": "该员工没有入职旅程", "en": "this employee has no onboarding journey"},
    }
)


@bp.get("/journeys/<userid>")
@needs(READ_PEOPLE, READ_SENSITIVE)
def get_journey(userid: str) -> tuple[Response, int]:
    """The journey of ``userid`` (404 when the person or their journey does not exist); audit-logged.

    Step notes go through the visibility policy: notes about the person (HR, mentor, manager
    steps) need ``read:sensitive``; a ``read:people`` token reads ``"note": null``.
    """
    runtime = get_runtime()
    with runtime.db.session() as s:
        hire = s.scalar(select(Employee).where(Employee.userid == userid[:64]))
        if hire is None:
            return error(404, "api.journey.unknown_employee")
        journey = journey_of(s, hire.id)
        if journey is None:
            return error(404, "api.journey.none")
        who, rules = viewer(), policy()
        data = journey_dict(runtime, s, journey, hire, locale(), lambda category: rules.can(who, category))
        audit.record(s, api_actor(), hire.userid, "api.journey.get", "api", at=runtime.clock.now())
    return jsonify(data), 200
