"""Every platform's inbound adapter, for the pipeline ``create_app`` builds."""

from __future__ import annotations

from bot.core.runtime import Runtime
from bot.pipeline.inbound import InboundAdapter


def inbound_adapters(runtime: Runtime) -> list[InboundAdapter]:
    """The adapters of the local, DingTalk and WeCom platforms (unconfigured ones refuse with 503)."""
    from bot.platforms.dingtalk.adapter import DingTalkInbound
    from bot.platforms.local.adapter import LocalInbound
    from bot.platforms.wecom.adapter import WeComInbound

    return [LocalInbound(runtime), DingTalkInbound(runtime), WeComInbound(runtime)]
