"""What the demo's people do in chat: how employees answer pulses and how HR answers reminders.

Pure, deterministic decisions (every random draw is keyed by the seed and what it is about), so the
replay in :mod:`bot.ops.demo.replay` gives the same history for the same seed on both databases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from bot.ops.demo.company import DemoPerson

# Notes the demo HR business partners write when they mark a reminder done (by rule category).
DONE_NOTES: dict[str, tuple[str, ...]] = {
    "attendance": (
        "电话聊了十分钟：最近在冲季度目标，已和主管商量下周减少晚班。",
        "当面沟通过，家里装修所以常加班，已提醒注意休息，下周再看。",
        "约了下午茶，主要是新系统上手慢，安排了一次培训。",
    ),
    "performance": (
        "和主管一起复盘了客户名单，发现线索质量下降，已申请新线索。",
        "一对一沟通：最近拒绝率高影响心态，安排师傅带两天。",
        "聊过了，身体不太舒服，建议先休两天年假。",
    ),
    "pulse": (
        "聊过了，压力主要来自业绩排名，已和主管沟通调整晨会方式。",
        "电话关心了一下，情绪还好，约了两周后再聊。",
        "当面谈了半小时，家里老人住院，已告知可申请弹性工作。",
    ),
    "risk": (
        "做了留任面谈：关心发展空间，已和主管讨论晋升组长的路径。",
        "沟通过，对薪资结构有疑问，已解释提成规则并约定下月复盘。",
        "聊了很久，想换岗位到客服部，已帮忙对接内部转岗。",
    ),
    "other": (
        "已发祝福，准备了小蛋糕。",
        "已沟通，一切正常。",
        "已在周会上当面祝贺。",
    ),
}
DISMISS_REASONS = (
    "上周刚聊过，暂不需要再次打扰。",
    "本人在休假，回来后由主管跟进。",
    "数据异常：打卡机故障导致的记录。",
    "已离职交接中。",
)
CATEGORY_OF_RULE = {
    "high_pressure": "attendance",
    "long_week": "attendance",
    "often_late": "attendance",
    "overtime_near_limit": "attendance",
    "performance_dip": "performance",
    "rejection_spike": "performance",
    "sales_pressure": "performance",
    "high_stress": "pulse",
    "mood_falling": "pulse",
    "silent": "pulse",
    "attrition_risk": "risk",
}


@dataclass(frozen=True)
class HrChoice:
    """What the recipient does with one reminder, and after how many working hours."""

    first: str  # done | snooze | dismiss | ignore
    after_hours: float
    then: str | None = None  # after a snooze: done | dismiss
    text: str = ""  # the note (done) or reason (dismiss)


def hr_choice(seed: int, rule_id: str, subject: str, raised_on: date) -> HrChoice:
    """The recipient's answer to the reminder about ``subject``'s tag of ``rule_id`` raised on that day."""
    rnd = random.Random(f"{seed}:hr:{rule_id}:{subject}:{raised_on.isoformat()}")
    notes = DONE_NOTES[CATEGORY_OF_RULE.get(rule_id, "other")]
    roll = rnd.random()
    after = round(rnd.lognormvariate(1.3, 0.9), 2)  # median ≈ 3.7 working hours, a long tail
    if roll < 0.62:
        return HrChoice("done", after, text=rnd.choice(notes) if rnd.random() < 0.85 else "")
    if roll < 0.74:
        then = "done" if rnd.random() < 0.7 else "dismiss"
        text = rnd.choice(notes) if then == "done" else rnd.choice(DISMISS_REASONS)
        return HrChoice("snooze", min(after, 6.0), then=then, text=text)
    if roll < 0.88:
        return HrChoice("dismiss", after, text=rnd.choice(DISMISS_REASONS) if rnd.random() < 0.9 else "")
    return HrChoice("ignore", 0.0)


def answers_pulse(seed: int, person: DemoPerson, survey_key: str, day: date) -> bool:
    """Whether ``person`` answers the pulse sent on ``day`` (the unhappy fall silent)."""
    rnd = random.Random(f"{seed}:answers:{person.row.userid}:{survey_key}:{day.isoformat()}")
    unhappy = person.profile.unhappy_from is not None and day >= person.profile.unhappy_from
    return rnd.random() < (0.3 if unhappy else person.profile.answers)


def answer_delay_minutes(seed: int, person: DemoPerson, day: date) -> int:
    """Minutes after the pulse arrives before the person answers (most within the morning)."""
    rnd = random.Random(f"{seed}:delay:{person.row.userid}:{day.isoformat()}")
    return int(min(rnd.expovariate(1 / 90), 7 * 60))


def pulse_value(
    seed: int, person: DemoPerson, key: str, day: date, lo: int, hi: int, cared_on: date | None
) -> int:
    """The answer to question ``key`` (scale ``lo``..``hi``) on ``day``; care eases stress for weeks."""
    rnd = random.Random(f"{seed}:value:{person.row.userid}:{key}:{day.isoformat()}")
    pr = person.profile
    unhappy = pr.unhappy_from is not None and day >= pr.unhappy_from
    strain = (pr.stress - 4.2) / 5 + (0.9 if unhappy else 0.0)  # ≈ −0.6 (relaxed) .. +1.8 (leaving)
    if cared_on is not None and timedelta(0) <= day - cared_on <= timedelta(days=45):
        strain -= 0.6  # a conversation that helped: the effect the report measures
    # Where on the scale: 0 = the bad end, 1 = the good end (stress and workload run the other way).
    good = 0.68 - 0.22 * strain + rnd.gauss(0, 0.12)
    if key in ("stress", "workload"):
        good = 1 - good
    if key == "enps" and unhappy:
        good = min(good, 0.55)
    value = lo + (hi - lo) * min(1.0, max(0.0, good))
    return round(value)


def comment(seed: int, person: DemoPerson, day: date) -> str:
    """The optional free-text answer: mostly skipped."""
    rnd = random.Random(f"{seed}:comment:{person.row.userid}:{day.isoformat()}")
    if rnd.random() < 0.85:
        return "跳过"
    return rnd.choice(("最近客户比较难打，希望多一些培训。", "排班能不能提前一周公布？", "一切都好，谢谢关心。"))
