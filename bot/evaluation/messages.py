"""Texts of evaluation mode (report section, CLI), zh-CN and en, registered with bot.core.i18n on import."""

from __future__ import annotations

from bot.core import i18n


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


i18n.register(
    {
        "exp.title": _m("七、对照实验（关怀组 vs 对照组）", "7. Controlled experiment (care vs holdout)"),
        "exp.off": _m(
            "未开启评估模式（[evaluation].enabled = false）：上面的比较是观察性的，不能证明因果。",
            "Evaluation mode is off ([evaluation].enabled = false): the comparisons above are observational, "
            "not proof.",
        ),
        "exp.intro": _m(
            "按{unit}随机分组，设定对照组比例 {share}（实际 {realised}），自 {start} 起。"
            "对照组员工照常打标签，但提醒暂不发送（健康与合规类规则除外）。"
            "按意向治疗（ITT）分析：本期被打标签的人按所在组比较，不论 HR 实际是否跟进；"
            "离职指首个标签后 {days} 天内离职。",
            "Randomised by {unit}; configured holdout share {share} (realised {realised}), since {start}. "
            "Holdout people are tagged as usual but their reminders are held back (wellbeing and legal rules "
            "excepted). Intention to treat: people tagged in the period are compared by assigned arm, whatever HR "
            "did; leaving means within {days} days of the first tag.",
        ),
        "exp.unit.employee": _m("员工", "employee"),
        "exp.unit.department": _m("部门", "department"),
        "exp.arm.care": _m("关怀组", "care"),
        "exp.arm.holdout": _m("对照组", "holdout"),
        "exp.col.arm": _m("组", "Arm"),
        "exp.col.people": _m("本期被打标签人数", "People tagged"),
        "exp.col.left": _m("离职", "Left"),
        "exp.col.voluntary": _m("主动离职", "Voluntary"),
        "exp.col.rate": _m("离职率", "Rate"),
        "exp.col.cared": _m("实际被跟进（仅供参考）", "Actually cared for (for reference)"),
        "exp.col.measure": _m("指标（关怀组 − 对照组）", "Measure (care − holdout)"),
        "exp.col.estimate": _m("估计", "Estimate"),
        "exp.col.ci": _m("95% 置信区间", "95% CI"),
        "exp.col.p": _m("p 值", "p-value"),
        "exp.turnover_difference": _m("离职率差", "Turnover difference"),
        "exp.turnover_difference_voluntary": _m("主动离职率差", "Voluntary turnover difference"),
        "exp.pulse_difference": _m("心情变化差（1–5）", "Mood change difference (1–5)"),
        "exp.performance_difference": _m("业绩相对变化差", "Relative performance change difference"),
        "exp.suppressed": _m(
            "至少一组人数不足，不显示差异。", "At least one arm is too small: differences are not shown."
        ),
        "exp.read": _m(
            "区间不含 0 才说明两组确有差别；p 值越小，越不可能是偶然。"
            "业绩为首个标签后 {weeks} 周对比前 {weeks} 周的相对变化。"
            "方法与局限见 docs/report.md。",
            "Only an interval that excludes 0 shows a real difference; the smaller the p-value, the less likely "
            "chance. Performance is the relative change in the {weeks} weeks after the first tag against the "
            "{weeks} weeks before. Method and limits: docs/report.md.",
        ),
        "exp.plan.need": _m(
            "没有足够的数据估算：请用 --employees 和 --base-turnover 给出公司人数和年离职率。",
            "not enough data to estimate: give the company size and annual turnover with --employees and "
            "--base-turnover.",
        ),
        "exp.plan.result": _m(
            "公司 {employees} 人，年离职率 {turnover}：被打标签后 {window} 天内离职的概率约 {base}。\n"
            "要以 {power} 的把握（显著性 {alpha}）发现关怀让离职减少 {reduction}（{base} → {target}），"
            "需要 {people} 名被打标签的员工（关怀组 {care}，对照组 {holdout}，对照组比例 {share}）。\n"
            "按每月约 {tagged} 人被打标签，需入组 {enrol} 个月，再观察 {window} 天：共约 {months} 个月。",
            "{employees} employees, annual turnover {turnover}: about {base} leave within {window} days of a tag.\n"
            "To detect a {reduction} reduction ({base} → {target}) with {power} power at {alpha} significance "
            "you need {people} tagged people ({care} care, {holdout} holdout, holdout share {share}).\n"
            "At about {tagged} people tagged a month: {enrol} months of enrolment plus {window} days of "
            "follow-up, about {months} months in all.",
        ),
        "exp.assign.off": _m(
            "评估模式未开启或尚未到开始日期（[evaluation].enabled / start）。",
            "evaluation mode is off or its start day has not come ([evaluation].enabled / start).",
        ),
        "exp.assign.done": _m(
            "新分组 {n} 个单位（关怀组 {care}，对照组 {holdout}）；目前对照组实际比例 {realised}。",
            "{n} units newly assigned ({care} care, {holdout} holdout); realised holdout share now {realised}.",
        ),
        "perf.title": _m("八、关怀后的业绩变化", "8. Performance after care"),
        "perf.intro": _m(
            "每人业绩指标（{metrics}）在参照日后 {weeks} 周相对前 {weeks} 周的变化（越高越好）。"
            "已关怀：参照日为本期首次跟进；未关怀：本期被打标签但未被跟进，参照日为首个标签。"
            "这一比较是观察性的（HR 自己选择先关心谁）；按评估分组的比较参照日为首个标签。",
            "Each person's relative change of the performance metrics ({metrics}) in the {weeks} weeks after "
            "the reference day against the {weeks} weeks before (higher is better). Cared: reference day = first "
            "care action in the period; not cared: tagged, not cared for, reference day = first tag. This split "
            "is observational (HR chooses whom to care for first); the arms are measured from the first tag.",
        ),
        "perf.change": _m("平均相对变化", "Mean relative change"),
        "perf.group.cared": _m("已关怀", "cared"),
        "perf.group.not_cared": _m("未关怀", "not cared"),
        "perf.group.care": _m("关怀组（评估）", "care arm"),
        "perf.group.holdout": _m("对照组（评估）", "holdout arm"),
        "perf.difference": _m("已关怀 − 未关怀", "cared − not cared"),
        "perf.did": _m(
            "已关怀 − 未关怀：{value}（95% 置信区间 {ci}，p = {p}）",
            "Cared − not cared: {value} (95% CI {ci}, p = {p})",
        ),
        "exp.enabled": _m("是否开启评估模式", "evaluation mode on"),
        "exp.share": _m("设定对照组比例", "configured holdout share"),
        "exp.realised": _m("实际对照组比例", "realised holdout share"),
        "exp.unit": _m("随机单位", "randomisation unit"),
    }
)
