"""Texts of ``/mydata``: what is stored, why, and for how long (zh-CN and en)."""

from __future__ import annotations

from bot import i18n

LIFE_EVENT_KEYS = {
    kind: f"commands.mydata.life.{kind}"
    for kind in ("family_illness", "bereavement", "wedding", "newborn", "move", "health", "family", "other")
}

i18n.register(
    {
        "commands.mydata.summary": {
            "zh-CN": "查看关怀助手保存了你的哪些数据、为什么保存",
            "en": "what CareBot stores about you and why",
        },
        "commands.mydata.title": {"zh-CN": "我的数据", "en": "My data"},
        "commands.mydata.intro": {
            "zh-CN": "**你的数据**：关怀助手只保存关怀所需的数据。以下是关于你的全部记录及用途。",
            "en": "**Your data**: CareBot keeps only what care needs. This is everything it holds about you, and why.",
        },
        "commands.mydata.profile_head": {
            "zh-CN": "**基本资料**（来自公司通讯录，用于识别你、找到你的上级和 HR）",
            "en": "**Profile** (from the company directory: to identify you and find your manager and HR)",
        },
        "commands.mydata.profile_1": {
            "zh-CN": "姓名 {name} · userid {userid} · 部门 {dept} · 职位 {position}",
            "en": "name {name} · userid {userid} · department {dept} · position {position}",
        },
        "commands.mydata.profile_2": {
            "zh-CN": "上级 {manager} · HRBP {hrbp} · 入职 {hired} · 试用期至 {probation}",
            "en": "manager {manager} · HRBP {hrbp} · joined {hired} · probation until {probation}",
        },
        "commands.mydata.profile_3": {
            "zh-CN": "生日 {birthday}（仅月日）· 邮箱 {email} · 手机 {mobile} · 问卷 {surveys}",
            "en": "birthday {birthday} (month and day only) · email {email} · mobile {mobile} · surveys {surveys}",
        },
        "commands.mydata.receiving": {"zh-CN": "接收中（发送 /optout 暂停）", "en": "on (send /optout to pause)"},
        "commands.mydata.paused": {"zh-CN": "已暂停（发送 /optin 恢复）", "en": "paused (send /optin to resume)"},
        "commands.mydata.attendance_head": {
            "zh-CN": "**考勤**（用于发现连续加班、深夜下班等需要关心的情况）",
            "en": "**Attendance** (to notice long hours and late nights)",
        },
        "commands.mydata.attendance": {
            "zh-CN": "打卡记录 {punches} 条（最早 {since}）· 每日考勤汇总 {days} 天 · "
            "请假/出差/加班审批 {approvals} 条",
            "en": "{punches} punches (since {since}) · {days} daily summaries · "
            "{approvals} leave/trip/overtime approvals",
        },
        "commands.mydata.metrics_head": {
            "zh-CN": "**业绩指标**（从业务系统导入，用于发现业绩波动）",
            "en": "**Performance metrics** (imported from business systems, to notice dips)",
        },
        "commands.mydata.metrics": {"zh-CN": "{names}：共 {n} 条", "en": "{names}: {n} values"},
        "commands.mydata.pulse_head": {
            "zh-CN": "**问卷**（用于了解你的状态）",
            "en": "**Pulse surveys** (to understand how you are doing)",
        },
        "commands.mydata.pulse": {
            "zh-CN": "收到 {sent} 次，回答 {answered} 次",
            "en": "received {sent}, answered {answered}",
        },
        "commands.mydata.checkins": {
            "zh-CN": "实名关怀问答回答 {n} 条（你的 HR 可以看到）",
            "en": "{n} care check-in answers (identified: your HR can see them)",
        },
        "commands.mydata.team": {
            "zh-CN": "团队匿名调查回答 {n} 条（只以 5 人以上的汇总呈现，任何人都看不到你的个人回答）",
            "en": "{n} team-pulse answers (only shown as totals of 5+ people; nobody sees yours)",
        },
        "commands.mydata.tags_head": {
            "zh-CN": "**当前关于你的标签（{n}）**（由规则根据上述数据生成，用于提醒 HR 关心你）",
            "en": "**Active tags about you ({n})** (raised by rules from the data above, so HR can reach out)",
        },
        "commands.mydata.care": {"zh-CN": "**关怀记录**：{n} 条", "en": "**Care log**: {n} entries"},
        "commands.mydata.consents_head": {
            "zh-CN": "**授权与生活事件**（仅在你主动告知并同意时保存）",
            "en": "**Consents and life events** (kept only when you tell us and agree)",
        },
        "commands.mydata.consent": {
            "zh-CN": "授权 {kind}：{granted} 同意，{state}",
            "en": "consent {kind}: given {granted}, {state}",
        },
        "commands.mydata.consent.life_event": {"zh-CN": "生活事件", "en": "life events"},
        "commands.mydata.consent.health": {"zh-CN": "健康信息", "en": "health information"},
        "commands.mydata.consent.checkin": {"zh-CN": "实名关怀问答", "en": "care check-ins"},
        "commands.mydata.valid_until": {"zh-CN": "有效至 {day}", "en": "valid until {day}"},
        "commands.mydata.revoked": {"zh-CN": "已于 {day} 撤回", "en": "withdrawn {day}"},
        "commands.mydata.life_event": {
            "zh-CN": "生活事件 #{n} {kind}：{declared} 告知，{expires} 到期{note}",
            "en": "life event #{n} {kind}: told {declared}, expires {expires}{note}",
        },
        "commands.mydata.life_note": {"zh-CN": "，HR 可见说明：“{note}”", "en": '; note HR may read: "{note}"'},
        "commands.mydata.life_end_hint": {
            "zh-CN": "想提前结束？发送 /mydata 结束 编号（例如 /mydata 结束 {n}），HR 将不再看到它。",
            "en": "To end one early, send /mydata end <number> (e.g. /mydata end {n}); HR will no longer see it.",
        },
        "commands.mydata.end_usage": {
            "zh-CN": "用法：/mydata 结束 编号（编号见 /mydata 中的生活事件）",
            "en": "Usage: /mydata end <number> (the number of a life event in /mydata)",
        },
        "commands.mydata.ended": {
            "zh-CN": "已结束生活事件 #{n}（{kind}）：授权已撤回，记录和说明已删除，HR 不会再收到提醒。",
            "en": "Life event #{n} ({kind}) has ended: consent withdrawn, the record and note deleted; "
            "HR will not be reminded again.",
        },
        "commands.mydata.end_unknown": {
            "zh-CN": "没有找到你的生活事件 #{n}（可能已经到期或结束）。",
            "en": "No life event #{n} of yours was found (it may have expired or ended).",
        },
        "commands.mydata.life.family_illness": {"zh-CN": "家人生病", "en": "family member ill"},
        "commands.mydata.life.wedding": {"zh-CN": "结婚", "en": "getting married"},
        "commands.mydata.life.family": {"zh-CN": "其他家事", "en": "other family matter"},
        "commands.mydata.life.health": {"zh-CN": "自己生病", "en": "own illness"},
        "commands.mydata.life.bereavement": {"zh-CN": "亲人离世", "en": "bereavement"},
        "commands.mydata.life.newborn": {"zh-CN": "家有新生儿", "en": "new baby"},
        "commands.mydata.life.move": {"zh-CN": "搬家", "en": "moving home"},
        "commands.mydata.life.other": {"zh-CN": "其他", "en": "other"},
        "commands.mydata.none": {"zh-CN": "无", "en": "none"},
        "commands.mydata.views": {
            "zh-CN": "**查看记录**：近{days}天你的数据被他人查看 {n} 次，每次都记入审计日志。",
            "en": "**Views**: others viewed your data {n} times in the last {days} days; each view is audit-logged.",
        },
        "commands.mydata.retention_head": {"zh-CN": "**保存期限**", "en": "**Retention**"},
        "commands.mydata.retention": {
            "zh-CN": "- 生活事件和授权到期或撤回后即不再使用\n"
            "- 标签在问题解决或到期后失效\n"
            "- 其他数据在你在职期间保存，离职后按公司数据保存制度删除\n"
            "- 如需更正或删除，请联系你的 HR",
            "en": "- life events and consents stop being used when they expire or are withdrawn\n"
            "- tags lapse when resolved or expired\n"
            "- other data is kept while you work here and deleted under the company's retention policy "
            "after you leave\n"
            "- to correct or delete data, contact your HR",
        },
    }
)
