"""``[care]`` (support lines) and ``[voice]`` (the free-text classifier and chat flows) settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

INTENTS: tuple[str, ...] = ("help", "distress", "life_event", "resign", "workload", "privacy", "smalltalk", "none")
# Intents whose reply offers to bring HR in (distress does too, with the support lines first).
ESCALATING: tuple[str, ...] = ("help", "distress", "life_event", "resign", "workload")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CareSection(_Frozen):
    """Support lines shown at once to someone in distress and after a very high stress answer."""

    eap_text: str = Field(
        default="公司员工援助计划（EAP）提供免费、保密的心理咨询，可随时联系。",
        max_length=500,
    )
    hotline: str = Field(default="全国心理援助热线 12356（24小时）", max_length=200)
    # What the employee is told HR will do after they say yes (and after a very high stress answer).
    response_hours: int = Field(default=24, ge=1, le=168)


class VoiceSection(_Frozen):
    """How free text is classified and what the chat flows allow; every number is tunable here."""

    enabled: bool = True
    # Extra lexicon files (same format as bot/voice/data/lexicon.toml) merged over the built-in one.
    lexicon_files: list[str] = Field(default_factory=list)
    # An intent is claimed when its score reaches its threshold (default_threshold if not listed).
    default_threshold: float = Field(default=0.5, gt=0, le=1)
    thresholds: dict[str, float] = Field(default_factory=dict)
    # Multiplies every cue of an intent (1.0 = as written in the lexicon).
    intent_weights: dict[str, float] = Field(default_factory=dict)
    # How much a cue still counts when negated ("我不累"), hedged ("有点累"), joked about
    # ("压力好大哈哈开玩笑") or about someone else ("帮同事问一下离职流程").
    negation_factor: float = Field(default=0.0, ge=0, le=1)
    hedge_factor: float = Field(default=0.75, ge=0, le=1)
    joke_factor: float = Field(default=0.25, ge=0, le=1)
    # Crisis language is discounted less for a joke: people often mask it with one.
    distress_joke_factor: float = Field(default=0.6, ge=0, le=1)
    # Saying it was a joke ("开玩笑的") discounts every intent, crisis language included.
    disclaimer_factor: float = Field(default=0.1, ge=0, le=1)
    third_party_factor: float = Field(default=0.15, ge=0, le=1)
    # How long an unanswered consent question stays open, and how long a consented request lives.
    consent_ttl_hours: int = Field(default=48, ge=1, le=720)
    request_days: int = Field(default=14, ge=1, le=90)
    max_quote_chars: int = Field(default=500, ge=50, le=2000)
    # A declared life event (/家里有事) and its consent last this long unless the employee ends it.
    life_event_days: int = Field(default=30, ge=1, le=180)
    # Anonymous questions (/匿名): how many a person may send a day, and how many days an unanswered
    # question can still be answered (after that the way back to the sender is deleted).
    anonymous_per_day: int = Field(default=3, ge=1, le=50)
    anonymous_days: int = Field(default=30, ge=1, le=180)

    def threshold(self, intent: str) -> float:
        """The score an intent needs to be claimed."""
        return self.thresholds.get(intent, self.default_threshold)
