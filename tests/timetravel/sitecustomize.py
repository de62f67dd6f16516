"""Moves this Python process's wall clock to ``$CAREBOT_TEST_WALL_CLOCK`` (the far-date CI run).

``.ci/run`` runs the suite a second time with this folder on PYTHONPATH, so the test process,
its xdist workers and every ``carebot`` subprocess a test starts read the same far date from
``time.time()``, ``datetime.now()`` and ``date.today()``. Monotonic time stays real: libfaketime
was measured to hang timed waits, time-machine leaves ``time.monotonic`` alone.
"""

from __future__ import annotations

import os

_destination = os.environ.get("CAREBOT_TEST_WALL_CLOCK")
if _destination:
    import time
    from datetime import datetime, timedelta

    import time_machine

    # Every process of the run keeps the same offset from real time (the first one sets the anchor
    # and children inherit it), so a subprocess started minutes later reads the same "now" as its parent.
    _anchor = float(os.environ.setdefault("CAREBOT_TEST_WALL_CLOCK_ANCHOR", repr(time.time())))
    _now = datetime.fromisoformat(_destination) + timedelta(seconds=time.time() - _anchor)
    # tick=True: time moves on from there, so timeouts and freshness windows behave.
    time_machine.travel(_now, tick=True).start()
    # time-machine starts the tick at the first read, not at start(): read now, or a process whose
    # imports take 15 s on a busy machine (a scheduler starting beside gunicorn workers) runs 15 s
    # behind its siblings for good.
    time.time()
