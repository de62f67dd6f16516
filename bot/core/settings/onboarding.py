"""``[onboarding]``: whether hires start journeys, which journey file, who admin and IT are."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class OnboardingSection(BaseModel):
    """Onboarding journeys (docs/journeys.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    # A TOML journey replacing the built-in default (bot/journeys/default_journey.toml).
    journey_file: str = ""
    # Who prepares desk, badge and computer (admin) and accounts (IT); tasks go to the least busy.
    admin_userids: list[str] = Field(default_factory=list)
    it_userids: list[str] = Field(default_factory=list)
