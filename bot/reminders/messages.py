"""Chat answers about reminders (the reminder texts themselves are TOML templates), zh-CN and en."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "reminders.not_found": {
            "zh-CN": "找不到提醒 #{id}。请检查编号（卡片和摘要里的 # 后面的数字）。",
            "en": "Reminder #{id} not found. Check the number (after # in the card or digest).",
        },
        "reminders.usage": {
            "zh-CN": "用法：/{name} 提醒编号 {rest}，例如 /{name} 123 {example}",
            "en": "Usage: /{name} reminder-number {rest}, e.g. /{name} 123 {example}",
        },
        "reminders.not_yours": {
            "zh-CN": "提醒 #{id} 不是发给你的，只有收到提醒的人或 HR 可以处理。",
            "en": "Reminder #{id} was not sent to you; only its recipient or HR can act on it.",
        },
        "reminders.done": {
            "zh-CN": "好的，#{id}（{name}）已记为已跟进。谢谢你的关心！",
            "en": "Thanks — #{id} ({name}) is marked as done.",
        },
        "reminders.done_hint": {
            "zh-CN": "想补充聊了什么，可以发送 /done {id} 备注",
            "en": "To add what you talked about: /done {id} your note",
        },
        "reminders.snoozed": {
            "zh-CN": "好的，#{id}（{name}）会在 {until} 再提醒你。",
            "en": "Okay — #{id} ({name}) will come back on {until}.",
        },
        "reminders.dismissed": {
            "zh-CN": "好的，#{id}（{name}）标记为不需要。原因会用来改进提醒规则。",
            "en": "Okay — #{id} ({name}) is marked as not needed. The reason helps us tune the rules.",
        },
        "reminders.dismiss_hint": {
            "zh-CN": "可以告诉我们原因，帮助改进规则：/dismiss {id} 原因",
            "en": "Tell us why to help tune the rules: /dismiss {id} reason",
        },
        "reminders.note_added": {
            "zh-CN": "已为 #{id}（{name}）补充备注。",
            "en": "Note added to #{id} ({name}).",
        },
        "reminders.held_out": {
            "zh-CN": "提醒 #{id} 属于关怀评估的对照组，按评估设置暂不发送，也不能处理。",
            "en": "Reminder #{id} belongs to the evaluation's holdout group: it is held back and cannot be acted on.",
        },
        "reminders.minutes_range": {
            "zh-CN": "时长应为 1–{max} 分钟，例如 /done 123 30分钟 聊过了",
            "en": "The duration must be 1–{max} minutes, e.g. /done 123 30min talked",
        },
        "reminders.minutes_added": {
            "zh-CN": "已为 #{id}（{name}）记录关怀用时 {minutes} 分钟。",
            "en": "Recorded {minutes} minutes of care for #{id} ({name}).",
        },
        "reminders.already": {
            "zh-CN": "提醒 #{id}（{name}）已经处理过了：{status}",
            "en": "Reminder #{id} ({name}) was already handled: {status}",
        },
        "reminders.cannot_snooze": {
            "zh-CN": "提醒 #{id} 已经处理完毕，不能再推迟。",
            "en": "Reminder #{id} is already closed and cannot be snoozed.",
        },
        "commands.done.summary": {
            "zh-CN": "把关怀提醒记为已跟进（可附备注）",
            "en": "mark a care reminder as done (optional note)",
        },
        "commands.snooze.summary": {"zh-CN": "下一个工作日再提醒", "en": "remind me again next workday"},
        "commands.dismiss.summary": {
            "zh-CN": "标记提醒为不需要（附原因）",
            "en": "mark a reminder as not needed (with a reason)",
        },
        "commands.done.rest": {"zh-CN": "[备注]", "en": "[note]"},
        "commands.done.example": {"zh-CN": "聊过了，安排调休", "en": "talked, arranged time off"},
        "commands.dismiss.rest": {"zh-CN": "[原因]", "en": "[reason]"},
        "commands.dismiss.example": {"zh-CN": "已知情况", "en": "known situation"},
    }
)
