"""How well scores predicted who left: ROC-AUC, PR-AUC, leavers caught in the top 10 %/20 %, deciles."""

from __future__ import annotations

from typing import Any

import numpy as np


def caught_in_top(score: np.ndarray, left: np.ndarray, share: float) -> float | None:
    """The share of leavers among the ``share`` highest scores (None without leavers)."""
    total = int(left.sum())
    if total == 0 or len(score) == 0:
        return None
    k = max(1, round(len(score) * share))
    top = np.argsort(-score, kind="stable")[:k]
    return float(left[top].sum() / total)


def deciles(score: np.ndarray, left: np.ndarray) -> list[dict[str, Any]]:
    """Calibration by decile of predicted probability: mean predicted vs observed leaving rate."""
    order = np.argsort(score, kind="stable")
    out = []
    for i, part in enumerate(np.array_split(order, 10), start=1):
        if len(part) == 0:
            continue
        out.append(
            {
                "decile": i,
                "n": len(part),
                "predicted": round(float(score[part].mean()), 4),
                "observed": round(float(left[part].mean()), 4),
            }
        )
    return out


def summary(score: np.ndarray, left: np.ndarray) -> dict[str, Any]:
    """Every figure of one set of predictions (AUCs are None when only one class occurs)."""
    # Imported here, as in bot/risk/learn.py: web workers and the scheduler start without scikit-learn.
    from sklearn.metrics import average_precision_score, roc_auc_score

    both = 0 < int(left.sum()) < len(left)
    return {
        "n": len(left),
        "leavers": int(left.sum()),
        "auc": round(float(roc_auc_score(left, score)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(left, score)), 4) if both else None,
        "base_rate": round(float(left.mean()), 4) if len(left) else None,
        "top10": _round(caught_in_top(score, left, 0.10)),
        "top20": _round(caught_in_top(score, left, 0.20)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
