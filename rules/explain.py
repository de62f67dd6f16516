"""Explaining every rule for one person: does it hold on the day, and why (or why not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import Employee, Tag
from bot.people import audit
from rules import conditions, fmt
from rules.context import EvalContext, Matches
from rules.engine import facts_through
from rules.loader import load_rules
from rules.templates import render


@dataclass(frozen=True)
class RuleVerdict:
    """One rule for one person: whether it holds, the text explaining it, and any active tag."""

    rule_id: str
    name: str
    severity: str
    holds: bool
    detail: str
    requirement: str
    tag_id: int | None = None
    tag_since: date | None = None


@dataclass
class Explanation:
    """Every enabled rule's verdict for one person on one day."""

    userid: str
    name: str
    day: date
    facts_through: date
    in_scope: bool
    note: str = ""
    verdicts: list[RuleVerdict] = field(default_factory=list)

    def lines(self, locale: str | None = None) -> list[str]:
        """The explanation as printable lines."""
        en = fmt.is_en(locale)
        head = f"{self.name} ({self.userid}) · {self.day.isoformat()}"
        facts = f"facts through {self.facts_through}" if en else f"事实数据截至 {self.facts_through}"
        out = [f"{head} · {facts}"]
        if self.note:
            out.append(self.note)
        for v in self.verdicts:
            mark = "✓" if v.holds else "✗"
            tag = ""
            if v.tag_id is not None and v.tag_since is not None:
                since = fmt.day(v.tag_since, locale)
                tag = f" [tag #{v.tag_id} active since {since}]" if en else f" [标签 #{v.tag_id}，{since}起有效]"
            out.append(f"{mark} {v.rule_id} {v.name} ({v.severity}){tag}")
            label = ("evidence: " if v.holds else "observed: ") if en else ("依据：" if v.holds else "实际：")
            if not v.holds:
                out.append(("  needs: " if en else "  条件：") + v.requirement)
            out.append(f"  {label}{v.detail}")
        return out


def explain(
    runtime: Runtime, userid: str, day: date | None = None, *, locale: str | None = None, actor: str = "cli"
) -> Explanation:
    """Evaluate every enabled rule for ``userid`` alone and say why each holds or not.

    Raises:
        LookupError: no employee has this userid.
    """
    day = day or runtime.today()
    ruleset = load_rules(runtime.settings.rules)
    through = facts_through(runtime, day)
    with runtime.db.session() as session:
        person = session.scalar(select(Employee).where(Employee.userid == userid))
        if person is None:
            raise LookupError(f"no employee with userid {userid!r}")
        audit.record(session, actor, userid, "rules.explain", "cli", {"day": day.isoformat()}, at=runtime.clock.now())
        result = Explanation(userid, person.name, day, through, in_scope=True)
        cache: dict[str, Matches] = {}
        ctx = EvalContext(
            session,
            day,
            through,
            runtime.calendar,
            runtime.tz,
            (person.id,),
            cache,
            performance_metrics=runtime.settings.metrics.performance,
        )
        if person.id not in ctx.scope_ids():
            result.in_scope = False
            result.note = _out_of_scope_note(person, day, locale)
        tags = {
            t.rule_id: t
            for t in session.scalars(select(Tag).where(Tag.employee_id == person.id, Tag.status == "active"))
        }
        for rule in ruleset:
            matches = conditions.evaluate(rule.condition, ctx)
            evidence = matches.get(person.id)
            if evidence is not None:
                detail = render(rule, evidence, locale, employee=person.name).evidence
            else:
                detail = conditions.observe(rule.condition, ctx, person.id, locale)
            tag = tags.get(rule.id)
            result.verdicts.append(
                RuleVerdict(
                    rule.id,
                    rule.name.get(locale),
                    rule.severity,
                    evidence is not None,
                    detail,
                    conditions.requirement(rule.condition, locale),
                    tag.id if tag else None,
                    tag.raised_on if tag else None,
                )
            )
    return result


def _out_of_scope_note(person: Employee, day: date, locale: str | None) -> str:
    en = fmt.is_en(locale)
    if person.status != "active":
        left = person.left_on.isoformat() if person.left_on else "?"
        return f"not evaluated: left the company ({left})" if en else f"不参与评估：已离职（{left}）"
    hired = person.hired_on.isoformat() if person.hired_on else "?"
    return f"not evaluated: joins on {hired}" if en else f"不参与评估：{hired}才入职"
