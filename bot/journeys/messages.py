"""The journeys' texts in zh-CN and en (task cards, escalations, actions, lists)."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "journeys.card_title": {"zh-CN": "📋 入职任务 · {title}", "en": "📋 Onboarding task · {title}"},
        "journeys.card_title_overdue": {
            "zh-CN": "⏰ 入职任务已逾期 · {title}",
            "en": "⏰ Onboarding task overdue · {title}",
        },
        "journeys.escalation_title": {
            "zh-CN": "⚠️ 入职任务未完成 · {title}",
            "en": "⚠️ Onboarding task not done · {title}",
        },
        "journeys.who": {
            "zh-CN": "**新人**：{name} · {department} · {position} · {hired_on}入职",
            "en": "**New hire**: {name} · {department} · {position} · starts {hired_on}",
        },
        "journeys.evidence": {
            "zh-CN": "**节点**：入职第{day}个工作日（{due}）",
            "en": "**Milestone**: workday {day} after joining ({due})",
        },
        "journeys.evidence_before": {
            "zh-CN": "**节点**：入职前{days}个工作日（{due}）",
            "en": "**Milestone**: {days} workdays before day one ({due})",
        },
        "journeys.evidence_probation": {
            "zh-CN": "**节点**：试用期结束前{days}个工作日（{due}）",
            "en": "**Milestone**: {days} workdays before probation ends ({due})",
        },
        "journeys.deadline": {"zh-CN": "**请在{day}前完成**", "en": "**Please finish by {day}**"},
        "journeys.say": {"zh-CN": "**可以这样聊**\n{points}", "en": "**What to say**\n{points}"},
        "journeys.fallback": {
            "zh-CN": "（这项任务本应交给{role}，目前没有，所以发给你。）",
            "en": "(This task is meant for the {role}; there is none yet, so it comes to you.)",
        },
        "journeys.mentor_set": {"zh-CN": "**导师**：{mentor}", "en": "**Mentor**: {mentor}"},
        "journeys.mentor_missing": {
            "zh-CN": "**还没有导师**：回复 /导师 {name} <导师姓名> 指定一位。",
            "en": "**No mentor yet**: reply /mentor {name} <mentor's name> to assign one.",
        },
        "journeys.commands": {
            "zh-CN": "完成后点「完成」，或回复 /完成 {no} [备注]；不适用：/不适用 {no} <原因>",
            "en": "Click Done when finished, or reply /complete {no} [note]; not applicable: /skip {no} <reason>",
        },
        "journeys.commands_evaluation": {
            "zh-CN": "评价请回复 /完成 {no} {example}",
            "en": "To submit, reply /complete {no} {example}",
        },
        "journeys.evaluation_example": {"zh-CN": "<评语>", "en": "<comment>"},
        "journeys.resent_note": {
            "zh-CN": "⏰ 这项任务已逾期，请尽快完成。",
            "en": "⏰ This task is overdue; please finish it soon.",
        },
        "journeys.snoozed_note": {"zh-CN": "🔔 按你的要求再次提醒。", "en": "🔔 Reminding you again, as asked."},
        "journeys.escalation_body": {
            "zh-CN": "{assignee}（{role}）的入职任务已逾期，截止{deadline}，至今未完成：",
            "en": "{assignee} ({role}) has not done this onboarding task, due {deadline}:",
        },
        "journeys.escalation_hint": {
            "zh-CN": "请跟进；如果已经办好，也可以直接点「完成」。",
            "en": "Please follow up; if it is already done, you may click Done.",
        },
        "journeys.button_done": {"zh-CN": "完成", "en": "Done"},
        "journeys.button_later": {"zh-CN": "稍后", "en": "Later"},
        "journeys.button_skip": {"zh-CN": "不适用", "en": "Not applicable"},
        "journeys.role.hr": {"zh-CN": "HRBP", "en": "HRBP"},
        "journeys.role.manager": {"zh-CN": "主管", "en": "manager"},
        "journeys.role.mentor": {"zh-CN": "导师", "en": "mentor"},
        "journeys.role.admin": {"zh-CN": "行政", "en": "admin"},
        "journeys.role.it": {"zh-CN": "IT", "en": "IT"},
        "journeys.role.new_hire": {"zh-CN": "新人", "en": "new hire"},
        "journeys.nobody": {"zh-CN": "（待定）", "en": "(to be assigned)"},
        "journeys.unknown": {"zh-CN": "（未登记）", "en": "(not on file)"},
        # actions
        "journeys.not_found": {
            "zh-CN": "没有编号为 {no} 的待办。发送 /待办 查看你的任务。",
            "en": "No open task number {no}. Send /tasks to see yours.",
        },
        "journeys.not_yours": {"zh-CN": "这项任务不是你的。", "en": "This task is not yours."},
        "journeys.done": {"zh-CN": "✅ 已完成：{title}", "en": "✅ Done: {title}"},
        "journeys.done_note_hint": {
            "zh-CN": "想补充备注，可回复 /完成 {no} <备注>。",
            "en": "To add a note, reply /complete {no} <note>.",
        },
        "journeys.note_added": {"zh-CN": "已补充备注：{title}", "en": "Note added: {title}"},
        "journeys.later": {
            "zh-CN": "好的，{until}再提醒你：{title}",
            "en": "OK, I will remind you again {until}: {title}",
        },
        "journeys.skipped": {"zh-CN": "已标记不适用：{title}", "en": "Marked not applicable: {title}"},
        "journeys.skip_hint": {
            "zh-CN": "请补充原因，回复 /不适用 {no} <原因>。",
            "en": "Please add the reason: reply /skip {no} <reason>.",
        },
        "journeys.already": {"zh-CN": "这项任务已经是“{status}”了。", "en": "This task is already “{status}”."},
        "journeys.evaluation_usage": {
            "zh-CN": "请为{name}打分（1–5）并写评语，回复：/完成 {no} {order} <评语>，例如 /完成 {no} 4 5 上手很快",
            "en": "Rate {name} from 1 to 5 and add a comment: /complete {no} {order} <comment>, e.g. "
            "/complete {no} 4 5 learning fast",
        },
        "journeys.evaluation_done": {
            "zh-CN": "✅ 已提交对{name}的评价：{summary}（HR 和主管可见）",
            "en": "✅ Evaluation of {name} submitted: {summary} (visible to HR and the manager)",
        },
        "journeys.evaluation_notice_title": {
            "zh-CN": "导师评价 · {name}",
            "en": "Mentor evaluation · {name}",
        },
        "journeys.evaluation_notice": {
            "zh-CN": "导师{mentor}对{name}入职第一个月的评价：{summary}",
            "en": "{mentor}'s evaluation of {name}'s first month: {summary}",
        },
        "journeys.status.pending": {"zh-CN": "未开始", "en": "pending"},
        "journeys.status.sent": {"zh-CN": "进行中", "en": "sent"},
        "journeys.status.done": {"zh-CN": "已完成", "en": "done"},
        "journeys.status.skipped": {"zh-CN": "不适用", "en": "skipped"},
        "journeys.status.overdue": {"zh-CN": "已逾期", "en": "overdue"},
        "journeys.status.cancelled": {"zh-CN": "已取消", "en": "cancelled"},
        "journeys.status_done": {"zh-CN": "✅ 已完成 · {actor} · {at}", "en": "✅ Done · {actor} · {at}"},
        "journeys.status_skipped": {
            "zh-CN": "➖ 不适用 · {actor} · {at}",
            "en": "➖ Not applicable · {actor} · {at}",
        },
        "journeys.status_later": {"zh-CN": "🔔 {until}再提醒", "en": "🔔 Reminder again {until}"},
        "journeys.mentor_assigned_title": {"zh-CN": "你成为了新人导师", "en": "You are now a mentor"},
        "journeys.mentor_assigned": {
            "zh-CN": "{manager}指定你为{name}（{department}）的导师。"
            "入职期间我会提醒你带教沟通和第一个月的评价。谢谢！",
            "en": "{manager} made you the mentor of {name} ({department}). I will remind you of the mentoring "
            "talks and the first-month evaluation. Thank you!",
        },
    }
)
