"""Composing journey tasks: the card for the assignee, the escalation card, the new hire's message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.journey_file import StepDef
from bot.journeys import messages  # noqa: F401  (registers the texts)
from bot.journeys.evaluation import QUESTIONS, scale_keys
from bot.models import Department, Employee, JourneyStep
from bot.pipeline.platform import Button, Card

DONE, LATER, SKIP = "journey.done", "journey.later", "journey.skip"


@dataclass(frozen=True)
class People:
    """The new hire and the names a step's text may mention."""

    hire: Employee
    department: str
    manager: str
    mentor: str
    hrbp: str
    has_mentor: bool

    @classmethod
    def of(cls, session: Session, hire: Employee, locale: str) -> People:
        def name(employee_id: int | None) -> str | None:
            person = session.get(Employee, employee_id) if employee_id else None
            return person.name if person is not None and person.status == "active" else None

        dept = session.get(Department, hire.department_id) if hire.department_id else None
        nobody = i18n.t("journeys.nobody", locale)
        mentor = name(hire.mentor_id)
        return cls(
            hire=hire,
            department=dept.name if dept else i18n.t("journeys.unknown", locale),
            manager=name(hire.manager_id) or nobody,
            mentor=mentor or nobody,
            hrbp=name(hire.hrbp_id) or nobody,
            has_mentor=mentor is not None,
        )

    def values(self, locale: str, day: int) -> dict[str, object]:
        """The placeholders of a step's texts."""
        unknown = i18n.t("journeys.unknown", locale)
        hire = self.hire
        return {
            "name": hire.name,
            "department": self.department,
            "position": hire.position or unknown,
            "hired_on": i18n.fmt_date(hire.hired_on, locale) if hire.hired_on else unknown,
            "probation_ends_on": i18n.fmt_date(hire.probation_ends_on, locale) if hire.probation_ends_on else unknown,
            "manager": self.manager,
            "mentor": self.mentor,
            "hrbp": self.hrbp,
            "day": day,
        }


def title(spec: StepDef, people: People, locale: str) -> str:
    return spec.title.get(locale).format(**people.values(locale, spec.day))


def _milestone(spec: StepDef, step: JourneyStep, locale: str) -> str:
    due = i18n.fmt_date(step.due_on, locale) if step.due_on else "—"
    if spec.anchor == "probation_ends_on":
        return i18n.t("journeys.evidence_probation", locale, days=-spec.day, due=due)
    if spec.day < 0:
        return i18n.t("journeys.evidence_before", locale, days=-spec.day, due=due)
    return i18n.t("journeys.evidence", locale, day=spec.day, due=due)


def body(
    spec: StepDef, step: JourneyStep, people: People, locale: str, *, acting_role: str, deadline: date | None
) -> str:
    """The task's markdown: who, which milestone, what to do, what to say, how to close it."""
    values = people.values(locale, spec.day)
    parts = [i18n.t("journeys.who", locale, **values), _milestone(spec, step, locale)]
    if deadline is not None:
        parts.append(i18n.t("journeys.deadline", locale, day=i18n.fmt_date(deadline, locale)))
    if acting_role != spec.assignee:
        parts.append(i18n.t("journeys.fallback", locale, role=i18n.t(f"journeys.role.{spec.assignee}", locale)))
    if spec.text is not None:
        parts.append(spec.text.get(locale).format(**values))
    if spec.kind == "assign_mentor":
        key = "journeys.mentor_set" if people.has_mentor else "journeys.mentor_missing"
        parts.append(i18n.t(key, locale, mentor=people.mentor, name=people.hire.name))
    if spec.talking_points:
        quoted = [f"- “{p.get(locale)}”" if locale != "en" else f'- "{p.get(locale)}"' for p in spec.talking_points]
        parts.append(i18n.t("journeys.say", locale, points="\n".join(quoted)))
    no = step.task_no or step.id
    if spec.is_evaluation:
        order = " ".join(f"<{QUESTIONS[k].label(locale)}>" for k in scale_keys(spec.survey))
        example = f"{order} {i18n.t('journeys.evaluation_example', locale)}"
        parts.append(i18n.t("journeys.commands_evaluation", locale, no=no, example=example))
    else:
        parts.append(i18n.t("journeys.commands", locale, no=no))
    return "\n\n".join(parts)


def buttons(step: JourneyStep, locale: str, *, done_only: bool = False) -> tuple[Button, ...]:
    params = {"step": str(step.id)}
    done = Button(i18n.t("journeys.button_done", locale), DONE, params, "primary")
    if done_only:
        return (done,)
    return (
        done,
        Button(i18n.t("journeys.button_later", locale), LATER, params, "default"),
        Button(i18n.t("journeys.button_skip", locale), SKIP, params, "danger"),
    )


def task_card(
    spec: StepDef,
    step: JourneyStep,
    people: People,
    locale: str,
    *,
    card_id: str,
    acting_role: str,
    deadline: date | None,
    note: str | None = None,
    overdue: bool = False,
) -> Card:
    """The task card with 完成 / 稍后 / 不适用."""
    key = "journeys.card_title_overdue" if overdue else "journeys.card_title"
    markdown = body(spec, step, people, locale, acting_role=acting_role, deadline=deadline)
    if note:
        markdown = f"{note}\n\n{markdown}"
    return Card(card_id, i18n.t(key, locale, title=title(spec, people, locale)), markdown, buttons(step, locale))


def escalation_card(
    spec: StepDef, step: JourneyStep, people: People, assignee: Employee, locale: str, *, deadline: date
) -> Card:
    """The card to the manager (or HR) about someone else's overdue task, with 完成 to close it for them."""
    head = i18n.t(
        "journeys.escalation_body",
        locale,
        assignee=assignee.name,
        role=i18n.t(f"journeys.role.{step.assignee_role}", locale),
        deadline=i18n.fmt_date(deadline, locale),
    )
    values = people.values(locale, spec.day)
    parts = [head, f"**{title(spec, people, locale)}**", i18n.t("journeys.who", locale, **values)]
    if spec.text is not None:
        parts.append(spec.text.get(locale).format(**values))
    parts.append(i18n.t("journeys.escalation_hint", locale))
    return Card(
        f"jstep{step.id}-esc",
        i18n.t("journeys.escalation_title", locale, title=title(spec, people, locale)),
        "\n\n".join(parts),
        buttons(step, locale, done_only=True),
    )


def message(spec: StepDef, people: People, locale: str) -> tuple[str, str]:
    """A message step (e.g. the day-1 welcome): markdown title and text."""
    values = people.values(locale, spec.day)
    text = spec.text.get(locale).format(**values) if spec.text is not None else ""
    return title(spec, people, locale), text
