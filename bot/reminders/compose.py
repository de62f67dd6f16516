"""Composing reminders: who, what was seen, why it matters, what to do and say, and the buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.models import Employee, Reminder, Tag
from bot.pipeline.platform import Button, Card
from bot.reminders.ruleinfo import RuleText
from bot.reminders.templates import Templates

DONE, SNOOZE, DISMISS = "reminder.done", "reminder.snooze", "reminder.dismiss"
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Subject:
    """The employee a reminder is about, as shown to the recipient."""

    name: str
    department: str | None
    position: str | None
    hired_on: date | None

    @classmethod
    def of(cls, employee: Employee) -> Subject:
        dept = employee.department.name if employee.department is not None else None
        return cls(employee.name, dept, employee.position, employee.hired_on)


def tenure(tpl: Templates, locale: str, hired_on: date, today: date) -> str:
    """``3个月`` / ``1年2个月`` / ``12天`` since ``hired_on``."""
    months = (today.year - hired_on.year) * 12 + today.month - hired_on.month - (today.day < hired_on.day)
    if months < 1:
        return tpl.text(locale, "tenure_days", days=max(0, (today - hired_on).days))
    years, rest = divmod(months, 12)
    if not years:
        return tpl.text(locale, "tenure_months", months=rest)
    if not rest:
        return tpl.text(locale, "tenure_years", years=years)
    return tpl.text(locale, "tenure_years_months", years=years, months=rest)


def who_line(tpl: Templates, locale: str, subject: Subject, today: date) -> str:
    values = {
        "name": subject.name,
        "department": subject.department or tpl.text(locale, "unknown_department"),
        "position": subject.position or tpl.text(locale, "unknown_position"),
    }
    if subject.hired_on is None or subject.hired_on > today:
        return tpl.text(locale, "who_no_tenure", **values)
    return tpl.text(locale, "who", tenure=tenure(tpl, locale, subject.hired_on, today), **values)


def advice_text(tpl: Templates, locale: str, tag: Tag, rule: RuleText) -> str:
    """What to do: the rule's actions as a list, else the templates' advice for the rule."""
    if rule.actions:
        return "\n".join(f"- {a}" for a in rule.actions)
    return tpl.advice(locale, tag.rule_id)


def body(
    tpl: Templates, locale: str, reminder: Reminder, tag: Tag, subject: Subject, rule: RuleText, today: date
) -> str:
    """The markdown of a reminder: who, what was seen, why, what to do, what to say, text commands."""
    parts = [
        who_line(tpl, locale, subject, today),
        tpl.text(locale, "seen", evidence=rule.evidence),
    ]
    if rule.why:
        parts.append(tpl.text(locale, "why", why=rule.why))
    todo = advice_text(tpl, locale, tag, rule)
    if todo:
        parts.append(tpl.text(locale, "todo", todo=todo))
    if rule.talking_points:
        points = "\n".join(f"- {quote(locale, p)}" for p in rule.talking_points)
        parts.append(tpl.text(locale, "say", talking_points=points))
    parts.append(tpl.text(locale, "commands", id=reminder.id))
    return "\n\n".join(parts)


def card(
    tpl: Templates,
    locale: str,
    reminder: Reminder,
    tag: Tag,
    subject: Subject,
    rule: RuleText,
    today: date,
    *,
    card_id: str,
    note: str | None = None,
) -> Card:
    """The interactive card with 已跟进 / 稍后提醒 / 不需要 buttons; ``note`` marks a re-send."""
    title = tpl.text(
        locale, "card_title", severity_icon=severity_icon(tpl, locale, tag.severity), name=subject.name, tag=rule.name
    )
    markdown = body(tpl, locale, reminder, tag, subject, rule, today)
    if note:
        markdown = f"{note}\n\n{markdown}"
    params = {"id": str(reminder.id)}
    buttons = (
        Button(tpl.text(locale, "button_done"), DONE, params, "primary"),
        Button(tpl.text(locale, "button_snooze"), SNOOZE, params, "default"),
        Button(tpl.text(locale, "button_dismiss"), DISMISS, params, "danger"),
    )
    return Card(card_id, title, markdown, buttons)


def quote(locale: str, text: str) -> str:
    """A talking point in the quotation marks of its language."""
    if text[:1] in ("“", '"', "「", "‘"):
        return text  # the rule already quotes it
    return f'"{text}"' if locale == "en" else f"“{text}”"


def severity_icon(tpl: Templates, locale: str, severity: str) -> str:
    key = f"severity_{severity}" if severity in SEVERITY_ORDER else "severity_low"
    return tpl.text(locale, key)
