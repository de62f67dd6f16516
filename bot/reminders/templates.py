"""Reminder texts from TOML: bundled defaults plus an optional override file (``[reminders].templates_file``)."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError
from bot.core.i18n import LOCALES, normalise_locale

BUNDLED = Path(__file__).resolve().parent.parent / "templates" / "reminders.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read reminder templates {path}: {exc}") from exc


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Templates:
    """The texts of one deployment: ``text(locale, key, **values)`` and per-rule advice."""

    texts: Mapping[str, Mapping[str, str]]
    advice_by_rule: Mapping[str, Mapping[str, str]]

    def text(self, locale: str | None, key: str, /, **values: object) -> str:
        """The template ``key`` in ``locale`` filled with ``values``."""
        return self.texts[normalise_locale(locale)][key].format(**values)

    def advice(self, locale: str | None, rule_id: str) -> str:
        """What to do about a rule that lists no actions itself."""
        table = self.advice_by_rule[normalise_locale(locale)]
        return table.get(rule_id) or table.get("default", "")


def load(override: str | Path | None = None) -> Templates:
    """The bundled templates with ``override`` applied on top.

    Raises:
        ConfigError: the override cannot be read, names an unknown key or locale, or uses a
            placeholder the default text does not have.
    """
    base = _read(BUNDLED)
    texts = {loc: {k: v for k, v in base[loc].items() if isinstance(v, str)} for loc in LOCALES}
    advice = {loc: dict(base[loc].get("advice", {})) for loc in LOCALES}
    if override:
        path = Path(override)
        for loc, section in _read(path).items():
            if loc not in LOCALES or not isinstance(section, dict):
                raise ConfigError(f"reminder templates {path}: unknown locale [{loc}] (use zh-CN or en)")
            for key, value in section.items():
                if key == "advice" and isinstance(value, dict):
                    advice[loc].update({str(k): str(v) for k, v in value.items()})
                    continue
                if key not in texts[loc] or not isinstance(value, str):
                    raise ConfigError(f"reminder templates {path}: [{loc}].{key} is not a known text")
                extra = _fields(value) - _fields(texts[loc][key])
                if extra:
                    raise ConfigError(f"reminder templates {path}: [{loc}].{key} uses unknown {{{sorted(extra)[0]}}}")
                texts[loc][key] = value
    return Templates(texts, advice)


_cache: dict[str, Templates] = {}


def get(override: str) -> Templates:
    """The templates for a configured override path (loaded once per process and path)."""
    if override not in _cache:
        _cache[override] = load(override or None)
    return _cache[override]
