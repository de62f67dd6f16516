"""Click parameter types shared by every ``carebot`` command."""

from __future__ import annotations

from datetime import date

import click


class IsoDate(click.ParamType):
    """A calendar day given as ``YYYY-MM-DD``; anything else is a usage error naming the option."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


ISO_DATE = IsoDate()
