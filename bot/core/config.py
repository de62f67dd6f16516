"""Configuration: a TOML file plus ``CAREBOT_<SECTION>__<KEY>`` environment overrides, validated.

The file is named by ``CAREBOT_CONFIG`` (default ``./carebot.toml``); when it does not exist the
built-in defaults apply. Secrets belong in the environment, never in the repository.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.core.errors import ConfigError
from bot.core.settings.evaluation import EvaluationSection
from bot.core.settings.metric_catalogue import MetricsSection
from bot.core.settings.onboarding import OnboardingSection
from bot.core.settings.scopes import TokenConfig
from bot.core.settings.security import DashboardSection, SecuritySection
from bot.core.settings.voice import CareSection, VoiceSection

log = logging.getLogger(__name__)

ENV_PREFIX = "CAREBOT_"
DEFAULT_CONFIG_PATH = "carebot.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _parse_hhmm(value: Any) -> time:
    if isinstance(value, time):
        return value
    try:
        hh, mm = str(value).split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"expected HH:MM, got {value!r}") from exc


HHMM = Annotated[time, BeforeValidator(_parse_hhmm)]  # a local clock time written "HH:MM"


class _SendWindow(_Section):
    """A daily window (company time zone) in which messages may go out."""

    send_from: HHMM = time(9, 0)
    send_until: HHMM = time(18, 0)

    @field_validator("send_until")
    @classmethod
    def _window(cls, value: time, info: ValidationInfo) -> time:
        start = info.data.get("send_from")
        if start is not None and value <= start:
            raise ValueError("send_until must be later than send_from")
        return value


class AppSection(_Section):
    timezone: str = "Asia/Shanghai"
    locale: Literal["zh-CN", "en"] = "zh-CN"
    secret_key: str = ""
    public_url: str = ""
    environment: Literal["development", "production"] = "development"
    # Real platform keys in development (simulator, developer sign-in) must be asked for explicitly.
    development_with_platform_keys: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class DatabaseSection(_Section):
    url: str = "sqlite:///instance/carebot.db"
    echo: bool = False
    # A database that stops answering must not freeze the web tier: every wait is bounded.
    connect_timeout_seconds: int = Field(default=5, ge=1, le=120)
    statement_timeout_seconds: int = Field(default=60, ge=1, le=3600)
    lock_timeout_seconds: int = Field(default=10, ge=1, le=600)
    pool_timeout_seconds: int = Field(default=10, ge=1, le=600)

    @field_validator("url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        # Checked here so a typo stops start-up with one line instead of a stack trace later.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if value.startswith("postgres://"):  # the Heroku-style spelling of postgresql://
            value = "postgresql://" + value.removeprefix("postgres://")
        expected = "expected sqlite:///path/to/carebot.db or postgresql+psycopg://user:password@host:5432/name"
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError(f"not a database URL; {expected}") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {backend!r}; {expected}")
        return value


class PlatformSection(_Section):
    default: Literal["local", "dingtalk", "wecom"] = "local"


class DingTalkSection(_Section):
    app_key: str = ""
    app_secret: str = ""
    agent_id: str = ""
    robot_code: str = ""
    corp_id: str = ""
    callback_token: str = ""
    callback_aes_key: str = ""
    card_template_id: str = ""
    card_callback_route_key: str = ""
    card_api_secret: str = ""
    api_base: str = "https://api.dingtalk.com"
    oapi_base: str = "https://oapi.dingtalk.com"
    # How DingTalk reaches us: HTTP callbacks to a public URL, or Stream mode (`carebot stream` opens
    # an outbound WebSocket; no public URL). The stream_* keys tune that connector (docs/stream.md).
    mode: Literal["http", "stream"] = "http"
    # No frame for this long: probe with a WebSocket ping; no pong within the timeout: reconnect.
    stream_silence_seconds: float = Field(default=90, gt=0, le=3600)
    stream_ping_timeout_seconds: float = Field(default=10, gt=0, le=120)
    # Reconnect delays after errors: exponential from min to max, with full jitter.
    stream_backoff_min_seconds: float = Field(default=1, gt=0, le=600)
    stream_backoff_max_seconds: float = Field(default=60, gt=0, le=3600)
    # The connector lease (one leader per app): a killed leader is replaced after at most this long.
    stream_lease_seconds: float = Field(default=30, ge=1, le=600)
    # Frames handled at once; more wait their turn (SYSTEM frames such as ping are answered at once).
    stream_max_inflight: int = Field(default=8, ge=1, le=64)

    @field_validator("stream_backoff_max_seconds")
    @classmethod
    def _backoff_bounds(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("stream_backoff_min_seconds")
        if low is not None and value < low:
            raise ValueError("stream_backoff_max_seconds must be at least stream_backoff_min_seconds")
        return value


class WeComSection(_Section):
    corp_id: str = ""
    agent_id: str = ""
    secret: str = ""
    callback_token: str = ""
    callback_aes_key: str = ""
    api_base: str = "https://qyapi.weixin.qq.com"


class ApiSection(_Section):
    """Bearer tokens for /api/v1: plain strings (legacy scopes) or ``{name, token, scopes}`` tables."""

    tokens: list[TokenConfig] = Field(default_factory=list)


class ServerSection(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Reverse proxies in front of CareBot whose X-Forwarded-For/-Proto to trust (0: none).
    proxy_hops: int = Field(default=0, ge=0, le=5)


class AttendanceSection(_Section):
    """The default shift; a punch before ``day_boundary`` belongs to the previous day's shift."""

    workday_start: HHMM = time(9, 0)
    workday_end: HHMM = time(18, 0)
    day_boundary: HHMM = time(5, 0)
    late_grace_minutes: int = Field(default=0, ge=0, le=120)
    # The unpaid meal break is not work: presence across it counts minus the overlap.
    break_start: HHMM = time(12, 0)
    break_end: HHMM = time(13, 0)


class CalendarSection(_Section):
    """Admin-supplied holiday data for years the bundled calendar does not cover."""

    holiday_file: str = ""


class DemoSection(_Section):
    employees: int = Field(default=300, ge=10, le=200_000)
    seed: int = 7
    days: int = Field(default=183, ge=1, le=400)


class InboxSection(_Section):
    """How verified callbacks are processed after they are stored and acknowledged."""

    # background: batch processors (the scheduler, `carebot inbox work`) after the answer;
    # inline: in the request, before the answer (and always under Flask's testing flag).
    process: Literal["inline", "background"] = "background"
    workers: int = Field(default=4, ge=1, le=64)  # web-process threads that push the outbox
    stuck_after_minutes: int = Field(default=15, ge=1, le=1440)
    push_outbox: bool = True
    batch_size: int = Field(default=500, ge=1, le=5000)  # events claimed per batch
    poll_seconds: float = Field(default=1.0, ge=0.05, le=60)  # an idle processor looks again after this
    process_in_scheduler: bool = True  # `carebot scheduler` runs a processor thread too


class RemindersSection(_SendWindow):
    """Care reminders: routing fallback, send window, digest, re-send and noise caps."""

    hr_userids: list[str] = Field(default_factory=list)
    digest_time: HHMM = time(10, 0)
    digest_max_items: int = Field(default=15, ge=1, le=200)
    resend_after_workdays: int = Field(default=2, ge=1, le=30)
    max_contacts_per_employee: int = Field(default=3, ge=1, le=50)
    contact_window_days: int = Field(default=30, ge=1, le=365)
    max_immediate_per_recipient: int = Field(default=10, ge=1, le=500)
    # New items (cards and digest entries) per recipient per day; the rest waits, then goes into
    # the weekly summary (docs/reminders.md).
    daily_budget: int = Field(default=15, ge=1, le=500)
    templates_file: str = ""


class SurveysSection(_SendWindow):
    """Pulse surveys: cadence, questions per send, send window, reminder and expiry."""

    enabled: bool = True
    new_hire_days: int = Field(default=90, ge=0, le=365)
    new_hire_interval_days: int = Field(default=7, ge=1, le=365)
    interval_days: int = Field(default=14, ge=1, le=365)
    department_interval_days: dict[str, int] = Field(default_factory=dict)
    questions_per_send: int = Field(default=2, ge=1, le=3)
    reminder_after_workdays: int = Field(default=2, ge=1, le=30)
    expire_after_workdays: int = Field(default=5, ge=1, le=60)

    @field_validator("department_interval_days")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        bad = [name for name, days in value.items() if not 1 <= days <= 365]
        if bad:
            raise ValueError(f"interval for department {bad[0]!r} must be 1..365 days")
        return value


class OutboxSection(_Section):
    """Outbound delivery: drain cadence, retries and the platforms' send caps (paced, never dropped)."""

    drain_seconds: int = Field(default=5, ge=1, le=3600)
    batch_size: int = Field(default=200, ge=1, le=5000)
    # A claimed message is the claimer's for this long (renewed just before its platform call), then
    # any sender may take it over: longer than one platform call with its token fetch and timeouts.
    claim_seconds: int = Field(default=120, ge=2, le=3600)
    max_attempts: int = Field(default=8, ge=1, le=50)
    dingtalk_per_user_per_day: int = Field(default=500, ge=1, le=5000)
    wecom_per_member_per_minute: int = Field(default=30, ge=1, le=1000)
    wecom_per_member_per_hour: int = Field(default=1000, ge=1, le=100_000)
    robot_per_minute: int = Field(default=20, ge=1, le=1000)


class SchedulerSection(_Section):
    """The scheduler's leader lease (docs/deployment.md): a standby takes over this long after the
    leader stopped renewing it (the leader renews on every job run, the outbox drain being the most
    frequent)."""

    lease_seconds: int = Field(default=60, ge=2, le=3600)


class AccessSection(_Section):
    """Who may see whom: HR sees ``all`` active employees or only those whose ``hrbp`` they are."""

    hr_scope: Literal["all", "hrbp"] = "all"


class CommandsSection(_Section):
    """Slash commands in chat: a per-user rate limit (commands per rolling minute)."""

    rate_limit_per_minute: int = Field(default=10, ge=1, le=1000)


class RulesSection(_Section):
    """Care-tag rules: extra rule folders, built-ins switched off, threshold overrides, daily run."""

    paths: list[str] = Field(default_factory=list)
    disabled: list[str] = Field(default_factory=list)
    # {rule id: {"dotted.field.path": value}}, e.g. {"high_pressure": {"condition.days": 4}}
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    evaluation_time: HHMM = time(6, 30)
    catch_up_days: int = Field(default=7, ge=0, le=60)


class SyncSection(_Section):
    """Scheduled pulls from the platforms (WeCom check-ins, DingTalk failed callbacks) and facts catch-up."""

    wecom_checkin_minutes: int = Field(default=15, ge=1, le=1440)
    wecom_checkin_backfill_days: int = Field(default=7, ge=1, le=90)
    wecom_calls_per_minute: int = Field(default=600, ge=1, le=600)
    dingtalk_failed_minutes: int = Field(default=5, ge=1, le=1440)
    facts_catchup_at: HHMM = time(2, 30)
    facts_catchup_days: int = Field(default=3, ge=1, le=62)


class ReportSection(_Section):
    """The effectiveness report: default period, HR-time estimates, windows and the privacy floor."""

    default_days: int = Field(default=30, ge=1, le=366)
    minutes_per_care_action: int = Field(default=15, ge=1, le=480)
    baseline_minutes_per_chat: int = Field(default=5, ge=1, le=120)
    pulse_window_days: int = Field(default=14, ge=1, le=90)
    turnover_window_days: int = Field(default=90, ge=1, le=365)
    # Groups smaller than this are shown as "样本不足"; never below 5 (the team-pulse floor).
    min_group_size: int = Field(default=5, ge=5, le=100)


class RiskSection(_Section):
    """The learned attrition-risk model: horizon, when to train, and when to fall back to rules."""

    horizon_days: int = Field(default=90, ge=30, le=365)
    # Below this many leavers in the training history the rule score stays in use (and says so).
    min_leavers: int = Field(default=20, ge=5, le=10_000)
    # Retrain when the newest model is older than this many days (the scheduler checks daily).
    retrain_days: int = Field(default=30, ge=1, le=365)
    retrain_time: HHMM = time(3, 30)
    # Back-test cut-offs T: this many, one month apart, the latest one horizon_days before as-of.
    backtest_points: int = Field(default=4, ge=1, le=24)
    # Months of history a snapshot may look back on; older person-months are not trained on.
    history_months: int = Field(default=36, ge=6, le=120)
    # Inverse regularisation strength of the logistic regression (smaller = stronger L2 penalty).
    regularisation_c: float = Field(default=0.5, gt=0, le=100)
    # Metrics whose fall is a feature ("falling sales"); must be in the [metrics] catalogue.
    performance_metrics: list[str] = Field(default_factory=lambda: ["sales", "calls"])


class RetentionSection(_Section):
    """How long each kind of personal data is kept (days); the daily purge enforces it."""

    pulse_answers: int = Field(default=365, ge=30, le=3650)  # check-in and team-pulse answers
    chat_declarations: int = Field(default=180, ge=1, le=3650)  # life events and chat declarations
    audit_log: int = Field(default=1095, ge=180, le=3650)  # who viewed what: kept long enough to answer
    inbox_payloads: int = Field(default=30, ge=1, le=365)  # stored callbacks (decrypted message content)
    outbox_bodies: int = Field(default=30, ge=1, le=365)  # texts of messages already sent
    leavers: int = Field(default=180, ge=30, le=3650)  # personal data of people who left, after left_on


class PrivacySection(_Section):
    """The visibility policy's bounded loosening, the aggregate floor, retention and the purge time."""

    # {role: {category: "full" | "summary" | "none"}}; never above the ceilings (bot/privacy/policy.py).
    grants: dict[str, dict[str, str]] = Field(default_factory=dict)
    min_group_size: int = Field(default=5, ge=5, le=100)
    retention: RetentionSection = RetentionSection()
    purge_time: HHMM = time(3, 30)

    @field_validator("grants")
    @classmethod
    def _bounded(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from bot.privacy.policy import check_grants

        check_grants(value)
        return value


class Settings(_Section):
    """All configuration; unknown sections or keys are errors so typos never pass silently."""

    app: AppSection = AppSection()
    database: DatabaseSection = DatabaseSection()
    platform: PlatformSection = PlatformSection()
    dingtalk: DingTalkSection = DingTalkSection()
    wecom: WeComSection = WeComSection()
    api: ApiSection = ApiSection()
    dashboard: DashboardSection = DashboardSection()
    security: SecuritySection = SecuritySection()
    server: ServerSection = ServerSection()
    attendance: AttendanceSection = AttendanceSection()
    calendar: CalendarSection = CalendarSection()
    demo: DemoSection = DemoSection()
    inbox: InboxSection = InboxSection()
    reminders: RemindersSection = RemindersSection()
    surveys: SurveysSection = SurveysSection()
    outbox: OutboxSection = OutboxSection()
    scheduler: SchedulerSection = SchedulerSection()
    access: AccessSection = AccessSection()
    commands: CommandsSection = CommandsSection()
    rules: RulesSection = RulesSection()
    metrics: MetricsSection = MetricsSection()
    sync: SyncSection = SyncSection()
    report: ReportSection = ReportSection()
    risk: RiskSection = RiskSection()
    evaluation: EvaluationSection = EvaluationSection()
    privacy: PrivacySection = PrivacySection()
    onboarding: OnboardingSection = OnboardingSection()
    care: CareSection = CareSection()
    voice: VoiceSection = VoiceSection()

    @model_validator(mode="after")
    def _lease_outlives_a_drain(self) -> Settings:
        # The leader renews its lease when a job runs; with a lease shorter than two drains it
        # would lose it between runs and the schedulers would take turns.
        if self.scheduler.lease_seconds < 2 * self.outbox.drain_seconds:
            raise ValueError(
                f"[scheduler].lease_seconds ({self.scheduler.lease_seconds}) must be at least twice "
                f"[outbox].drain_seconds ({self.outbox.drain_seconds})"
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The company time zone in which days are evaluated."""
        return ZoneInfo(self.app.timezone)


def _env_value(raw: str) -> Any:
    """Environment values are strings; JSON lists/objects are decoded, the rest left to pydantic."""
    stripped = raw.strip()
    if stripped.startswith(("[", "{")):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return raw
    return raw


def _env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name or name == "CAREBOT_CONFIG":
            continue
        section, _, key = name[len(ENV_PREFIX) :].partition("__")
        value = _env_value(raw)
        if isinstance(value, str) and _is_list_key(section.lower(), key.lower()):
            value = [t.strip() for t in value.split(",") if t.strip()]  # "hr1,hr2" as documented
        out.setdefault(section.lower(), {})[key.lower()] = value
    return out


def _is_list_key(section: str, key: str) -> bool:
    """Whether ``[section].key`` holds a list (so a comma-separated environment value is split)."""
    section_field = Settings.model_fields.get(section)
    model = section_field.annotation if section_field else None
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return False
    key_field = model.model_fields.get(key)
    return key_field is not None and get_origin(key_field.annotation) in (list, tuple)


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    loc = [str(p) for p in first["loc"]]
    msg = first["msg"]
    if not loc:  # a rule across sections names its keys itself
        return f"invalid configuration: {msg.removeprefix('Value error, ')}"
    key = f"[{loc[0]}].{'.'.join(loc[1:])}" if len(loc) > 1 else f"[{loc[0]}]"
    if first["type"] == "extra_forbidden":
        msg = "unknown key"
    return f"invalid configuration: {key}: {msg}"


def load_settings(
    path: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Load settings from the TOML file, then environment overrides, then explicit ``overrides``.

    Raises:
        ConfigError: one line naming the file or the key and what is wrong with it.
    """
    env = os.environ if environ is None else environ
    file_path = Path(path or env.get("CAREBOT_CONFIG") or DEFAULT_CONFIG_PATH)
    data: dict[str, Any] = {}
    if file_path.exists():
        try:
            with file_path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read configuration file {file_path}: {exc}") from exc
    elif path is not None or "CAREBOT_CONFIG" in env:
        # The contract: a missing file means built-in defaults. Say so, since a named one may be a typo.
        log.warning("configuration file %s does not exist; using built-in defaults and the environment", file_path)
    data = _merge(data, _env_overrides(env))
    if overrides:
        data = _merge(data, overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
