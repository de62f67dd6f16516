"""WeCom (企业微信): outbound client and platform, template cards, inbound XML."""
