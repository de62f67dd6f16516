"""Onboarding journeys: a hire's steps for HR, admin, IT, manager, mentor and the new hire, sent as tasks."""
