"""The texts of the chat flows (zh-CN and en)."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "voice.warm.help": {
            "zh-CN": "听起来你最近真的不容易，谢谢你愿意说出来。",
            "en": "It sounds like things have been hard lately. Thank you for saying so.",
        },
        "voice.warm.workload": {
            "zh-CN": "活多、加班多的时候真的很耗人，辛苦了。",
            "en": "That much work and overtime wears anyone down. You have been carrying a lot.",
        },
        "voice.warm.resign": {
            "zh-CN": "谢谢你坦诚告诉我。想走的念头背后往往有具体的原因，聊一聊也许能找到办法。",
            "en": "Thank you for being honest with me. There is usually a reason behind wanting to leave; "
            "talking it through may help.",
        },
        "voice.warm.life_event": {
            "zh-CN": "家里有事的时候最难兼顾工作，希望一切都好。公司可以在假期和时间安排上帮忙。",
            "en": "It is hard to keep up with work when something happens at home; I hope all is well. "
            "The company can help with leave and working hours.",
        },
        "voice.warm.distress": {
            "zh-CN": "看到你这么说，我很担心你。你不是一个人，现在就可以找到专业的帮助：",
            "en": "I am worried about you after reading this. You are not alone, and help is there right now:",
        },
        "voice.danger": {
            "zh-CN": "如果你此刻有危险，请立即拨打 120 或 110。",
            "en": "If you are in danger right now, call 120 or 110 immediately.",
        },
        "voice.ask.hrbp": {
            "zh-CN": "要我请你的 HRBP {name}联系你吗？",
            "en": "Shall I ask your HR partner {name} to contact you?",
        },
        "voice.ask.hr": {"zh-CN": "要我请 HR 联系你吗？", "en": "Shall I ask HR to contact you?"},
        "voice.ask.how": {
            "zh-CN": "回复“是”或“不用”（也可以点卡片上的按钮）。在你同意之前，我不会告诉任何人。",
            "en": 'Reply "yes" or "no" (or use the card\'s buttons). I will not tell anyone unless you agree.',
        },
        "voice.card.title": {"zh-CN": "要不要请 HR 联系你？", "en": "Shall HR contact you?"},
        "voice.button.yes": {"zh-CN": "是", "en": "Yes"},
        "voice.button.no": {"zh-CN": "先不用", "en": "Not now"},
        "voice.yes.done": {
            "zh-CN": "好的，已请 {who}联系你，通常在 {hours} 小时内。"
            "{who}会看到你刚才写的这句话：“{quote}”。你的主管看不到。",
            "en": "Done: I have asked {who} to contact you, usually within {hours} hours. {who} will see what you "
            'wrote: "{quote}". Your manager will not.',
        },
        "voice.yes.hr": {"zh-CN": "HR", "en": "HR"},
        "voice.no.done": {
            "zh-CN": "好的，这次先不告诉任何人，你写的话也不会保存。想聊的时候随时找我。",
            "en": "All right: I will not tell anyone, and what you wrote is not kept. "
            "I am here whenever you want to talk.",
        },
        "voice.card.yes": {"zh-CN": "✅ 已请 HR 联系你", "en": "✅ HR will contact you"},
        "voice.card.no": {"zh-CN": "好的，先不联系", "en": "OK, no contact for now"},
        "voice.card.gone": {"zh-CN": "这个问题已经结束了", "en": "This question has closed"},
        "voice.support": {"zh-CN": "· {line}", "en": "· {line}"},
        "voice.privacy": {
            "zh-CN": "我只保存关怀需要的数据：组织信息、考勤、业绩指标、你回答的问卷，以及你同意后告诉HR的话。"
            "问卷的关怀回访只有你的HRBP能看到，团队问卷只以5人以上的汇总出现；你在这里说的话，只有你点“是”后才会转给HRBP，主管看不到。"
            "发送 /mydata 查看完整清单和保存期限。",
            "en": "I keep only what care needs: your org details, attendance, performance metrics, your survey "
            "answers and what you agreed to pass to HR. Care check-ins are seen by your HR partner only; team "
            "pulses only as totals of 5 or more. What you write here reaches your HR partner only after you say "
            "yes, never your manager. Send /mydata for the full list and how long each item is kept.",
        },
        "voice.smalltalk": {
            "zh-CN": "你好呀～我是关怀助手。想聊聊的时候直接跟我说就行，发送 /help 看看我能做什么。",
            "en": "Hi! I am CareBot. Just write to me whenever you want to talk, or send /help to see what I can do.",
        },
        "voice.third_party": {
            "zh-CN": "如果是同事或朋友遇到了困难，可以建议他/她直接找我或找HR；流程类问题可以发送 /help 看看。",
            "en": "If a colleague or friend is struggling, suggest they write to me or HR directly; send /help for "
            "the rest.",
        },
        "voice.survey_repeat": {
            "zh-CN": "另外，问卷还在等你回答：",
            "en": "Also, your pulse survey is still waiting for an answer:",
        },
        "voice.after_high.checkin": {
            "zh-CN": "谢谢你如实告诉我们。接下来：你的HRBP会在一个工作日内私下联系你"
            "（只有HR能看到这个回答，主管看不到）。"
            "如果现在就想找人聊：",
            "en": "Thank you for telling us honestly. What happens next: your HR partner will contact you privately "
            "within one working day (only HR sees this answer, not your manager). If you want to talk now:",
        },
        "voice.after_high.team": {
            "zh-CN": "谢谢你如实告诉我们。这份问卷只以团队汇总出现，不会有人单独联系你；"
            "如果想找人聊，可以直接跟我说，或者：",
            "en": "Thank you for telling us honestly. This pulse is only shown as team totals, so nobody will contact "
            "you because of it; to talk to someone, just tell me, or:",
        },
    }
)
