"""The care-tag rules as reminder and command texts need them: loaded once per process, never fatal.

Evaluation loads the rule files afresh every run (rules/engine.py); texts only need names,
templates and audiences, so one cached copy serves every reminder and command. Broken rule files
make texts fall back to the stored evidence instead of failing the message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.errors import BadRuleFile
from bot.core.runtime import Runtime

if TYPE_CHECKING:
    from rules.loader import RuleSet
    from rules.model import Rule

log = logging.getLogger(__name__)

_EXTRAS_KEY = "rulebook"


def ruleset(runtime: Runtime) -> RuleSet | None:
    """The loaded rule set (once per process); ``None`` when the rule files are broken."""
    if _EXTRAS_KEY not in runtime.extras:
        from rules.loader import load_rules  # rules/ depends on bot/, not the other way round at import

        try:
            runtime.extras[_EXTRAS_KEY] = load_rules(runtime.settings.rules)
        except BadRuleFile as exc:
            # Messages still go out with the stored evidence; the rule error is the admin's to fix.
            log.error("cannot load the rules; reminders and commands show raw evidence: %s", exc)
            runtime.extras[_EXTRAS_KEY] = None
    loaded: RuleSet | None = runtime.extras[_EXTRAS_KEY]
    return loaded


def rule(runtime: Runtime, rule_id: str) -> Rule | None:
    """The rule ``rule_id``, or ``None`` when it is unknown or the rule files are broken."""
    rules = ruleset(runtime)
    return rules.get(rule_id) if rules is not None else None
