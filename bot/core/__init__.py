"""The core every package uses: configuration, database, clock, errors, texts, work calendar."""
