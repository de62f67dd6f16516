"""Configuration sections of the security layer: ``[dashboard]`` sign-ins and ``[security]`` limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DashboardUser(_Section):
    """One dashboard sign-in: a name, a password hash (``carebot dashboard hash-password``), and
    optionally the HR employee it is, whose ``[access].hr_scope`` then applies (else: sees all)."""

    username: str = Field(min_length=1, max_length=64)
    password_hash: str = Field(min_length=1)
    userid: str = ""

    @field_validator("password_hash")
    @classmethod
    def _hashed(cls, value: str) -> str:
        # A plain password here would be a secret in a file: only werkzeug hashes are accepted.
        if not value.startswith(("scrypt:", "pbkdf2:")):
            raise ValueError("expected a hash from `carebot dashboard hash-password` (scrypt:… or pbkdf2:…)")
        return value


class DashboardSection(_Section):
    """Who may sign in to ``/dashboard`` (API tokens never do) and how long a session lasts."""

    users: list[DashboardUser] = Field(default_factory=list)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)

    @field_validator("users")
    @classmethod
    def _unique(cls, value: list[DashboardUser]) -> list[DashboardUser]:
        names = [u.username for u in value]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"username {duplicated[0]!r} appears twice")
        return value


class SecuritySection(_Section):
    """Signature freshness and the lockout after failed sign-ins and API authentications."""

    signature_window_seconds: int = Field(default=300, ge=30, le=3600)
    login_max_failures: int = Field(default=5, ge=1, le=1000)
    api_max_failures: int = Field(default=20, ge=1, le=10_000)
    lockout_minutes: int = Field(default=15, ge=1, le=1440)
