"""The learned attrition model on a synthetic company with a planted hazard, entered through the imports."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sqlalchemy import select

from bot.core.settings.scopes import TokenEntry
from bot.models import Employee, Tag
from bot.risk import scores
from bot.risk import train as risk_train
from bot.risk.features import FEATURES, person_periods
from tests.dashboard_accounts import ACCOUNTS, sign_in
from tests.risk_company import B0, PLANTED, simulate, write_csvs

AS_OF = date(2026, 11, 22)


def load_company(runner: Any, tmp_path: Path, size: int = 250, seed: int = 11, **kw: Any) -> None:
    people = simulate(size, date(2025, 9, 1), AS_OF, seed, **kw)
    for kind, path in zip(("employees", "attendance", "metrics"), write_csvs(people, tmp_path), strict=True):
        started = time.perf_counter()
        result = runner.invoke(args=["import", kind, str(path)])
        assert result.exit_code == 0, result.output
        print(kind, round(time.perf_counter() - started, 1), "s")


def test_backtest_auc_is_close_to_the_planted_models(runner: Any, runtime: Any, tmp_path: Path) -> None:
    load_company(runner, tmp_path)
    cfg = runtime.settings.risk
    with runtime.db.session() as s:
        figures, outcomes = risk_train.backtest(s, cfg, AS_OF)
        planted_scores, lefts = [], []
        for o in outcomes:
            rows = person_periods(s, [o.cutoff], label_days=cfg.horizon_days, metrics=cfg.performance_metrics)
            logit = B0 + sum(rows.x[:, FEATURES.index(name)] * beta for name, beta in PLANTED.items())
            planted_scores.append(logit)
            lefts.append(rows.y)
    planted_auc = roc_auc_score(np.concatenate(lefts), np.concatenate(planted_scores))
    print("backtest", figures["auc"], "planted", planted_auc, figures)
    assert len(figures["points"]) == cfg.backtest_points
    assert figures["auc"] > 0.6
    assert abs(figures["auc"] - planted_auc) < 0.06


@pytest.mark.parametrize("settings_overrides", [{"dashboard": ACCOUNTS}])
def test_train_api_and_no_future_reads(runner: Any, runtime: Any, client: Any, tmp_path: Path) -> None:
    load_company(runner, tmp_path)
    result = runner.invoke(args=["risk", "train", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "学习模型" in result.output and "ROC-AUC" in result.output and "前 10%" in result.output
    assert "第 10 组" in result.output  # calibration deciles
    runtime.settings.api.tokens.append(TokenEntry(name="bi", token="t0", scopes=["read:sensitive"]))
    headers = {"Authorization": "Bearer t0"}
    runtime.settings.api.tokens.append("legacy")  # read:people only: risk is a sensitive category
    assert client.get("/api/v1/risk", headers={"Authorization": "Bearer legacy"}).status_code == 403
    body = client.get("/api/v1/risk?as_of=2026-11-22&limit=5", headers=headers).get_json()
    assert set(body) == {"model", "people"}
    model = body["model"]
    assert model["kind"] == "learned" and model["as_of"] == "2026-11-22" and model["horizon_days"] == 90
    assert model["trained_at"] and 0.5 < model["backtest"]["auc"] <= 1
    assert len(body["people"]) == 5
    scores = [p["score"] for p in body["people"]]
    assert scores == sorted(scores, reverse=True) and all(0 < s < 1 for s in scores)
    top = body["people"][0]
    assert set(top) == {"userid", "score", "reasons"}
    assert top["reasons"] and set(top["reasons"][0]) == {"feature", "label", "contribution"}
    assert top["reasons"][0]["contribution"] > 0
    assert any("21点后下班" in r["label"] or "业绩" in r["label"] or "入职" in r["label"] for r in top["reasons"])
    # The attrition_risk rule tags with the same scores: probability ≥ 30 %, score in percent.
    everyone = client.get("/api/v1/risk?as_of=2026-11-22&limit=10000", headers=headers).get_json()["people"]
    assert runner.invoke(args=["evaluate", "--date", "2026-11-22"]).exit_code == 0
    with runtime.db.session() as s:
        tags = dict(
            s.execute(
                select(Employee.userid, Tag.score)
                .join(Employee, Employee.id == Tag.employee_id)
                .where(Tag.rule_id == "attrition_risk")
            ).all()
        )
    expected = {p["userid"]: round(p["score"] * 100, 1) for p in everyone if p["score"] >= 0.3}
    assert expected and tags == expected
    # The report quotes the current figures; the dashboard shows them with a chart.
    report = runner.invoke(args=["report", "--format", "json"])
    assert report.exit_code == 0, report.output
    risk = json.loads(report.output)["risk"]
    assert risk["kind"] == "learned" and risk["backtest"]["auc"] == model["backtest"]["auc"]
    markdown = runner.invoke(args=["report"]).output
    assert "离职风险模型" in markdown and "ROC-AUC" in markdown
    assert sign_in(client).status_code == 302  # a dashboard account (API tokens never open the dashboard)
    html = client.get("/dashboard/risk").get_data(as_text=True)
    assert "ROC-AUC" in html and "<svg" in html and "<rect" in html and top["userid"] in html


def _cut_everything_after(runtime: Any, day: date) -> None:
    """Delete every fact dated after ``day``: what the database looked like on that day."""
    from sqlalchemy import delete, update

    from bot.models import AttendanceDay, Employee, Metric, Punch

    with runtime.db.session() as s:
        s.execute(delete(AttendanceDay).where(AttendanceDay.day > day))
        s.execute(delete(Metric).where(Metric.day > day))
        s.execute(delete(Punch).where(Punch.source_ref > f"import:{day.isoformat()}"))
        s.execute(delete(Employee).where(Employee.hired_on > day))
        s.execute(
            update(Employee).where(Employee.left_on > day).values(left_on=None, leave_reason=None, status="active")
        )


def test_features_never_read_after_the_as_of_date(runner: Any, runtime: Any, tmp_path: Path) -> None:
    load_company(runner, tmp_path, size=160, seed=5)
    as_of = date(2026, 8, 20)
    with runtime.db.session() as s:
        full = risk_train.train(s, runtime, as_of)
        assert full.kind == "learned"
        before = (full.params, full.backtest, full.rows, full.leavers)
        view_full = scores.view(s, runtime, as_of)
        # A later as-of does learn from the later data, so the comparison below is not vacuous.
        later = risk_train.train(s, runtime, date(2026, 11, 22))
        assert later.rows > full.rows and later.params != full.params
    _cut_everything_after(runtime, as_of)
    with runtime.db.session() as s:
        cut = risk_train.train(s, runtime, as_of)
        assert (cut.rows, cut.leavers) == before[2:]
        # Equal up to float summation order (PostgreSQL may add a window's values in another order).
        for key in ("mean", "scale", "coef"):
            assert np.allclose(cut.params[key], before[0][key], rtol=1e-6, atol=1e-9), key
        assert cut.backtest["auc"] == pytest.approx(before[1]["auc"], abs=1e-4)
        for now, then in zip(cut.backtest["calibration"], before[1]["calibration"], strict=True):
            assert now["n"] == then["n"] and now["predicted"] == pytest.approx(then["predicted"], abs=1e-4)
            assert now["observed"] == pytest.approx(then["observed"], abs=1e-3)
        view_cut = scores.view(s, runtime, as_of)
    assert [p.employee_id for p in view_cut.people][:50] == [p.employee_id for p in view_full.people][:50]
    assert [p.score for p in view_cut.people] == pytest.approx([p.score for p in view_full.people], abs=1e-4)


def test_too_few_leavers_fall_back_to_rules_and_say_so(runner: Any, runtime: Any, client: Any, tmp_path: Path) -> None:
    load_company(runner, tmp_path, size=40, seed=3, hazard_scale=0.15)
    result = runner.invoke(args=["risk", "train"])
    assert result.exit_code == 0, result.output
    assert "规则评分" in result.output and "min_leavers = 20" in result.output
    runtime.settings.api.tokens.append(TokenEntry(name="bi", token="t0", scopes=["read:sensitive"]))
    body = client.get("/api/v1/risk", headers={"Authorization": "Bearer t0"}).get_json()
    assert body["model"]["kind"] == "rules"
    assert "离职样本不足" in body["model"]["message"]
    assert body["model"]["backtest"]["auc"] is None
    assert body["people"], "the rule signals (late nights, early tenure) score someone"
    for person in body["people"]:
        assert 0 < person["score"] <= 1
        assert abs(sum(r["contribution"] for r in person["reasons"]) - person["score"]) < 1e-3
    backtest = runner.invoke(args=["risk", "backtest"])
    assert backtest.exit_code == 0 and "没有可用的回测结果" in backtest.output
