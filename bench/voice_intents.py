"""Benchmark: precision and recall per intent of the free-text classifier, on both corpus halves.

The tuning half (tests/voice/corpus_tune.tsv) is what the lexicon was tuned on; the held-out half
(tests/voice/corpus_heldout.tsv) never was. The baseline is the same lexicon with every modifier
switched off (negation, hedges, jokes, third parties count in full): what plain keyword spotting
would do. Also prints the ``none`` messages that would have offered to alert HR (target: none).

    .venv/bin/python bench/voice_intents.py [--mistakes]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.settings.voice import INTENTS, VoiceSection
from bot.voice.classify import Classifier
from bot.voice.lexicon import load
from bot.voice.metrics import CorpusScore, read_corpus, score

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "voice"
TARGETED = ("help", "distress", "life_event", "resign")


def _fmt(value: float | None) -> str:
    return "   —" if value is None else f"{value:4.2f}"


def _run(classifier: Classifier, rows: list[tuple[str, str]]) -> tuple[CorpusScore, float]:
    started = time.perf_counter()
    triples = [(gold, classifier.classify(text).intent, text) for gold, text in rows]
    return score(triples), (time.perf_counter() - started) / max(1, len(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mistakes", action="store_true", help="list every misclassified message")
    args = parser.parse_args()
    lexicon = load()
    settings = VoiceSection()
    plain = settings.model_copy(
        update={
            "negation_factor": 1.0,
            "hedge_factor": 1.0,
            "joke_factor": 1.0,
            "distress_joke_factor": 1.0,
            "third_party_factor": 1.0,
        }
    )
    tuned, baseline = Classifier(lexicon, settings), Classifier(lexicon, plain)
    tuned.classify("预热")  # load jieba's dictionary outside the timing
    for half in ("tune", "heldout"):
        rows = read_corpus(CORPUS / f"corpus_{half}.tsv")
        ours, per_msg = _run(tuned, rows)
        base, _ = _run(baseline, rows)
        print(
            f"\n== {half} half: {len(rows)} messages, accuracy {ours.accuracy:.2f} "
            f"(baseline {base.accuracy:.2f}), {per_msg * 1000:.2f} ms/message"
        )
        print(f"{'intent':<11} {'n':>4}  {'prec':>5} {'recall':>6}   baseline prec/recall   target")
        for intent in INTENTS:
            s, b = ours.per_intent[intent], base.per_intent[intent]
            target = "P≥0.90 R≥0.80" if intent in TARGETED else ""
            ok = ""
            if intent in TARGETED:
                good = (s.precision or 0) >= 0.9 and (s.recall or 0) >= 0.8
                ok = " ok" if good else " MISSED"
            print(
                f"{intent:<11} {s.labelled:>4}  {_fmt(s.precision):>5} {_fmt(s.recall):>6}   "
                f"{_fmt(b.precision)}/{_fmt(b.recall)}            {target}{ok}"
            )
        print(f"none messages escalated: {len(ours.none_escalated)} (baseline {len(base.none_escalated)})")
        for text in ours.none_escalated:
            print(f"  ! {text}")
        if args.mistakes:
            for gold, pred, text in ours.mistakes:
                print(f"  {gold:>10} → {pred:<10} {text}")


if __name__ == "__main__":
    main()
