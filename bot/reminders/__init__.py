"""Care reminders: tags brought to the right HR person (and manager), with caps, digests and actions."""
