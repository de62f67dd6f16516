"""Benchmark (statistical, not timed): how often the experiment's intervals tell the truth.

Simulates many companies with the product's own stratified, seeded assignment
(``bot.evaluation.assignment``) and its statistics (``bot.evaluation.stats``):

* **A/A coverage**: nobody's chance to leave depends on the arm; the share of runs whose 95 %
  interval for the turnover difference includes 0 should be ≈ 95 %. Printed next to the
  baseline measured in the same runs: the textbook Wald interval (``method="wald"``), which
  under-covers with rare events — the reason the product uses the score interval.
* **Mean differences (pulse)**: the same for Welch's interval on a normal outcome.
* **Planted effect**: the care arm leaves less often (``--base`` → ``--base × (1 − reduction)``);
  coverage of the true difference and power (interval excludes 0), next to the size
  ``carebot evaluation plan`` asks for to reach 80 % power.

    .venv/bin/python bench/evaluation.py [--runs 5000] [--people 400] [--share 0.3] [--base 0.2]
        [--reduction 0.5]
"""

from __future__ import annotations

import argparse
import random
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statsmodels.stats.proportion import confint_proportions_2indep

from bot.core.settings.evaluation import EvaluationSection
from bot.evaluation.assignment import Candidate, _systematic
from bot.evaluation.power import PlanInput, plan
from bot.evaluation.stats import mean_difference, proportion_difference


def _arms(seed: int, people: int, share: float) -> tuple[list[int], list[int]]:
    cfg = EvaluationSection(enabled=True, holdout_share=share, seed=seed)
    units = [Candidate(i, f"d{i % 8}/{(i // 8) % 4}") for i in range(people)]
    arms = _systematic(cfg, units)
    return [i for i, a in arms.items() if a == "care"], [i for i, a in arms.items() if a == "holdout"]


def _wald_covers(c1: int, n1: int, c2: int, n2: int, truth: float) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        low, high = confint_proportions_2indep(c1, n1, c2, n2, method="wald", compare="diff")
    return bool(low <= truth <= high)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--share", type=float, default=0.3)
    parser.add_argument("--base", type=float, default=0.2, help="chance to leave in the holdout")
    parser.add_argument("--reduction", type=float, default=0.5, help="relative reduction planted in the care arm")
    args = parser.parse_args()
    planted = args.base * (1 - args.reduction)
    truth = planted - args.base
    aa_score = aa_wald = aa_pulse = 0
    cover = wald_cover = power = 0
    for seed in range(args.runs):
        rng = random.Random(seed)
        care, hold = _arms(seed, args.people, args.share)
        # A/A: the same chance in both arms
        c1 = sum(rng.random() < args.base for _ in care)
        c2 = sum(rng.random() < args.base for _ in hold)
        aa_score += not proportion_difference(c1, len(care), c2, len(hold)).excludes_zero
        aa_wald += _wald_covers(c1, len(care), c2, len(hold), 0.0)
        aa_pulse += not mean_difference([rng.gauss(0, 1) for _ in care], [rng.gauss(0, 1) for _ in hold]).excludes_zero
        # planted effect
        p1 = sum(rng.random() < planted for _ in care)
        p2 = sum(rng.random() < args.base for _ in hold)
        est = proportion_difference(p1, len(care), p2, len(hold))
        assert est.ci_low is not None and est.ci_high is not None
        cover += est.ci_low <= truth <= est.ci_high
        wald_cover += _wald_covers(p1, len(care), p2, len(hold), truth)
        power += est.excludes_zero
    n = args.runs
    need = plan(PlanInput(args.people, args.base, args.reduction, args.people, args.share, 365))  # window rate = base
    print(f"{n} simulated companies of {args.people} tagged people, holdout share {args.share}")
    print(f"A/A turnover (leave chance {args.base:.0%} in both arms): interval includes 0")
    print(f"  product (score interval)   {aa_score / n:7.2%}")
    print(f"  baseline (Wald interval)   {aa_wald / n:7.2%}")
    print(f"A/A pulse (Welch interval) includes 0: {aa_pulse / n:7.2%}")
    print(f"Planted: care {planted:.0%} vs holdout {args.base:.0%} (truth {truth:+.3f})")
    print(f"  covers the truth: product {cover / n:7.2%}   baseline Wald {wald_cover / n:7.2%}")
    print(f"  power (interval excludes 0): {power / n:7.2%}")
    print(
        f"  plan for 80 % power at this effect needs {need.people} tagged people "
        f"(at a window rate of {need.holdout_rate:.0%})"
    )


if __name__ == "__main__":
    main()
