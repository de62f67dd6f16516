"""The model and back-test figures as text lines (CLI, report) in zh-CN or en."""

from __future__ import annotations

from typing import Any

from bot.core import i18n

i18n.register(
    {
        "risk.r.learned": {
            "zh-CN": "离职风险模型：学习模型（截至 {as_of}，{rows} 个人·月，{leavers} 名离职者，"
            "预测 {horizon} 天内离职）",
            "en": "attrition model: learned (as of {as_of}, {rows} person-months, {leavers} leavers, "
            "horizon {horizon} days)",
        },
        "risk.r.rules": {"zh-CN": "离职风险模型：规则评分。{message}", "en": "attrition model: rule score. {message}"},
        "risk.r.overall": {
            "zh-CN": "时间切分回测（{n} 个截止日，共 {rows} 人次，{left} 人离职）：ROC-AUC {auc}，PR-AUC {pr_auc}"
            "（基准 {base}），前 10% 覆盖离职者 {top10}，前 20% 覆盖 {top20}",
            "en": "time-split back-test ({n} cut-offs, {rows} scored, {left} left): ROC-AUC {auc}, PR-AUC {pr_auc} "
            "(base rate {base}), leavers caught in the top 10 % {top10}, top 20 % {top20}",
        },
        "risk.r.point": {
            "zh-CN": "  截止 {cutoff}：{n} 人，{left} 人离职，AUC {auc}，前 10% {top10}，前 20% {top20}",
            "en": "  cut-off {cutoff}: {n} people, {left} left, AUC {auc}, top 10 % {top10}, top 20 % {top20}",
        },
        "risk.r.skipped": {
            "zh-CN": "  跳过的截止日（离职样本不足）：{days}",
            "en": "  cut-offs skipped (too few leavers): {days}",
        },
        "risk.r.deciles": {
            "zh-CN": "校准（按预测十分位：预测 → 实际）：",
            "en": "calibration by decile (predicted → observed):",
        },
        "risk.r.decile": {"zh-CN": "  第 {d} 组（{n} 人）：{p} → {o}", "en": "  decile {d} ({n}): {p} → {o}"},
        "risk.r.none": {"zh-CN": "没有可用的回测结果：{why}", "en": "no back-test figures: {why}"},
    }
)


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _num(value: Any) -> str:
    return "—" if value is None else f"{float(value):.3f}"


def backtest_lines(figures: dict[str, Any] | None, locale: str | None) -> list[str]:
    """The pooled figures, one line per cut-off, and the calibration deciles."""
    if not figures or not figures.get("points"):
        why = ", ".join((figures or {}).get("skipped") or []) or "—"
        return [i18n.t("risk.r.none", locale, why=why)]
    lines = [
        i18n.t(
            "risk.r.overall",
            locale,
            n=len(figures["points"]),
            rows=figures["n"],
            left=figures["leavers"],
            auc=_num(figures["auc"]),
            pr_auc=_num(figures["pr_auc"]),
            base=_pct(figures["base_rate"]),
            top10=_pct(figures["top10"]),
            top20=_pct(figures["top20"]),
        )
    ]
    for p in figures["points"]:
        lines.append(
            i18n.t(
                "risk.r.point",
                locale,
                cutoff=p["cutoff"],
                n=p["n"],
                left=p["leavers"],
                auc=_num(p["auc"]),
                top10=_pct(p["top10"]),
                top20=_pct(p["top20"]),
            )
        )
    if figures.get("skipped"):
        lines.append(i18n.t("risk.r.skipped", locale, days=", ".join(figures["skipped"])))
    lines.append(i18n.t("risk.r.deciles", locale))
    for d in figures.get("calibration") or []:
        lines.append(
            i18n.t("risk.r.decile", locale, d=d["decile"], n=d["n"], p=_pct(d["predicted"]), o=_pct(d["observed"]))
        )
    return lines
