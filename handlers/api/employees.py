"""``PUT /api/v1/employees/<userid>`` (create or replace) and ``GET /api/v1/employees/<userid>``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from pydantic import ValidationError
from sqlalchemy import select

from bot.attendance.orphans import upsert_people
from bot.core import i18n
from bot.core.input_errors import describe, field_of
from bot.core.runtime import get_runtime
from bot.core.settings.scopes import EMPLOYEES_WRITE, READ_PEOPLE
from bot.models import Employee
from bot.people import audit
from bot.people.directory import EmployeeRow, employee_dict
from handlers.api import api_actor, bp, error, json_body, locale, needs

i18n.register(
    {
        "api.employee.unknown": {"zh-CN": "没有这个员工", "en": "no such employee"},
        "api.employee.invalid": {"zh-CN": "员工数据无效", "en": "invalid employee"},
        "api.employee.object": {"zh-CN": "请求体必须是 JSON 对象", "en": "the body must be a JSON object"},
        "api.employee.userid_mismatch": {
            "zh-CN": "与路径中的 userid 不一致",
            "en": "does not match the userid in the path",
        },
        "api.employee.status_left": {
            "zh-CN": "status 为 left 时需要 left_on",
            "en": "left_on is required when status is left",
        },
        "api.employee.status_active": {
            "zh-CN": "有 left_on 时 status 不能是 active",
            "en": "status cannot be active when left_on is set",
        },
        "api.employee.status_value": {"zh-CN": "应为 active 或 left", "en": "expected active or left"},
    }
)


def field_errors(exc: ValidationError, loc: str) -> dict[str, str]:
    """``{field: what was expected}`` from a pydantic error (the first reason per field)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        out.setdefault(field_of(err), describe(err, loc))
    return out


def _status_errors(body: dict[str, Any], loc: str) -> dict[str, str]:
    """``status`` is derived from ``left_on``; accept it when it agrees (GET → PUT round trips)."""
    status = body.pop("status", None)
    if status is None:
        return {}
    if status not in ("active", "left"):
        return {"status": i18n.t("api.employee.status_value", loc)}
    if status == "left" and not body.get("left_on"):
        return {"left_on": i18n.t("api.employee.status_left", loc)}
    if status == "active" and body.get("left_on"):
        return {"status": i18n.t("api.employee.status_active", loc)}
    return {}


@bp.put("/employees/<userid>")
@needs(EMPLOYEES_WRITE)
def put_employee(userid: str) -> tuple[Response, int]:
    """Create or replace one employee (the same fields as the CSV import); 422 names failing fields."""
    loc = locale()
    body = json_body()
    if not isinstance(body, dict):
        return error(422, "api.employee.object")
    body = dict(body)
    errors = _status_errors(body, loc)
    if body.setdefault("userid", userid) != userid:
        errors["userid"] = i18n.t("api.employee.userid_mismatch", loc)
    row: EmployeeRow | None = None
    try:
        row = EmployeeRow.model_validate(body)
    except ValidationError as exc:
        errors = field_errors(exc, loc) | errors
    if errors or row is None:
        return error(422, "api.employee.invalid", fields=errors)
    runtime = get_runtime()
    with runtime.db.session() as s:
        stats = upsert_people(s, runtime, [row], source="api")
        emp = s.scalar(select(Employee).where(Employee.userid == userid))
        assert emp is not None
        data = employee_dict(emp, s)
        audit.record(s, api_actor(), userid, "api.employee.put", "api", at=runtime.clock.now())
    return jsonify(data), 201 if stats.created else 200


@bp.get("/employees/<userid>")
@needs(READ_PEOPLE, "read:sensitive")
def get_employee(userid: str) -> tuple[Response, int]:
    """One employee's directory record; the view is audit-logged."""
    runtime = get_runtime()
    with runtime.db.session() as s:
        emp = s.scalar(select(Employee).where(Employee.userid == userid))
        if emp is None:
            return error(404, "api.employee.unknown")
        data = employee_dict(emp, s)
        audit.record(s, api_actor(), userid, "api.employee.get", "api", at=runtime.clock.now())
    return jsonify(data), 200
