"""Texts the surveys send and answer with, in zh-CN and en."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "surveys.card_title": {"zh-CN": "关怀小问卷", "en": "Pulse check"},
        "surveys.intro": {
            "zh-CN": "{name}你好！占用你一分钟做个小问卷（共 {count} 题），你的感受对我们很重要。",
            "en": "Hi {name}! A one-minute pulse check ({count} questions) — how you feel matters to us.",
        },
        "surveys.reminder_intro": {
            "zh-CN": "小提醒：这份问卷还在等你，{deadline} 前回复都有效。",
            "en": "A gentle reminder: this pulse check is still open until {deadline}.",
        },
        "surveys.progress": {"zh-CN": "第 {index}/{count} 题", "en": "Question {index} of {count}"},
        "surveys.optional_last": {"zh-CN": "最后一个（选填）", "en": "One last thing (optional)"},
        "surveys.how_buttons": {
            "zh-CN": "点下面的按钮，或直接回复 {low}–{high} 之间的数字。",
            "en": "Tap a button below, or reply with a number from {low} to {high}.",
        },
        "surveys.how_number": {
            "zh-CN": "请直接回复 {low}–{high} 之间的数字。",
            "en": "Please reply with a number from {low} to {high}.",
        },
        "surveys.correction": {
            "zh-CN": "请回复 {low}–{high} 之间的数字",
            "en": "Please reply with a number from {low} to {high}",
        },
        "surveys.recorded": {"zh-CN": "已记录：{value} ✓", "en": "Recorded: {value} ✓"},
        "surveys.recorded_status": {"zh-CN": "已记录：{value} ✓ 谢谢！", "en": "Recorded: {value} ✓ Thank you!"},
        "surveys.already_answered": {
            "zh-CN": "这一题已经记录过了，谢谢！",
            "en": "This question was already answered. Thank you!",
        },
        "surveys.thanks_done": {
            "zh-CN": "全部完成，谢谢你的反馈！🙏",
            "en": "All done — thank you for your feedback! 🙏",
        },
        "surveys.comment_saved": {
            "zh-CN": "收到你的留言，HR 会认真看。谢谢！",
            "en": "Thanks — your note has been passed to HR.",
        },
        "surveys.comment_skipped": {"zh-CN": "好的，谢谢你的反馈！", "en": "Okay — thank you for your feedback!"},
        "surveys.expired_thanks": {
            "zh-CN": "谢谢你的回复！这份问卷已经过期，这次的回答不会计入统计；下次问卷见 🙂",
            "en": "Thank you! This pulse check has expired, so this answer won't be counted. See you next time 🙂",
        },
        "surveys.closed_status": {"zh-CN": "问卷已过期，感谢参与", "en": "This pulse check has expired — thanks"},
        "surveys.paused": {
            "zh-CN": "已暂停给你发送关怀问卷。想恢复时发送 /optin 即可。",
            "en": "Pulse checks are paused for you. Send /optin to resume.",
        },
        "surveys.already_paused": {
            "zh-CN": "关怀问卷已经是暂停状态。想恢复时发送 /optin。",
            "en": "Pulse checks are already paused. Send /optin to resume.",
        },
        "surveys.resumed": {
            "zh-CN": "已恢复关怀问卷，谢谢！下一次问卷会按计划发给你。",
            "en": "Pulse checks resumed — thank you! The next one arrives on schedule.",
        },
        "surveys.already_resumed": {
            "zh-CN": "关怀问卷本来就是开启的，无需操作。",
            "en": "Pulse checks are already on; nothing to change.",
        },
        "surveys.skip_words": {"zh-CN": "跳过 不用 没有 无 算了 不了", "en": "skip no none nothing pass n/a"},
        "commands.optout.summary": {"zh-CN": "暂停接收关怀问卷", "en": "Pause pulse surveys"},
        "commands.optin.summary": {"zh-CN": "恢复接收关怀问卷", "en": "Resume pulse surveys"},
    }
)
