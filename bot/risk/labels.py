"""Plain-language names of the risk features and the messages of the risk surfaces (zh-CN, en)."""

from __future__ import annotations

from bot.core import i18n

# How a feature reads as a reason, with the person's value: "近30天有 8 天深夜下班".
i18n.register(
    {
        "risk.f.late_nights_30d": {
            "zh-CN": "近30天有 {v:g} 天21点后下班",
            "en": "left after 21:00 on {v:g} days in 30",
        },
        "risk.f.overtime_hours_30d": {"zh-CN": "近30天加班 {v:.0f} 小时", "en": "{v:.0f} hours of overtime in 30 days"},
        "risk.f.late_arrivals_30d": {"zh-CN": "近30天迟到 {v:g} 天", "en": "late on {v:g} days in 30"},
        "risk.f.leave_days_30d": {"zh-CN": "近30天请假 {v:g} 天", "en": "{v:g} days of leave in 30"},
        "risk.f.perf_change": {
            "zh-CN": "业绩较前两个月变化 {pct:+.0f}%",
            "en": "performance {pct:+.0f}% vs the 2 months before",
        },
        "risk.f.first_year": {"zh-CN": "入职未满一年", "en": "in the first year after hiring"},
        "risk.f.tenure_years": {"zh-CN": "司龄 {v:.1f} 年", "en": "{v:.1f} years in the company"},
        "risk.f.enps_low": {"zh-CN": "推荐意愿低（eNPS ≤ 6）", "en": "low eNPS (≤ 6)"},
        "risk.f.stress_high": {"zh-CN": "压力自评高（≥ 8）", "en": "high self-rated stress (≥ 8)"},
        "risk.f.care_tags_90d": {"zh-CN": "近90天有 {v:g} 个关怀标签", "en": "{v:g} care tags in 90 days"},
        "risk.kind.learned": {"zh-CN": "学习模型", "en": "learned model"},
        "risk.kind.rules": {"zh-CN": "规则评分", "en": "rule score"},
        "risk.msg.untrained": {
            "zh-CN": "尚未训练模型（运行 carebot risk train），目前使用规则评分",
            "en": "no model trained yet (run carebot risk train); the rule score is in use",
        },
        "risk.msg.few_leavers": {
            "zh-CN": "历史离职样本不足：{leavers} 人，少于 [risk].min_leavers = {min} 人，继续使用规则评分",
            "en": (
                "too few leavers in the history: {leavers}, fewer than [risk].min_leavers = {min}; "
                "the rule score stays in use"
            ),
        },
    }
)


def reason_label(feature: str, value: float, locale: str | None) -> str:
    """The reason a feature gives, in plain words, with the person's value."""
    return i18n.t(f"risk.f.{feature}", locale, v=value, pct=value * 100)
