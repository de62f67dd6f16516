"""The classifier's vocabulary: cue terms, token words, patterns and modifiers, read from TOML files.

The built-in file is ``bot/voice/data/lexicon.toml``; ``[voice].lexicon_files`` adds files that
override or extend it entry by entry, so an admin tunes the classifier without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError
from bot.core.settings.voice import INTENTS

BUILTIN = Path(__file__).parent / "data" / "lexicon.toml"
_MODIFIER_LISTS = (
    "negators",
    "degree",
    "hedges",
    "jokes",
    "disclaimers",
    "question_forms",
    "third_party",
    "first_person",
    "not_subject",
    "third_party_asks",
)


@dataclass(frozen=True)
class Pattern:
    """A regular expression cue with its weight; ``source`` is shown in ``matched``."""

    regex: re.Pattern[str]
    weight: float
    source: str


@dataclass
class IntentLexicon:
    """The cues of one intent."""

    terms: dict[str, float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)


@dataclass
class Lexicon:
    """Every intent's cues plus the modifiers, typo fixes and emoji names shared by all."""

    intents: dict[str, IntentLexicon] = field(default_factory=dict)
    modifiers: dict[str, list[str]] = field(default_factory=dict)
    typos: dict[str, str] = field(default_factory=dict)
    emoji: dict[str, str] = field(default_factory=dict)

    def modifier(self, name: str) -> list[str]:
        return self.modifiers.get(name, [])

    def vocabulary(self) -> set[str]:
        """Every cue and modifier phrase (given to the segmenter so it keeps them whole)."""
        out: set[str] = set()
        for lex in self.intents.values():
            out |= set(lex.terms) | set(lex.words) | set(lex.decoys)
        for values in self.modifiers.values():
            out |= set(values)
        return {w for w in out if w.strip()}


def _weight(where: str, value: Any) -> float:
    if not isinstance(value, int | float) or not 0 <= float(value) <= 1:
        raise ConfigError(f"{where}: weight must be a number from 0 to 1, got {value!r}")
    return float(value)


def _merge(lexicon: Lexicon, data: dict[str, Any], origin: str) -> None:
    mods = data.get("modifiers", {})
    for name in _MODIFIER_LISTS:
        if name in mods:
            lexicon.modifiers[name] = [str(v).lower() for v in mods[name]]
    lexicon.typos.update({str(k).lower(): str(v).lower() for k, v in data.get("typos", {}).items()})
    lexicon.emoji.update({str(k): str(v).lower() for k, v in data.get("emoji", {}).items()})
    for intent in INTENTS:
        section = data.get(intent)
        if not isinstance(section, dict):
            continue
        lex = lexicon.intents.setdefault(intent, IntentLexicon())
        for term, w in section.get("terms", {}).items():
            lex.terms[str(term).lower()] = _weight(f"{origin}: [{intent}.terms] {term!r}", w)
        for word, w in section.get("words", {}).items():
            lex.words[str(word).lower()] = _weight(f"{origin}: [{intent}.words] {word!r}", w)
        for i, item in enumerate(section.get("patterns", [])):
            where = f"{origin}: [[{intent}.patterns]] #{i + 1}"
            try:
                regex = re.compile(str(item["re"]))
            except (KeyError, re.error) as exc:
                raise ConfigError(f"{where}: bad or missing re: {exc}") from exc
            lex.patterns.append(Pattern(regex, _weight(where, item.get("w", 0.5)), str(item["re"])))
        lex.decoys.extend(str(d).lower() for d in section.get("decoys", []))
    unknown = set(data) - {*INTENTS, "modifiers", "typos", "emoji", "version"}
    if unknown:
        raise ConfigError(f"{origin}: unknown sections {sorted(unknown)} (intents are {', '.join(INTENTS)})")


def load(extra_files: list[str] | tuple[str, ...] = ()) -> Lexicon:
    """The built-in lexicon with ``extra_files`` merged over it in order.

    Raises:
        ConfigError: a file is missing, is not TOML, or has a bad weight or pattern.
    """
    lexicon = Lexicon()
    for path in (str(BUILTIN), *extra_files):
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"[voice].lexicon_files: cannot read {path}: {exc}") from exc
        _merge(lexicon, data, path)
    return lexicon
