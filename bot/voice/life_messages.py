"""The texts of the life-event flow (``/家里有事``), zh-CN and en."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "voice.life.intro": {
            "zh-CN": "好的。告诉我家里发生了什么，公司可以在假期和时间安排上帮忙；最后由你决定 HR 能看到什么。",
            "en": "All right. Tell me what is happening at home and the company can help with leave and hours; "
            "you decide at the end what HR may see.",
        },
        "voice.life.ask_category": {
            "zh-CN": "是哪一类事？回复数字：",
            "en": "What kind of event is it? Reply with a number:",
        },
        "voice.life.which": {
            "zh-CN": "没看懂是哪一类，请回复数字：",
            "en": "I did not catch which one; reply with a number:",
        },
        "voice.life.cancel_hint": {
            "zh-CN": "（随时回复“取消”结束，什么都不会保存）",
            "en": '(Reply "cancel" at any time to stop; nothing is kept.)',
        },
        "voice.life.kind.family_illness": {"zh-CN": "家人生病", "en": "a family member is ill"},
        "voice.life.kind.bereavement": {"zh-CN": "亲人离世", "en": "bereavement"},
        "voice.life.kind.wedding": {"zh-CN": "结婚", "en": "getting married"},
        "voice.life.kind.newborn": {"zh-CN": "宝宝出生", "en": "a new baby"},
        "voice.life.kind.move": {"zh-CN": "搬家", "en": "moving home"},
        "voice.life.kind.health": {"zh-CN": "自己生病", "en": "my own illness"},
        "voice.life.kind.family": {"zh-CN": "其他家事", "en": "another family matter"},
        "voice.life.ask_note": {
            "zh-CN": "想补充几句吗？（可选）直接回复一句话，或回复“跳过”。",
            "en": 'Anything to add? (Optional.) Reply with a sentence, or "skip".',
        },
        "voice.life.ask_note_prefilled": {
            "zh-CN": "补充说明：“{note}”\n回复“好”保留这句，回复新的一句替换它，或回复“跳过”不加说明。",
            "en": 'Note: "{note}"\nReply "ok" to keep it, a new sentence to replace it, or "skip" for no note.',
        },
        "voice.life.consent_head": {
            "zh-CN": "最后一步，需要你单独同意：",
            "en": "Last step: this needs your separate consent.",
        },
        "voice.life.sensitive": {
            "zh-CN": "健康状况（包括家人的）属于敏感个人信息（《个人信息保护法》第28、29条），只在你单独同意后使用。",
            "en": "Health information (yours or a relative's) is sensitive personal information (PIPL art. 28, 29) "
            "and is used only with your separate consent.",
        },
        "voice.life.consent_body": {
            "zh-CN": "同意后，{who}会知道你{kind}，以便关心你、说明可用的假期；保存 {days} 天（到 {until}），"
            "到期自动删除，你也可以随时发送 /mydata 提前结束。你的主管和同事看不到。",
            "en": "If you agree, {who} will know about it ({kind}) so they can support you and explain the leave "
            "available; it is kept {days} days (until {until}) and then deleted, and you can end it earlier "
            "with /mydata. Your manager and colleagues will not see it.",
        },
        "voice.life.consent_plain": {
            "zh-CN": "回复：1 同意　2 不同意",
            "en": "Reply: 1 agree, 2 do not agree",
        },
        "voice.life.consent_with_note": {
            "zh-CN": "回复：1 同意（只告诉类别）　2 同意（连同补充说明）　3 不同意",
            "en": "Reply: 1 agree (the kind of event only), 2 agree (with your note), 3 do not agree",
        },
        "voice.life.card_title": {"zh-CN": "要让 HR 知道吗？", "en": "May HR know?"},
        "voice.life.button.category": {"zh-CN": "同意（只告诉类别）", "en": "Agree (kind only)"},
        "voice.life.button.note": {"zh-CN": "同意（连同说明）", "en": "Agree (with note)"},
        "voice.life.button.no": {"zh-CN": "不同意", "en": "Do not agree"},
        "voice.life.card_yes": {"zh-CN": "✅ 已告诉 HR", "en": "✅ HR has been told"},
        "voice.life.card_no": {"zh-CN": "好的，不告诉任何人", "en": "OK, nobody is told"},
        "voice.life.declared": {
            "zh-CN": "好的，已告诉 {who}：{kind}（不含你的说明）。有效至 {until}，你的主管看不到。"
            "发送 /mydata 可以查看或提前结束。",
            "en": "Done: {who} now knows ({kind}), without any note. It is kept until {until}; your manager "
            "will not see it. Send /mydata to review it or end it early.",
        },
        "voice.life.declared_note": {
            "zh-CN": "好的，已告诉 {who}：{kind}，连同你的说明。有效至 {until}，你的主管看不到。"
            "发送 /mydata 可以查看或提前结束。",
            "en": "Done: {who} now knows ({kind}), with your note. It is kept until {until}; your manager will "
            "not see it. Send /mydata to review it or end it early.",
        },
        "voice.life.declined": {
            "zh-CN": "好的，这件事不告诉任何人，你刚才说的也不会保存。需要时随时发送 /家里有事。",
            "en": "All right: nobody is told and nothing you wrote is kept. Send /life whenever you need.",
        },
        "voice.life.cancelled": {
            "zh-CN": "好的，已取消，什么都没有保存。",
            "en": "Cancelled; nothing was kept.",
        },
        "commands.life.summary": {
            "zh-CN": "告诉 HR 家里有事（家人生病、结婚、生宝宝、搬家等），经你同意、到期自动删除",
            "en": "tell HR about a life event (illness in the family, wedding, baby, move…), with consent, "
            "deleted when it expires",
        },
    }
)
