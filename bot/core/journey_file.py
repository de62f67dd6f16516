"""The journey file: steps relative to the hire date, for a role, with zh/en texts (validated with pydantic).

A step may repeat (``every`` workdays ``until`` a day) and is then expanded into one step per
occurrence (``pulse_1``, ``pulse_2``…). Errors name the file, the step and the field.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.errors import ConfigError
from bot.core.i18n import normalise_locale

BUNDLED = Path(__file__).resolve().parents[1] / "journeys" / "default_journey.toml"
ROLES = ("hr", "manager", "mentor", "admin", "it", "new_hire")
Role = Literal["hr", "manager", "mentor", "admin", "it", "new_hire"]
Reader = Literal["manager", "new_hire"]


def _managers() -> list[Reader]:
    return ["manager"]


# What a step's texts may mention about the new hire and the people around them.
PLACEHOLDERS = frozenset(
    {"name", "department", "position", "hired_on", "probation_ends_on", "manager", "mentor", "hrbp", "day"}
)


class Text(BaseModel):
    """A text in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    def get(self, locale: str | None) -> str:
        return self.en if normalise_locale(locale) == "en" else self.zh

    @model_validator(mode="after")
    def _known_placeholders(self) -> Text:
        for value in (self.zh, self.en):
            try:
                names = {n for _, n, _, _ in string.Formatter().parse(value) if n}
            except ValueError as exc:
                raise ValueError(f"bad placeholder in {value!r}: {exc}") from None
            unknown = names - PLACEHOLDERS
            if unknown:
                raise ValueError(
                    f"unknown placeholder {{{sorted(unknown)[0]}}} (use {', '.join(sorted(PLACEHOLDERS))})"
                )
        return self


class StepDef(BaseModel):
    """One step as written in the journey file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")
    day: int = Field(ge=-60, le=400)
    # Days count workdays on the Chinese calendar unless ``unit = "days"`` (then moved to the next workday).
    unit: Literal["workdays", "days"] = "workdays"
    # ``probation_ends_on`` steps count back from the end of probation instead of from the hire date.
    anchor: Literal["hired_on", "probation_ends_on"] = "hired_on"
    assignee: Role
    kind: Literal["task", "message", "assign_mentor"] = "task"
    title: Text
    text: Text | None = None
    talking_points: list[Text] = Field(default_factory=list, max_length=10)
    due_workdays: int | None = Field(default=None, ge=1, le=60)
    survey: list[str] = Field(default_factory=list, max_length=5)
    # Who besides HR may read the note and result (the new hire only if listed).
    visible_to: list[Reader] = Field(default_factory=_managers)
    every: int | None = Field(default=None, ge=1, le=120)
    until: int | None = Field(default=None, ge=-60, le=400)

    @model_validator(mode="after")
    def _consistent(self) -> StepDef:
        if (self.every is None) != (self.until is None):
            raise ValueError("every and until go together")
        if self.until is not None and self.until < self.day:
            raise ValueError("until must not be before day")
        if self.survey and self.assignee not in ("new_hire", "mentor"):
            raise ValueError("survey questions go to the new hire (pulse) or the mentor (evaluation)")
        if self.kind == "message" and self.survey:
            raise ValueError("a message step cannot carry a survey")
        return self

    @field_validator("survey")
    @classmethod
    def _known_keys(cls, keys: list[str]) -> list[str]:
        from bot.journeys.evaluation import QUESTIONS
        from bot.surveys.bank import BANK

        known = {q.key for q in BANK} | set(QUESTIONS)
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise ValueError(f"unknown question {unknown[0]!r} (use {', '.join(sorted(known))})")
        return keys

    @property
    def is_pulse(self) -> bool:
        return bool(self.survey) and self.assignee == "new_hire"

    @property
    def is_evaluation(self) -> bool:
        return bool(self.survey) and self.assignee == "mentor"

    def occurrences(self) -> list[StepDef]:
        """The step itself, or one copy per repetition (``id_1``, ``id_2``…)."""
        if self.every is None or self.until is None:
            return [self]
        days = range(self.day, self.until + 1, self.every)
        return [
            self.model_copy(update={"id": f"{self.id}_{n}", "day": d, "every": None, "until": None})
            for n, d in enumerate(days, start=1)
        ]


class JourneyDef(BaseModel):
    """A whole journey file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")
    title: Text
    steps: list[StepDef] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_ids(self) -> JourneyDef:
        seen: set[str] = set()
        for step in self.expanded():
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} appears twice")
            seen.add(step.id)
        return self

    def expanded(self) -> list[StepDef]:
        """Every concrete step (repetitions expanded), by day."""
        out = [occ for step in self.steps for occ in step.occurrences()]
        return sorted(out, key=lambda s: (s.anchor != "hired_on", s.day))

    def step(self, step_id: str) -> StepDef | None:
        return next((s for s in self.expanded() if s.id == step_id), None)

    @property
    def first_day(self) -> int:
        """The earliest hire-relative day (e.g. -2: two workdays before day one)."""
        return min((s.day for s in self.expanded() if s.anchor == "hired_on"), default=0)


def _where(path: Path, raw: dict[str, Any], exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = ".".join(str(p) for p in loc)
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = raw.get("steps") or []
        step_id = steps[loc[1]].get("id") if loc[1] < len(steps) and isinstance(steps[loc[1]], dict) else None
        rest = ".".join(str(p) for p in loc[2:])
        where = f"step {step_id or loc[1]!r}" + (f".{rest}" if rest else "")
    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    return f"journey file {path}: {where}: {msg}"


def load(path: str | Path | None = None) -> JourneyDef:
    """The journey in ``path`` (the built-in default when empty).

    Raises:
        ConfigError: the file cannot be read or a step is invalid (naming file, step and field).
    """
    p = Path(path) if path else BUNDLED
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read journey file {p}: {exc}") from exc
    try:
        return JourneyDef.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_where(p, raw, exc)) from None


_cache: dict[str, JourneyDef] = {}


def get(path: str) -> JourneyDef:
    """The journey for a configured path (loaded once per process and path)."""
    if path not in _cache:
        _cache[path] = load(path or None)
    return _cache[path]
