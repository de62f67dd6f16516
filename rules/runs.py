"""Evaluation runs: one row per evaluated day, so missed or failed days are caught up later."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import EvaluationRun

MAX_ATTEMPTS = 3  # a day that keeps failing is retried this often, then left for a human


def _attempts(session: Session, day: date) -> int:
    stats = session.scalar(select(EvaluationRun.stats).where(EvaluationRun.day == day)) or {}
    return int(stats.get("attempts", 0))


def start_run(session: Session, day: date, now: datetime) -> int:
    """Mark ``day`` as running and count the attempt; returns the attempt number."""
    attempts = _attempts(session, day) + 1
    values = {"status": "running", "started_at": now, "finished_at": None, "stats": {"attempts": attempts}}
    ins = dialect_insert(session, EvaluationRun).values(day=day, **values)
    session.execute(ins.on_conflict_do_update(index_elements=["day"], set_=values))
    return attempts


def finish_run(session: Session, day: date, stats: dict[str, Any], *, ok: bool, now: datetime) -> None:
    """Record the outcome and figures of ``day``'s evaluation."""
    attempts = max(_attempts(session, day), 1)
    session.execute(
        update(EvaluationRun)
        .where(EvaluationRun.day == day)
        .values(status="done" if ok else "failed", finished_at=now, stats={**stats, "attempts": attempts})
    )


def due_days(runtime: Runtime) -> list[date]:
    """Days to evaluate now: missed or failed days of the catch-up window, then today once it is time.

    Nothing before the first run ever is replayed (a new installation starts today, it does not
    raise tags for last week).
    """
    now_local = runtime.clock.now().astimezone(runtime.tz)
    today = now_local.date()
    cfg = runtime.settings.rules
    with runtime.db.session() as session:
        first = session.scalar(select(func.min(EvaluationRun.day)))
        window_start = today - timedelta(days=cfg.catch_up_days)
        rows = {
            day: (status, stats or {})
            for day, status, stats in session.execute(
                select(EvaluationRun.day, EvaluationRun.status, EvaluationRun.stats).where(
                    EvaluationRun.day.between(window_start, today)
                )
            )
        }
    due: list[date] = []
    day = max(window_start, first) if first is not None else today
    while day < today:
        status, stats = rows.get(day, (None, {}))
        if status != "done" and int(stats.get("attempts", 0)) < MAX_ATTEMPTS:
            due.append(day)
        day += timedelta(days=1)
    status, stats = rows.get(today, (None, {}))
    if now_local.time() >= cfg.evaluation_time and status != "done" and int(stats.get("attempts", 0)) < MAX_ATTEMPTS:
        due.append(today)
    return due
