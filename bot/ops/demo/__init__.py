"""The demo organisation: its people, its history replayed, its chat and its journeys."""
