"""Texts of the dashboard's journeys page in zh-CN and en."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "dash.nav.journeys": {"zh-CN": "入职旅程", "en": "Onboarding"},
        "dash.journeys.intro": {
            "zh-CN": "进行中的入职旅程，有逾期任务的排在前面（{n} 人有逾期）。",
            "en": "Onboarding journeys in progress, those with overdue tasks first ({n} with overdue tasks).",
        },
        "dash.journeys.hired_on": {"zh-CN": "入职日期", "en": "Hired on"},
        "dash.journeys.started_on": {"zh-CN": "旅程开始", "en": "Started"},
        "dash.journeys.steps": {"zh-CN": "进度", "en": "Progress"},
        "dash.journeys.overdue": {"zh-CN": "逾期任务", "en": "Overdue tasks"},
        "dash.journeys.next_due": {"zh-CN": "下一项到期", "en": "Next due"},
        "dash.journeys.progress": {"zh-CN": "{done}/{total} 步", "en": "{done}/{total} steps"},
        "dash.journeys.capped": {
            "zh-CN": "只显示前 {n} 条。",
            "en": "Only the first {n} are shown.",
        },
    }
)
