"""Listeners and jobs are registered explicitly by create_app, in a visible order, without the web blueprints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import app as app_module
from bot.ops.registry import Registry
from bot.pipeline import scheduler

ROOT = Path(__file__).resolve().parent.parent


class Recording(Registry):
    """Records what is registered instead of registering it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def on(self, event_type: type, listener: Any, *, fallback: bool = False, batch: Any = None) -> None:
        self.calls.append(("fallback" if fallback else "on", event_type.__name__, listener.__name__))
        if batch is not None:
            self.calls.append(("batch", event_type.__name__, batch.__name__))

    def platform_limits(self, send_caps: Any, identical_once_a_day: Any) -> None:
        self.calls.append(("platform_limits", "", send_caps.__name__))

    def after_evaluation(self, listener: Any) -> None:
        self.calls.append(("after_evaluation", "", listener.__name__))

    def jobs(self, *funcs: Any) -> None:
        self.calls.extend(("job", "", f.__name__) for f in funcs)

    def of(self, kind: str, event: str = "") -> list[str]:
        return [name for k, e, name in self.calls if k == kind and e == event]


def test_the_order_listeners_run_in_is_the_order_create_app_registers_them() -> None:
    recording = Recording()
    app_module.register(recording)
    assert recording.of("on", "ChatMessage") == ["run_command", "survey_reply", "voice_reply"]
    assert recording.of("fallback", "ChatMessage") == ["hint_help"]
    assert recording.of("on", "CardAction") == [
        "journey_clicked", "reminder_clicked", "survey_clicked", "consent_clicked", "life_clicked"
    ]  # fmt: skip
    assert recording.of("on", "AttendancePunch") == ["punch_in"]
    assert recording.of("batch", "AttendancePunch") == ["punches_in"]  # punches recomputed once per batch
    assert recording.of("platform_limits") == ["send_caps"]  # the outbox's pacing keeps to every platform's caps
    # Reminders follow every evaluation because create_app says so, after evaluation-mode arms.
    assert recording.of("after_evaluation") == ["assign_new_units", "remind_new_tags"]
    assert len(recording.of("job")) == 13


def test_scheduler_and_cli_get_the_registrations_without_the_web_blueprints(tmp_path: Path) -> None:
    # A fresh process (registrations are once per process) whose create_app registers no blueprint.
    script = f"""
import json, handlers
handlers.register_blueprints = lambda app: None
from app import create_app
create_app({{"database": {{"url": "sqlite:///{tmp_path / 'x.db'}"}}}}, check_startup=False)
from bot.pipeline.scheduler import registered_jobs
from bot.pipeline import dispatch, inbox
from bot.pipeline.events import CardAction, ChatMessage
from rules import engine
print(json.dumps({{
    "chat": [f.__name__ for f in dispatch.handlers_for(ChatMessage)],
    "cards": len(dispatch.handlers_for(CardAction)),
    "evaluated": [f.__name__ for f in engine._listeners],
    "jobs": sorted(registered_jobs()),
    "normalisers": sorted(inbox._normalisers),
}}))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAREBOT_CONFIG": str(tmp_path / "none.toml")}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["chat"] == ["run_command", "survey_reply", "voice_reply"]
    assert seen["cards"] == 5
    assert seen["evaluated"] == ["assign_new_units", "remind_new_tags"]
    assert "inbox.sweep" in seen["jobs"] and "attendance.dingtalk_failed_callbacks" in seen["jobs"]
    assert len(seen["jobs"]) == 13
    assert seen["normalisers"] == ["dingtalk", "local", "wecom"]


def test_declaring_a_job_does_not_schedule_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "_jobs", {})
    monkeypatch.setattr(scheduler, "_declared", dict(scheduler._declared))

    @scheduler.job("test.nothing", "interval", "Does nothing", minutes=1)
    def nothing(runtime: Any) -> None:
        return None

    assert "test.nothing" not in scheduler.registered_jobs()
    Registry().jobs(nothing)
    assert scheduler.registered_jobs()["test.nothing"].func is nothing
    with pytest.raises(LookupError):
        Registry().jobs(lambda runtime: None)
