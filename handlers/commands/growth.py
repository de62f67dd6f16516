"""``/成长`` (``/growth``): the caller's own growth — weekly performance against their target or the
team median, journey progress, feedback they may read, milestones — and a signed link to the chart.

Only the caller's own figures appear; the team median is an aggregate of at least five people.
"""

from __future__ import annotations

import logging

from bot.core import i18n
from bot.growth import link
from bot.growth import messages as _messages  # noqa: F401  (registers the texts)
from bot.growth.progress import Milestone, Progress, milestones, progress
from bot.growth.trend import TEAM_MIN, WEEKS, Trend, trends
from bot.models import Employee
from bot.pipeline.dispatch import Reply
from bot.platforms.limits import MARKDOWN_LINKS
from handlers.commands.context import CommandContext
from handlers.commands.registry import command
from handlers.commands.text import Section, limit_for, plain, render

log = logging.getLogger(__name__)

# Platforms whose chat markdown opens links; the chart needs [app].public_url as well.
LINK_PLATFORMS = MARKDOWN_LINKS


def figure(trend: Trend, value: float | None, locale: str) -> str:
    """A week's figure: a percentage for ratios, a whole number otherwise, "—" when unknown."""
    if value is None:
        return "—"
    if trend.metric.unit == "ratio":
        return f"{value * 100:.0f}%"
    return i18n.fmt_number(value, locale)


def metric_label(trend: Trend, locale: str) -> str:
    return trend.metric.label_en if locale == "en" else trend.metric.label_zh


def _series(values: list[str]) -> str:
    return " → ".join(values)


def _trend_lines(ctx: CommandContext, found: list[Trend]) -> list[str]:
    lines = [ctx.t("growth.trend_head", weeks=WEEKS)]
    shown = [t for t in found if t.has_data]
    if not shown:
        return [*lines, ctx.t("growth.no_metrics")]
    for trend in shown:
        own = [figure(trend, w.value, ctx.locale) for w in trend.weeks]
        lines.append(ctx.t("growth.metric", label=plain(metric_label(trend, ctx.locale), 32), series=_series(own)))
        refs = [figure(trend, w.reference, ctx.locale) for w in trend.weeks]
        if trend.reference == "target":
            lines.append(ctx.t("growth.target", series=_series(refs)))
            rates = [
                f"{w.value / w.reference * 100:.0f}%" if w.value is not None and w.reference else "—"
                for w in trend.weeks
            ]
            lines.append(ctx.t("growth.completion", series=_series(rates)))
        elif trend.reference == "team_median" and any(w.reference is not None for w in trend.weeks):
            lines.append(ctx.t("growth.median", series=_series(refs)))
        else:
            lines.append(ctx.t("growth.no_reference", n=TEAM_MIN))
    return lines


def _journey(ctx: CommandContext, prog: Progress | None) -> list[Section]:
    lines = [ctx.t("growth.journey_head")]
    if prog is None:
        return [Section(lines=[*lines, ctx.t("growth.no_journey")])]
    lines.append(ctx.t("growth.journey", done=prog.done, total=prog.total))
    if prog.next_title:
        name = plain(prog.next_title, 60)
        if prog.next_due is not None:
            lines.append(ctx.t("growth.next", title=name, day=i18n.fmt_date(prog.next_due, ctx.locale)))
        else:
            lines.append(ctx.t("growth.next_undated", title=name))
    sections = [Section(lines=lines)]
    if prog.feedback:
        items = [
            ctx.t(
                "growth.feedback",
                title=plain(f.step_title, 40),
                day=i18n.fmt_date(f.done_on, ctx.locale) if f.done_on else "—",
                note=plain(f.note, 200),
            )
            for f in reversed(prog.feedback)  # newest first: the most relevant survive a cut
        ]
        sections.append(Section(lines=[ctx.t("growth.feedback_head", n=len(items))], items=items))
    return sections


def _milestones(ctx: CommandContext, reached: list[Milestone]) -> Section:
    items = [
        ctx.t("growth.milestone", label=ctx.t(f"growth.milestone.{m.key}"), day=i18n.fmt_date(m.on, ctx.locale))
        for m in reached
    ]
    lines = [ctx.t("growth.milestones_head")] + ([] if items else [ctx.t("growth.no_milestones")])
    return Section(lines=lines, items=items)


def _link(ctx: CommandContext, me: Employee) -> str | None:
    app = ctx.runtime.settings.app
    if ctx.channel not in LINK_PLATFORMS or not app.public_url or not app.secret_key:
        return None
    token = link.make_token(app.secret_key, me.id, ctx.runtime.clock.now())
    return ctx.t("growth.link", url=link.url(app.public_url, token), days=link.VALID_DAYS)


@command(
    "growth",
    aliases=("成长",),
    roles=("employee",),
    summary_key="growth.summary",
    example="/成长",
    example_en="/growth",
    order=64,
)
def growth(ctx: CommandContext) -> Reply:
    """Show the caller their own growth (never anyone else's figures)."""
    me = ctx.caller
    assert me is not None
    today = ctx.runtime.today()
    found = trends(ctx.session, ctx.runtime.settings.metrics, me, today)
    prog = progress(ctx.runtime, ctx.session, me, ctx.locale)
    sections = [
        Section(lines=[ctx.t("growth.head", name=plain(me.name, 32))]),
        Section(lines=_trend_lines(ctx, found)),
        *_journey(ctx, prog),
        _milestones(ctx, milestones(ctx.runtime, me, today)),
    ]
    chart = _link(ctx, me)
    if chart:
        sections.append(Section(lines=[chart]))
    ctx.audit(me.userid, "view.growth", {"link": bool(chart)})
    return Reply(text=render(sections, ctx.locale, limit_for(ctx.channel)), markdown_title=ctx.t("growth.title"))
