"""The learned attrition model on a synthetic company with a planted hazard, entered through the imports."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from bot.risk import train as risk_train
from bot.risk.features import FEATURES, person_periods
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


def test_train_api_and_no_future_reads(runner: Any, runtime: Any, client: Any, tmp_path: Path) -> None:
    load_company(runner, tmp_path)
    result = runner.invoke(args=["risk", "train", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "学习模型" in result.output and "ROC-AUC" in result.output and "前 10%" in result.output
    assert "第 10 组" in result.output  # calibration deciles
    runtime.settings.api.tokens.append("t0")
    headers = {"Authorization": "Bearer t0"}
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
