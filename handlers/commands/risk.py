"""``/risk [n]`` ``/风险``: the highest attrition-risk people in scope, with their top reasons."""

from __future__ import annotations

from sqlalchemy import and_, select

from bot.core import i18n
from bot.models import Employee, Tag
from bot.people.access import scope_clause
from bot.pipeline.dispatch import Reply
from bot.privacy import Level
from bot.risk import scores
from handlers.commands import registry
from handlers.commands.context import CommandContext
from handlers.commands.evidence import risk_reasons, risk_rule_ids, shown_tag
from handlers.commands.people import department_names, dept_of
from handlers.commands.text import Section, layout, limit_for, plain

DEFAULT_N = 5
MAX_N = 20

i18n.register(
    {
        "commands.risk.summary": {
            "zh-CN": "离职风险最高的员工及主要原因",
            "en": "the people with the highest attrition risk and why",
        },
        "commands.risk.usage": {
            "zh-CN": "用法：/risk [人数]，人数为 1–{max}，例如 /risk 5",
            "en": "Usage: /risk [count], count 1–{max}, e.g. /risk 5",
        },
        "commands.risk.title": {"zh-CN": "离职风险", "en": "Attrition risk"},
        "commands.risk.head": {
            "zh-CN": "**离职风险最高的 {n} 人**（共 {total} 人有风险标签）",
            "en": "**Top {n} attrition risks** ({total} people flagged)",
        },
        "commands.risk.capped": {"zh-CN": "（最多显示 {max} 人）", "en": " (at most {max} shown)"},
        "commands.risk.item": {
            "zh-CN": "{i}. {name} · {dept} · 风险分 {score}：{reasons}",
            "en": "{i}. {name} · {dept} · score {score}: {reasons}",
        },
        "commands.risk.learned": {
            "zh-CN": "（学习模型：{days} 天内离职概率，回测 AUC {auc}）",
            "en": " (learned model: probability of leaving within {days} days, back-test AUC {auc})",
        },
        "commands.risk.rules": {"zh-CN": "（规则评分：{why}）", "en": " (rule score: {why})"},
        "commands.risk.item_summary": {
            "zh-CN": "- {name} · {dept}：{summary}",
            "en": "- {name} · {dept}: {summary}",
        },
        "commands.risk.head_summary": {
            "zh-CN": "**需要多关心的同事（{n}人）**：HR 会跟进；分数和原因仅 HR 可见，名单按姓名排列",
            "en": "**Colleagues who may need extra care ({n})**: HR will follow up; scores and reasons are "
            "for HR only, the list is in name order",
        },
        "commands.risk.none": {
            "zh-CN": "你可查看的人中目前没有离职风险标签。",
            "en": "Nobody you can see has an attrition-risk tag right now.",
        },
    }
)


def _model_note(ctx: CommandContext) -> str:
    """Which scores these are: the learned model with its back-test AUC, or the rules and why."""
    view = scores.model_summary(ctx.session, ctx.runtime, ctx.runtime.today(), ctx.locale)
    if view.kind == "learned":
        auc = (view.backtest or {}).get("auc")
        return ctx.t("commands.risk.learned", days=view.horizon_days, auc=f"{auc:.2f}" if auc is not None else "—")
    return ctx.t("commands.risk.rules", why=view.message or "")


def _parse_n(args: str) -> int | None:
    if not args:
        return DEFAULT_N
    token = args.split()[0].translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(token) if token.isdecimal() and len(token) <= 4 and int(token) >= 1 else None


@registry.command(
    "risk",
    aliases=("风险",),
    roles=("hr", "manager"),
    summary_key="commands.risk.summary",
    order=40,
    example="/risk 5",
)
def risk(ctx: CommandContext) -> Reply:
    """List the top-n attrition-risk people the caller may see, strongest reasons first."""
    n = _parse_n(ctx.args)
    if n is None:
        return Reply(text=ctx.t("commands.risk.usage", max=MAX_N))
    capped = n > MAX_N
    n = min(n, MAX_N)
    assert ctx.caller is not None
    members = and_(scope_clause(ctx.caller, ctx.roles, ctx.runtime.settings), Employee.id != ctx.caller.id)
    rows = ctx.session.execute(
        select(Tag, Employee)
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Tag.status == "active", Tag.rule_id.in_(risk_rule_ids(ctx.runtime)), members)
        .order_by(Tag.score.desc().nulls_last(), Tag.raised_on.desc(), Tag.id.desc())
    ).all()
    best: dict[int, tuple[Tag, Employee]] = {}
    for tag, emp in rows:
        best.setdefault(emp.id, (tag, emp))  # one line per person: their highest-scoring risk tag
    full: list[tuple[Tag, Employee]] = []
    summary: list[tuple[Tag, Employee, str]] = []
    for tag, emp in best.values():
        seen = shown_tag(ctx.runtime, ctx.policy, ctx.row_viewer(emp), tag, ctx.locale)
        if seen is None:
            continue
        if seen.level is Level.FULL:
            full.append((tag, emp))
        else:
            summary.append((tag, emp, seen.evidence))
    if not full and not summary:
        return Reply(text=ctx.t("commands.risk.none"))
    top = full[:n]
    # Summarised rows are in name order: a ranking would be a score in disguise.
    summary.sort(key=lambda r: (r[1].name, r[1].userid))
    rest = summary[: max(0, n - len(top))]
    names = department_names(ctx, [emp for _, emp in top] + [emp for _, emp, _ in rest])
    sections = []
    if top:
        items = [
            ctx.t(
                "commands.risk.item",
                i=i,
                name=plain(emp.name, 32),
                dept=dept_of(ctx, emp, names),
                score=f"{tag.score:g}" if tag.score is not None else "—",
                reasons=i18n.list_join(risk_reasons(ctx.runtime, tag, ctx.locale), ctx.locale),
            )
            for i, (tag, emp) in enumerate(top, start=1)
        ]
        head = ctx.t("commands.risk.head", n=len(top), total=len(full)) + _model_note(ctx)
        if capped:
            head += ctx.t("commands.risk.capped", max=MAX_N)
        sections.append(Section(lines=[head], items=items))
    if rest:
        items = [
            ctx.t("commands.risk.item_summary", name=plain(emp.name, 32), dept=dept_of(ctx, emp, names), summary=text)
            for _, emp, text in rest
        ]
        sections.append(Section(lines=[ctx.t("commands.risk.head_summary", n=len(rest))], items=items))
    text, shown = layout(sections, ctx.locale, limit_for(ctx.channel))
    audited = [(tag, emp, True) for tag, emp in top[: shown[0]]]
    if rest:
        audited += [(tag, emp, False) for tag, emp, _ in rest[: shown[-1]]]
    for tag, emp, with_score in audited:
        ctx.audit(emp.userid, "view.risk", {"tag_id": tag.id, "score": tag.score if with_score else None})
    return Reply(text=text, markdown_title=ctx.t("commands.risk.title"))
