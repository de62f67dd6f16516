"""The ``experiment`` section in the report's three formats (JSON keys, CSV rows, Markdown lines)."""

from __future__ import annotations

from typing import Any

from bot.core import i18n
from bot.core.settings.evaluation import ARMS
from bot.evaluation import messages  # noqa: F401  (registers the texts)
from bot.evaluation.experiment import ArmFigures, Experiment
from bot.evaluation.performance import GroupPerformance, PerformanceAfterCare
from bot.evaluation.stats import Estimate

CsvRow = tuple[str, str, str, str, object, str]
DIFFERENCES = ("turnover_difference", "turnover_difference_voluntary", "pulse_difference", "performance_difference")


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _p(value: float | None) -> float | None:
    # p-values keep 4 significant digits, so 0.0000573 is not shown as 0
    return None if value is None else float(f"{value:.4g}")


def estimate_dict(e: Estimate) -> dict[str, float | None]:
    return {"estimate": _r(e.estimate), "ci_low": _r(e.ci_low), "ci_high": _r(e.ci_high), "p_value": _p(e.p_value)}


def _arm(a: ArmFigures) -> dict[str, int | None]:
    return {"employees": a.employees, "left": a.left, "left_voluntary": a.left_voluntary}


def _estimates(x: Experiment) -> dict[str, Estimate]:
    return dict(zip(DIFFERENCES, (x.turnover, x.turnover_voluntary, x.pulse, x.performance), strict=True))


def as_json(x: Experiment) -> dict[str, Any]:
    """The JSON form: the issue's shape, with the realised share and what HR did beside it."""
    est = _estimates(x)
    return {
        "enabled": x.enabled,
        "holdout_share": x.holdout_share,
        "unit": x.unit,
        "arms": {arm: _arm(x.arms[arm]) for arm in ARMS},
        "turnover_difference": estimate_dict(est["turnover_difference"]),
        "pulse_difference": estimate_dict(est["pulse_difference"]),
        "performance_difference": estimate_dict(est["performance_difference"]),
        "turnover_difference_voluntary": estimate_dict(est["turnover_difference_voluntary"]),
        "realised_holdout_share": _r(x.realised_holdout_share),
        "start": x.start.isoformat() if x.start else None,
        "suppressed": x.suppressed,
        "window_days": x.window_days,
        "pulse_question": x.pulse_question,
        "performance_weeks": x.performance_weeks,
        "analysis": "intention_to_treat",
        "hr_actions": {
            arm: {
                "cared": x.arms[arm].cared,
                "pulse_people": x.arms[arm].pulse_people,
                "performance_people": x.arms[arm].performance_people,
            }
            for arm in ARMS
        },
    }


def csv_rows(x: Experiment, loc: str) -> list[CsvRow]:
    """One figure per row under section ``experiment`` (``metric``/``group`` as the JSON keys)."""

    def row(metric: str, group: str, label: str, value: object, suppressed: bool = False) -> CsvRow:
        return ("experiment", metric, group, label, "" if value is None else value, "suppressed" if suppressed else "")

    t = i18n.t
    rows = [
        row("enabled", "", t("exp.enabled", loc), str(x.enabled).lower()),
        row("holdout_share", "", t("exp.share", loc), x.holdout_share),
        row("realised_holdout_share", "", t("exp.realised", loc), _r(x.realised_holdout_share)),
        row("unit", "", t("exp.unit", loc), x.unit),
    ]
    for arm in ARMS:
        a = x.arms[arm]
        name = t(f"exp.arm.{arm}", loc)
        hidden = a.left is None and a.employees > 0
        rows += [
            row("employees", arm, name, a.employees),
            row("left", arm, name, a.left, hidden),
            row("left_voluntary", arm, name, a.left_voluntary, hidden),
            row("cared", arm, name, a.cared, hidden),
        ]
    for key, e in _estimates(x).items():
        for field, value in estimate_dict(e).items():
            rows.append(row(key, field, t(f"exp.{key}", loc), value, x.suppressed))
    return rows


def _pct(value: float | None, *, signed: bool = False) -> str:
    return "—" if value is None else (f"{value * 100:+.1f} pp" if signed else f"{value * 100:.1f}%")


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def _p_text(value: float | None) -> str:
    return "—" if value is None else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def markdown(x: Experiment, loc: str) -> list[str]:
    """The section as Markdown lines (a heading, the arms table, the differences table, how to read it)."""
    t = i18n.t
    out = [f"## {t('exp.title', loc)}", ""]
    if not x.enabled:
        return [*out, t("exp.off", loc), ""]
    out += [
        t(
            "exp.intro",
            loc,
            share=_pct(x.holdout_share),
            realised=_pct(x.realised_holdout_share),
            unit=t(f"exp.unit.{x.unit}", loc),
            start=i18n.fmt_date(x.start, loc, with_year=True) if x.start else "—",
            days=x.window_days,
        ),
        "",
    ]
    head = [
        t(k, loc)
        for k in ("exp.col.arm", "exp.col.people", "exp.col.left", "exp.col.voluntary", "exp.col.rate", "exp.col.cared")
    ]
    out += ["| " + " | ".join(head) + " |", "|---|---:|---:|---:|---:|---:|"]
    for arm in ARMS:
        a = x.arms[arm]
        if a.left is None:
            cells = [t(f"exp.arm.{arm}", loc), str(a.employees), t("report.insufficient", loc), "—", "—", "—"]
        else:
            rate = a.left / a.employees if a.employees else None
            cells = [
                t(f"exp.arm.{arm}", loc),
                str(a.employees),
                str(a.left),
                str(a.left_voluntary),
                _pct(rate),
                str(a.cared),
            ]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    if x.suppressed:
        return [*out, t("exp.suppressed", loc), ""]
    head = [t(k, loc) for k in ("exp.col.measure", "exp.col.estimate", "exp.col.ci", "exp.col.p")]
    out += ["| " + " | ".join(head) + " |", "|---|---:|---:|---:|"]
    for key, e in _estimates(x).items():
        as_pct = key.startswith("turnover") or key == "performance_difference"
        fmt = (lambda v: _pct(v, signed=True)) if as_pct else _num
        ci = "—" if e.ci_low is None else f"{fmt(e.ci_low)} … {fmt(e.ci_high)}"
        out.append(f"| {t(f'exp.{key}', loc)} | {fmt(e.estimate)} | {ci} | {_p_text(e.p_value)} |")
    return [*out, "", t("exp.read", loc, weeks=x.performance_weeks), ""]


def _group(g: GroupPerformance) -> dict[str, Any]:
    return {"people": g.people, "suppressed": g.suppressed, "change": _r(g.change)}


def performance_json(p: PerformanceAfterCare) -> dict[str, Any]:
    """``performance_after_care``: cared vs not cared, the difference, and the arms (``null`` when off)."""
    return {
        "weeks": p.weeks,
        "metrics": list(p.metrics),
        "cared": _group(p.cared),
        "not_cared": _group(p.not_cared),
        "difference": estimate_dict(p.difference),
        "arms": None if p.arms is None else {arm: _group(g) for arm, g in p.arms.items()},
    }


def performance_rows(p: PerformanceAfterCare, loc: str) -> list[CsvRow]:
    """The section as CSV rows (``performance`` section, group = cared / not_cared / arm)."""
    groups = {"cared": p.cared, "not_cared": p.not_cared, **(p.arms or {})}
    rows: list[CsvRow] = []
    for key, g in groups.items():
        name = i18n.t(f"perf.group.{key}", loc)
        rows.append(("performance", "people", key, name, g.people, ""))
        rows.append(
            (
                "performance",
                "change",
                key,
                name,
                "" if g.change is None else _r(g.change),
                "suppressed" if g.suppressed else "",
            )
        )
    for field, value in estimate_dict(p.difference).items():
        rows.append(
            ("performance", "difference", field, i18n.t("perf.difference", loc), "" if value is None else value, "")
        )
    return rows


def performance_md(p: PerformanceAfterCare, loc: str) -> list[str]:
    """The section as Markdown lines."""
    t = i18n.t
    names = ", ".join(p.metrics) or "—"
    out = [f"## {t('perf.title', loc)}", "", t("perf.intro", loc, weeks=p.weeks, metrics=names), ""]
    out += [
        "| " + t("exp.col.arm", loc) + " | " + t("exp.col.people", loc) + " | " + t("perf.change", loc) + " |",
        "|---|---:|---:|",
    ]
    groups = {"cared": p.cared, "not_cared": p.not_cared, **(p.arms or {})}
    for key, g in groups.items():
        value = t("report.insufficient", loc) if g.suppressed else _pct(g.change, signed=True).replace(" pp", " %")
        out.append(f"| {t(f'perf.group.{key}', loc)} | {g.people} | {value} |")
    e = p.difference
    if e.estimate is not None:
        ci = "—" if e.ci_low is None else f"{_pct(e.ci_low, signed=True)} … {_pct(e.ci_high, signed=True)}"
        out += ["", t("perf.did", loc, value=_pct(e.estimate, signed=True), ci=ci, p=_p_text(e.p_value))]
    return [*out, ""]
