"""The learned model: an L2-regularised logistic regression of the monthly leaving hazard, calibrated.

Why logistic regression: on tabular HR data it is as accurate as heavier models (≈ 0.84 ROC-AUC on
the IBM attrition data, bench/risk_ibm.py), trains in seconds on millions of person-months, and
its terms explain a score in plain words (coefficient × standardised value = contribution to the
log-odds). The monthly hazard ``h`` becomes the probability of leaving within the horizon as
``1 − (1 − h)^(horizon/30)`` (a discrete-time hazard held constant over the horizon). A sigmoid
(Platt) calibration fitted on out-of-fold predictions corrects the hazard's scale.

Parameters are stored as plain JSON (means, scales, coefficients, calibration), never pickled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

PERIOD_DAYS = 30


@dataclass(frozen=True)
class Learned:
    """A fitted model as numbers: enough to score and explain without scikit-learn objects."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    cal_a: float  # Platt: p = 1 / (1 + exp(a·f + b)) on the decision value f
    cal_b: float
    metrics: tuple[str, ...] = ()  # the performance metrics perf_change was computed from

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "metrics": list(self.metrics),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "calibration": {"a": self.cal_a, "b": self.cal_b},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Learned:
        return cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["coef"]),
            float(data["intercept"]),
            float(data["calibration"]["a"]),
            float(data["calibration"]["b"]),
            tuple(data.get("metrics") or ()),
        )

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Each feature's term in the log-odds, per row (standardised value × coefficient)."""
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z * np.asarray(self.coef)

    def hazard(self, x: np.ndarray) -> np.ndarray:
        """The calibrated monthly probability of leaving, per row."""
        f = self.contributions(x).sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(self.cal_a * f + self.cal_b))

    def probability(self, x: np.ndarray, horizon_days: int) -> np.ndarray:
        """The probability of leaving within ``horizon_days``, per row."""
        periods = horizon_days / PERIOD_DAYS
        return 1.0 - np.power(1.0 - self.hazard(x), periods)


def fit(
    x: np.ndarray, y: np.ndarray, features: tuple[str, ...], *, c: float = 0.5, metrics: tuple[str, ...] = ()
) -> Learned:
    """Fit the standardised, L2-regularised logistic regression and its sigmoid calibration."""
    # Imported here: scoring needs only numpy and the stored JSON, and scikit-learn would add
    # seconds to the start of every web worker and scheduler (they only read the model).
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    base = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(C=c, max_iter=1000))])
    folds = max(2, min(3, int(y.sum())))
    # ensemble=False: one model fitted on all rows, calibrated on out-of-fold decision values.
    model = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
    # One BLAS thread: ten features need no parallel algebra, and on a busy host oversubscribed
    # threads made the fit 4× slower.
    with threadpool_limits(limits=1):
        model.fit(x, y)
    fitted = model.calibrated_classifiers_[0]
    pipe: Any = fitted.estimator
    scaler: StandardScaler = pipe.named_steps["scale"]
    lr: LogisticRegression = pipe.named_steps["lr"]
    calibrator: Any = fitted.calibrators[0]
    scale = [s if s > 0 and math.isfinite(s) else 1.0 for s in scaler.scale_]
    return Learned(
        features=features,
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in lr.coef_[0]),
        intercept=float(lr.intercept_[0]),
        cal_a=float(calibrator.a_),
        cal_b=float(calibrator.b_),
        metrics=metrics,
    )
