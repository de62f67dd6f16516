"""Dashboard page ``/dashboard/risk``: the attrition model, its back-test with a chart, the top risks.

The calibration chart is a server-rendered SVG (no scripts: the dashboard's CSP allows none): per
decile of predicted probability, the mean prediction next to the observed leaving rate. People are
limited to the viewer's HR scope; one audit row per person shown.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.models import Employee
from bot.people import audit
from bot.risk import present, render, scores
from handlers.dashboard import bp
from handlers.dashboard.auth import locale, viewer
from handlers.dashboard.pages import _scope

TOP = 20
CHART_W, CHART_H, PAD = 520, 200, 28

i18n.register(
    {
        "dash.nav.risk": {"zh-CN": "离职风险", "en": "Attrition risk"},
        "dash.risk.model_learned": {
            "zh-CN": "学习模型：截至 {as_of} 训练，分数为 {days} 天内离职的概率。",
            "en": "Learned model, trained as of {as_of}; scores are the probability of leaving within {days} days.",
        },
        "dash.risk.model_rules": {"zh-CN": "规则评分：{why}", "en": "Rule score: {why}"},
        "dash.risk.chart": {
            "zh-CN": "校准：每个预测十分位的平均预测（浅色）与实际离职率（深色）",
            "en": "Calibration: mean prediction (light) and observed leaving rate (dark) per decile",
        },
        "dash.risk.top": {"zh-CN": "风险最高的 {n} 人", "en": "Top {n} risks"},
        "dash.risk.person": {"zh-CN": "员工", "en": "Person"},
        "dash.risk.score": {"zh-CN": "分数", "en": "Score"},
        "dash.risk.reasons": {"zh-CN": "主要原因", "en": "Main reasons"},
    }
)


def chart(calibration: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bar geometry for the calibration chart (two bars per decile, scaled to the largest value)."""
    top = max([0.01, *(max(d["predicted"], d["observed"]) for d in calibration)])
    slot = (CHART_W - PAD) / max(1, len(calibration))
    bars = []
    for i, d in enumerate(calibration):
        for j, (key, colour) in enumerate((("predicted", "#9ab"), ("observed", "#246"))):
            h = (CHART_H - PAD) * d[key] / top
            x = PAD + i * slot + j * slot * 0.4 + slot * 0.1
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(CHART_H - PAD - h, 1),
                    "w": round(slot * 0.38, 1),
                    "h": round(h, 1),
                    "fill": colour,
                    "title": f"{d['decile']}: {key} {d[key]:.1%}",
                }
            )
    return bars


@bp.get("/risk")
def risk() -> ResponseReturnValue:
    """The model in force today, its back-test figures and chart, and the top risks in scope."""
    runtime, loc = get_runtime(), locale()
    today = runtime.today()
    with runtime.db.session() as s:
        allowed = set(s.scalars(select(Employee.id).where(_scope())))
        view = scores.view(s, runtime, today, employee_ids=allowed, limit=TOP, locale=loc)
        record = scores.model_in_force(s, today)
        ids = present.userids(s, view)
        names = dict(s.execute(select(Employee.id, Employee.name).where(Employee.id.in_(list(ids)))).all())
        audit.record_views(
            s,
            viewer().actor,
            ids.values(),
            "view.dashboard.risk",
            "dashboard",
            {"kind": view.kind},
            at=runtime.clock.now(),
        )
    if view.kind == "learned" and record is not None:
        summary = i18n.t("dash.risk.model_learned", loc, as_of=record.as_of, days=view.horizon_days)
    else:
        summary = i18n.t("dash.risk.model_rules", loc, why=view.message or "")
    figures = view.backtest or {}
    people = [
        {
            "name": names.get(p.employee_id, ""),
            "userid": ids.get(p.employee_id, ""),
            "score": f"{p.score:.0%}",
            "reasons": i18n.list_join([r.label for r in p.reasons], loc),
        }
        for p in view.people
    ]
    return render_template(
        "dashboard/risk.html",
        page="risk",
        viewer=viewer(),
        summary=summary,
        lines=render.backtest_lines(figures, loc) if view.kind == "learned" else [],
        bars=chart(figures.get("calibration") or []),
        width=CHART_W,
        height=CHART_H,
        people=people,
        top=len(people),
    )
