"""Delivery commands: send-pending, send-test, platform check, outbox list/retry."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from bot.core.errors import PlatformAPIError
from bot.pipeline import outbox
from bot.platforms.dingtalk.platform import DingTalkPlatform

API = "https://dt-api.test"


@pytest.fixture
def settings_overrides() -> dict:
    return {
        "dingtalk": {"app_key": "dingkey", "app_secret": "s3cret-value", "agent_id": "123", "api_base": API},
        "app": {"locale": "zh-CN"},
    }


def _queue(db, key: str, text: str = "你好", recipient: str = "u1") -> int:
    with db.session() as s:
        new_id = outbox.enqueue(s, key=key, recipient=recipient, kind="text", payload={"text": text}, platform="local")
    assert new_id is not None
    return new_id


def test_configured_dingtalk_is_registered(runtime) -> None:
    assert isinstance(runtime.platforms["dingtalk"], DingTalkPlatform)
    assert "wecom" not in runtime.platforms


def test_send_pending_prints_counts(runner, db, fake_platform) -> None:
    _queue(db, "a")
    _queue(db, "b", "再见")
    result = runner.invoke(args=["send-pending"])
    assert result.exit_code == 0, result.output
    assert "outbox: sent 2, retry 0, failed 0, deferred 0, duplicate 0; still pending: 0" in result.output
    assert fake_platform.texts("u1") == ["你好", "再见"]


def test_send_pending_points_at_failures(runner, db, fake_platform) -> None:
    _queue(db, "a")
    fake_platform.fail_with = PlatformAPIError("wecom: invalid user u1", code=40003, retryable=False)
    result = runner.invoke(args=["send-pending"])
    assert result.exit_code == 0
    assert "failed 1" in result.output
    assert "carebot outbox list --status failed" in result.output


def test_send_test_queues_and_sends_through_the_default_platform(runner, fake_platform) -> None:
    result = runner.invoke(args=["send-test", "--user", "zhangsan", "部署测试"])
    assert result.exit_code == 0, result.output
    assert "sent to zhangsan via local" in result.output
    assert fake_platform.texts("zhangsan") == ["部署测试"]
    # A second test is a new message, not swallowed by the idempotency key.
    assert runner.invoke(args=["send-test", "--user", "zhangsan", "部署测试"]).exit_code == 0
    assert len(fake_platform.texts("zhangsan")) == 2


def test_send_test_failure_exits_non_zero(runner, fake_platform) -> None:
    fake_platform.fail_with = PlatformAPIError("dingtalk: errcode 33012 无效的userid", code=33012, retryable=False)
    result = runner.invoke(args=["send-test", "--user", "nobody", "hi"])
    assert result.exit_code == 1
    assert "failed: dingtalk: errcode 33012" in result.output


def test_send_test_retryable_failure_says_it_will_retry(runner, fake_platform) -> None:
    fake_platform.fail_with = PlatformAPIError("throttled", code=90002, retryable=True)
    result = runner.invoke(args=["send-test", "--user", "u1", "hi"])
    assert result.exit_code == 1
    assert "not sent yet" in result.output and "scheduler will retry" in result.output


def test_platform_check_local(runner) -> None:
    result = runner.invoke(args=["platform", "check"])
    assert result.exit_code == 0
    assert "no credentials needed" in result.output


def test_platform_check_unconfigured(runner) -> None:
    result = runner.invoke(args=["platform", "check", "--platform", "wecom"])
    assert result.exit_code == 1
    assert "wecom: NOT configured: set [wecom] corp_id, secret, agent_id" in result.output


def test_platform_check_good_credentials(runner) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(
            f"{API}/v1.0/oauth2/accessToken",
            json={"accessToken": "tok", "expireIn": 7200},
            match=[matchers.json_params_matcher({"appKey": "dingkey", "appSecret": "s3cret-value"})],
        )
        result = runner.invoke(args=["platform", "check", "--platform", "dingtalk"])
    assert result.exit_code == 0, result.output
    # 14:00 Shanghai + 7200 s - 5 min margin, China-style date.
    assert "dingtalk: credentials OK (access token valid until 11月23日 15:55)" in result.output
    assert "interactive cards off" in result.output
    assert "s3cret" not in result.output and "tok" not in result.output.replace("token", "")


def test_platform_check_bad_credentials(runner) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(
            f"{API}/v1.0/oauth2/accessToken", status=400, json={"code": "invalidClientIdOrSecret", "message": "无效"}
        )
        result = runner.invoke(args=["platform", "check", "--platform", "dingtalk"])
    assert result.exit_code == 1
    assert "dingtalk: credentials NOT working" in result.output and "invalidClientIdOrSecret" in result.output
    assert "s3cret" not in result.output


def test_platform_check_unreachable(runner) -> None:
    import requests

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(f"{API}/v1.0/oauth2/accessToken", body=requests.ConnectionError("refused"))
        result = runner.invoke(args=["platform", "check", "--platform", "dingtalk"])
    assert result.exit_code == 1
    assert "network error" in result.output and "Traceback" not in result.output


def test_outbox_list_shows_failures_and_retry_requeues(app, runner, db, fake_platform) -> None:
    good = _queue(db, "ok", recipient="u2")
    outbox.send_pending(runner.app.extensions["carebot"])
    with app.app_context():  # enqueue stamps times with the app's (fixed) clock
        bad = _queue(db, "bad", recipient="lisi")
    fake_platform.fail_with = PlatformAPIError("wecom: errcode 81013 user & party & tag all invalid", code=81013)
    outbox.send_pending(runner.app.extensions["carebot"])

    result = runner.invoke(args=["outbox", "list", "--status", "failed"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].split("\t") == [
        "id",
        "status",
        "platform",
        "recipient",
        "kind",
        "attempts",
        "created",
        "platform_id",
        "last_error",
    ]
    assert len(lines) == 2
    fields = lines[1].split("\t")
    assert fields[0] == str(bad) and fields[1] == "failed" and fields[3] == "lisi" and fields[5] == "1"
    assert fields[6] == "11月23日 14:00"
    assert fields[7] == "-"  # nothing was accepted, so the platform gave it no id
    assert "81013" in fields[8]
    assert str(good) not in [ln.split("\t")[0] for ln in lines[1:]]

    assert "no sent messages" not in runner.invoke(args=["outbox", "list", "--status", "sent"]).output
    assert runner.invoke(args=["outbox", "retry"]).exit_code == 2  # neither ids nor --all-failed
    fake_platform.fail_with = None
    result = runner.invoke(args=["outbox", "retry", "--all-failed"])
    assert "1 message(s) queued again" in result.output
    assert runner.invoke(args=["send-pending"]).output.startswith("outbox: sent 1")
    assert runner.invoke(args=["outbox", "list", "--status", "failed"]).output.strip() == "no failed messages"
