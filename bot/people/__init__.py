"""People: the directory and its sync, roles and access, the audit trail, finding a person."""
