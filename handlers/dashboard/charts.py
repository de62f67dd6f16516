"""The dashboard's charts, ready for a template: each a title, an SVG, a legend and a note."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from handlers.commands.evidence import rule_name
from handlers.dashboard import chart_data as data
from handlers.dashboard import svg

i18n.register(
    {
        "dash.chart.tags_over_time": {
            "zh-CN": "生效中的关怀标签（按规则，每周）",
            "en": "Active care tags by rule, weekly",
        },
        "dash.chart.heatmap": {
            "zh-CN": "近 90 天被打标签的人数：部门 × 规则",
            "en": "People tagged in the last 90 days: department × rule",
        },
        "dash.chart.heatmap_note": {
            "zh-CN": "少于 {k} 人的格子不显示人数（灰色），以免识别到个人。",
            "en": "Cells with fewer than {k} people are not shown (grey), so nobody can be singled out.",
        },
        "dash.chart.suppressed": {"zh-CN": "少于 {k} 人，不显示", "en": "fewer than {k}, not shown"},
        "dash.chart.funnel": {
            "zh-CN": "近 90 天的提醒：发送 → 处理 → 结果",
            "en": "Reminders, last 90 days: sent → acted → outcome",
        },
        "dash.chart.funnel.created": {"zh-CN": "生成", "en": "created"},
        "dash.chart.funnel.sent": {"zh-CN": "已发送", "en": "sent"},
        "dash.chart.funnel.acted": {"zh-CN": "已处理", "en": "acted on"},
        "dash.chart.funnel.done": {"zh-CN": "已跟进", "en": "done"},
        "dash.chart.funnel.dismissed": {"zh-CN": "不需要", "en": "dismissed"},
        "dash.chart.funnel.waiting": {"zh-CN": "待处理（含稍后提醒）", "en": "waiting (incl. snoozed)"},
        "dash.chart.time_to_act": {"zh-CN": "从发送到处理的时间", "en": "Time from send to action"},
        "dash.chart.time_to_act_note": {
            "zh-CN": "中位数 {median}，共 {n} 条已处理的提醒。",
            "en": "Median {median} over {n} reminders acted on.",
        },
        "dash.chart.pulse": {"zh-CN": "脉搏问卷均值（每周）", "en": "Pulse answers, weekly mean"},
        "dash.chart.pulse_note": {
            "zh-CN": "只显示至少 {k} 人作答的周；不足的周留空。",
            "en": "Only weeks with at least {k} respondents are shown; the others are gaps.",
        },
        "dash.chart.turnover": {"zh-CN": "每月离职人数", "en": "Leavers by month"},
        "dash.chart.turnover.cared": {"zh-CN": "离职前已关怀", "en": "cared for before leaving"},
        "dash.chart.turnover.not_cared": {"zh-CN": "有标签但未跟进", "en": "tagged, not cared for"},
        "dash.chart.turnover.untagged": {"zh-CN": "无标签", "en": "never tagged"},
        "dash.chart.turnover.holdout": {"zh-CN": "对照组（提醒暂缓）", "en": "holdout (reminders held back)"},
        "dash.chart.turnover_note": {
            "zh-CN": "共 {left} 人离职，年化离职率约 {rate}。“已关怀”= 离职前 {days} 天内有提醒被标记为已跟进。"
            "启用评估模式后，对照组（提醒被暂缓的人）单独显示。",
            "en": '{left} leavers, about {rate} a year. "Cared for" = a reminder about them was marked done in the '
            "{days} days before they left. With evaluation mode on, the holdout (reminders held back) shows apart.",
        },
        "dash.chart.other": {"zh-CN": "其他规则", "en": "other rules"},
        "dash.chart.empty": {"zh-CN": "暂无数据", "en": "no data yet"},
        "dash.pulse.stress": {"zh-CN": "压力（0–10）", "en": "stress (0–10)"},
        "dash.pulse.mood": {"zh-CN": "心情（1–5）", "en": "mood (1–5)"},
        "dash.pulse.enps": {"zh-CN": "推荐意愿 eNPS（0–10）", "en": "eNPS (0–10)"},
        "dash.pulse.supported": {"zh-CN": "得到支持（1–5，团队）", "en": "supported (1–5, team)"},
    }
)

PULSE_KEYS = ("stress", "enps", "mood", "supported")


@dataclass(frozen=True)
class Chart:
    """One chart as a page shows it."""

    key: str
    title: str
    svg: Markup
    legend: Markup | None = None
    note: str = ""
    empty: bool = False


def _label(day: object, loc: str) -> str:
    return i18n.fmt_date(day, loc)  # type: ignore[arg-type]


def tags_over_time(runtime: Runtime, s: Session, scope: ColumnElement[bool], loc: str, weeks: int = 26) -> Chart:
    """Active tags on each Monday of the last ``weeks`` weeks, by rule."""
    days = data.week_starts(runtime.today(), weeks)
    rules, counts = data.active_tags_by_rule(s, scope, days)
    series = [
        svg.Series(i18n.t("dash.chart.other", loc) if r == data.OTHER else rule_name(runtime, r, loc), counts[r])
        for r in rules
    ]
    title = i18n.t("dash.chart.tags_over_time", loc)
    labels = [_label(d, loc) for d in days]
    return Chart("tags_over_time", title, svg.stacked_bars(title, labels, series), svg.legend(series), empty=not rules)


def heatmap(runtime: Runtime, s: Session, scope: ColumnElement[bool], loc: str) -> Chart:
    """Department × rule, people tagged in the last 90 days, k-suppressed."""
    k = runtime.settings.report.min_group_size
    today = runtime.today()
    depts, rules, cells = data.department_by_rule(s, scope, today - timedelta(days=90), today, k)
    names = {r: rule_name(runtime, r, loc) for r in rules}
    named = {(d, names[r]): v for (d, r), v in cells.items()}
    title = i18n.t("dash.chart.heatmap", loc)
    chart = svg.heatmap(
        title, depts, [names[r] for r in rules], named, suppressed_label=i18n.t("dash.chart.suppressed", loc, k=k)
    )
    return Chart("heatmap", title, chart, note=i18n.t("dash.chart.heatmap_note", loc, k=k), empty=not depts)


def funnel(runtime: Runtime, s: Session, scope: ColumnElement[bool], loc: str) -> tuple[Chart, Chart]:
    """The reminder funnel and the time-to-act histogram of the last 90 days."""
    since = datetime.combine(runtime.today() - timedelta(days=90), time(0), runtime.tz)
    f = data.reminder_funnel(s, scope, since)
    steps = [
        ("created", f.created),
        ("sent", f.sent),
        ("acted", f.acted),
        ("done", f.done),
        ("dismissed", f.dismissed),
        ("waiting", f.snoozed_open),
    ]
    title = i18n.t("dash.chart.funnel", loc)
    items = [(i18n.t(f"dash.chart.funnel.{key}", loc), float(n)) for key, n in steps]
    funnel_chart = Chart("funnel", title, svg.hbars(title, items), empty=not f.created)
    hours = sorted(f.hours_to_act)
    median = hours[len(hours) // 2] if hours else 0.0
    median_text = i18n.t("dash.age.hours", loc, n=round(median, 1)) if hours else "—"
    t2 = i18n.t("dash.chart.time_to_act", loc)
    note = i18n.t("dash.chart.time_to_act_note", loc, median=median_text, n=len(hours))
    act_chart = Chart("time_to_act", t2, svg.hbars(t2, data.bucket_hours(hours)), note=note, empty=not hours)
    return funnel_chart, act_chart


def pulse_trend(runtime: Runtime, s: Session, scope: ColumnElement[bool], loc: str, weeks: int = 26) -> Chart:
    """Weekly means of the main pulse questions, each week shown only with ≥ k respondents."""
    k = runtime.settings.report.min_group_size
    days = data.week_starts(runtime.today(), weeks)
    means = data.pulse_weekly(s, scope, days, PULSE_KEYS, k)
    series = [svg.Series(i18n.t(f"dash.pulse.{key}", loc), means[key]) for key in PULSE_KEYS]
    title = i18n.t("dash.chart.pulse", loc)
    labels = [_label(d, loc) for d in days]
    empty = all(v is None for s_ in series for v in s_.values)
    return Chart(
        "pulse",
        title,
        svg.line_chart(title, labels, series),
        svg.legend(series),
        note=i18n.t("dash.chart.pulse_note", loc, k=k),
        empty=empty,
    )


def turnover(runtime: Runtime, s: Session, scope: ColumnElement[bool], loc: str, months: int = 6) -> Chart:
    """Leavers per month: cared for, tagged but not cared for, never tagged; annualised rate."""
    window = runtime.settings.report.turnover_window_days
    rows = data.turnover_by_month(s, scope, data.month_starts(runtime.today(), months), window)
    labels = [calendar.month_abbr[r.month.month] if loc == "en" else f"{r.month.month}月" for r in rows]
    parts = ("cared", "not_cared", "untagged", *(("holdout",) if any(r.holdout for r in rows) else ()))
    series = [svg.Series(i18n.t(f"dash.chart.turnover.{p}", loc), [float(getattr(r, p)) for r in rows]) for p in parts]
    left = sum(r.left for r in rows)
    average = sum(r.headcount for r in rows) / len(rows) if rows else 0
    rate = f"{left / average * 12 / len(rows) * 100:.0f}%" if average else "—"
    title = i18n.t("dash.chart.turnover", loc)
    note = i18n.t("dash.chart.turnover_note", loc, left=left, rate=rate, days=window)
    return Chart("turnover", title, svg.stacked_bars(title, labels, series), svg.legend(series), note, empty=not left)
