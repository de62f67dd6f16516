"""The texts of anonymous questions (``/匿名``, ``/答复``), zh-CN and en."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "commands.ask.summary": {
            "zh-CN": "匿名向 HR 提问（HR 看不到是谁问的），HR 的回答会发给你",
            "en": "ask HR a question anonymously (HR does not see who asked); the answer comes back to you",
        },
        "commands.answer.summary": {
            "zh-CN": "答复一条匿名问题（回答会发给提问人，你看不到是谁）",
            "en": "answer an anonymous question (it reaches the asker; you do not learn who it is)",
        },
        "voice.anon.usage": {
            "zh-CN": "用法：/匿名 你的问题，例如 /匿名 年假没休完可以折现吗？",
            "en": "Usage: /ask <your question>, e.g. /ask Can unused annual leave be paid out?",
        },
        "voice.anon.too_long": {
            "zh-CN": "问题太长了（最多 {limit} 个字），请精简后再发。",
            "en": "That question is too long (at most {limit} characters).",
        },
        "voice.anon.no_hr": {
            "zh-CN": "暂时没有可以接收匿名问题的 HR（没有 HRBP，也没有配置 HR 联系人），请联系管理员。",
            "en": "There is no HR contact to receive anonymous questions yet (no HR partner, no configured HR "
            "contacts); please tell an administrator.",
        },
        "voice.anon.slow_down": {
            "zh-CN": "每天最多匿名提问 {limit} 次，明天再试吧。",
            "en": "You can ask at most {limit} anonymous questions a day; please try again tomorrow.",
        },
        "voice.anon.group": {
            "zh-CN": "匿名提问请在和我的单聊中发送：在群里发送大家都会看到是谁问的。",
            "en": "Send anonymous questions in a 1:1 chat with me: in a group everyone sees who asked.",
        },
        "voice.anon.sent": {
            "zh-CN": "已匿名转给 HR。HR 看不到是谁问的；HR 的回答会由我转给你（{days} 天内有效）。"
            "说明：匿名是对 HR 而言的，能直接读取数据库和配置的系统管理员在理论上仍可追溯。",
            "en": "Sent to HR anonymously. HR cannot see who asked; I will pass their answer on to you (for "
            "{days} days). Note: this is anonymous towards HR; a system administrator with direct access to "
            "the database and configuration could in theory still trace it.",
        },
        "voice.anon.to_hr": {
            "zh-CN": "📮 匿名问题 #{n}（提问人身份不会告诉你）：\n{question}\n\n"
            "回复方式：/答复 {n} 你的回答（回答会匿名转给提问人）",
            "en": "📮 Anonymous question #{n} (the asker's identity is not shown to you):\n{question}\n\n"
            "To reply: /answer {n} <your answer> (it is passed on to the asker)",
        },
        "voice.anon.to_sender": {
            "zh-CN": "HR 回复了你的匿名问题（“{question}”）：\n{answer}",
            "en": 'HR answered your anonymous question ("{question}"):\n{answer}',
        },
        "voice.anon.answer_usage": {
            "zh-CN": "用法：/答复 编号 回答，例如 /答复 12 可以，按公司制度折现",
            "en": "Usage: /answer <number> <answer>, e.g. /answer 12 Yes, under the leave policy",
        },
        "voice.anon.unknown": {
            "zh-CN": "没有找到发给你的匿名问题 #{n}。",
            "en": "No anonymous question #{n} was sent to you.",
        },
        "voice.anon.already": {
            "zh-CN": "匿名问题 #{n} 已经答复过了。",
            "en": "Anonymous question #{n} has already been answered.",
        },
        "voice.anon.gone": {
            "zh-CN": "匿名问题 #{n} 已超过有效期，提问人已无法联系（为保护匿名，联系方式已删除）。",
            "en": "Anonymous question #{n} is too old: the way back to the asker has been deleted to protect "
            "their anonymity.",
        },
        "voice.anon.answered": {
            "zh-CN": "已把你对匿名问题 #{n} 的回答转给提问人。",
            "en": "Your answer to anonymous question #{n} has been passed on to the asker.",
        },
    }
)
