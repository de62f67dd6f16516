"""Privacy: one visibility policy for every surface, token scopes, retention and safe aggregates.

The small API other packages use (docs/privacy.md, "Using the policy"):

- ``policy_of(settings)`` → :class:`Policy`; ``policy.can(viewer, Category.X)`` → :class:`Level`
- ``viewers.viewer_of(session, caller, roles, settings, subject)`` / ``viewers.in_scope_role(...)``
  / ``viewers.recipient_viewer(reminder.role)`` / ``viewers.api_viewer(grant)`` → :class:`Viewer`
- ``evidence.tag_level(policy, viewer, rule_category, tag.evidence)`` and ``evidence.summary(...)``
  to render a tag; ``evidence.redacted(...)`` for JSON answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.privacy.policy import Category, Level, Policy, Role, Viewer, check_grants

if TYPE_CHECKING:  # bot.core.config imports bot.core.settings.scopes: no import of config at run time here
    from bot.core.config import Settings

__all__ = ["Category", "Level", "Policy", "Role", "Viewer", "policy_of"]

_cache: dict[int, tuple[Settings, Policy]] = {}


def policy_of(settings: Settings) -> Policy:
    """The policy in force under ``settings`` (defaults plus ``[privacy].grants``), built once per settings."""
    cached = _cache.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    policy = Policy(check_grants(settings.privacy.grants), settings.privacy.min_group_size)
    _cache[id(settings)] = (settings, policy)
    return policy
