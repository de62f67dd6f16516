"""Every platform's inbound adapter, for the pipeline ``create_app`` builds."""

from __future__ import annotations

from bot.pipeline.inbound import InboundAdapter
from bot.runtime import Runtime


def inbound_adapters(runtime: Runtime) -> list[InboundAdapter]:
    """The adapters of the local, DingTalk and WeCom platforms (unconfigured ones refuse with 503)."""
    from bot.platforms.dingtalk_adapter import DingTalkInbound
    from bot.platforms.local_adapter import LocalInbound
    from bot.platforms.wecom_adapter import WeComInbound

    return [LocalInbound(runtime), DingTalkInbound(runtime), WeComInbound(runtime)]
