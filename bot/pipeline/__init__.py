"""Inbound and outbound plumbing: neutral events, the inbox, dispatch, the outbox and pacing."""
