"""Loading rules: the built-in library plus ``[rules].paths``, with config switches and overrides.

One rule per TOML file. Errors name the file, the rule id and the field, e.g.
``rules/library/high_pressure.toml: rule 'high_pressure': condition.days: Input should be greater
than or equal to 1``. A custom rule with a built-in id replaces the built-in one.
"""

from __future__ import annotations

import copy
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.core.config import RulesSection
from bot.core.errors import BadRuleFile
from rules.conditions import KINDS
from rules.model import Rule
from rules.templates import unknown_placeholders

log = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).resolve().parent / "library"


@dataclass(frozen=True)
class RuleSet:
    """The enabled rules by id, where each came from, and the ids switched off."""

    rules: dict[str, Rule]
    files: dict[str, Path]
    disabled: tuple[str, ...] = ()
    builtin_ids: frozenset[str] = field(default_factory=frozenset)

    def __iter__(self) -> Any:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)


def _loc(parts: tuple[int | str, ...]) -> str:
    # Discriminated unions put the kind into the location ("condition.streak.days"); drop it.
    return ".".join(str(p) for p in parts if not (isinstance(p, str) and p in KINDS)) or "(rule)"


def _describe(error: ValidationError) -> list[str]:
    out = []
    for e in error.errors():
        msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
        if e["type"] == "union_tag_invalid":
            msg = f"unknown condition kind {e.get('input', {}).get('kind')!r} (known: {', '.join(sorted(KINDS))})"
        out.append(f"{_loc(e['loc'])}: {msg}")
    return out


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.0.c`` inside nested dicts and lists; every step but the last must exist."""
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise KeyError(".".join(parts[: i + 1])) from None
    last = parts[-1]
    if isinstance(node, list):
        try:
            node[int(last)] = value
        except (IndexError, ValueError):
            raise KeyError(path) from None
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise KeyError(path)


def parse_rule(raw: dict[str, Any], path: Path, overrides: dict[str, Any] | None = None) -> Rule:
    """Validate one rule file's content (after applying config ``overrides``)."""
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else "?"
    where = f"{path}: rule {rule_id!r}"
    data = copy.deepcopy(raw)
    if overrides:
        where += " (with [rules].overrides)"
        for key, value in overrides.items():
            if key == "id":
                raise BadRuleFile(f"config [rules].overrides.{rule_id}: the id cannot be overridden")
            # Shorthand: a condition key without the "condition." prefix ({"days": 4}).
            target = key if "." in key or key in Rule.model_fields else f"condition.{key}"
            try:
                _set_path(data, target, value)
            except KeyError as exc:
                raise BadRuleFile(f"config [rules].overrides.{rule_id}: {key}: no such field ({exc.args[0]})") from None
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise BadRuleFile("\n".join(f"{where}: {line}" for line in _describe(exc))) from None
    problems = unknown_placeholders(rule)
    if problems:
        raise BadRuleFile("\n".join(f"{where}: {field}: {msg}" for field, msg in problems))
    return rule


def read_file(path: Path) -> dict[str, Any]:
    """The TOML content of a rule file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise BadRuleFile(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise BadRuleFile(f"{path}: cannot read: {exc.strerror or exc}") from None


def _files(location: Path) -> list[Path]:
    if location.is_dir():
        return sorted(location.glob("*.toml"))
    if location.is_file():
        return [location]
    raise BadRuleFile(f"config [rules].paths: {location} does not exist")


def _collect(files: list[Path], errors: list[str]) -> dict[str, tuple[Path, dict[str, Any]]]:
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in files:
        try:
            raw = read_file(path)
        except BadRuleFile as exc:
            errors.append(str(exc))
            continue
        rule_id = raw.get("id")
        if not isinstance(rule_id, str):
            errors.append(f"{path}: rule '?': id: field required (a string like 'high_pressure')")
            continue
        if rule_id in found:
            errors.append(f"{path}: rule {rule_id!r}: id: duplicate of {found[rule_id][0]}")
            continue
        found[rule_id] = (path, raw)
    return found


def load_rules(config: RulesSection | None = None, *, builtin_dir: Path = BUILTIN_DIR) -> RuleSet:
    """Every enabled rule, validated; raises :class:`BadRuleFile` listing every problem found."""
    config = config or RulesSection()
    errors: list[str] = []
    builtin = _collect(sorted(builtin_dir.glob("*.toml")), errors)
    custom_files: list[Path] = []
    for location in config.paths:
        try:
            custom_files += _files(Path(location))
        except BadRuleFile as exc:
            errors.append(str(exc))
    custom = _collect(custom_files, errors)
    for rule_id in sorted(builtin.keys() & custom.keys()):
        log.info("custom rule %s (%s) replaces the built-in one", rule_id, custom[rule_id][0])
    sources = {**builtin, **custom}
    for rule_id in config.disabled:
        if rule_id not in sources:
            errors.append(f"config [rules].disabled: unknown rule {rule_id!r}")
    for rule_id in config.overrides:
        if rule_id not in sources:
            errors.append(f"config [rules].overrides: unknown rule {rule_id!r}")
    rules: dict[str, Rule] = {}
    files: dict[str, Path] = {}
    for rule_id, (path, raw) in sorted(sources.items()):
        try:
            rule = parse_rule(raw, path, config.overrides.get(rule_id))
        except BadRuleFile as exc:
            errors.append(str(exc))
            continue
        if rule_id in config.disabled:
            continue
        rules[rule_id], files[rule_id] = rule, path
    if errors:
        raise BadRuleFile("\n".join(errors))
    return RuleSet(rules, files, tuple(config.disabled), frozenset(builtin))
