"""Tag evidence through the policy: which categories a tag quotes, and what a viewer may read of it.

A tag's evidence inherits the strictest category it quotes: an attrition-risk score that counts a
low eNPS check-in is ``risk`` *and* ``checkin``. A viewer sees a tag at all only if they may see
its primary category (the strictest one) at least as a summary; they read the evidence in full
only if every category it quotes is ``full`` for them. Otherwise they read one sentence that
names no number and no comment ("近期关怀问答显示需要关注，HR 会跟进").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot import i18n
from bot.privacy import texts as _texts  # noqa: F401  (registers the summary texts)
from bot.privacy.policy import Category, Level, Policy, Viewer, strictest

KIND_CATEGORIES: dict[str, Category] = {
    "streak": Category.ATTENDANCE,
    "count_in_window": Category.ATTENDANCE,
    "period_sum": Category.ATTENDANCE,
    "metric_change": Category.PERFORMANCE,
    "metric_vs_team": Category.PERFORMANCE,
    "metric_threshold": Category.PERFORMANCE,
    "pulse_latest": Category.CHECKIN,
    "pulse_trend": Category.CHECKIN,
    "pulse_unanswered": Category.PARTICIPATION,
    "birthday": Category.DIRECTORY,
    "work_anniversary": Category.DIRECTORY,
    "tenure": Category.DIRECTORY,
    "tenure_milestone": Category.DIRECTORY,
    "probation_ending": Category.DIRECTORY,
    "life_event": Category.LIFE_EVENT,
    "declaration": Category.DECLARED,
    "declared": Category.DECLARED,
    "score": Category.RISK,
}
COMPOSITE_KINDS = frozenset({"all", "any", "not"})
# A rule's own category can be stricter than its evidence (a risk rule is risk whatever it counts).
RULE_CATEGORIES: dict[str, Category] = {"risk": Category.RISK, "life": Category.LIFE_EVENT}


def quoted(evidence: Any) -> set[Category]:
    """Every category an evidence tree quotes; an unknown condition kind counts as ``declared``.

    Failing closed matters: a condition kind added later (chat declarations, a learned risk model)
    is treated as the most private category until it is mapped here.
    """
    if not isinstance(evidence, Mapping):
        return set()
    kind = evidence.get("kind")
    found: set[Category] = set()
    if isinstance(kind, str) and kind:
        if kind in KIND_CATEGORIES:
            found.add(KIND_CATEGORIES[kind])
        elif kind not in COMPOSITE_KINDS:
            found.add(Category.DECLARED)
    for part in evidence.get("parts") or []:
        found |= quoted(part)
    for signal in evidence.get("signals") or []:
        if isinstance(signal, Mapping):
            found |= quoted(signal.get("evidence"))
    return found


def categories(rule_category: str | None, evidence: Any) -> tuple[Category, set[Category]]:
    """``(primary, quoted)`` of a tag: its strictest category and everything its evidence quotes."""
    found = quoted(evidence)
    if rule_category in RULE_CATEGORIES:
        found.add(RULE_CATEGORIES[rule_category])
    return strictest(found), found


def tag_level(policy: Policy, viewer: Viewer, rule_category: str | None, evidence: Any) -> Level:
    """``NONE`` (hide the tag), ``SUMMARY`` (name and one neutral sentence) or ``FULL`` (the evidence)."""
    primary, found = categories(rule_category, evidence)
    shown = min(policy.can(viewer, Category.TAG), policy.can(viewer, primary))
    if shown is Level.NONE:
        return Level.NONE
    detail = min([policy.can(viewer, c) for c in found], default=Level.FULL)
    return Level.FULL if shown is Level.FULL and detail is Level.FULL else Level.SUMMARY


@dataclass(frozen=True)
class Summary:
    """What a summarised tag shows instead of its rule name and evidence."""

    name: str
    evidence: str
    advice: str


def summary(rule_category: str | None, evidence: Any, locale: str) -> Summary:
    """The neutral name, sentence and advice for a tag shown as a summary."""
    primary, _ = categories(rule_category, evidence)
    key = primary.value if i18n.has(f"privacy.summary.{primary.value}") else "other"
    return Summary(
        name=i18n.t(f"privacy.summary_name.{key}", locale),
        evidence=i18n.t(f"privacy.summary.{key}", locale),
        advice=i18n.t("privacy.summary_advice", locale),
    )


def redacted(evidence: Any, rule_category: str | None, level: Level, locale: str) -> dict[str, Any] | None:
    """The evidence as an API answer may carry it: whole, a summary without values, or nothing."""
    if level is Level.FULL:
        return dict(evidence) if isinstance(evidence, Mapping) else {}
    if level is Level.NONE:
        return None
    primary, found = categories(rule_category, evidence)
    return {
        "summary": summary(rule_category, evidence, locale).evidence,
        "category": primary.value,
        "categories": sorted(c.value for c in found),
    }
