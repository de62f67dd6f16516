"""``carebot intent TEXT…``: how the classifier reads a message, as one JSON object a line."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from bot.core.errors import ConfigError
from bot.core.runtime import get_runtime


@click.command("intent")
@click.argument("texts", nargs=-1, required=True)
@with_appcontext
def intent(texts: tuple[str, ...]) -> None:
    """Classify TEXTS (``-`` reads one text a line from standard input); prints one JSON object a line.

    Each line is {"intent": ..., "confidence": 0.0–1.0, "matched": [...]}: the cues that fired,
    with [negated], [hedged], [joke] or [third party] when a modifier discounted them.
    """
    from bot.voice.classify import classifier_for

    try:
        classifier = classifier_for(get_runtime().settings.voice)
    except ConfigError as exc:
        click.echo(f"carebot: {exc}", err=True)
        sys.exit(2)
    for text in texts:
        lines = [line.rstrip("\r\n") for line in sys.stdin] if text == "-" else [text]
        for line in lines:
            click.echo(json.dumps(classifier.classify(line).as_json(), ensure_ascii=False))


COMMANDS = (intent,)
