"""DingTalk (钉钉): outbound client and platform, inbound events, robot messages and cards."""
