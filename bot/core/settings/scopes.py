"""API token scopes: what an ``[api].tokens`` entry may write and read.

An entry is either a plain string (a token from before scopes existed: it keeps working as
``read:people`` + ``metrics:write`` + ``employees:write``) or a table
``{name = "crm", token = "...", scopes = ["metrics:write"]}``. Sensitive categories reach an API
answer only with ``read:sensitive`` (bot/privacy/policy.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

METRICS_WRITE = "metrics:write"
EMPLOYEES_WRITE = "employees:write"
READ_AGGREGATES = "read:aggregates"
READ_PEOPLE = "read:people"
READ_SENSITIVE = "read:sensitive"
SCOPES = (METRICS_WRITE, EMPLOYEES_WRITE, READ_AGGREGATES, READ_PEOPLE, READ_SENSITIVE)
LEGACY_SCOPES = frozenset({READ_PEOPLE, METRICS_WRITE, EMPLOYEES_WRITE})

Scope = Literal["metrics:write", "employees:write", "read:aggregates", "read:people", "read:sensitive"]


class TokenEntry(BaseModel):
    """A named token with explicit scopes (``[[api.tokens]]`` or an inline table)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    token: str = Field(min_length=1)
    scopes: list[Scope] = Field(default_factory=list)

    @field_validator("scopes")
    @classmethod
    def _unique(cls, value: list[Scope]) -> list[Scope]:
        return sorted(set(value))


TokenConfig = str | TokenEntry


def token_id(token: str) -> str:
    """A short, non-reversible id of a token for audit logs (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Grant:
    """A configured token as the API sees it."""

    name: str
    token: str
    scopes: frozenset[str]

    @property
    def id(self) -> str:
        return token_id(self.token)


def grants(entries: Iterable[TokenConfig]) -> list[Grant]:
    """Every configured token with its scopes (plain strings get the legacy scopes)."""
    out = []
    for entry in entries:
        if isinstance(entry, str):
            if entry:
                out.append(Grant(f"token-{token_id(entry)}", entry, LEGACY_SCOPES))
        else:
            out.append(Grant(entry.name, entry.token, frozenset(entry.scopes)))
    return out


def match(entries: Iterable[TokenConfig], presented: str) -> Grant | None:
    """The grant whose token equals ``presented``, compared in constant time against every token."""
    found: Grant | None = None
    for grant in grants(entries):
        # No early exit: timing reveals neither which token matched nor how much of it.
        if hmac.compare_digest(presented.encode("utf-8"), grant.token.encode("utf-8")):
            found = grant
    return found
