"""A hire through each entry path walks the whole default journey, day by day, on the Chinese calendar.

The hire starts on Wednesday 2026-02-11, just before the Spring Festival (2-15..2-23 off, Saturdays
2-14 and 2-28 worked); probation ends 2026-05-11, after Labor Day (5-1..5-5 off, Saturday 5-9 worked).
Tasks are closed the way people would: card buttons, ``/完成``, ``/导师``, pulse answers in chat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from sqlalchemy import select

from bot.models import Employee, Journey, JourneyStep
from bot.pipeline import outbox
from tests.commands_org import say
from tests.journeys_support import (
    ENTRY_PATHS,
    HIRED_ON,
    PROBATION_ENDS,
    SETTINGS,
    Delivery,
    at,
    make_staff,
    run_day,
    workday_shift,
)

# Hand-checked against the 2026 calendar: the dates that cross the holiday and the 调休 Saturdays.
EXPECTED_FIRST = {
    ("admin1", "admin_prepare"): date(2026, 2, 9),
    ("it1", "it_accounts"): date(2026, 2, 9),
    ("mgr", "manager_welcome"): date(2026, 2, 11),
    ("mentor1", "mentor_checkin"): date(2026, 2, 14),  # day 3 is the 调休 Saturday
    ("hr1", "hr_checkin_7"): date(2026, 2, 27),  # the holiday week does not count
    ("mentor1", "mentor_evaluation"): date(2026, 3, 31),
    ("hr1", "hr_checkin_30"): date(2026, 3, 31),
    ("mgr", "probation_review"): date(2026, 4, 23),  # 10 workdays before 5-11 across Labor Day
    ("hr1", "hr_checkin_60"): date(2026, 5, 15),
    ("hr1", "hr_checkin_90"): date(2026, 6, 29),
}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return SETTINGS


def _click(client: Any, user: str, card_id: str, step_id: str, action: str = "journey.done") -> str:
    resp = client.post(
        "/simulator/api/cards", json={"user": user, "card_id": card_id, "action": action, "params": {"step": step_id}}
    )
    assert resp.status_code == 200, resp.get_json()
    return str(resp.get_json()["replies"][0]["text"])


def _task_no(runtime: Any, step_key: str) -> int:
    with runtime.db.session() as s:
        no = s.scalar(select(JourneyStep.task_no).where(JourneyStep.step_key == step_key))
    assert no is not None
    return int(no)


def _act(client: Any, runtime: Any, d: Delivery, replies: list[str]) -> None:
    """Close each task the way its owner would."""
    key = d.step_key
    if key is None:
        return
    step_id = d.card_id[5:].split("-")[0] if d.card_id else ""
    if key == "admin_prepare" or key.startswith("hr_checkin"):
        replies.append(_click(client, d.userid, d.card_id or "", step_id))
    elif key == "it_accounts":
        replies.append(say(client, "it1", f"/完成 {_task_no(runtime, key)} 账号已开通")[0]["text"])
    elif key == "manager_welcome":
        replies.append(say(client, "mgr", "/导师 newbie mentor1")[0]["text"])
        replies.append(_click(client, "mgr", d.card_id or "", step_id))
    elif key == "mentor_checkin":
        replies.append(say(client, "mentor1", f"/完成 {_task_no(runtime, key)} 定了第一个月的学习计划")[0]["text"])
    elif key == "mentor_evaluation":
        replies.append(say(client, "mentor1", f"/完成 {_task_no(runtime, key)} 4 5 上手很快")[0]["text"])
    elif key == "probation_review":
        replies.append(say(client, "mgr", f"/complete {_task_no(runtime, key)} 通过转正")[0]["text"])


@pytest.mark.parametrize("path", sorted(ENTRY_PATHS))
def test_hire_walks_the_whole_default_journey(
    path: str, client: Any, runtime: Any, clock: Any, fake_platform: Any, tmp_path: Path
) -> None:
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5), 9, 0))  # Thursday, four workdays before day one
    hire: Callable[..., None] = ENTRY_PATHS[path]
    hire(runtime, client, tmp_path)
    with runtime.db.session() as s:
        journey = s.scalar(select(Journey))
        assert journey is not None and journey.status == "active" and journey.source in ("import", "api", "dingtalk")

    deliveries: list[Delivery] = []
    replies: list[str] = []
    day = date(2026, 2, 5)
    while day <= date(2026, 7, 10):
        today = run_day(runtime, clock, fake_platform, day)
        if not chinese_calendar.is_workday(day):
            assert today == [], f"sent on a day off {day}: {today}"
        deliveries += today
        for d in today:
            _act(client, runtime, d, replies)
        # The new hire answers each pulse in chat: a stress score, then what support they need.
        if any(d.userid == "newbie" and "压力" in d.text for d in today):
            say(client, "newbie", "3")
            say(client, "newbie", "需要更多产品培训")
        outbox.drain(runtime)  # the card updates of today's actions go out today
        day += timedelta(days=1)

    tasks = {(d.userid, d.step_key): d.day for d in deliveries if d.step_key and "-" not in (d.card_id or "-")}
    for (userid, key), when in EXPECTED_FIRST.items():
        assert tasks.get((userid, key)) == when, (userid, key, tasks.get((userid, key)))
    welcome = [d for d in deliveries if d.userid == "newbie" and d.kind == "markdown" and "欢迎加入" in d.text]
    assert [d.day for d in welcome] == [date(2026, 2, 12)]
    assert "李强" in welcome[0].text and "周杰" in welcome[0].text and "王芳" in welcome[0].text
    pulse_days = sorted({d.day for d in deliveries if d.userid == "newbie" and "压力" in d.text})
    assert pulse_days == [workday_shift(HIRED_ON, n) for n in range(5, 91, 5)]
    assert pulse_days[0] == date(2026, 2, 25)
    # Nothing overdue: everyone acted on the day, so nothing was re-sent or escalated.
    assert not [d for d in deliveries if d.card_id and ("-r" in d.card_id or "-esc" in d.card_id)]
    assert any("已完成" in r for r in replies) and any("上手很快" in r for r in replies)

    with runtime.db.session() as s:
        steps = s.scalars(select(JourneyStep)).all()
        assert {st.status for st in steps} == {"done"}, [
            (st.step_key, st.status) for st in steps if st.status != "done"
        ]
        journey = s.scalar(select(Journey))
        assert journey is not None and journey.status == "completed"
        newbie = s.scalar(select(Employee).where(Employee.userid == "newbie"))
        mentor = s.scalar(select(Employee).where(Employee.userid == "mentor1"))
        assert newbie is not None and mentor is not None and newbie.mentor_id == mentor.id
        evaluation = s.scalar(select(JourneyStep).where(JourneyStep.step_key == "mentor_evaluation"))
        assert evaluation is not None
        assert evaluation.result == {"scores": {"product_knowledge": 4, "customer_handling": 5}, "comment": "上手很快"}
    # The evaluation went to HR and the manager, and to nobody else.
    notices = [m.userid for m in fake_platform.sent if m.kind == "markdown" and "导师评价" in m.body["title"]]
    assert sorted(notices) == ["hr1", "mgr"]
    assert date(2026, 4, 23) < PROBATION_ENDS
