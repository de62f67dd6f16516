"""Dashboard texts in zh-CN and en (one catalogue, so templates only name keys)."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "dash.title": {"zh-CN": "关怀助手 · HR 看板", "en": "CareBot · HR dashboard"},
        "dash.nav.overview": {"zh-CN": "概览", "en": "Overview"},
        "dash.nav.tags": {"zh-CN": "关怀标签", "en": "Care tags"},
        "dash.nav.reminders": {"zh-CN": "提醒", "en": "Reminders"},
        "dash.nav.care": {"zh-CN": "关怀记录", "en": "Care log"},
        "dash.nav.report": {"zh-CN": "效果报告", "en": "Effectiveness report"},
        "dash.logout": {"zh-CN": "退出登录", "en": "Log out"},
        "dash.viewer": {"zh-CN": "当前查看者：{who}", "en": "Signed in as {who}"},
        "dash.login.title": {"zh-CN": "登录 HR 看板", "en": "Sign in to the HR dashboard"},
        "dash.login.username": {"zh-CN": "用户名", "en": "User name"},
        "dash.login.password": {"zh-CN": "密码", "en": "Password"},
        "dash.login.submit": {"zh-CN": "登录", "en": "Sign in"},
        "dash.login.as_hr": {"zh-CN": "开发模式：以 HR 员工身份查看", "en": "Development: view as an HR employee"},
        "dash.login.choose": {"zh-CN": "选择", "en": "Choose"},
        "dash.login.bad_password": {"zh-CN": "用户名或密码错误", "en": "wrong user name or password"},
        "dash.login.locked": {
            "zh-CN": "登录失败次数过多，请 {minutes} 分钟后再试",
            "en": "too many failed sign-ins; try again in {minutes} minutes",
        },
        "dash.login.no_users": {
            "zh-CN": "未配置看板账号：请在 [dashboard].users 中添加（carebot dashboard hash-password 生成密码哈希）",
            "en": "no dashboard accounts are configured: add them to [dashboard].users "
            "(carebot dashboard hash-password makes the password hash)",
        },
        "dash.login.no_accounts_hint": {
            "zh-CN": "未配置看板账号（[dashboard].users）。",
            "en": "No dashboard accounts are configured ([dashboard].users).",
        },
        "dash.login.not_hr": {
            "zh-CN": "只有在职的 HR 员工（is_hr）可以查看看板",
            "en": "only active HR employees (is_hr) may view the dashboard",
        },
        "dash.login.no_choice": {
            "zh-CN": "仅在 local 平台的开发环境中可选择员工身份",
            "en": "choosing an employee is only possible with the local platform in development",
        },
        "dash.login.required": {"zh-CN": "请先登录", "en": "please sign in first"},
        "dash.csrf": {
            "zh-CN": "表单已过期或来源无效，请刷新页面后重试",
            "en": "the form expired or did not come from this site; reload the page and try again",
        },
        "dash.bad_filter": {"zh-CN": "筛选条件无效：{field}", "en": "invalid filter: {field}"},
        "dash.today": {"zh-CN": "今天：{day}（{kind}）", "en": "Today: {day} ({kind})"},
        "dash.kind.workday": {"zh-CN": "工作日", "en": "workday"},
        "dash.kind.restday": {"zh-CN": "休息日", "en": "rest day"},
        "dash.kind.holiday": {"zh-CN": "法定节假日", "en": "public holiday"},
        "dash.calendar_missing": {
            "zh-CN": "节假日数据缺少 {years} 年：工作日按周一至周五计算。"
            "请用 `carebot calendar import FILE` 导入（写入 [calendar].holiday_file）。",
            "en": "Holiday data is missing for {years}: workdays fall back to Monday–Friday. "
            "Import them with `carebot calendar import FILE` (kept in [calendar].holiday_file).",
        },
        "dash.overview.tags": {"zh-CN": "生效中的关怀标签", "en": "Active care tags"},
        "dash.overview.reminders": {"zh-CN": "未处理的提醒", "en": "Open reminders"},
        "dash.none": {"zh-CN": "暂无数据", "en": "Nothing to show"},
        "dash.col.rule": {"zh-CN": "规则", "en": "Rule"},
        "dash.col.severity": {"zh-CN": "级别", "en": "Severity"},
        "dash.col.status": {"zh-CN": "状态", "en": "Status"},
        "dash.col.count": {"zh-CN": "数量", "en": "Count"},
        "dash.col.person": {"zh-CN": "员工", "en": "Employee"},
        "dash.col.department": {"zh-CN": "部门", "en": "Department"},
        "dash.col.raised_on": {"zh-CN": "触发日期", "en": "Raised on"},
        "dash.col.evidence": {"zh-CN": "依据", "en": "Evidence"},
        "dash.col.recipient": {"zh-CN": "接收人", "en": "Recipient"},
        "dash.col.age": {"zh-CN": "已过时间", "en": "Age"},
        "dash.col.acted_at": {"zh-CN": "处理时间", "en": "Acted at"},
        "dash.col.note": {"zh-CN": "备注", "en": "Note"},
        "dash.col.kind": {"zh-CN": "类型", "en": "Kind"},
        "dash.col.actor": {"zh-CN": "处理人", "en": "By"},
        "dash.col.when": {"zh-CN": "时间", "en": "When"},
        "dash.filter.all": {"zh-CN": "全部", "en": "All"},
        "dash.filter.apply": {"zh-CN": "筛选", "en": "Filter"},
        "dash.page.prev": {"zh-CN": "上一页", "en": "Previous"},
        "dash.page.next": {"zh-CN": "下一页", "en": "Next"},
        "dash.page.of": {"zh-CN": "第 {page} 页", "en": "Page {page}"},
        "dash.report.from": {"zh-CN": "开始日期", "en": "From"},
        "dash.report.to": {"zh-CN": "结束日期", "en": "To"},
        "dash.report.show": {"zh-CN": "生成", "en": "Show"},
        "dash.age.days": {"zh-CN": "{n}天", "en": "{n} d"},
        "dash.age.hours": {"zh-CN": "{n}小时", "en": "{n} h"},
        "dash.age.minutes": {"zh-CN": "{n}分钟", "en": "{n} min"},
        "dash.severity.high": {"zh-CN": "高", "en": "high"},
        "dash.severity.medium": {"zh-CN": "中", "en": "medium"},
        "dash.severity.low": {"zh-CN": "低", "en": "low"},
        "dash.tag.active": {"zh-CN": "生效中", "en": "active"},
        "dash.tag.resolved": {"zh-CN": "已解除", "en": "resolved"},
        "dash.tag.expired": {"zh-CN": "已过期", "en": "expired"},
        "dash.tag.dismissed": {"zh-CN": "不需要", "en": "dismissed"},
        "dash.rem.open": {"zh-CN": "待处理", "en": "open"},
        "dash.rem.snoozed": {"zh-CN": "稍后提醒", "en": "snoozed"},
        "dash.rem.done": {"zh-CN": "已跟进", "en": "done"},
        "dash.rem.dismissed": {"zh-CN": "不需要", "en": "dismissed"},
        "dash.rem.capped": {"zh-CN": "超出上限未发送", "en": "capped (not sent)"},
        "dash.rem.held_out": {"zh-CN": "对照组暂缓发送", "en": "held out (evaluation)"},
        "dash.col.arm": {"zh-CN": "评估分组", "en": "Arm"},
        "dash.arm.care": {"zh-CN": "关怀组", "en": "care"},
        "dash.arm.holdout": {"zh-CN": "对照组", "en": "holdout"},
        "dash.rem.expired": {"zh-CN": "已过时", "en": "expired (moment passed)"},
        "dash.care.done": {"zh-CN": "已跟进", "en": "done"},
        "dash.care.dismissed": {"zh-CN": "不需要", "en": "dismissed"},
        "dash.care.talk": {"zh-CN": "谈话", "en": "talk"},
        "dash.care.note": {"zh-CN": "备注", "en": "note"},
    }
)


def label(prefix: str, value: str, locale: str) -> str:
    """The translated label ``dash.<prefix>.<value>``, or the raw value for an unknown one."""
    key = f"dash.{prefix}.{value}"
    return i18n.t(key, locale) if i18n.has(key) else value
