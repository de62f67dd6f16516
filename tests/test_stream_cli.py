"""`carebot stream`: refusals, `--check` and the doctor's Stream line."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.dingtalk_stream import FakeStreamGateway
from tests.stream_support import Recorder, RunningService, fast_options

STREAM = {"mode": "stream", "app_key": "dingstreamapp", "app_secret": "stream-secret"}


@pytest.fixture
def gateway():
    with FakeStreamGateway(app_key=STREAM["app_key"], app_secret=STREAM["app_secret"]) as gw:
        yield gw


def test_refuses_to_run_in_http_mode(runner: Any) -> None:
    result = runner.invoke(args=["stream"])
    assert result.exit_code == 2
    assert '[dingtalk].mode is "http"' in result.output and "docs/stream.md" in result.output


@pytest.mark.parametrize("settings_overrides", [{"dingtalk": {"mode": "stream", "app_key": "k"}}])
def test_refuses_to_run_without_credentials(runner: Any) -> None:
    result = runner.invoke(args=["stream"])
    assert result.exit_code == 2
    assert "Stream mode needs [dingtalk].app_secret" in result.output


@pytest.mark.parametrize("settings_overrides", [{"dingtalk": STREAM, "app": {"locale": "en"}}])
def test_check_and_doctor_without_a_connector(runner: Any) -> None:
    result = runner.invoke(args=["stream", "--check"])
    assert result.exit_code == 1
    assert "lease: not held" in result.output
    assert "no Stream connector holds the lease" in result.output
    doctor = runner.invoke(args=["doctor"]).output
    assert "no Stream connector holds the lease: run `carebot stream`" in doctor
    assert "callback_token" not in doctor  # Stream mode needs no HTTP callback keys


@pytest.mark.parametrize("settings_overrides", [{"dingtalk": STREAM, "app": {"locale": "en"}}])
def test_check_and_doctor_with_a_connected_leader(runtime: Any, runner: Any, gateway: FakeStreamGateway) -> None:
    with RunningService(runtime, fast_options(gateway), Recorder(), holder="host:1:1") as service:
        gateway.push_event("user_add_org", {"UserId": ["u1"]}, event_id="e1")
        gateway.wait_until(lambda: service.service.stats.frames_acked == 1, what="the ack")
        gateway.wait_until(lambda: runner.invoke(args=["stream", "--check"]).exit_code == 0, what="a healthy check")
        out = runner.invoke(args=["stream", "--check"]).output
        assert "lease: held by host:1:1 (generation 1)" in out
        assert "host:1:1  leader" in out
        assert "frames in 1, acked 1, not acked 0, errors 0, robot messages lost 0, reconnects 0" in out
        assert out.rstrip().endswith("status: ok")
        doctor = runner.invoke(args=["doctor"]).output
        assert "[ok] DingTalk Stream connector host:1:1 is connected; last frame" in doctor
