"""Deployment checks for ``carebot doctor``: configuration, database, holiday calendar, platforms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.core import i18n
from bot.core.db import mask_url
from bot.core.migrate import is_at_head
from bot.core.runtime import Runtime
from bot.platforms.configured import callbacks_configured, missing_credentials

Level = Literal["ok", "warning", "error"]

i18n.register(
    {
        "doctor.ok": {"zh-CN": "正常", "en": "ok"},
        "doctor.warning": {"zh-CN": "警告", "en": "warning"},
        "doctor.error": {"zh-CN": "错误", "en": "error"},
        "doctor.config": {
            "zh-CN": "配置已加载：时区 {tz}，今天是 {today}，默认平台 {platform}",
            "en": "configuration loaded: time zone {tz}, today is {today}, default platform {platform}",
        },
        "doctor.db_ok": {"zh-CN": "数据库 {url} 可用，结构为最新", "en": "database {url} answers and is at head"},
        "doctor.db_old": {
            "zh-CN": "数据库 {url} 结构不是最新，请运行 `carebot db upgrade`",
            "en": "database {url} is not at the newest schema; run `carebot db upgrade`",
        },
        "doctor.db_down": {
            "zh-CN": "无法连接数据库 {url}：{reason}",
            "en": "cannot reach database {url}: {reason}",
        },
        "doctor.year_missing": {
            "zh-CN": "{year} 年没有法定节假日数据：按周一至周五计算工作日；"
            "国务院公布安排后请用 `carebot calendar import FILE` 导入 {year} 年",
            "en": "no statutory holiday data for {year}: workdays fall back to Monday–Friday; "
            "import {year} with `carebot calendar import FILE` once the State Council publishes it",
        },
        "doctor.calendar_ok": {
            "zh-CN": "节假日数据覆盖 {years}",
            "en": "holiday data covers {years}",
        },
        "doctor.platform_missing": {
            "zh-CN": "默认平台是 {platform}，但 [{platform}] 的 {keys} 未配置齐全：消息会发送失败",
            "en": "the default platform is {platform} but [{platform}] {keys} are not all set: messages will fail",
        },
        "doctor.callbacks_missing": {
            "zh-CN": "[{platform}] callback_token / callback_aes_key 未配置：回调会被拒绝",
            "en": "[{platform}] callback_token / callback_aes_key are not set: callbacks will be refused",
        },
        "doctor.platform_ok": {"zh-CN": "平台 {platform} 已配置", "en": "platform {platform} is configured"},
        "doctor.api_closed": {
            "zh-CN": "[api].tokens 为空：/api/v1 对所有请求返回 401",
            "en": "[api].tokens is empty: /api/v1 answers 401 to every request",
        },
        "doctor.public_url": {
            "zh-CN": "[app].public_url 未设置：消息中的链接无法打开",
            "en": "[app].public_url is not set: links in messages will not open",
        },
        "doctor.stream_ok": {
            "zh-CN": "钉钉 Stream 连接器 {holder} 已连接，最后一帧在 {ago} 秒前",
            "en": "DingTalk Stream connector {holder} is connected; last frame {ago} s ago",
        },
        "doctor.stream_no_leader": {
            "zh-CN": "[dingtalk].mode 为 stream，但没有 Stream 连接器持有租约：请运行 `carebot stream`",
            "en": "[dingtalk].mode is stream but no Stream connector holds the lease: run `carebot stream`",
        },
        "doctor.stream_not_connected": {
            "zh-CN": "Stream 连接器 {holder} 未连接到钉钉网关（见 `carebot stream --check`）",
            "en": "Stream connector {holder} is not connected to the DingTalk gateway (see `carebot stream --check`)",
        },
        "doctor.stream_stale": {
            "zh-CN": "Stream 连接器 {holder} 超过 {seconds} 秒未收到任何帧（见 `carebot stream --check`）",
            "en": "Stream connector {holder} has received no frame for over {seconds} s (see `carebot stream --check`)",
        },
        "doctor.shift": {
            "zh-CN": "[attendance] day_boundary 应早于 workday_start，否则早到的打卡会算到前一天",
            "en": "[attendance] day_boundary should be before workday_start, or early punches count for the day before",
        },
    }
)


@dataclass(frozen=True)
class CheckResult:
    """One finding: its level and a message key with values."""

    level: Level
    key: str
    values: tuple[tuple[str, object], ...] = ()

    def line(self, locale: str | None) -> str:
        """``[warning] …`` in ``locale``."""
        return f"[{i18n.t('doctor.' + self.level, locale)}] {i18n.t(self.key, locale, **dict(self.values))}"


def _check(level: Level, key: str, **values: object) -> CheckResult:
    return CheckResult(level, key, tuple(values.items()))


def _database(runtime: Runtime) -> CheckResult:
    url = mask_url(runtime.settings.database.url)
    try:
        with runtime.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        at_head = is_at_head(runtime.db.engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()[0]
        return _check("error", "doctor.db_down", url=url, reason=reason)
    return _check("ok", "doctor.db_ok", url=url) if at_head else _check("warning", "doctor.db_old", url=url)


def _calendar(runtime: Runtime) -> list[CheckResult]:
    today = runtime.today()
    missing = runtime.calendar.missing_years(today)
    out = [_check("warning", "doctor.year_missing", year=year) for year in missing]
    covered = [y for y in (today.year, today.year + 1) if runtime.calendar.has_year(y)]
    if covered:
        out.insert(0, _check("ok", "doctor.calendar_ok", years=", ".join(str(y) for y in covered)))
    return out


def _platforms(runtime: Runtime) -> list[CheckResult]:
    settings = runtime.settings
    default = settings.platform.default
    out: list[CheckResult] = []
    missing = missing_credentials(settings, default)
    if missing is not None:
        out.append(_check("warning", "doctor.platform_missing", platform=default, keys=missing))
    elif default != "local":
        out.append(_check("ok", "doctor.platform_ok", platform=default))
    if not callbacks_configured(settings, default):
        out.append(_check("warning", "doctor.callbacks_missing", platform=default))
    if default != "local" and not settings.app.public_url:
        out.append(_check("warning", "doctor.public_url"))
    return out


def _stream(runtime: Runtime) -> list[CheckResult]:
    """The Stream connector's health, when DingTalk talks to us over Stream (docs/stream.md)."""
    if runtime.settings.dingtalk.mode != "stream":
        return []
    from bot.platforms.dingtalk.stream.options import StreamOptions
    from bot.platforms.dingtalk.stream.status import read_health

    options = StreamOptions.from_settings(runtime.settings)
    try:
        health = read_health(runtime, options)
    except SQLAlchemyError:
        return []  # the database line already says why
    row = health.leader_row()
    if health.problem == "no_leader" or row is None:
        return [_check("error", "doctor.stream_no_leader")]
    if health.problem == "not_connected":
        return [_check("error", "doctor.stream_not_connected", holder=row.holder)]
    if health.problem == "stale":
        return [_check("warning", "doctor.stream_stale", holder=row.holder, seconds=int(options.stale_after_seconds))]
    last = max(t for t in (row.last_frame_at, row.connected_since) if t is not None)
    return [_check("ok", "doctor.stream_ok", holder=row.holder, ago=int((health.now - last).total_seconds()))]


def run_checks(runtime: Runtime) -> list[CheckResult]:
    """Every general check, in the order an admin would fix things (security: bot/ops/security_checks.py)."""
    settings = runtime.settings
    results = [
        _check(
            "ok",
            "doctor.config",
            tz=settings.app.timezone,
            today=runtime.today().isoformat(),
            platform=settings.platform.default,
        ),
        _database(runtime),
        *_calendar(runtime),
        *_platforms(runtime),
        *_stream(runtime),
    ]
    if not settings.api.tokens:
        results.append(_check("warning", "doctor.api_closed"))
    if settings.attendance.day_boundary > settings.attendance.workday_start:
        results.append(_check("warning", "doctor.shift"))
    return results
