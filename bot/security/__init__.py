"""Security building blocks shared by the callbacks, the API and the dashboard (docs/security.md)."""
