"""Scheduler leadership: one leader at a time; a stand-by takes over when the lease lapses."""

from __future__ import annotations

from bot.pipeline.scheduler import Leader


def test_single_leader_and_takeover(runtime, clock) -> None:
    a, b = Leader(runtime, "a"), Leader(runtime, "b")
    assert a.try_acquire()
    assert not b.try_acquire()
    assert a.try_acquire()  # renewal
    clock.advance(seconds=120)
    assert b.try_acquire()
    assert not a.try_acquire()
    b.release()
    assert a.try_acquire()
