"""Attendance: punches in, daily facts out, on the Chinese work calendar."""
