"""Differences between the arms with 95 % confidence intervals and p-values, from statsmodels and SciPy.

Turnover is a difference of two independent proportions: the Miettinen–Nurminen score interval
and the matching score test (``statsmodels.stats.proportion``), which keep their nominal coverage
with small counts and rates near 0, where the Wald interval does not. Pulse and performance
changes are differences of means: Welch's t-test and its interval (``scipy.stats.ttest_ind``),
which does not assume the arms have the same variance.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    """A difference (care − holdout) with its 95 % interval and two-sided p-value; ``None`` when unknown."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None

    @property
    def excludes_zero(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)


NONE = Estimate(None, None, None, None)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def proportion_difference(count1: int, nobs1: int, count2: int, nobs2: int) -> Estimate:
    """``count1/nobs1 − count2/nobs2`` with the score interval and score test (no continuity correction)."""
    # Imported on use: statsmodels and SciPy take over a second to import, and every web worker and
    # scheduler would pay it at start for a report few of them render.
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    if nobs1 <= 0 or nobs2 <= 0:
        return NONE
    estimate = count1 / nobs1 - count2 / nobs2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0 or n events: statsmodels warns about divisions it handles
        try:
            low, high = confint_proportions_2indep(
                count1, nobs1, count2, nobs2, method="score", compare="diff", alpha=ALPHA, correction=False
            )
        except ValueError:
            # Nobody (or everybody) left in both arms: the score root-finder has no sign change;
            # Newcomb's hybrid Wilson interval is defined there.
            low, high = confint_proportions_2indep(
                count1, nobs1, count2, nobs2, method="newcomb", compare="diff", alpha=ALPHA
            )
        test = test_proportions_2indep(count1, nobs1, count2, nobs2, method="score", compare="diff", correction=False)
    p_value = _finite(float(test.pvalue))
    if count1 + count2 in (0, nobs1 + nobs2):
        p_value = 1.0  # nobody (or everybody) left in either arm: no evidence of a difference at all
    return Estimate(estimate, _finite(float(low)), _finite(float(high)), p_value)


def mean_difference(first: Sequence[float], second: Sequence[float]) -> Estimate:
    """``mean(first) − mean(second)`` with Welch's t interval and test (at least two values per group)."""
    from scipy import stats as sps  # on use, as above

    if len(first) < 2 or len(second) < 2:
        return NONE
    estimate = sum(first) / len(first) - sum(second) / len(second)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant samples: SciPy warns and answers NaN, handled below
        result = sps.ttest_ind(first, second, equal_var=False)
        interval = result.confidence_interval(confidence_level=1 - ALPHA)
    low, high, p_value = _finite(float(interval.low)), _finite(float(interval.high)), _finite(float(result.pvalue))
    if low is None or high is None:
        return Estimate(estimate, None, None, None)
    return Estimate(estimate, low, high, p_value)
