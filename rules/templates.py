"""Rule texts in zh-CN and en with the evidence filled in: name, evidence line, why, actions, talking points.

Templates use ``{placeholder}`` names only (no attribute access, no format specs): ``{details}``
(the evidence in words), ``{employee}`` (the person's name) and the values the condition kind
provides (see docs/rules.md). Unknown placeholders are rejected when the rule is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules import conditions
from rules.model import Rule, Text

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
COMMON = frozenset({"details", "employee"})


def allowed_placeholders(rule: Rule) -> frozenset[str]:
    """The placeholders a rule's texts may use."""
    return COMMON | conditions.placeholder_names(rule.condition.kind)


def _texts(rule: Rule) -> list[tuple[str, Text]]:
    out = [("name", rule.name), ("why", rule.why)]
    if rule.evidence is not None:
        out.append(("evidence", rule.evidence))
    out += [(f"actions.{i}", t) for i, t in enumerate(rule.actions)]
    out += [(f"manager_actions.{i}", t) for i, t in enumerate(rule.manager_actions)]
    out += [(f"talking_points.{i}", t) for i, t in enumerate(rule.talking_points)]
    return out


def unknown_placeholders(rule: Rule) -> list[tuple[str, str]]:
    """``(field, message)`` for every placeholder a text uses that the rule cannot fill."""
    allowed = allowed_placeholders(rule)
    problems = []
    for where, text in _texts(rule):
        for lang in ("zh", "en"):
            for name in PLACEHOLDER.findall(getattr(text, lang)):
                if name not in allowed:
                    known = ", ".join("{" + n + "}" for n in sorted(allowed))
                    problems.append((f"{where}.{lang}", f"unknown placeholder {{{name}}} (known: {known})"))
    return problems


def fill(template: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` by its value; anything else is left as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True)
class RenderedTag:
    """A tag's texts in one language, ready for a reminder card."""

    name: str
    evidence: str
    why: str
    actions: list[str]
    talking_points: list[str]


def render(
    rule: Rule,
    evidence: dict[str, Any],
    locale: str | None = None,
    *,
    employee: str = "",
    audience: str = "hr",
    today: date | None = None,
) -> RenderedTag:
    """The rule's texts in ``locale`` (zh-CN by default) with this tag's evidence filled in.

    ``audience="manager"`` reads the texts as the manager's copy (``manager_actions`` when the
    rule has them); ``today`` lets relative words follow the day the text is read ("明天" on the
    day before a birthday, "今天" on the day) instead of the day the tag was raised.
    """
    if today is not None:
        evidence = {**evidence, "as_of": today.isoformat()}
    values = dict(conditions.placeholders(evidence, locale))
    values["details"] = conditions.describe(evidence, locale)
    values["employee"] = employee or ("this employee" if (locale or "").lower().startswith("en") else "该员工")

    def text(t: Text) -> str:
        return fill(t.get(locale), values)

    return RenderedTag(
        name=text(rule.name),
        evidence=text(rule.evidence) if rule.evidence is not None else values["details"],
        why=text(rule.why),
        actions=[
            text(t) for t in (rule.manager_actions if audience == "manager" and rule.manager_actions else rule.actions)
        ],
        talking_points=[text(t) for t in rule.talking_points],
    )
