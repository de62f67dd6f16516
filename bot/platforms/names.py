"""The platforms' names, as stored with every inbox and outbox row (``platform`` columns) and in config."""

from __future__ import annotations

LOCAL = "local"
DINGTALK = "dingtalk"
WECOM = "wecom"
ALL = (LOCAL, DINGTALK, WECOM)
