"""CareBot core: configuration, database, models, platforms and the care logic."""
