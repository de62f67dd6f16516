"""The ``production_app`` fixture: apps built as in production (background processing, not Flask testing).

Shared by the inbox tests (tests/test_inbox_executor.py, tests/test_inbox_batch.py); each app's
processor thread and executor are stopped, and the test database emptied, afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from app import create_app
from bot.core.clock import FixedClock
from bot.pipeline.inbox_executor import background
from bot.pipeline.inbox_worker import InboxWorker
from tests.conftest import _truncate, make_settings
from tests.test_webhooks_dingtalk import DINGTALK

__all__ = ["production_app"]


@pytest.fixture
def production_app(tmp_path: Any, db_url: str, clock: FixedClock) -> Iterator[Callable[..., Flask]]:
    """Apps as in production on the test database; ``build(**inbox_settings)`` makes one."""
    apps: list[Flask] = []

    def build(**inbox_settings: Any) -> Flask:
        settings = make_settings(
            tmp_path,
            db_url,
            platform={"default": "dingtalk"},
            dingtalk=DINGTALK,
            inbox={"process": "background", **inbox_settings},
        )
        application = create_app(settings, clock=clock)
        apps.append(application)
        return application

    yield build
    for application in apps:
        runtime = application.extensions["carebot"]
        worker = runtime.extras.get("inbox_worker")
        if isinstance(worker, InboxWorker):
            worker.stop()
        background(runtime).shutdown(wait=True)
        runtime.db.dispose()
    _truncate(db_url)
