"""Texts of ``/mydata``: what is stored, why, and for how long (zh-CN and en)."""

from __future__ import annotations

from bot.core import i18n

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
            "zh-CN": "**你的数据**（只保存关怀所需）",
            "en": "**Your data** (only what care needs)",
        },
        "commands.mydata.profile_head": {"zh-CN": "**基本资料**（通讯录）", "en": "**Profile** (directory)"},
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
            "en": "birthday {birthday} (month-day) · email {email} · mobile {mobile} · surveys {surveys}",
        },
        "commands.mydata.receiving": {"zh-CN": "接收中", "en": "on"},
        "commands.mydata.paused": {"zh-CN": "已暂停（发送 /optin 恢复）", "en": "paused (send /optin to resume)"},
        "commands.mydata.attendance_head": {
            "zh-CN": "**考勤**（发现长时间加班）",
            "en": "**Attendance** (to notice long hours)",
        },
        "commands.mydata.attendance": {
            "zh-CN": "打卡记录 {punches} 条（最早 {since}）· 每日考勤汇总 {days} 天 · "
            "请假/出差/加班审批 {approvals} 条",
            "en": "{punches} punches (since {since}) · {days} daily summaries · "
            "{approvals} leave/trip/overtime approvals",
        },
        "commands.mydata.metrics_head": {
            "zh-CN": "**业绩指标**（发现波动）",
            "en": "**Performance metrics** (to notice changes)",
        },
        "commands.mydata.metrics": {"zh-CN": "{names}：共 {n} 条", "en": "{names}: {n} values"},
        "commands.mydata.pulse_head": {
            "zh-CN": "**问卷**（下列回答仅你可见）",
            "en": "**Pulse surveys** (answers below: only you see them)",
        },
        "commands.mydata.pulse": {
            "zh-CN": "收到 {sent} 次，回答 {answered} 次",
            "en": "received {sent}, answered {answered}",
        },
        "commands.mydata.checkins": {
            "zh-CN": "实名关怀问答回答 {n} 条（HR 可见）",
            "en": "{n} check-in answers (HR sees them)",
        },
        "commands.mydata.team": {
            "zh-CN": "团队匿名调查回答 {n} 条（只进 5 人以上汇总）",
            "en": "{n} team-pulse answers (totals of 5+ only)",
        },
        "commands.mydata.tags_head": {
            "zh-CN": "**当前关于你的标签（{n}）**（提醒 HR 关心你）",
            "en": "**Active tags about you ({n})** (so HR can reach out)",
        },
        "commands.mydata.care": {"zh-CN": "**关怀记录**：{n} 条", "en": "**Care log**: {n} entries"},
        "commands.mydata.consents_head": {
            "zh-CN": "**授权与生活事件**（仅经你同意）",
            "en": "**Consents and life events** (only with your consent)",
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
            "zh-CN": "提前结束：/mydata 结束 {n}",
            "en": "End early: /mydata end {n}",
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
            "zh-CN": "**查看记录**：近{days}天被他人查看 {n} 次",
            "en": "**Views**: {n} by others in {days} days",
        },
        "commands.mydata.retention_head": {"zh-CN": "**保存期限**", "en": "**Retention**"},
        "commands.mydata.answers_head": {"zh-CN": "最近的回答（仅你本人可见全部）：", "en": "Latest answers:"},
        "commands.mydata.answer": {
            "zh-CN": "{day} {question}：{value}（{mode}）",
            "en": "{day} {question}: {value} ({mode})",
        },
        "commands.mydata.mode_checkin": {"zh-CN": "实名", "en": "care check-in, HR sees it"},
        "commands.mydata.mode_team": {
            "zh-CN": "匿名",
            "en": "team pulse, totals of 5+ only",
        },
        "commands.mydata.care_item": {"zh-CN": "{at} {actor}{kind}", "en": "{at} {actor} {kind}"},
        "commands.mydata.care_note_held": {
            "zh-CN": "（有 HR 备注，可向 HR 申请查阅）",
            "en": " (HR note; ask HR to read it)",
        },
        "commands.mydata.evaluations_head": {
            "zh-CN": "**自动评估**（仅提醒 HR 关心，不用于考核）：",
            "en": "**Automatic evaluations** (only to prompt HR, never for appraisal): ",
        },
        "commands.mydata.evaluation": {"zh-CN": "{names}", "en": "{names}"},
        "commands.mydata.eval.workload": {"zh-CN": "考勤", "en": "hours"},
        "commands.mydata.eval.performance": {"zh-CN": "业绩", "en": "performance"},
        "commands.mydata.eval.wellbeing": {"zh-CN": "身心状态", "en": "wellbeing"},
        "commands.mydata.eval.engagement": {"zh-CN": "问卷参与", "en": "participation"},
        "commands.mydata.eval.milestone": {"zh-CN": "节点", "en": "milestones"},
        "commands.mydata.eval.life": {"zh-CN": "生活事件", "en": "life events"},
        "commands.mydata.eval.risk": {"zh-CN": "离职风险（仅 HR 可见）", "en": "attrition risk (HR only)"},
        "commands.mydata.viewer": {"zh-CN": "{who} {n} 次", "en": "{who} {n}×"},
        "commands.mydata.viewer_api": {"zh-CN": "对接系统或 HR 后台", "en": "an integration or the HR dashboard"},
        "commands.mydata.viewer_system": {"zh-CN": "系统任务", "en": "a system job"},
        "commands.mydata.policy_head": {"zh-CN": "**谁能看到什么**", "en": "**Who sees what**"},
        "commands.mydata.policy_default": {
            "zh-CN": "实名问答 HR 可见，上级只知“HR 会跟进”；匿名调查仅 ≥{k} 人汇总；"
            "生活事件仅 HR；上级看不到谁答了问卷",
            "en": "check-ins: HR sees them, your manager only learns HR will follow up; "
            "team pulse only as totals of {k}+; life events HR only; managers never see who answered",
        },
        "commands.mydata.policy_unchanged": {
            "zh-CN": "公司未放宽默认设置",
            "en": "defaults unchanged by your company",
        },
        "commands.mydata.policy_opened": {
            "zh-CN": "公司已放宽：{role}可查看{category}（{level}）",
            "en": "loosened by your company: {role} may see {category} ({level})",
        },
        "commands.mydata.keep": {
            "zh-CN": "问卷回答 {pulse} 天；生活事件及告知 {declared} 天；消息 {inbox}/{outbox} 天；"
            "查看记录 {audit} 天；离职 {leavers} 天后删除；每日清理",
            "en": "pulse answers {pulse} d; life events and declarations {declared} d; messages {inbox}/{outbox} d; "
            "audit log {audit} d; deleted {leavers} d after leaving; purged daily",
        },
        "commands.mydata.keep.contact": {
            "zh-CN": "更正、删除或复制请找 HR",
            "en": "to correct, delete or copy your data, ask HR",
        },
    }
)
