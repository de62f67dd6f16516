"""The models of the configuration sections, composed by ``bot.core.config.Settings``."""
