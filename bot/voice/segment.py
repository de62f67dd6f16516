"""Normalising chat text and cutting it into words with jieba.

Normalisation folds full-width characters and case (NFKC + lower), names emoji in words the
lexicon knows, and fixes common typos, so "压历好大😭" reads like "压力好大 哭". jieba's own
tokenizer instance gets every lexicon phrase as a word, so cues stay whole tokens.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

import jieba

from bot.voice.lexicon import Lexicon

_SPACES = re.compile(r"\s+")
_lock = threading.Lock()
# jieba logs "Building prefix dict…" to its own stderr handler at DEBUG; keep it quiet.
jieba.setLogLevel(logging.WARNING)


def normalise(text: str, lexicon: Lexicon) -> str:
    """The text as the classifier matches it: emoji named, NFKC, lower case, typos fixed."""
    for emoji, name in lexicon.emoji.items():
        if emoji in text:
            text = text.replace(emoji, name)
    text = unicodedata.normalize("NFKC", text).lower()
    # Longest typo first so a longer fix is not broken by a shorter one inside it.
    for wrong in sorted(lexicon.typos, key=len, reverse=True):
        if wrong in text:
            text = text.replace(wrong, lexicon.typos[wrong])
    return _SPACES.sub(" ", text).strip()


class Segmenter:
    """A jieba tokenizer that knows the lexicon's phrases (built once per lexicon, thread-safe)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._words = sorted(lexicon.vocabulary())
        self._ready = False

    def _prepare(self) -> None:
        with _lock:
            if self._ready:
                return
            self._tokenizer.initialize()
            for word in self._words:
                if " " not in word:
                    self._tokenizer.add_word(word, freq=None)
            self._ready = True

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """``(token, start, end)`` for every non-space token of ``text``."""
        if not self._ready:
            self._prepare()
        return [(w, start, end) for w, start, end in self._tokenizer.tokenize(text) if w.strip()]
