"""The demo's onboarding journeys: dispatched as the scheduler would, tasks finished in chat by their assignees.

New hires start their journey when the directory learns of them (``upsert_people``); here each
task the journey sends is finished a few working hours later with ``/完成 <#> <备注>`` — mentors give
their evaluation as scores and a comment — so the oldest hires of the history complete theirs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.journeys.dispatch import dispatch
from bot.models import Employee, JourneyStep

TASK_NOTES = (
    "已完成，工位和电脑都准备好了。",
    "已沟通，新人状态不错。",
    "已安排，下周一开始跟岗。",
    "已办好，账号已开通。",
)
EVALUATION = "4 4 上手很快，客户沟通有耐心，话术还需要再练练。"


class JourneyActor:
    """Dispatches journeys at each checkpoint and schedules each sent task's completion."""

    def __init__(
        self,
        runtime: Runtime,
        seed: int,
        later: Callable[[datetime, Callable[[], None]], None],
        working_hours_later: Callable[[datetime, float], datetime],
        say: Callable[[str, str], None],
    ) -> None:
        self.runtime, self.seed = runtime, seed
        self._later, self._hours, self._say = later, working_hours_later, say
        self._seen: set[int] = set()
        self.completed = 0

    def checkpoint(self, day: date) -> None:
        """Send what is due now, then plan the answers to newly sent tasks."""
        if not self.runtime.settings.onboarding.enabled:
            return
        dispatch(self.runtime, day)
        with self.runtime.db.session() as s:
            rows = s.execute(
                select(JourneyStep.id, JourneyStep.step_key, JourneyStep.task_no, JourneyStep.sent_at, Employee.userid)
                .join(Employee, Employee.id == JourneyStep.assignee_id)
                .where(
                    JourneyStep.status == "sent",
                    JourneyStep.task_no.is_not(None),
                    JourneyStep.sent_at.is_not(None),
                    Employee.status == "active",
                )
            ).all()
        for step_id, key, task_no, sent_at, userid in rows:
            if step_id in self._seen or sent_at is None or task_no is None:
                continue
            self._seen.add(step_id)
            rnd = random.Random(f"{self.seed}:journey:{step_id}:{key}")
            if rnd.random() < 0.08:
                continue  # now and then a task is forgotten: it goes overdue and escalates
            text = EVALUATION if "evaluation" in key else rnd.choice(TASK_NOTES)
            at = self._hours(sent_at, round(rnd.uniform(0.5, 12.0), 2))
            self._later(at, partial(self._finish, userid, task_no, text))

    def _finish(self, userid: str, task_no: int, text: str) -> None:
        self._say(userid, f"/完成 {task_no} {text}")
        self.completed += 1
