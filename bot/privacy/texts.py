"""Texts of the visibility policy (zh-CN and en): summaries, category and role names, /mydata lines."""

from __future__ import annotations

from bot.core import i18n

_SUMMARIES = {
    # category: (summary name, summary sentence) — never a number, never a comment.
    "checkin": (
        ("关怀问答提示", "Check-in signal"),
        (
            "近期关怀问答显示需要关注，HR 会跟进",
            "Recent care check-ins suggest some attention is needed; HR will follow up",
        ),
    ),
    "participation": (
        ("问卷参与", "Pulse participation"),
        ("问卷参与情况需要关注，HR 会跟进", "Pulse participation needs attention; HR will follow up"),
    ),
    "risk": (
        ("需要关注", "Needs attention"),
        (
            "综合多项信号显示需要多关心，HR 会跟进",
            "Several signals together suggest some extra care; HR will follow up",
        ),
    ),
    "life_event": (
        ("个人情况", "Personal matter"),
        ("员工告知了需要关心的个人情况，HR 会跟进", "The employee told HR about a personal matter; HR will follow up"),
    ),
    "declared": (
        ("个人情况", "Personal matter"),
        ("员工主动告知了一些情况，HR 会跟进", "The employee shared something with HR; HR will follow up"),
    ),
    "attendance": (
        ("工作时长", "Working hours"),
        ("近期考勤显示工作时间偏长", "Recent attendance shows long working hours"),
    ),
    "performance": (
        ("业绩变化", "Performance change"),
        ("近期业绩数据有变化", "Recent performance figures changed"),
    ),
    "other": (
        ("需要关注", "Needs attention"),
        ("有需要关心的情况，HR 会跟进", "Something needs care; HR will follow up"),
    ),
}

_CATEGORIES = {
    "directory": ("基本资料", "profile"),
    "checkin": ("实名关怀问答（回答和补充说明）", "care check-in answers and comments"),
    "team_pulse": ("团队匿名调查", "team pulse"),
    "participation": ("问卷参与情况", "pulse participation"),
    "risk": ("离职风险评估及其信号", "attrition-risk scores and signals"),
    "life_event": ("生活事件", "life events"),
    "declared": ("在对话中主动告知的信息", "what you declared in chat"),
    "attendance": ("考勤", "attendance"),
    "performance": ("业绩指标", "performance metrics"),
    "tag": ("关怀标签", "care tags"),
    "care_action": ("关怀记录", "care actions"),
    "care_note": ("关怀备注", "care notes"),
    "audit_log": ("查看记录（审计日志）", "audit log"),
}
_ROLES = {
    "hr": ("负责你的 HR", "your HR"),
    "hr_admin": ("HR 管理员", "HR administrators"),
    "manager_direct": ("直属上级", "your direct manager"),
    "manager_indirect": ("间接上级", "indirect managers"),
    "mentor": ("导师", "your mentor"),
    "self": ("你本人", "you"),
    "api": ("对接系统（API）", "integrations (API)"),
    "other": ("其他人", "anyone else"),
}
_LEVELS = {"full": ("完整", "in full"), "summary": ("仅摘要", "as a summary"), "none": ("不可见", "not at all")}

messages: dict[str, dict[str, str]] = {
    "privacy.summary_advice": {
        "zh-CN": "HR 会跟进。请像平常一样关心 TA，不要追问问卷或私人细节。",
        "en": "HR will follow up. Show care as you normally would; don't ask about survey answers or private details.",
    },
}
for key, ((name_zh, name_en), (text_zh, text_en)) in _SUMMARIES.items():
    messages[f"privacy.summary_name.{key}"] = {"zh-CN": name_zh, "en": name_en}
    messages[f"privacy.summary.{key}"] = {"zh-CN": text_zh, "en": text_en}
for key, (zh, en) in _CATEGORIES.items():
    messages[f"privacy.category.{key}"] = {"zh-CN": zh, "en": en}
for key, (zh, en) in _ROLES.items():
    messages[f"privacy.role.{key}"] = {"zh-CN": zh, "en": en}
for key, (zh, en) in _LEVELS.items():
    messages[f"privacy.level.{key}"] = {"zh-CN": zh, "en": en}

i18n.register(messages)
