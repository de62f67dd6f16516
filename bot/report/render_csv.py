"""The report as CSV for spreadsheets and BI: one figure per row, ``section,metric,group,label,value,note``.

``metric`` and ``group`` are the JSON form's stable keys; ``label`` is the human text in the
report's language; a suppressed figure has an empty ``value`` and ``note`` = ``suppressed``.
"""

from __future__ import annotations

import csv
import io
from datetime import tzinfo

from bot.core import i18n
from bot.evaluation.render import csv_rows as experiment_rows
from bot.evaluation.render import performance_rows
from bot.report import new_hires_render
from bot.report.messages import label
from bot.report.model import GroupChange, LeaverGroup, Report
from bot.report.render_json import num, rate

HEADER = ("section", "metric", "group", "label", "value", "note")
Row = tuple[str, str, str, str, object, str]


def _row(section: str, metric: str, group: str, text: str, value: object, *, suppressed: bool = False) -> Row:
    return (section, metric, group, text, "" if value is None else value, "suppressed" if suppressed else "")


def _care(report: Report, loc: str) -> list[Row]:
    care, rem, tta = report.care, report.care.reminders, report.care.time_to_act
    rows = [
        _row("care", "tags_total", "", i18n.t("report.s1.tag_count", loc), care.tags_total),
        _row("care", "employees_tagged", "", i18n.t("report.people", loc), care.employees_tagged),
    ]
    for t in care.tags:
        group = f"{t.rule_id}/{t.severity}"
        text = f"{t.rule_name} · {label('report.severity', t.severity, loc)}"
        rows += [_row("care", "tags", group, text, t.tags), _row("care", "tagged_employees", group, text, t.employees)]
    for status in (
        "created",
        "sent",
        "done",
        "dismissed",
        "auto_closed",
        "snoozed",
        "capped",
        "held_out",
        "expired",
        "still_open",
        "acted_on",
    ):
        rows.append(_row("care", f"reminders_{status}", "", label("report.rem", status, loc), getattr(rem, status)))
    rows.append(_row("care", "acted_on_rate", "", label("report.csv", "acted_on_rate", loc), rate(rem.acted_on_rate)))
    for key, value in (
        ("followed_up", rem.followed_up),
        ("followed_up_rate", rate(rem.followed_up_rate)),
        ("dismissed_after_send", rem.dismissed_after_send),
        ("dismissed_rate", rate(rem.dismissed_rate)),
    ):
        rows.append(_row("care", key, "", label("report.csv", key, loc), value))
    for c in care.dismiss_reasons:
        text = i18n.t("report.reason.none", loc) if c.key == "" else c.key
        rows.append(_row("care", "dismiss_reason", c.key, text, c.count))
    rows += [
        _row("care", "time_to_act_reminders", "", label("report.csv", "time_to_act_reminders", loc), tta.reminders),
        _row("care", "time_to_act_start", "working_hours", "", tta.day_start.strftime("%H:%M")),
        _row("care", "time_to_act_end", "working_hours", "", tta.day_end.strftime("%H:%M")),
    ]
    figures = (
        ("working_hours", "median", tta.median_working_hours),
        ("working_hours", "p90", tta.p90_working_hours),
        ("hours", "median", tta.median_hours),
        ("hours", "p90", tta.p90_hours),
    )
    for unit, stat, value in figures:
        rows.append(_row("care", f"time_to_act_{stat}", unit, label("report.csv", f"{unit}_{stat}", loc), num(value)))
    rows += [_row("care", "care_actions", c.key, label("report.kind", c.key, loc), c.count) for c in care.care_actions]
    return rows


def _change(question: str, group: str, g: GroupChange, loc: str) -> list[Row]:
    name = i18n.t("report.group.cared" if group == "cared" else "report.group.not_acted", loc)
    text = f"{label('report.q', question, loc)} · {name}"
    key = f"{question}/{group}"
    rows = [_row("pulse", "people", key, text, g.people)]
    for metric, value in (("before", g.before), ("after", g.after), ("change", g.change)):
        rows.append(_row("pulse", metric, key, text, num(value), suppressed=g.suppressed))
    return rows


def _leavers(group: str, g: LeaverGroup, loc: str) -> list[Row]:
    text = i18n.t(f"report.group.{group}", loc)
    rows = [_row("turnover", "people", group, text, g.people)]
    figures = (("left", g.left), ("voluntary", g.voluntary), ("involuntary", g.involuntary), ("other", g.other))
    rows += [_row("turnover", metric, group, text, value, suppressed=g.suppressed) for metric, value in figures]
    return [*rows, _row("turnover", "rate", group, text, rate(g.rate), suppressed=g.suppressed)]


def _rest(report: Report, loc: str) -> list[Row]:
    rows: list[Row] = []
    for q in report.pulse.questions:
        rows += _change(q.question, "cared", q.cared, loc) + _change(q.question, "not_cared", q.not_cared, loc)
        suppressed = q.cared.suppressed or q.not_cared.suppressed
        rows.append(
            _row(
                "pulse",
                "difference",
                q.question,
                label("report.q", q.question, loc),
                num(q.difference),
                suppressed=suppressed,
            )
        )
    t, o, hr = report.turnover, report.turnover.overall, report.hr_time
    rows += _leavers("cared", t.cared, loc) + _leavers("not_cared", t.not_cared, loc)
    rows.append(_row("turnover", "still_observed", "", label("report.csv", "still_observed", loc), t.still_observed))
    company = i18n.t("report.s5.company", loc)
    for metric in ("headcount_start", "headcount_end"):
        rows.append(_row("turnover", metric, "company", label("report.csv", metric, loc), getattr(o, metric)))
    for metric in ("left", "voluntary", "involuntary", "other"):
        rows.append(_row("turnover", metric, "company", label("report.s3", metric, loc), getattr(o, metric)))
    rows.append(_row("turnover", "rate", "company", i18n.t("report.s3.rate", loc), rate(o.rate)))
    hr_figures = (
        ("care_actions", hr.care_actions),
        ("minutes_per_care_action", hr.minutes_per_care_action),
        ("recorded_actions", hr.recorded_actions),
        ("recorded_minutes", hr.recorded_minutes),
        ("care_minutes", hr.care_minutes),
        ("workdays", hr.workdays),
        ("employee_workdays", hr.employee_workdays),
        ("average_active_employees", num(hr.average_active_employees)),
        ("baseline_minutes_per_chat", hr.baseline_minutes_per_chat),
        ("baseline_minutes", hr.baseline_minutes),
        ("saved_minutes", hr.saved_minutes),
        ("saved_share", rate(hr.saved_share)),
    )
    rows += [_row("hr_time", metric, "", label("report.csv", metric, loc), value) for metric, value in hr_figures]
    for r in (*report.team_pulse.company, *report.team_pulse.departments):
        group = f"{r.department or 'company'}/{r.question}"
        text = f"{r.department or company} · {label('report.q', r.question, loc)}"
        rows.append(_row("team_pulse", "respondents", group, text, r.respondents))
        rows.append(_row("team_pulse", "average", group, text, num(r.average), suppressed=r.suppressed))
    fc = report.felt_cared
    name = label("report.q", fc.question, loc)
    for p in fc.periods:
        group = f"{p.start.isoformat()}/{p.end.isoformat()}"
        rows.append(_row("felt_cared", "respondents", group, name, p.respondents))
        rows.append(_row("felt_cared", "share_4_5", group, name, rate(p.share_high), suppressed=p.suppressed))
    rows.append(_row("felt_cared", "trend", "", name, rate(fc.trend)))
    return rows


def render(report: Report, locale: str, tz: tzinfo) -> str:
    """CSV text (``\\r\\n`` line ends, as spreadsheets expect); the period comes first."""
    loc = i18n.normalise_locale(locale)
    p = report.period
    head: list[tuple[str, object]] = [
        ("from", p.start.isoformat()),
        ("to", p.end.isoformat()),
        ("days", p.days),
        ("workdays", p.workdays),
        ("generated_at", report.generated_at.astimezone(tz).isoformat(timespec="seconds")),
        ("min_group_size", report.min_group_size),
    ]
    rows = [_row("period", metric, "", label("report.csv", metric, loc), value) for metric, value in head]
    rows += _care(report, loc) + _rest(report, loc) + performance_rows(report.performance, loc)
    rows += [_row(*r[:5], suppressed=bool(r[5])) for r in new_hires_render.csv_rows(report.new_hires, loc)]
    rows += experiment_rows(report.experiment, loc)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()
