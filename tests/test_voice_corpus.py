"""The labelled corpus (tests/voice/*.tsv): targets on both halves, and `carebot intent` output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.settings.voice import VoiceSection
from bot.voice.classify import Classifier
from bot.voice.lexicon import load
from bot.voice.metrics import read_corpus, score

CORPUS = Path(__file__).parent / "voice"
TARGETED = ("help", "distress", "life_event", "resign")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(load(), VoiceSection())


def test_corpus_is_large_and_has_a_held_out_half() -> None:
    tune, held = read_corpus(CORPUS / "corpus_tune.tsv"), read_corpus(CORPUS / "corpus_heldout.tsv")
    assert len(tune) + len(held) >= 400 and len(held) >= 150
    assert not {t for _, t in tune} & {t for _, t in held}


@pytest.mark.parametrize("half", ["tune", "heldout"])
def test_targets_on_each_half(classifier: Classifier, half: str) -> None:
    rows = read_corpus(CORPUS / f"corpus_{half}.tsv")
    result = score((gold, classifier.classify(text).intent, text) for gold, text in rows)
    for intent in TARGETED:
        s = result.per_intent[intent]
        assert (s.precision or 0) >= 0.9 and (s.recall or 0) >= 0.8, (half, s)
    assert result.none_escalated == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我最近压力好大，想找人聊聊", "help"),
        ("我不累", "none"),
        ("压力好大哈哈开玩笑", "none"),
        ("帮同事问一下离职流程", "none"),
        ("我并没有想辞职", "none"),
        ("累死了哈哈", "none"),
        ("不想活了", "distress"),
        ("我妈住院了", "life_event"),
        ("客户说他家里有事", "none"),
    ],
)
def test_negation_jokes_and_third_parties(classifier: Classifier, text: str, intent: str) -> None:
    assert classifier.classify(text).intent == intent


def test_matched_explains_the_modifiers(classifier: Classifier) -> None:
    result = classifier.classify("我并没有想辞职")
    assert result.intent == "none" and any("[negated]" in m for m in result.matched)
    assert any("[third party]" in m for m in classifier.classify("我朋友想辞职").matched)


def test_admin_lexicon_file_and_thresholds_tune_without_code(tmp_path: Path) -> None:
    extra = tmp_path / "ours.toml"
    extra.write_text('[resign.terms]\n"想去隔壁公司" = 0.9\n', encoding="utf-8")
    assert Classifier(load(), VoiceSection()).classify("想去隔壁公司").intent == "none"
    assert Classifier(load([str(extra)]), VoiceSection()).classify("想去隔壁公司").intent == "resign"
    strict = VoiceSection(thresholds={"help": 0.99})
    assert Classifier(load(), strict).classify("压力好大").intent == "none"


def test_cli_prints_one_json_object_per_text_in_order(runner) -> None:
    result = runner.invoke(args=["intent", "我想辞职", "-", "谢谢"], input="我不累\n我妈住院了\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [r["intent"] for r in rows] == ["resign", "none", "life_event", "smalltalk"]
    for row in rows:
        assert set(row) == {"intent", "confidence", "matched"}
        assert 0.0 <= row["confidence"] <= 1.0 and isinstance(row["matched"], list)
