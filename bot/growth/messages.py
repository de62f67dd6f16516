"""Texts of ``/成长`` and the growth page in zh-CN and en."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "growth.summary": {
            "zh-CN": "我的成长：业绩趋势、入职进度、里程碑",
            "en": "my growth: trend, onboarding, milestones",
        },
        "growth.title": {"zh-CN": "我的成长", "en": "My growth"},
        "growth.head": {"zh-CN": "**我的成长 · {name}**", "en": "**My growth · {name}**"},
        "growth.trend_head": {
            "zh-CN": "**业绩趋势（近 {weeks} 周，按周）**",
            "en": "**Performance (last {weeks} weeks)**",
        },
        "growth.metric": {"zh-CN": "- {label}：{series}", "en": "- {label}: {series}"},
        "growth.target": {"zh-CN": "- 目标：{series}", "en": "- Target: {series}"},
        "growth.completion": {"zh-CN": "- 完成率：{series}", "en": "- Completion: {series}"},
        "growth.median": {
            "zh-CN": "- 团队中位数：{series}",
            "en": "- Team median: {series}",
        },
        "growth.no_reference": {
            "zh-CN": "- 暂无目标；团队不足 {n} 人时不显示中位数",
            "en": "- No target; the team median needs a team of at least {n}",
        },
        "growth.no_metrics": {"zh-CN": "- 暂无业绩数据", "en": "- No performance figures yet"},
        "growth.journey_head": {"zh-CN": "**入职旅程**", "en": "**Onboarding journey**"},
        "growth.journey": {"zh-CN": "- 已完成 {done}/{total} 步", "en": "- {done} of {total} steps done"},
        "growth.next": {"zh-CN": "- 下一步：{title}（{day}）", "en": "- Next: {title} ({day})"},
        "growth.next_undated": {"zh-CN": "- 下一步：{title}", "en": "- Next: {title}"},
        "growth.no_journey": {"zh-CN": "- 你没有入职旅程", "en": "- You have no onboarding journey"},
        "growth.feedback_head": {"zh-CN": "**给你的反馈（{n}）**", "en": "**Feedback for you ({n})**"},
        "growth.feedback": {"zh-CN": "- {title}（{day}）：{note}", "en": "- {title} ({day}): {note}"},
        "growth.milestones_head": {"zh-CN": "**已达成的里程碑**", "en": "**Milestones reached**"},
        "growth.milestone.day_7": {"zh-CN": "入职第 7 天", "en": "Day 7"},
        "growth.milestone.day_30": {"zh-CN": "入职第 30 天", "en": "Day 30"},
        "growth.milestone.day_60": {"zh-CN": "入职第 60 天", "en": "Day 60"},
        "growth.milestone.day_90": {"zh-CN": "入职第 90 天", "en": "Day 90"},
        "growth.milestone.probation": {"zh-CN": "顺利转正", "en": "Probation passed"},
        "growth.milestone": {"zh-CN": "- ✅ {label}（{day}）", "en": "- ✅ {label} ({day})"},
        "growth.no_milestones": {"zh-CN": "- 暂无", "en": "- None yet"},
        "growth.link": {
            "zh-CN": "[查看趋势图]({url})（{days} 天内有效，仅限本人查看）",
            "en": "[Open the chart]({url}) (valid {days} days, for you only)",
        },
        "growth.page.title": {"zh-CN": "我的成长", "en": "My growth"},
        "growth.page.expires": {"zh-CN": "此链接于 {at} 失效", "en": "This link expires at {at}"},
        "growth.page.legend_own": {"zh-CN": "实线：我的每周数据", "en": "Solid line: my weekly figures"},
        "growth.page.legend_target": {"zh-CN": "虚线：我的目标", "en": "Dashed line: my target"},
        "growth.page.legend_median": {
            "zh-CN": "虚线：团队中位数（部门至少 {n} 人）",
            "en": "Dashed line: team median (team of at least {n})",
        },
        "growth.page.trend": {"zh-CN": "业绩趋势（近 {weeks} 周，按周）", "en": "Performance (last {weeks} weeks)"},
        "growth.page.week": {"zh-CN": "周（起始日）", "en": "Week of"},
        "growth.page.mine": {"zh-CN": "我的", "en": "Mine"},
        "growth.page.reference": {"zh-CN": "对比", "en": "Reference"},
        "growth.page.no_metrics": {"zh-CN": "暂无业绩数据", "en": "No performance figures yet"},
        "growth.page.journey": {"zh-CN": "入职旅程", "en": "Onboarding journey"},
        "growth.page.steps": {"zh-CN": "已完成 {done}/{total} 步", "en": "{done} of {total} steps done"},
        "growth.page.no_journey": {"zh-CN": "你没有入职旅程", "en": "You have no onboarding journey"},
        "growth.page.milestones": {"zh-CN": "已达成的里程碑", "en": "Milestones reached"},
        "growth.page.none": {"zh-CN": "暂无", "en": "None yet"},
        "growth.page.forbidden": {
            "zh-CN": "链接无效或已过期。请在聊天中重新发送 /成长 获取新链接。",
            "en": "This link is invalid or has expired. Send /growth in chat for a new one.",
        },
    }
)
