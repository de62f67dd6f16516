"""Texts of the command framework (zh-CN and en); each command module registers its own too."""

from __future__ import annotations

from bot.core import i18n

i18n.register(
    {
        "commands.hint": {
            "zh-CN": "我没看懂这条消息。发送 /help（或 /帮助）查看我能做什么。",
            "en": "I didn't understand that. Send /help to see what I can do.",
        },
        "commands.did_you_mean": {
            "zh-CN": "你是不是想用 /{name}？例如：{example}（发送 /help 查看全部命令）",
            "en": "Did you mean /{name}? For example: {example} (send /help for every command)",
        },
        "commands.unknown": {
            "zh-CN": "没有“/{name}”这个命令。",
            "en": "There is no command “/{name}”.",
        },
        "commands.not_allowed": {
            "zh-CN": "你没有使用 /{name} 的权限。",
            "en": "You are not allowed to use /{name}.",
        },
        "commands.stranger": {
            "zh-CN": "我在公司通讯录里没有找到你，目前只能使用 /help。如有疑问请联系 HR。",
            "en": "I can't find you in the company directory, so only /help is available. "
            "Please contact HR if this is wrong.",
        },
        "commands.slow_down": {
            "zh-CN": "你发送命令有点快，请 {seconds} 秒后再试（每分钟最多 {limit} 条）。",
            "en": "You're sending commands a bit fast — please try again in {seconds} s (at most {limit} a minute).",
        },
        "commands.too_long": {
            "zh-CN": "命令太长了（最多 {limit} 个字），请缩短后再试。",
            "en": "That command is too long (at most {limit} characters). Please shorten it.",
        },
        "commands.failed": {
            "zh-CN": "抱歉，处理 /{name} 时出错了，请稍后再试。问题已记录。",
            "en": "Sorry, something went wrong with /{name}. Please try again later; the problem has been logged.",
        },
        "commands.sent_privately": {
            "zh-CN": "为保护个人信息，结果已私聊发给你。",
            "en": "To protect personal data, I've sent the answer to you in a private chat.",
        },
        "commands.not_found": {
            "zh-CN": "未找到或无权限查看",
            "en": "Not found or not permitted",
        },
        "commands.more": {
            "zh-CN": "…另有 {n} 人",
            "en": "…and {n} more",
        },
        "commands.more_items": {
            "zh-CN": "…另有 {n} 条",
            "en": "…and {n} more",
        },
    }
)
