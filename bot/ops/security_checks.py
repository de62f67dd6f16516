"""The security section of ``carebot doctor``: environment, session key, card secret, robot, tokens.

In production an ``error`` here makes ``doctor`` exit non-zero (a deployment check in CI or a
container health gate then stops the roll-out); the same finding in development is a warning.
"""

from __future__ import annotations

from bot.core import i18n
from bot.core.config import Settings
from bot.core.settings import scopes
from bot.ops.doctor import CheckResult, Level
from bot.security.startup import platform_keys_set, unsafe_development

MIN_TOKEN_LENGTH = 24

i18n.register(
    {
        "doctor.sec.header": {"zh-CN": "安全检查", "en": "security checks"},
        "doctor.sec.environment": {
            "zh-CN": "[app].environment 为 development（默认值），但已配置真实平台设置（{keys}）：服务拒绝启动。"
            '请设置 [app].environment = "production"；确需连接真实租户开发时设置 '
            "[app].development_with_platform_keys = true",
            "en": "[app].environment is 'development' (the default) but real platform settings are present "
            '({keys}): serving refuses to start. Set [app].environment = "production", or '
            "[app].development_with_platform_keys = true to develop against a real tenant on purpose",
        },
        "doctor.sec.secret_key": {
            "zh-CN": "[app].secret_key 未设置：看板不可用（每个进程会各自生成密钥）",
            "en": "[app].secret_key is not set: the dashboard is disabled (each worker would invent its own key)",
        },
        "doctor.sec.secret_key_short": {
            "zh-CN": "[app].secret_key 太短（少于 32 个字符）",
            "en": "[app].secret_key is short (fewer than 32 characters)",
        },
        "doctor.sec.card_secret": {
            "zh-CN": "已启用钉钉互动卡片，但 [dingtalk].card_api_secret 未设置：卡片回调无法验证，将被拒绝（503）",
            "en": "DingTalk interactive cards are on but [dingtalk].card_api_secret is not set: "
            "card callbacks cannot be verified and are refused (503)",
        },
        "doctor.sec.robot_code": {
            "zh-CN": "[dingtalk].robot_code 未设置：机器人消息的 robotCode 无法核对",
            "en": "[dingtalk].robot_code is not set: the robotCode of robot messages is not checked",
        },
        "doctor.sec.corp_id": {
            "zh-CN": "[dingtalk].corp_id 未设置：回调的企业 ID 无法核对",
            "en": "[dingtalk].corp_id is not set: the corp id of callbacks is not checked",
        },
        "doctor.sec.no_dashboard_users": {
            "zh-CN": "[dashboard].users 为空：无人能登录看板",
            "en": "[dashboard].users is empty: nobody can sign in to the dashboard",
        },
        "doctor.sec.not_https": {
            "zh-CN": "[app].public_url 不是 https：会话 Cookie 不带 Secure 标志",
            "en": "[app].public_url is not https: the session cookie is sent without the Secure flag",
        },
        "doctor.sec.simulator": {
            "zh-CN": "生产环境使用 local 平台：模拟器可冒充任何人",
            "en": "the local platform in production: the simulator can impersonate anyone",
        },
        "doctor.sec.token_short": {
            "zh-CN": "API 令牌 {name} 太短（少于 {length} 个字符），容易被猜中",
            "en": "API token {name} is shorter than {length} characters and guessable",
        },
        "doctor.sec.token_legacy": {
            "zh-CN": "API 令牌 {name} 是纯字符串：默认权限 {scopes}；请改为 {{name, token, scopes}} 并只给所需权限",
            "en": "API token {name} is a plain string with the legacy scopes {scopes}; "
            "make it {{name, token, scopes}} with only the scopes it needs",
        },
        "doctor.sec.token_sensitive": {
            "zh-CN": "API 令牌 {name} 可读取敏感数据（read:sensitive）",
            "en": "API token {name} may read sensitive data (read:sensitive)",
        },
        "doctor.sec.token_no_scopes": {
            "zh-CN": "API 令牌 {name} 没有任何权限：所有请求都会被拒绝",
            "en": "API token {name} has no scopes: every request it makes is refused",
        },
        "doctor.sec.ok": {"zh-CN": "未发现安全问题", "en": "no security findings"},
    }
)


def _finding(production: bool, key: str, *, critical: bool = True, **values: object) -> CheckResult:
    # Critical findings stop a production deployment; in development they are reminders.
    level: Level = "error" if critical and production else "warning"
    return CheckResult(level, key, tuple(values.items()))


def _token_findings(settings: Settings, production: bool) -> list[CheckResult]:
    out: list[CheckResult] = []
    for entry, grant in zip(settings.api.tokens, scopes.grants(settings.api.tokens), strict=False):
        name = grant.name
        if len(grant.token) < MIN_TOKEN_LENGTH:
            out.append(_finding(production, "doctor.sec.token_short", name=name, length=MIN_TOKEN_LENGTH))
        if isinstance(entry, str):
            legacy = ", ".join(sorted(scopes.LEGACY_SCOPES))
            out.append(_finding(production, "doctor.sec.token_legacy", critical=False, name=name, scopes=legacy))
        elif not grant.scopes:
            out.append(_finding(production, "doctor.sec.token_no_scopes", critical=False, name=name))
        if scopes.READ_SENSITIVE in grant.scopes:
            out.append(_finding(production, "doctor.sec.token_sensitive", critical=False, name=name))
    return out


def security_checks(settings: Settings) -> list[CheckResult]:
    """Every security finding for ``settings`` (an ``ok`` line when there is none)."""
    production = settings.app.environment == "production"
    out: list[CheckResult] = []
    if unsafe_development(settings) is not None:
        keys = ", ".join(platform_keys_set(settings)) or f"[platform].default = {settings.platform.default}"
        out.append(CheckResult("error", "doctor.sec.environment", (("keys", keys),)))
    if not settings.app.secret_key:
        if production:
            out.append(_finding(production, "doctor.sec.secret_key"))
    elif len(settings.app.secret_key) < 32:
        out.append(_finding(production, "doctor.sec.secret_key_short", critical=False))
    dingtalk = settings.dingtalk
    if dingtalk.card_template_id and not dingtalk.card_api_secret:
        out.append(_finding(production, "doctor.sec.card_secret"))
    if dingtalk.app_secret and not dingtalk.robot_code:
        out.append(_finding(production, "doctor.sec.robot_code", critical=False))
    if dingtalk.app_secret and not dingtalk.corp_id:
        out.append(_finding(production, "doctor.sec.corp_id", critical=False))
    if production:
        if not settings.dashboard.users:
            out.append(_finding(production, "doctor.sec.no_dashboard_users", critical=False))
        if not settings.app.public_url.lower().startswith("https://"):
            out.append(_finding(production, "doctor.sec.not_https", critical=False))
        if settings.platform.default == "local":
            out.append(_finding(production, "doctor.sec.simulator"))
    out.extend(_token_findings(settings, production))
    if not out:
        out.append(CheckResult("ok", "doctor.sec.ok"))
    return out
