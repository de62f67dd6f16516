"""Precision and recall per intent over a labelled corpus (for the bench and the corpus test)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.settings.voice import ESCALATING, INTENTS


@dataclass(frozen=True)
class IntentScore:
    """Precision and recall of one intent; ``None`` when undefined (nothing predicted / labelled)."""

    intent: str
    precision: float | None
    recall: float | None
    predicted: int
    labelled: int


@dataclass(frozen=True)
class CorpusScore:
    """Scores per intent plus the ``none`` messages that would have offered to alert HR."""

    per_intent: dict[str, IntentScore]
    total: int
    accuracy: float
    none_escalated: list[str]
    mistakes: list[tuple[str, str, str]]  # (label, predicted, text)


def read_corpus(path: str | Path) -> list[tuple[str, str]]:
    """``(label, text)`` rows of a ``label<TAB>text`` file; ``#`` lines are comments."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label not in INTENTS or not text:
            raise ValueError(f"{path}:{n}: expected <intent>\\t<text> with intent one of {INTENTS}")
        rows.append((label, text))
    return rows


def score(pairs: Iterable[tuple[str, str, str]]) -> CorpusScore:
    """Score ``(label, predicted, text)`` triples."""
    rows = list(pairs)
    per = {}
    for intent in INTENTS:
        tp = sum(1 for gold, pred, _ in rows if gold == intent and pred == intent)
        predicted = sum(1 for _, pred, _ in rows if pred == intent)
        labelled = sum(1 for gold, _, _ in rows if gold == intent)
        per[intent] = IntentScore(
            intent,
            tp / predicted if predicted else None,
            tp / labelled if labelled else None,
            predicted,
            labelled,
        )
    correct = sum(1 for gold, pred, _ in rows if gold == pred)
    return CorpusScore(
        per,
        len(rows),
        correct / len(rows) if rows else 0.0,
        [text for gold, pred, text in rows if gold == "none" and pred in ESCALATING],
        [(gold, pred, text) for gold, pred, text in rows if gold != pred],
    )
