"""Issue 11 as an attacker would try it: each test reproduces one finding and fails on the old code.

Deployment under attack: DingTalk keys, PostgreSQL or SQLite, everything else at its default. The
attacker can reach the server, has no secrets, may have captured one signed request, and may hold
the API token given to the CRM.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from app import create_app
from bot.core.clock import FixedClock
from bot.core.errors import ConfigError
from bot.models import AuditLog, Employee, InboundEvent, Survey, SurveyAnswer
from bot.pipeline import inbox, sent_cards
from bot.pipeline.platform import Button, Card
from bot.platforms.dingtalk.inbound_chat import card_signature, robot_sign
from bot.surveys.bank import seed_questions
from bot.surveys.compose import ANSWER_ACTION
from tests.conftest import _truncate, make_settings

NOW_MS = 1795413600000  # the conftest clock
CORP = "ding9f50b15bc0a1e16741"
DINGTALK = {
    "app_key": "dingcarebotappkey01",
    "app_secret": "robot-app-secret",
    "corp_id": CORP,
    "robot_code": "dingrobotcode01",
    "card_api_secret": "card-api-secret",
    "card_template_id": "tpl.carebot",
}
CRM_TOKEN = "crm-metrics-upload-token-0123456789"
PASSWORD = "a long dashboard password"
ADMIN = {"username": "hradmin", "password_hash": generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "platform": {"default": "dingtalk"},
        "dingtalk": DINGTALK,
        "inbox": {"process": "inline"},
        "api": {"tokens": [CRM_TOKEN]},
        "dashboard": {"users": [ADMIN]},
        "app": {"environment": "production", "secret_key": "s" * 40},
    }


@pytest.fixture
def build(tmp_path: Path, db_url: str, clock: FixedClock) -> Iterator[Callable[..., Flask]]:
    """More apps (other settings, or a second worker) on the test's database."""
    apps: list[Flask] = []

    def make(**sections: Any) -> Flask:
        application = create_app(make_settings(tmp_path, db_url, **sections), clock=clock)
        application.config["TESTING"] = True
        apps.append(application)
        return application

    yield make
    for application in apps:
        application.extensions["carebot"].db.dispose()
    _truncate(db_url)


def _card_click(out_track_id: str, userid: str, action: str, params: dict[str, str]) -> dict[str, Any]:
    content = {"cardPrivateData": {"actionIds": [action], "params": params}}
    return {
        "type": "actionCallback",
        "outTrackId": out_track_id,
        "corpId": CORP,
        "userId": userid,
        "content": json.dumps(content),
    }


def _signed_card(client: Any, payload: dict[str, Any], ts: int = NOW_MS) -> Any:
    headers = {
        "x-ddpaas-signature-timestamp": str(ts),
        "x-ddpaas-signature": card_signature(DINGTALK["card_api_secret"], str(ts)),
    }
    return client.post("/callbacks/dingtalk/cards", json=payload, headers=headers)


def _robot(client: Any, payload: dict[str, Any], ts: int = NOW_MS, secret: str = DINGTALK["app_secret"]) -> Any:
    headers = {"timestamp": str(ts), "sign": robot_sign(secret, str(ts))}
    return client.post("/callbacks/dingtalk/robot", json=payload, headers=headers)


def _robot_message(sender: str, text: str, msg_id: str) -> dict[str, Any]:
    return {
        "msgId": msg_id,
        "conversationType": "1",
        "senderStaffId": sender,
        "chatbotCorpId": CORP,
        "robotCode": DINGTALK["robot_code"],
        "msgtype": "text",
        "text": {"content": text},
    }


def _survey(runtime: Any) -> tuple[int, str]:
    """An open pulse of zhangsan (question "stress", 0–10) sent as a card; returns (survey id, card id)."""
    with runtime.db.session() as s:
        seed_questions(s)
        emp = Employee(userid="zhangsan", name="张三")
        s.add(emp)
        s.flush()
        now = runtime.clock.now()
        survey = Survey(
            employee_id=emp.id,
            scheduled_on=runtime.today(),
            question_keys=["stress"],
            status="sent",
            sent_at=now,
            expires_at=now + timedelta(days=5),
        )
        s.add(survey)
        s.flush()
        card_id = f"survey-{survey.id}-stress"
        buttons = tuple(
            Button(str(v), ANSWER_ACTION, {"survey": str(survey.id), "q": "stress", "v": str(v)}) for v in (1, 5, 9)
        )
        sent_cards.record(s, "dingtalk", "zhangsan", Card(card_id, "pulse", "?", buttons), None, now)
        return survey.id, card_id


def _answers(runtime: Any) -> int:
    with runtime.db.session() as s:
        return len(s.scalars(select(SurveyAnswer)).all())


def _audit_actions(runtime: Any) -> list[str]:
    with runtime.db.session() as s:
        return list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))


# -- 1. card callbacks ---------------------------------------------------------------------------------
def test_unsigned_card_clicks_are_refused_everywhere(client: Any, build: Callable[..., Flask]) -> None:
    payload = _card_click("survey-1-stress", "zhangsan", ANSWER_ACTION, {"survey": "1", "q": "stress", "v": "9"})
    assert client.post("/callbacks/dingtalk/cards", json=payload).status_code == 401
    # Without a card secret (the old default) and on a WeCom-only deployment: no card route at all.
    no_secret = build(platform={"default": "dingtalk"}, dingtalk={**DINGTALK, "card_api_secret": ""})
    assert no_secret.test_client().post("/callbacks/dingtalk/cards", json=payload).status_code == 503
    wecom_only = build(platform={"default": "wecom"}, wecom={"corp_id": "ww1", "secret": "x", "agent_id": "1"})
    assert wecom_only.test_client().post("/callbacks/dingtalk/cards", json=payload).status_code == 503


def test_forged_clicks_for_guessed_ids_record_nothing(client: Any, runtime: Any) -> None:
    survey_id, card_id = _survey(runtime)
    # Even with a valid signature (a leaked card secret, or a replay window), guessed cards and users fail.
    guesses = [
        _card_click(f"survey-{survey_id + 1}-stress", "zhangsan", ANSWER_ACTION, {"survey": str(survey_id + 1)}),
        _card_click(card_id, "hr1", ANSWER_ACTION, {"survey": str(survey_id), "q": "stress", "v": "9"}),
    ]
    for i, payload in enumerate(guesses):
        response = _signed_card(client, payload, ts=NOW_MS - i)
        assert response.status_code == 403
    # The right card for the right user, but a value its buttons never offered.
    forged = _card_click(card_id, "zhangsan", ANSWER_ACTION, {"survey": str(survey_id), "q": "stress", "v": "10"})
    assert _signed_card(client, forged, ts=NOW_MS - 5).get_json() == {}
    assert _answers(runtime) == 0
    assert _audit_actions(runtime).count("card_click_refused") == 3


def test_a_recorded_answer_is_never_echoed(client: Any, runtime: Any) -> None:
    survey_id, card_id = _survey(runtime)
    params = {"survey": str(survey_id), "q": "stress", "v": "9"}
    first = _signed_card(client, _card_click(card_id, "zhangsan", ANSWER_ACTION, params), ts=NOW_MS)
    assert "9" in first.get_json()["cardData"]["cardParamMap"]["status"]
    again = {**params, "v": "5"}
    second = _signed_card(client, _card_click(card_id, "zhangsan", ANSWER_ACTION, again), ts=NOW_MS - 1)
    status = second.get_json()["cardData"]["cardParamMap"]["status"]
    assert "已经记录过了" in status and "9" not in status
    assert _audit_actions(runtime) == ["card_click", "card_click"]


# -- 2. simulator and development sign-in ------------------------------------------------------------
def test_real_keys_in_development_refuse_to_start(tmp_path: Path, db_url: str) -> None:
    unsafe = {"development_with_platform_keys": False}  # the default, which the test fixtures turn off
    settings = make_settings(tmp_path, db_url, platform={"default": "dingtalk"}, dingtalk=DINGTALK, app=unsafe)
    with pytest.raises(ConfigError, match="development_with_platform_keys"):
        create_app(settings)
    # The CLI still builds the app so `doctor` can say why; serving refuses, doctor fails.
    runner = create_app(settings, check_startup=False).test_cli_runner()
    served = runner.invoke(args=["serve"])
    assert served.exit_code == 2 and "development_with_platform_keys" in served.output
    doctor = runner.invoke(args=["doctor"])
    assert doctor.exit_code == 1 and "[app].environment 为 development" in doctor.output
    assert "[dingtalk].app_secret" in doctor.output


def test_no_simulator_or_developer_sign_in_without_the_local_platform(client: Any, build: Callable[..., Flask]) -> None:
    assert client.get("/simulator").status_code == 404
    assert client.post("/simulator/api/messages", json={"user": "hr1", "text": "/status 张三"}).status_code == 404
    explicit = build(platform={"default": "dingtalk"}, dingtalk=DINGTALK)  # development, explicitly allowed
    dev = explicit.test_client()
    assert dev.get("/simulator").status_code == 404
    page = dev.get("/dashboard/login").get_data(as_text=True)
    assert 'name="userid"' not in page


# -- 3. replayed signatures ------------------------------------------------------------------------
def test_a_captured_robot_signature_cannot_carry_another_body(
    client: Any, runtime: Any, build: Callable[..., Flask]
) -> None:
    assert _robot(client, _robot_message("zhangsan", "你好", "m1")).status_code == 200
    # The same headers with HR's userid, on this worker and on another one (same database).
    other_worker = build(**{k: v for k, v in _production_sections().items()}).test_client()
    for worker in (client, other_worker):
        replay = _robot(worker, _robot_message("hr1", "/status 张三", "m2"))
        assert (replay.status_code, replay.get_data(as_text=True)) == (401, "signature already used")
    with runtime.db.session() as s:
        assert s.scalars(select(InboundEvent.idempotency_key)).all() == ["robot:m1"]


def _production_sections() -> dict[str, Any]:
    return {
        "platform": {"default": "dingtalk"},
        "dingtalk": DINGTALK,
        "inbox": {"process": "inline"},
        "api": {"tokens": [CRM_TOKEN]},
        "dashboard": {"users": [ADMIN]},
        "app": {"environment": "production", "secret_key": "s" * 40},
    }


def test_card_signature_is_single_use_too(client: Any, runtime: Any) -> None:
    survey_id, card_id = _survey(runtime)
    click = _card_click(card_id, "zhangsan", ANSWER_ACTION, {"survey": str(survey_id), "q": "stress", "v": "1"})
    assert _signed_card(client, click).status_code == 200
    other = {**click, "content": json.dumps({"cardPrivateData": {"actionIds": [ANSWER_ACTION], "params": {}}})}
    assert _signed_card(client, other).get_data(as_text=True) == "signature already used"


def test_stale_or_foreign_robot_messages_are_refused(client: Any) -> None:
    old = _robot(client, _robot_message("zhangsan", "hi", "m3"), ts=NOW_MS - 10 * 60 * 1000)
    assert (old.status_code, old.get_data(as_text=True)) == (401, "stale timestamp")
    foreign = _robot_message("zhangsan", "hi", "m4") | {"robotCode": "someone-elses-robot"}
    assert _robot(client, foreign, ts=NOW_MS - 1).status_code == 403
    other_corp = _robot_message("zhangsan", "hi", "m5") | {"chatbotCorpId": "ding-other-corp"}
    assert _robot(client, other_corp, ts=NOW_MS - 2).status_code == 403


# -- 4. tokens, sign-in and lockout ------------------------------------------------------------------
def _csrf(client: Any) -> str:
    page = client.get("/dashboard/login").get_data(as_text=True)
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_an_api_token_does_not_open_the_dashboard(client: Any) -> None:
    response = client.post("/dashboard/login", data={"csrf_token": _csrf(client), "token": CRM_TOKEN})
    assert response.status_code in (401, 403)
    assert client.get("/dashboard").status_code == 302


def test_sign_in_locks_out_after_repeated_failures(client: Any, build: Callable[..., Flask]) -> None:
    for _ in range(5):
        form = {"csrf_token": _csrf(client), "username": "hradmin", "password": "guess"}
        assert client.post("/dashboard/login", data=form).status_code == 401
    # Locked, even with the right password, and on another worker too.
    for worker in (client, build(**_production_sections()).test_client()):
        form = {"csrf_token": _csrf(worker), "username": "hradmin", "password": PASSWORD}
        locked = worker.post("/dashboard/login", data=form)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_api_authentication_locks_out_after_repeated_failures(client: Any) -> None:
    for i in range(20):
        assert client.get("/api/v1/tags", headers={"Authorization": f"Bearer guess-{i}"}).status_code == 401
    locked = client.get("/api/v1/tags", headers={"Authorization": f"Bearer {CRM_TOKEN}"})
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_unknown_api_paths_answer_401_before_404(client: Any) -> None:
    assert client.get("/api/v1/admin/export").status_code == 401
    assert client.delete("/api/v1/metrics").status_code == 401
    headers = {"Authorization": f"Bearer {CRM_TOKEN}"}
    assert client.get("/api/v1/admin/export", headers=headers).status_code == 404


# -- 5. sessions -----------------------------------------------------------------------------------
def _sign_in(client: Any) -> Any:
    form = {"csrf_token": _csrf(client), "username": "hradmin", "password": PASSWORD}
    return client.post("/dashboard/login", data=form)


def test_session_cookie_flags_and_no_store(build: Callable[..., Flask]) -> None:
    sections = _production_sections()
    sections["app"] = {**sections["app"], "public_url": "https://carebot.example.com"}
    client = build(**sections).test_client()
    cookie = _sign_in(client).headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    page = client.get("/dashboard/tags")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_a_copied_cookie_dies_with_logout(client: Any, app: Flask) -> None:
    _sign_in(client)
    copy = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy.set_cookie("session", cookie.value)
    assert copy.get("/dashboard").status_code == 200
    client.post("/dashboard/logout", data={"csrf_token": _csrf(client)})
    assert copy.get("/dashboard").status_code == 302


def test_no_dashboard_without_a_secret_key_in_production(build: Callable[..., Flask]) -> None:
    sections = _production_sections()
    sections["app"] = {"environment": "production", "secret_key": ""}
    response = build(**sections).test_client().get("/dashboard/login")
    assert response.status_code == 503
    assert "[app].secret_key" in response.get_data(as_text=True)


# -- 6. logs ---------------------------------------------------------------------------------------
def test_a_storage_failure_logs_no_decrypted_payload(
    client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("INSERT INTO inbound_events", {"payload": "我想离职了"}, Exception("Key (x)=(我想离职了)"))

    monkeypatch.setattr(inbox, "store", refuse)
    with caplog.at_level(logging.DEBUG):
        response = _robot(client, _robot_message("zhangsan", "我想离职了", "m-secret"))
    assert response.status_code == 503
    text = caplog.text
    assert "我想离职了" not in text and "zhangsan" not in text
    assert "robot:m-secret" in text and "IntegrityError" in text


# -- 7. input that crashed ---------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["limit=²", "after_id=①", "limit=" + "9" * 5000])
@pytest.mark.parametrize("path", ["/api/v1/tags", "/api/v1/reminders"])
def test_unicode_digits_are_a_4xx(client: Any, path: str, query: str) -> None:
    response = client.get(f"{path}?{query}", headers={"Authorization": f"Bearer {CRM_TOKEN}"})
    assert 400 <= response.status_code < 500 and "error" in response.get_json()


def test_unicode_page_number_on_the_dashboard_is_a_400(client: Any) -> None:
    _sign_in(client)
    assert client.get("/dashboard/reminders?page=²").status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/employees/zhang%00san", None),
        ("get", "/api/v1/tags?userid=a%00b", None),
        ("put", "/api/v1/employees/zhangsan", {"name": "张\u0000三"}),
        ("post", "/api/v1/metrics", {"metric": "sales", "rows": [{"userid": "a\u0000"}]}),
    ],
)
def test_nul_characters_are_a_400(client: Any, method: str, path: str, body: Any) -> None:
    headers = {"Authorization": f"Bearer {CRM_TOKEN}"}
    response = getattr(client, method)(path, json=body, headers=headers)
    assert response.status_code == 400 and "NUL" in response.get_json()["error"]


# -- doctor and the admin's tools --------------------------------------------------------------------
def test_doctor_fails_on_critical_security_items_in_production(build: Callable[..., Flask]) -> None:
    sections = _production_sections()
    sections["dingtalk"] = {**DINGTALK, "card_api_secret": ""}
    sections["api"] = {"tokens": ["short"]}
    result = build(**sections).test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "card_api_secret" in result.output and "太短" in result.output and "安全检查" in result.output


def test_doctor_passes_a_sound_production_configuration(build: Callable[..., Flask]) -> None:
    sections = _production_sections()
    sections["app"] = {**sections["app"], "public_url": "https://carebot.example.com"}
    result = build(**sections).test_cli_runner().invoke(args=["doctor"])
    assert "[错误]" not in result.output, result.output
    assert "纯字符串" in result.output  # a legacy token (legacy scopes): a warning, not an error


def test_hash_password_makes_a_usable_dashboard_account(build: Callable[..., Flask]) -> None:
    runner = build(**_production_sections()).test_cli_runner()
    made = runner.invoke(args=["dashboard", "hash-password", "--stdin"], input="another long password\n")
    assert made.exit_code == 0 and made.output.startswith("scrypt:")
    sections = _production_sections()
    sections["dashboard"] = {"users": [{"username": "wang", "password_hash": made.output.strip()}]}
    client = build(**sections).test_client()
    form = {"csrf_token": _csrf(client), "username": "wang", "password": "another long password"}
    assert client.post("/dashboard/login", data=form).status_code == 302
    short = runner.invoke(args=["dashboard", "hash-password", "--stdin"], input="short\n")
    assert short.exit_code == 2


def test_failure_descriptions_name_classes_and_places_never_messages() -> None:
    from bot.core.logsafe import describe

    try:
        try:
            raise KeyError("张三的病假")
        except KeyError as inner:
            raise RuntimeError("processing 我想离职了 failed") from inner
    except RuntimeError as exc:
        text = describe(exc)
    assert "builtins.RuntimeError at test_security.py:" in text and "builtins.KeyError" in text
    assert "离职" not in text and "病假" not in text


@pytest.mark.parametrize(
    ("raw", "value"),
    [("²", None), ("①", None), ("٣", None), ("-1", None), ("9" * 20, None), ("1795413600000", 1795413600000)],
)
def test_numbers_are_ascii_digits_only(raw: str, value: int | None) -> None:
    from bot.core.input_guard import plain_int
    from bot.platforms.dingtalk.platform import parse_expiry

    assert plain_int(raw) == value
    # A stored sessionWebhookExpiredTime of "²" once crashed the outbox; now it is simply no expiry.
    assert (parse_expiry(raw) is None) == (value is None)
