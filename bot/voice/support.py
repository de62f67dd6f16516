"""The configured support lines (``[care].eap_text`` and ``[care].hotline``) as chat lines."""

from __future__ import annotations

from bot.core import i18n
from bot.core.runtime import Runtime


def support_lines(runtime: Runtime, locale: str) -> list[str]:
    """One bullet per configured support line (EAP, hotline), empty ones left out."""
    care = runtime.settings.care
    return [
        i18n.t("voice.support", locale, line=line.strip()) for line in (care.eap_text, care.hotline) if line.strip()
    ]
