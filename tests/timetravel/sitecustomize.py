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
    from datetime import datetime

    import time_machine

    # tick=True: time moves on from the destination, so timeouts and freshness windows behave.
    time_machine.travel(datetime.fromisoformat(_destination), tick=True).start()
