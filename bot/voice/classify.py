"""The free-text intent classifier: lexicon cues, discounted by negation, hedges, jokes and third parties.

Transparent by construction: every cue that fired is listed in ``matched`` with the modifier that
changed it, and every number comes from the lexicon files or ``[voice]``. The score of an intent
combines its cues like independent evidence, ``1 − Π(1 − w·factor)``; the intent with the highest
score at or above its threshold wins, except that crisis language (``distress``) always wins once
it reaches its threshold and small talk only wins when nothing else does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.settings.voice import ESCALATING, VoiceSection
from bot.voice.lexicon import IntentLexicon, Lexicon
from bot.voice.segment import Segmenter, normalise

_CLAUSE_END = re.compile(r"[,.!?;，。！？；~～…\n]")
# Among intents of equal score, the one that matters more for the person wins.
PRIORITY = ("distress", "life_event", "resign", "help", "workload", "privacy", "smalltalk")
_PREFIX_WINDOW = 40  # characters before a cue searched for who it is about


@dataclass(frozen=True)
class Hit:
    """One cue that fired: its intent, the text or pattern, its weight and the factor applied."""

    intent: str
    cue: str
    weight: float
    factor: float
    notes: tuple[str, ...] = ()

    def label(self) -> str:
        suffix = "".join(f" [{n}]" for n in self.notes)
        return f"{self.intent}:{self.cue}{suffix}"


@dataclass(frozen=True)
class Classification:
    """The result: the intent, a confidence from 0 to 1, and the cues that explain it."""

    intent: str
    confidence: float
    matched: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"intent": self.intent, "confidence": self.confidence, "matched": self.matched}

    @property
    def escalates(self) -> bool:
        """Whether the reply offers to bring HR in."""
        return self.intent in ESCALATING


def _mask(text: str, phrases: list[str]) -> str:
    """``text`` with every occurrence of ``phrases`` blanked (positions kept)."""
    for phrase in phrases:
        if phrase and phrase in text:
            text = text.replace(phrase, "\x00" * len(phrase))
    return text


def _strip_tail(prefix: str, words: list[str]) -> str:
    """``prefix`` without trailing ``words`` (degree adverbs) and spaces, repeatedly."""
    changed = True
    while changed and prefix:
        changed = False
        prefix = prefix.rstrip()
        for word in words:
            if word and prefix.endswith(word):
                prefix = prefix[: -len(word)]
                changed = True
                break
    return prefix


class Classifier:
    """Classifies chat text with one lexicon and one ``[voice]`` configuration."""

    def __init__(self, lexicon: Lexicon, settings: VoiceSection) -> None:
        self.lexicon, self.settings = lexicon, settings
        self.segmenter = Segmenter(lexicon)
        mods = lexicon.modifier
        # Longest first so "并没有" is found before "没".
        self._negators = sorted(mods("negators"), key=len, reverse=True)
        self._degree = sorted(mods("degree"), key=len, reverse=True)
        self._hedges, self._jokes, self._disclaimers = mods("hedges"), mods("jokes"), mods("disclaimers")
        self._questions = mods("question_forms")
        self._third, self._first, self._not_subject = mods("third_party"), mods("first_person"), mods("not_subject")
        self._asks = mods("third_party_asks")

    # -- modifiers of one cue ----------------------------------------------------------------------
    def _clause_prefix(self, text: str, start: int) -> str:
        before = text[:start]
        cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
        return before[cut:]

    def _negated(self, clause_prefix: str) -> bool:
        stripped = _strip_tail(clause_prefix, self._degree).rstrip()
        if any(stripped.endswith(q) for q in self._questions):
            return False
        return any(stripped.endswith(neg) and self._word_edge(stripped, neg) for neg in self._negators)

    @staticmethod
    def _word_edge(text: str, word: str) -> bool:
        """An ASCII negator must be a whole word ("not", not "cannot" inside "cannotx")."""
        if not word.isascii():
            return True
        before = text[: -len(word)]
        return not before or not before[-1].isalnum()

    def _last_index(self, text: str, markers: list[str], *, subjects_only: bool = False) -> int:
        best = -1
        for marker in markers:
            if marker.isascii():
                for m in re.finditer(rf"(?<![a-z']){re.escape(marker)}(?![a-z'])", text):
                    best = max(best, m.start())
                continue
            at = text.rfind(marker)
            while at > 0 and (
                # "其他" (the others) is no third person; "被领导骂" makes the writer the subject.
                (marker in ("他", "她") and text[at - 1] == "其")
                or (subjects_only and any(text[:at].endswith(w) for w in self._not_subject))
            ):
                at = text.rfind(marker, 0, at)
            best = max(best, at)
        return best

    def _about_someone_else(self, clause_prefix: str) -> bool:
        """The clause names someone else after the writer ("我同事想离职", "客户说他家里有事")."""
        third = self._last_index(clause_prefix, self._third, subjects_only=True)
        return third >= 0 and third > self._last_index(clause_prefix, self._first)

    def _subject_text(self, text: str, start: int, clause: str) -> str:
        """Where to look for who a cue is about: its clause, or the previous clause when this one names
        nobody and the previous one starts with someone else ("他走了，离开公司了")."""
        if self._last_index(clause, [*self._third, *self._first]) >= 0:
            return clause[-_PREFIX_WINDOW:]
        before = text[: start - len(clause)].rstrip(",.!?;，。！？；~～… ")
        previous = before[max((m.end() for m in _CLAUSE_END.finditer(before)), default=0) :].lstrip()
        previous = previous.removeprefix("我的").removeprefix("我")
        lead = [m for m in self._third if not m.isascii() and previous.startswith(m)]
        return previous[-_PREFIX_WINDOW:] if lead else clause

    def _factor(self, intent: str, text: str, start: int, joke: str, asks: bool) -> tuple[float, tuple[str, ...]]:
        cfg = self.settings
        factor, notes = cfg.intent_weights.get(intent, 1.0), []
        clause = self._clause_prefix(text, start)
        if self._negated(clause):
            factor *= cfg.negation_factor
            notes.append("negated")
        elif any(h in clause[-8:] for h in self._hedges):
            factor *= cfg.hedge_factor
            notes.append("hedged")
        if intent != "smalltalk":
            if asks or self._about_someone_else(self._subject_text(text, start, clause)):
                factor *= cfg.third_party_factor
                notes.append("third party")
            if joke == "disclaimer":
                factor *= cfg.disclaimer_factor
                notes.append("joke")
            elif joke and intent in ESCALATING:
                factor *= cfg.distress_joke_factor if intent == "distress" else cfg.joke_factor
                notes.append("joke")
        return factor, tuple(notes)

    # -- cues ---------------------------------------------------------------------------------------
    def _hits(self, intent: str, lex: IntentLexicon, text: str, joke: str, asks: bool) -> list[Hit]:
        masked = _mask(text, lex.decoys)
        taken = [False] * len(masked)
        found: list[tuple[int, str, float]] = []
        for term in sorted(lex.terms, key=len, reverse=True):
            for m in re.finditer(re.escape(term), masked):
                if not any(taken[m.start() : m.end()]):
                    taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                    found.append((m.start(), term, lex.terms[term]))
        if lex.words:
            for token, start, end in self.segmenter.spans(masked):
                if token in lex.words and not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    found.append((start, token, lex.words[token]))
        for pattern in lex.patterns:
            hit = pattern.regex.search(masked)
            if hit is not None:
                found.append((hit.start(), f"/{hit.group(0)}/", pattern.weight))
        hits = []
        for start, cue, weight in sorted(found):
            factor, notes = self._factor(intent, text, start, joke, asks)
            hits.append(Hit(intent, cue.strip("\x00"), weight, factor, notes))
        return hits

    def classify(self, text: str) -> Classification:
        """The intent of one chat message."""
        norm = normalise(text, self.lexicon)
        if not norm:
            return Classification("none", 1.0)
        # "disclaimer" ("开玩笑的"), "laugh" ("哈哈", "😂") or "" (no joke).
        joke = (
            "disclaimer"
            if any(j in norm for j in self._disclaimers)
            else ("laugh" if any(j in norm for j in self._jokes) else "")
        )
        asks = any(a in norm for a in self._asks)
        scores: dict[str, float] = {}
        all_hits: list[Hit] = []
        for intent, lex in self.lexicon.intents.items():
            hits = self._hits(intent, lex, norm, joke, asks)
            rest = 1.0
            for hit in hits:
                rest *= 1.0 - min(1.0, hit.weight * hit.factor)
            scores[intent] = round(1.0 - rest, 4)
            all_hits.extend(hits)
        return self._decide(scores, all_hits, joke)

    def _decide(self, scores: dict[str, float], hits: list[Hit], joke: str) -> Classification:
        cfg = self.settings
        claimed = {i: s for i, s in scores.items() if s > 0 and s >= cfg.threshold(i)}
        if "distress" in claimed:
            intent = "distress"
        elif claimed:
            # Small talk ("谢谢", "哈哈") only when nothing else was said, not even negated or joked.
            spoke = {h.intent for h in hits} - {"smalltalk"}
            serious = {i: s for i, s in claimed.items() if i != "smalltalk"}
            if serious:
                intent = max(serious, key=lambda i: (serious[i], -PRIORITY.index(i)))
            else:
                intent = "none" if spoke else "smalltalk"
        else:
            intent = "none"
        order = {i: n for n, i in enumerate(sorted(scores, key=lambda i: -scores[i]))}
        ordered = sorted(hits, key=lambda h: (h.intent != intent, order.get(h.intent, 99)))
        matched = [h.label() for h in ordered]
        if joke:
            matched.append(f"modifier:{joke}")
        if intent == "none":
            confidence = 1.0 - max((scores[i] for i in scores if i in ESCALATING), default=0.0)
        else:
            confidence = scores[intent]
        return Classification(intent, round(max(0.0, min(1.0, confidence)), 2), matched, scores)


_cache: dict[tuple[Any, ...], Classifier] = {}


def classifier_for(settings: VoiceSection) -> Classifier:
    """The classifier for ``settings`` (built once: loading jieba's dictionary takes a second)."""
    key = (settings.model_dump_json(),)
    found = _cache.get(key)
    if found is None:
        from bot.voice.lexicon import load

        found = _cache[key] = Classifier(load(list(settings.lexicon_files)), settings)
    return found
