"""Pulse surveys: a question bank, cadence per person, dispatch, answers and confidential aggregates."""
