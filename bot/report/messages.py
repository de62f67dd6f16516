"""The report's texts in zh-CN and en (registered with bot.core.i18n on import)."""

from __future__ import annotations

from bot.core import i18n


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


i18n.register(
    {
        "report.db_failed": _m(
            "数据库操作失败：{reason}；是否已运行 `carebot db upgrade`？",
            "database operation failed: {reason}; did you run `carebot db upgrade`?",
        ),
        "report.title": _m("关怀成效报告", "Care effectiveness report"),
        "report.period": _m(
            "**统计期**：{start} – {end}（{days} 天，其中工作日 {workdays} 天）",
            "**Period**: {start} – {end} ({days} days, {workdays} workdays)",
        ),
        "report.generated": _m(
            "生成于 {at}。本报告只含汇总数据；少于 {n} 人的组显示为“样本不足”。",
            "Generated {at}. Aggregates only; groups of fewer than {n} people show “insufficient sample”.",
        ),
        "report.insufficient": _m("样本不足", "insufficient sample"),
        "report.none": _m("本期没有数据。", "No data in this period."),
        "report.count": _m("数量", "Count"),
        "report.people": _m("人数", "People"),
        # 1. care activity
        "report.s1": _m("一、关怀活动", "1. Care activity"),
        "report.s1.tags": _m(
            "本期共产生 **{tags}** 个关怀标签，涉及 **{people}** 人。",
            "**{tags}** care tags were raised in the period, about **{people}** people.",
        ),
        "report.s1.rule": _m("规则", "Rule"),
        "report.s1.severity": _m("严重程度", "Severity"),
        "report.s1.tag_count": _m("标签数", "Tags"),
        "report.severity.high": _m("高", "high"),
        "report.severity.medium": _m("中", "medium"),
        "report.severity.low": _m("低", "low"),
        "report.s1.reminders": _m(
            "提醒（本期新建，截至生成时的状态）", "Reminders (created in the period, status as of now)"
        ),
        "report.s1.status": _m("状态", "Status"),
        "report.rem.created": _m("新建", "created"),
        "report.rem.sent": _m("已发送", "sent"),
        "report.rem.done": _m("已跟进", "done"),
        "report.rem.dismissed": _m("不需要（人工判断）", "dismissed (by a person)"),
        "report.rem.auto_closed": _m(
            "系统关闭（发送前员工离职）", "closed by the system (employee left before sending)"
        ),
        "report.rem.expired": _m("已过时（时机已过，未再发送）", "expired (their moment passed; not sent any more)"),
        "report.rem.snoozed": _m("曾稍后提醒", "snoozed at least once"),
        "report.rem.capped": _m("超出关怀次数上限，未发送", "held back by the care-contact cap"),
        "report.rem.held_out": _m("对照组暂缓发送（评估模式）", "held back for the holdout (evaluation mode)"),
        "report.rem.still_open": _m("仍待处理", "still open"),
        "report.rem.acted_on": _m("发送后已处理", "acted on after sending"),
        "report.s1.rate": _m(
            "**跟进率**：{rate}（已发送的 {sent} 条中有 {acted} 条被标记为已跟进）",
            "**Follow-up rate**: {rate} ({acted} of {sent} sent reminders marked done)",
        ),
        "report.s1.dismissed_rate": _m(
            "**不需要**：{rate}（{n} 条被标记为不需要，不算作跟进）；已处理合计 {closed}。",
            "**Not needed**: {rate} ({n} marked not needed, not counted as follow-up); closed in all {closed}.",
        ),
        "report.s1.rate_none": _m("**跟进率**：本期没有已发送的提醒。", "**Acted-on rate**: no reminder was sent."),
        "report.s1.tta": _m(
            "**响应时间**（从发送到处理，{n} 条）：中位数 {median}，P90 {p90} 工作小时"
            "（只计工作日 {start}–{end}）；按自然时间：中位数 {median_plain}，P90 {p90_plain} 小时。",
            "**Time to act** (send to action, {n} reminders): median {median}, p90 {p90} working hours "
            "(workdays {start}–{end} only); in plain hours: median {median_plain}, p90 {p90_plain}.",
        ),
        "report.s1.tta_none": _m("**响应时间**：本期没有已处理的提醒。", "**Time to act**: no reminder was acted on."),
        "report.s1.reasons": _m("不需要的原因（用于调整规则）", "Dismiss reasons (to tune the rules)"),
        "report.s1.reason": _m("原因", "Reason"),
        "report.reason.none": _m("（未填写原因）", "(no reason given)"),
        "report.reason.other": _m("其他", "other"),
        "report.s1.actions": _m("关怀记录（按类型）", "Care log (by kind)"),
        "report.s1.kind": _m("类型", "Kind"),
        "report.kind.done": _m("已跟进", "done"),
        "report.kind.dismissed": _m("不需要", "dismissed"),
        "report.kind.talk": _m("谈话", "talk"),
        "report.kind.note": _m("补充备注", "note added"),
        # 2. pulse after care
        "report.s2": _m("二、关怀后的情绪变化", "2. Pulse change after care"),
        "report.s2.intro": _m(
            "比较参照日及之前 {n} 天与之后 {n} 天的实名关怀问答平均分（只计两段都有回答的人，每人先取平均）。"
            "已关怀：本期有提醒被标记为已跟进，参照日为首次跟进当天；未跟进：本期被打标签但提醒无人处理，参照日为标签当天。"
            "差异中的差异 = 已关怀组的变化 − 未跟进组的变化。",
            "Mean identified check-in answers in the {n} days up to the reference day vs the {n} days after "
            "(people with answers in both windows; each person's mean first). Cared: a reminder was marked done "
            "in the period, reference day = first such action; not acted on: tagged in the period, nobody acted "
            "on the reminders, reference day = the tag's. Difference in differences = change of the cared − "
            "change of the not acted on.",
        ),
        "report.s2.question": _m("问题", "Question"),
        "report.s2.group": _m("组", "Group"),
        "report.s2.before": _m("之前", "Before"),
        "report.s2.after": _m("之后", "After"),
        "report.s2.change": _m("变化", "Change"),
        "report.s2.did": _m("{question}：差异中的差异 {value}", "{question}: difference in differences {value}"),
        "report.group.cared": _m("已关怀", "cared"),
        "report.group.not_acted": _m("未跟进", "not acted on"),
        "report.group.not_cared": _m("未关怀", "not cared"),
        "report.q.mood": _m("心情（1–5，越高越好）", "Mood (1–5, higher is better)"),
        "report.q.stress": _m("压力（0–10，越低越好）", "Stress (0–10, lower is better)"),
        "report.q.workload": _m("工作量（1–5）", "Workload (1–5)"),
        "report.q.supported": _m("获得支持（1–5，越高越好）", "Feeling supported (1–5, higher is better)"),
        "report.q.enps": _m("推荐度 eNPS（0–10）", "eNPS (0–10)"),
        "report.q.stay_2y": _m("两年后还在这里（1–5）", "See myself here in two years (1–5)"),
        "report.q.felt_cared": _m("感到被关心（1–5，越高越好）", "Felt cared for (1–5, higher is better)"),
        # 3. turnover
        "report.s3": _m("三、离职", "3. Turnover"),
        "report.s3.intro": _m(
            "本期被打标签的员工在首个标签后 {n} 天内的离职情况（已关怀 = 本期有提醒被标记为已跟进）。",
            "Of the people tagged in the period, who left within {n} days of their first tag "
            "(cared = a reminder was marked done in the period).",
        ),
        "report.s3.left": _m("离职", "Left"),
        "report.s3.voluntary": _m("主动", "Voluntary"),
        "report.s3.involuntary": _m("被动", "Involuntary"),
        "report.s3.other": _m("其他", "Other"),
        "report.s3.rate": _m("离职率", "Rate"),
        "report.s3.observed": _m(
            "其中 {n} 人的 {days} 天观察期尚未结束，数字可能还会上升。",
            "For {n} of them the {days}-day window is still running; the figures may still rise.",
        ),
        "report.s3.overall": _m(
            "**全公司**：本期离职 {left} 人（主动 {voluntary}、被动 {involuntary}、其他 {other}），"
            "期初在职 {start} 人、期末 {end} 人，离职率 {rate}（离职人数 ÷ 期初期末平均人数）。",
            "**Company**: {left} left in the period ({voluntary} voluntary, {involuntary} involuntary, "
            "{other} other); headcount {start} at the start, {end} at the end; turnover {rate} "
            "(leavers ÷ average of the two).",
        ),
        # 4. HR time
        "report.s4": _m("四、HR 时间", "4. HR time"),
        "report.s4.item": _m("项目", "Item"),
        "report.s4.value": _m("数值", "Value"),
        "report.s4.actions": _m("关怀沟通（已跟进、谈话）", "care conversations (done, talk)"),
        "report.s4.care": _m(
            "关怀用时（{n} 次按 HR 记录的时长，其余每次按 {m} 分钟）",
            "care time ({n} with the duration HR recorded, the rest {m} min each)",
        ),
        "report.s4.no_care": _m("本期没有关怀沟通，无从比较", "no care conversation in the period: nothing to compare"),
        "report.s4.baseline": _m(
            "基线：每个工作日和每位员工聊一次（每次 {m} 分钟，平均在职 {people} 人 × {days} 个工作日）",
            "baseline: a chat with everyone every workday ({m} min each, {people} people on average × {days} workdays)",
        ),
        "report.s4.saved": _m("节省", "saved"),
        "report.minutes": _m("{m} 分钟（{h}）", "{m} min ({h})"),
        # 5. team pulse
        "report.s5": _m("五、团队匿名调查", "5. Team pulse"),
        "report.s5.intro": _m(
            "只显示至少 {n} 人回答的汇总，任何人都看不到个人回答。",
            "Only aggregates of at least {n} respondents are shown; nobody sees a person's answer.",
        ),
        "report.s5.window": _m(
            "统计区间：{start}–{end}（按已结束的半月统计：1–15 日、16 日–月底；"
            "回答人数向下取整到 5 的倍数，平均分保留一位小数）。",
            "Window: {start} – {end} (closed half-months only: 1st–15th, 16th–end; "
            "respondents rounded down to a multiple of 5, means to one decimal).",
        ),
        "report.s5.no_window": _m(
            "所选期间没有已结束的统计半月：团队匿名调查只按已结束的半月统计，以防相减推算出个人回答。",
            "The period touches no closed half-month: the team pulse is only reported by closed half-months, "
            "so that no figure can be subtracted from another to reveal a person's answer.",
        ),
        "report.s5.scope": _m("范围", "Scope"),
        "report.s5.company": _m("全公司", "Company"),
        "report.s5.respondents": _m("回答人数", "Respondents"),
        "report.s5.average": _m("平均分", "Average"),
        "report.fc": _m("感到被关心（回答 4–5 分的比例）", "Felt cared for (share answering 4–5)"),
        "report.fc.period": _m("时段", "Period"),
        "report.fc.share": _m("4–5 分比例", "Share 4–5"),
        "report.fc.trend": _m(
            "趋势：从最早有数据的时段到最近时段变化 {value} 个百分点。",
            "Trend: {value} percentage points from the earliest period with data to the latest.",
        ),
        "report.fc.no_trend": _m(
            "至少两个时段达到人数下限后才显示趋势。", "A trend shows once two periods reach the minimum group size."
        ),
        # CSV labels of single figures (metric keys as in the JSON form)
        "report.csv.from": _m("开始日期", "from"),
        "report.csv.to": _m("结束日期", "to"),
        "report.csv.days": _m("天数", "days"),
        "report.csv.workdays": _m("工作日数", "workdays"),
        "report.csv.generated_at": _m("生成时间", "generated at"),
        "report.csv.min_group_size": _m("最小分组人数", "minimum group size"),
        "report.csv.acted_on_rate": _m("处理率（已跟进或不需要）", "acted-on rate (done or not needed)"),
        "report.csv.followed_up": _m("发送后已跟进", "done after sending"),
        "report.csv.followed_up_rate": _m("跟进率", "follow-up rate"),
        "report.csv.dismissed_after_send": _m("发送后标记不需要", "not needed after sending"),
        "report.csv.dismissed_rate": _m("不需要比例", "not-needed rate"),
        "report.csv.recorded_actions": _m("记录了时长的关怀沟通", "conversations with a recorded duration"),
        "report.csv.recorded_minutes": _m("记录的时长（分钟）", "recorded duration (minutes)"),
        "report.csv.time_to_act_reminders": _m("已处理的提醒", "reminders acted on"),
        "report.csv.working_hours_median": _m("响应时间中位数（工作小时）", "time to act, median (working hours)"),
        "report.csv.working_hours_p90": _m("响应时间 P90（工作小时）", "time to act, p90 (working hours)"),
        "report.csv.hours_median": _m("响应时间中位数（小时）", "time to act, median (hours)"),
        "report.csv.hours_p90": _m("响应时间 P90（小时）", "time to act, p90 (hours)"),
        "report.csv.still_observed": _m("观察期尚未结束的人数", "people whose window is still running"),
        "report.csv.headcount_start": _m("期初在职人数", "headcount at the start"),
        "report.csv.headcount_end": _m("期末在职人数", "headcount at the end"),
        "report.csv.care_actions": _m("关怀沟通次数", "care conversations"),
        "report.csv.minutes_per_care_action": _m("每次关怀分钟数", "minutes per care action"),
        "report.csv.care_minutes": _m("关怀用时（分钟）", "care time (minutes)"),
        "report.csv.employee_workdays": _m("在职人 × 工作日", "employee workdays"),
        "report.csv.average_active_employees": _m("平均在职人数", "average active employees"),
        "report.csv.baseline_minutes_per_chat": _m("基线每次聊天分钟数", "baseline minutes per chat"),
        "report.csv.baseline_minutes": _m("基线用时（分钟）", "baseline time (minutes)"),
        "report.csv.saved_minutes": _m("节省（分钟）", "saved (minutes)"),
        "report.csv.saved_share": _m("节省比例", "saved share"),
    }
)


def label(prefix: str, key: str, locale: str) -> str:
    """The text of ``prefix.key`` in ``locale``, or ``key`` itself when there is none (a new kind)."""
    full = f"{prefix}.{key}"
    return i18n.t(full, locale) if i18n.has(full) else key


i18n.register(
    {
        "report.risk.title": {"zh-CN": "离职风险模型", "en": "Attrition-risk model"},
        "report.risk.learned": {
            "zh-CN": "使用学习模型（截至 {as_of} 训练，预测 {days} 天内离职的概率）。",
            "en": "A learned model is in use (trained as of {as_of}; probability of leaving within {days} days).",
        },
        "report.risk.rules": {"zh-CN": "使用规则评分：{why}", "en": "The rule score is in use: {why}"},
    }
)
