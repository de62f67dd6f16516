"""Section 6 (new hires) in Markdown, CSV rows and JSON: one place, so the three forms agree."""

from __future__ import annotations

from typing import Any

from bot.core import i18n
from bot.report.model import HireCohort, NewHires, RoleSteps

i18n.register(
    {
        "report.s6": {"zh-CN": "六、新员工入职", "en": "6. New hires"},
        "report.s6.started": {"zh-CN": "本期开始的入职旅程：{n} 个", "en": "Onboarding journeys started: {n}"},
        "report.s6.started_label": {"zh-CN": "开始的入职旅程", "en": "onboarding journeys started"},
        "report.s6.steps": {"zh-CN": "入职任务按时完成（按负责角色）", "en": "Journey steps done on time, by role"},
        "report.s6.steps_intro": {
            "zh-CN": "本期到期的任务；按时 = 在截止日（到期后 due_workdays 个工作日）前完成。"
            "少于 {n} 位新人的角色不显示。",
            "en": "Steps due in the period; on time = done by the deadline (due_workdays after the due day). "
            "Roles covering fewer than {n} new hires are not shown.",
        },
        "report.s6.role": {"zh-CN": "角色", "en": "Role"},
        "report.s6.hires": {"zh-CN": "新人数", "en": "New hires"},
        "report.s6.due": {"zh-CN": "到期任务", "en": "Due"},
        "report.s6.on_time": {"zh-CN": "按时完成", "en": "On time"},
        "report.s6.late": {"zh-CN": "逾期完成", "en": "Late"},
        "report.s6.open": {"zh-CN": "未完成", "en": "Open"},
        "report.s6.rate": {"zh-CN": "按时率", "en": "On-time rate"},
        "report.s6.cohorts": {"zh-CN": "入职批次（按入职月份）", "en": "Hire cohorts (by hire month)"},
        "report.s6.cohorts_intro": {
            "zh-CN": "截至本期最后一天。转正通过 = 试用期结束时仍在职；早期离职 = 入职 {days} 天内离职。"
            "少于 {n} 人的批次不显示。",
            "en": "As of the period's last day. Probation passed = still employed when it ended; early leaver = left "
            "within {days} days of the hire date. Cohorts under {n} people are not shown.",
        },
        "report.s6.month": {"zh-CN": "入职月份", "en": "Hire month"},
        "report.s6.people": {"zh-CN": "人数", "en": "People"},
        "report.s6.probation": {"zh-CN": "转正通过率", "en": "Probation pass rate"},
        "report.s6.early": {"zh-CN": "早期离职率", "en": "Early-leaver rate"},
        "report.s6.role.admin": {"zh-CN": "行政", "en": "admin"},
        "report.s6.role.it": {"zh-CN": "IT", "en": "IT"},
        "report.s6.role.manager": {"zh-CN": "主管", "en": "manager"},
        "report.s6.role.mentor": {"zh-CN": "导师", "en": "mentor"},
        "report.s6.role.hr": {"zh-CN": "HR", "en": "HR"},
        "report.s6.role.new_hire": {"zh-CN": "新人", "en": "new hire"},
    }
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _ratio(part: int | None, whole: int | None, rate: float | None) -> str:
    return "—" if rate is None else f"{_pct(rate)} ({part}/{whole})"


def role_label(role: str, loc: str) -> str:
    key = f"report.s6.role.{role}"
    return i18n.t(key, loc) if i18n.has(key) else role


def markdown(section: NewHires, min_group: int, loc: str) -> list[str]:
    """The section's Markdown lines."""
    from bot.report.render_md import _table

    out = [f"## {i18n.t('report.s6', loc)}", "", i18n.t("report.s6.started", loc, n=section.journeys_started), ""]
    out += [f"### {i18n.t('report.s6.steps', loc)}", "", i18n.t("report.s6.steps_intro", loc, n=min_group), ""]
    if section.steps:
        no = i18n.t("report.insufficient", loc)
        rows: list[tuple[object, ...]] = [
            (role_label(r.role, loc), r.hires, no, no, no, no, no)
            if r.suppressed
            else (role_label(r.role, loc), r.hires, r.due, r.on_time, r.late, r.open, _pct(r.on_time_rate))
            for r in section.steps
        ]
        keys = ("role", "hires", "due", "on_time", "late", "open", "rate")
        out += _table([i18n.t(f"report.s6.{k}", loc) for k in keys], rows)
    else:
        out += [i18n.t("report.none", loc), ""]
    intro = i18n.t("report.s6.cohorts_intro", loc, days=section.early_days, n=min_group)
    out += [f"### {i18n.t('report.s6.cohorts', loc)}", "", intro, ""]
    if section.cohorts:
        no = i18n.t("report.insufficient", loc)
        crow: list[tuple[object, ...]] = [
            (c.month, c.people, no, no)
            if c.suppressed
            else (
                c.month,
                c.people,
                _ratio(c.probation_passed, c.probation_decided, c.probation_pass_rate),
                _ratio(c.early_leavers, c.early_observed, c.early_leaver_rate),
            )
            for c in section.cohorts
        ]
        heads = ("month", "people", "probation", "early")
        out += _table([i18n.t(f"report.s6.{k}", loc) for k in heads], crow)
    else:
        out += [i18n.t("report.none", loc), ""]
    return out


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _role_json(r: RoleSteps) -> dict[str, Any]:
    return {
        "role": r.role,
        "hires": r.hires,
        "suppressed": r.suppressed,
        "due": r.due,
        "on_time": r.on_time,
        "late": r.late,
        "open": r.open,
        "on_time_rate": _rate(r.on_time_rate),
    }


def _cohort_json(c: HireCohort) -> dict[str, Any]:
    return {
        "month": c.month,
        "people": c.people,
        "suppressed": c.suppressed,
        "probation_decided": c.probation_decided,
        "probation_passed": c.probation_passed,
        "probation_pass_rate": _rate(c.probation_pass_rate),
        "early_observed": c.early_observed,
        "early_leavers": c.early_leavers,
        "early_leaver_rate": _rate(c.early_leaver_rate),
    }


def as_json(section: NewHires) -> dict[str, Any]:
    """The section under the report JSON's ``new_hires`` key."""
    return {
        "journeys_started": section.journeys_started,
        "early_days": section.early_days,
        "steps_by_role": [_role_json(r) for r in section.steps],
        "cohorts": [_cohort_json(c) for c in section.cohorts],
    }


def csv_rows(section: NewHires, loc: str) -> list[tuple[str, str, str, str, object, bool]]:
    """(section, metric, group, label, value, suppressed) rows of section ``new_hires`` for the CSV form."""
    rows: list[tuple[str, str, str, str, object, bool]] = [
        ("new_hires", "journeys_started", "", i18n.t("report.s6.started_label", loc), section.journeys_started, False)
    ]
    for r in section.steps:
        text = role_label(r.role, loc)
        rows.append(("new_hires", "step_hires", r.role, text, r.hires, False))
        for metric, value in (
            ("steps_due", r.due),
            ("steps_on_time", r.on_time),
            ("steps_late", r.late),
            ("steps_open", r.open),
        ):
            rows.append(("new_hires", metric, r.role, text, value, r.suppressed))
        rows.append(("new_hires", "on_time_rate", r.role, text, _rate(r.on_time_rate), r.suppressed))
    for c in section.cohorts:
        rows.append(("new_hires", "cohort_people", c.month, c.month, c.people, False))
        figures = (
            ("probation_decided", c.probation_decided),
            ("probation_passed", c.probation_passed),
            ("probation_pass_rate", _rate(c.probation_pass_rate)),
            ("early_observed", c.early_observed),
            ("early_leavers", c.early_leavers),
            ("early_leaver_rate", _rate(c.early_leaver_rate)),
        )
        rows += [("new_hires", metric, c.month, c.month, value, c.suppressed) for metric, value in figures]
    return rows
