"""The report as Markdown: what an HR director reads (``--format md``, the default)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.core import i18n
from bot.evaluation.render import markdown as experiment_md
from bot.evaluation.render import performance_md
from bot.report import new_hires_render
from bot.report.messages import label
from bot.report.model import GroupChange, LeaverGroup, Report


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def dec(value: float | None, digits: int = 2, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1) -> list[str]:
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return [*lines, ""]


def _care(report: Report, loc: str) -> list[str]:
    care, rem, tta = report.care, report.care.reminders, report.care.time_to_act
    out = [f"## {i18n.t('report.s1', loc)}", ""]
    if care.tags:
        out += [i18n.t("report.s1.tags", loc, tags=care.tags_total, people=care.employees_tagged), ""]
        header = [
            i18n.t(k, loc) for k in ("report.s1.rule", "report.s1.severity", "report.s1.tag_count", "report.people")
        ]
        rows: list[Sequence[object]] = [
            (t.rule_name, label("report.severity", t.severity, loc), t.tags, t.employees) for t in care.tags
        ]
        out += _table(header, rows, numeric_from=2)
    else:
        out += [i18n.t("report.none", loc), ""]
    out += [f"### {i18n.t('report.s1.reminders', loc)}", ""]
    statuses = (
        *("created", "sent", "done", "dismissed", "auto_closed"),
        *("snoozed", "capped", "held_out", "expired", "still_open", "acted_on"),
    )
    counts = [(label("report.rem", s, loc), getattr(rem, s)) for s in statuses]
    out += _table([i18n.t("report.s1.status", loc), i18n.t("report.count", loc)], counts)
    if rem.acted_on_rate is None:
        out += [i18n.t("report.s1.rate_none", loc), ""]
    else:
        # 跟进率 counts only "done": a "not needed" is a decision, not a follow-up, so it is shown apart.
        out += [
            i18n.t("report.s1.rate", loc, rate=pct(rem.followed_up_rate), sent=rem.sent, acted=rem.followed_up),
            "",
            i18n.t(
                "report.s1.dismissed_rate",
                loc,
                rate=pct(rem.dismissed_rate),
                n=rem.dismissed_after_send,
                closed=pct(rem.acted_on_rate),
            ),
            "",
        ]
    if tta.reminders:
        out += [
            i18n.t(
                "report.s1.tta",
                loc,
                n=tta.reminders,
                median=dec(tta.median_working_hours, 1),
                p90=dec(tta.p90_working_hours, 1),
                median_plain=dec(tta.median_hours, 1),
                p90_plain=dec(tta.p90_hours, 1),
                start=tta.day_start.strftime("%H:%M"),
                end=tta.day_end.strftime("%H:%M"),
            ),
            "",
        ]
    else:
        out += [i18n.t("report.s1.tta_none", loc), ""]
    if care.dismiss_reasons:
        out += [f"### {i18n.t('report.s1.reasons', loc)}", ""]
        reasons = [(_reason(c.key, loc), c.count) for c in care.dismiss_reasons]
        out += _table([i18n.t("report.s1.reason", loc), i18n.t("report.count", loc)], reasons)
    out += [f"### {i18n.t('report.s1.actions', loc)}", ""]
    if care.care_actions:
        kinds = [(label("report.kind", c.key, loc), c.count) for c in care.care_actions]
        out += _table([i18n.t("report.s1.kind", loc), i18n.t("report.count", loc)], kinds)
    else:
        out += [i18n.t("report.none", loc), ""]
    return out


def _reason(key: str, loc: str) -> str:
    if key == "":
        return i18n.t("report.reason.none", loc)
    return i18n.t("report.reason.other", loc) if key == "*other*" else key


def _change_row(question: str, group: str, g: GroupChange, loc: str) -> list[object]:
    if g.suppressed:
        return [question, group, g.people, i18n.t("report.insufficient", loc), "—", "—"]
    return [question, group, g.people, dec(g.before), dec(g.after), dec(g.change, signed=True)]


def _pulse(report: Report, loc: str) -> list[str]:
    out = [f"## {i18n.t('report.s2', loc)}", "", i18n.t("report.s2.intro", loc, n=report.pulse.window_days), ""]
    keys = (
        "report.s2.question",
        "report.s2.group",
        "report.people",
        "report.s2.before",
        "report.s2.after",
        "report.s2.change",
    )
    rows: list[list[object]] = []
    notes: list[str] = []
    for q in report.pulse.questions:
        name = label("report.q", q.question, loc)
        rows.append(_change_row(name, i18n.t("report.group.cared", loc), q.cared, loc))
        rows.append(_change_row(name, i18n.t("report.group.not_acted", loc), q.not_cared, loc))
        value = dec(q.difference, signed=True) if q.difference is not None else i18n.t("report.insufficient", loc)
        notes.append(f"- {i18n.t('report.s2.did', loc, question=name, value=value)}")
    return out + _table([i18n.t(k, loc) for k in keys], rows, numeric_from=2) + notes + [""]


def _leaver_row(group: str, g: LeaverGroup, loc: str) -> list[object]:
    if g.suppressed:
        return [group, g.people, i18n.t("report.insufficient", loc), "—", "—", "—", "—"]
    return [group, g.people, g.left, g.voluntary, g.involuntary, g.other, pct(g.rate)]


def _turnover(report: Report, loc: str) -> list[str]:
    t, o = report.turnover, report.turnover.overall
    out = [f"## {i18n.t('report.s3', loc)}", "", i18n.t("report.s3.intro", loc, n=t.window_days), ""]
    keys = (
        "report.s2.group",
        "report.people",
        "report.s3.left",
        "report.s3.voluntary",
        "report.s3.involuntary",
        "report.s3.other",
        "report.s3.rate",
    )
    rows = [
        _leaver_row(i18n.t("report.group.cared", loc), t.cared, loc),
        _leaver_row(i18n.t("report.group.not_cared", loc), t.not_cared, loc),
    ]
    out += _table([i18n.t(k, loc) for k in keys], rows)
    if t.still_observed:
        out += [i18n.t("report.s3.observed", loc, n=t.still_observed, days=t.window_days), ""]
    values = {"voluntary": o.voluntary, "involuntary": o.involuntary, "other": o.other}
    out += [
        i18n.t(
            "report.s3.overall",
            loc,
            left=o.left,
            start=o.headcount_start,
            end=o.headcount_end,
            rate=pct(o.rate),
            **values,
        ),
        "",
    ]
    return out


def _minutes(minutes: int, loc: str) -> str:
    return i18n.t("report.minutes", loc, m=i18n.fmt_number(minutes), h=i18n.fmt_hours(minutes, loc))


def _hr_time(report: Report, loc: str) -> list[str]:
    hr = report.hr_time
    people = dec(hr.average_active_employees, 1).removesuffix(".0")
    rows = [
        (i18n.t("report.s4.actions", loc), hr.care_actions),
        (
            i18n.t("report.s4.care", loc, m=hr.minutes_per_care_action, n=hr.recorded_actions),
            _minutes(hr.care_minutes, loc),
        ),
        (
            i18n.t("report.s4.baseline", loc, m=hr.baseline_minutes_per_chat, people=people, days=hr.workdays),
            _minutes(hr.baseline_minutes, loc),
        ),
        (
            i18n.t("report.s4.saved", loc),
            i18n.t("report.s4.no_care", loc)
            if hr.saved_minutes is None
            else f"{_minutes(hr.saved_minutes, loc)} · {pct(hr.saved_share)}",
        ),
    ]
    header = [i18n.t("report.s4.item", loc), i18n.t("report.s4.value", loc)]
    return [f"## {i18n.t('report.s4', loc)}", "", *_table(header, rows)]


def _team(report: Report, loc: str) -> list[str]:
    tp = report.team_pulse
    out = [f"## {i18n.t('report.s5', loc)}", "", i18n.t("report.s5.intro", loc, n=tp.min_respondents), ""]
    if tp.window is not None:
        first, last = (i18n.fmt_date(d, loc, with_year=True) for d in tp.window)
        out += [i18n.t("report.s5.window", loc, start=first, end=last), ""]
    else:
        out += [i18n.t("report.s5.no_window", loc), ""]
    rows = [
        (
            r.department if r.department is not None else i18n.t("report.s5.company", loc),
            label("report.q", r.question, loc),
            r.respondents,
            i18n.t("report.insufficient", loc) if r.suppressed else dec(r.average),
        )
        for r in (*tp.company, *tp.departments)
    ]
    if not rows:
        return [*out, i18n.t("report.none", loc), "", *_felt_cared(report, loc)]
    keys = ("report.s5.scope", "report.s2.question", "report.s5.respondents", "report.s5.average")
    return out + _table([i18n.t(k, loc) for k in keys], rows, numeric_from=2) + _felt_cared(report, loc)


def _felt_cared(report: Report, loc: str) -> list[str]:
    """The seeds' measure: share of 4–5 answers to "felt cared for", period by period, and the trend."""
    fc = report.felt_cared
    out = [f"### {i18n.t('report.fc', loc)}", ""]
    rows = [
        (
            f"{i18n.fmt_date(p.start, loc)} – {i18n.fmt_date(p.end, loc)}",
            p.respondents,
            i18n.t("report.insufficient", loc) if p.suppressed else pct(p.share_high),
        )
        for p in fc.periods
    ]
    keys = ("report.fc.period", "report.s5.respondents", "report.fc.share")
    out += _table([i18n.t(k, loc) for k in keys], rows)
    trend = fc.trend
    if trend is None:
        return [*out, i18n.t("report.fc.no_trend", loc), ""]
    return [*out, i18n.t("report.fc.trend", loc, value=f"{trend * 100:+.1f}"), ""]


def _risk(report: Report, loc: str) -> list[str]:
    risk = report.risk
    if risk is None:
        return []
    from bot.risk import render as risk_render

    lines = [f"## {i18n.t('report.risk.title', loc)}", ""]
    if risk.kind == "learned":
        lines.append(i18n.t("report.risk.learned", loc, as_of=risk.as_of, days=risk.horizon_days))
        lines += ["", *risk_render.backtest_lines(risk.backtest, loc)[:1]]
    else:
        lines.append(i18n.t("report.risk.rules", loc, why=risk.message or ""))
    return [*lines, ""]


def render(report: Report, locale: str, tz: tzinfo) -> str:
    """The whole report as one Markdown document in ``locale``."""
    loc = i18n.normalise_locale(locale)
    p = report.period
    head = [
        f"# {i18n.t('report.title', loc)}",
        "",
        i18n.t(
            "report.period",
            loc,
            start=i18n.fmt_date(p.start, loc, with_year=True),
            end=i18n.fmt_date(p.end, loc, with_year=True),
            days=p.days,
            workdays=p.workdays,
        ),
        "",
        i18n.t(
            "report.generated",
            loc,
            at=i18n.fmt_datetime(report.generated_at, tz, loc),
            n=report.min_group_size,
        ),
        "",
    ]
    body = (
        _care(report, loc)
        + _pulse(report, loc)
        + _turnover(report, loc)
        + _hr_time(report, loc)
        + _team(report, loc)
        + _risk(report, loc)
        + new_hires_render.markdown(report.new_hires, report.min_group_size, loc)
        + experiment_md(report.experiment, loc)
        + performance_md(report.performance, loc)
    )
    return "\n".join(head + body).rstrip("\n") + "\n"
