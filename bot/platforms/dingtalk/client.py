"""DingTalk OpenAPI client: token, work notifications, interactive cards, robot messages, directory.

Two hosts (shared/protocols.md §4): the v1.0 OpenAPI on ``[dingtalk].api_base`` (token in the
``x-acs-dingtalk-access-token`` header, errors as HTTP status + ``code``) and the legacy oapi on
``[dingtalk].oapi_base`` (``?access_token=``, errors as ``errcode``). One token from
``POST /v1.0/oauth2/accessToken`` serves both.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests

from bot.core.chunks import chunked
from bot.core.clock import Clock
from bot.core.errors import PlatformAPIError
from bot.platforms.http import JsonHttpClient, RateLimited, dingtalk_error
from bot.platforms.tokens import Token, TokenCache

log = logging.getLogger(__name__)

WORK_NOTICE_BATCH = 100  # asyncsend_v2 userid_list limit
ROBOT_BATCH = 20  # oToMessages/batchSend userIds per call (the doc's conservative figure)
FAILED_CALLBACK_PAGES = 1000  # safety bound on get_call_back_failed_result paging
CHINA = ZoneInfo("Asia/Shanghai")


class DingTalkClient(JsonHttpClient):
    """Calls DingTalk for one internal app (``app_key``/``app_secret``)."""

    platform = "dingtalk"

    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        agent_id: str,
        clock: Clock,
        api_base: str = "https://api.dingtalk.com",
        oapi_base: str = "https://oapi.dingtalk.com",
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(session=session)
        self.app_key = app_key
        self._app_secret = app_secret
        self.agent_id = agent_id
        self.api_base = api_base.rstrip("/")
        self.oapi_base = oapi_base.rstrip("/")
        self.tokens = TokenCache(f"dingtalk app {app_key}", self._fetch_token, clock)
        self._dept_names: dict[int, str | None] = {}

    # -- transport -------------------------------------------------------------------------------
    def _fetch_token(self) -> tuple[str, int]:
        if not self.app_key or not self._app_secret:
            raise PlatformAPIError("dingtalk: [dingtalk].app_key and app_secret are not configured", retryable=False)
        status, body = self.request(
            "POST",
            f"{self.api_base}/v1.0/oauth2/accessToken",
            json_body={"appKey": self.app_key, "appSecret": self._app_secret},
        )
        error = dingtalk_error(status, body, "accessToken")
        if error is not None:
            raise error
        if not body.get("accessToken"):
            raise PlatformAPIError("dingtalk: accessToken answer without a token", retryable=True)
        return str(body["accessToken"]), int(body.get("expireIn") or 7200)

    def api(self, method: str, path: str, body: Any, what: str, *, delivers: bool = False) -> dict[str, Any]:
        """Call the v1.0 OpenAPI with the cached token (refreshed once if rejected).

        ``delivers``: the call hands DingTalk a message (see :meth:`JsonHttpClient.request`).
        """

        def call(token: str) -> dict[str, Any]:
            status, answer = self.request(
                method,
                f"{self.api_base}{path}",
                json_body=body,
                headers={"x-acs-dingtalk-access-token": token},
                delivers=delivers,
            )
            error = dingtalk_error(status, answer, what)
            if error is not None:
                raise error
            return answer

        return self.tokens.call(call)

    def oapi(
        self,
        method: str,
        path: str,
        body: Any,
        what: str,
        params: Mapping[str, Any] | None = None,
        *,
        delivers: bool = False,
    ) -> dict:
        """Call the legacy oapi with the cached token (refreshed once if rejected)."""

        def call(token: str) -> dict[str, Any]:
            query = {**(params or {}), "access_token": token}
            status, answer = self.request(
                method, f"{self.oapi_base}{path}", params=query, json_body=body, delivers=delivers
            )
            error = dingtalk_error(status, answer, what)
            if error is not None:
                raise error
            return answer

        return self.tokens.call(call)

    def check_credentials(self) -> Token:
        """Fetch a fresh token; raises ``PlatformAPIError`` saying why when the credentials do not work."""
        return self.tokens.refresh()

    # -- work notifications (§4.2) ---------------------------------------------------------------
    def send_work_notice(self, userids: Sequence[str], msg: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Send ``msg`` (text / markdown / action_card) as a work notification, 100 users per call.

        Success means *accepted*: DingTalk drops over-cap or duplicate content silently.
        """
        results = []
        for batch in chunked(userids, WORK_NOTICE_BATCH):
            body = {"agent_id": int(self.agent_id), "userid_list": ",".join(batch), "msg": dict(msg)}
            answer = self.oapi(
                "POST", "/topapi/message/corpconversation/asyncsend_v2", body, "asyncsend_v2", delivers=True
            )
            results.append({"task_id": answer.get("task_id"), "request_id": answer.get("request_id")})
        return results

    # -- interactive cards (§4.4) ----------------------------------------------------------------
    def create_and_deliver_card(
        self,
        *,
        userid: str,
        out_track_id: str,
        template_id: str,
        robot_code: str,
        params: Mapping[str, str],
        callback_route_key: str = "",
        stream_callbacks: bool = False,
    ) -> dict[str, Any]:
        """Create a card in the robot 1:1 chat with ``userid``; the same ``out_track_id`` never makes a second card.

        Clicks come back over HTTP to ``callback_route_key``'s URL, or with ``stream_callbacks`` over
        the Stream connection (topic ``/v1.0/card/instances/callback``).
        """
        body: dict[str, Any] = {
            "cardTemplateId": template_id,
            "outTrackId": out_track_id,
            "cardData": {"cardParamMap": dict(params)},
            "openSpaceId": f"dtv1.card//IM_ROBOT.{userid}",
            "imRobotOpenSpaceModel": {"supportForward": False},
            "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": robot_code},
            "userIdType": 1,
        }
        if stream_callbacks:
            body["callbackType"] = "STREAM"
        elif callback_route_key:
            body["callbackType"] = "HTTP"
            body["callbackRouteKey"] = callback_route_key
        answer = self.api("POST", "/v1.0/card/instances/createAndDeliver", body, "createAndDeliver", delivers=True)
        raw = answer.get("result")
        result: dict[str, Any] = raw if isinstance(raw, dict) else {}
        for item in result.get("deliverResults") or []:
            if isinstance(item, dict) and item.get("success") is False:
                raise PlatformAPIError(
                    f"dingtalk: createAndDeliver: not delivered to {userid}: {item.get('errorMsg', '')}".rstrip(),
                    code="deliver",
                    retryable=False,
                )
        return {"out_track_id": out_track_id, "result": result}

    def update_card(self, out_track_id: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Replace the given keys of a card's data, by our ``outTrackId``."""
        body = {
            "outTrackId": out_track_id,
            "cardData": {"cardParamMap": dict(params)},
            "cardUpdateOptions": {"updateCardDataByKey": True},
            "userIdType": 1,
        }
        return self.api("PUT", "/v1.0/card/instances", body, "update card", delivers=True)

    # -- robot messages (§3.2) -------------------------------------------------------------------
    def robot_send_to_users(
        self, robot_code: str, userids: Sequence[str], msg_key: str, msg_param: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Robot 1:1 messages (``sampleText``/``sampleMarkdown``…); an invalid or throttled user is an error."""
        results = []
        for batch in chunked(userids, ROBOT_BATCH):
            body = {
                "robotCode": robot_code,
                "userIds": batch,
                "msgKey": msg_key,
                "msgParam": json.dumps(dict(msg_param), ensure_ascii=False),
            }
            answer = self.api("POST", "/v1.0/robot/oToMessages/batchSend", body, "oToMessages/batchSend", delivers=True)
            invalid = answer.get("invalidStaffIdList") or []
            throttled = answer.get("flowControlledStaffIdList") or []
            if throttled:
                raise RateLimited(f"dingtalk: robot flow control for {', '.join(throttled)}", code="flowControlled")
            if invalid:
                raise PlatformAPIError(f"dingtalk: invalid user {', '.join(invalid)}", code="invalidStaff")
            results.append({"process_query_key": answer.get("processQueryKey")})
        return results

    def send_session_webhook(self, url: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST a message to a robot conversation's ``sessionWebhook`` (no token; only DingTalk's own host)."""
        allowed = {urlsplit(self.oapi_base).netloc, urlsplit(self.api_base).netloc}
        if urlsplit(url).scheme not in ("https", "http") or urlsplit(url).netloc not in allowed:
            raise PlatformAPIError("dingtalk: sessionWebhook is not on the configured DingTalk host", retryable=False)
        status, answer = self.request("POST", url, json_body=dict(body), delivers=True)
        error = dingtalk_error(status, answer, "sessionWebhook")
        if error is not None:
            raise error
        return answer

    # -- directory and callbacks (ingestion) -----------------------------------------------------
    def get_user(self, userid: str, *, dept_names: bool = True) -> dict[str, Any]:
        """One employee (``topapi/v2/user/get``) as a flat dict; email and mobile only when present."""
        answer = self.oapi("POST", "/topapi/v2/user/get", {"userid": userid, "language": "zh_CN"}, "user/get")
        raw = answer.get("result") or {}
        dept_ids = [int(d) for d in raw.get("dept_id_list") or [] if str(d).lstrip("-").isdigit()]
        user: dict[str, Any] = {
            "userid": str(raw.get("userid") or userid),
            "name": raw.get("name") or "",
            "dept_ids": dept_ids,
            "manager_userid": raw.get("manager_userid") or None,
            "hired_date": _ms_to_date(raw.get("hired_date")),
            "title": raw.get("title") or None,
            "active": bool(raw.get("active", True)),
        }
        if dept_names:
            user["dept_names"] = [n for n in (self.department_name(d) for d in dept_ids) if n]
        for key in ("email", "org_email", "mobile", "job_number"):
            if raw.get(key):
                user[key] = raw[key]
        return user

    def department_name(self, dept_id: int) -> str | None:
        """A department's name (cached per client); None when DingTalk will not say."""
        if dept_id not in self._dept_names:
            try:
                answer = self.oapi("POST", "/topapi/v2/department/get", {"dept_id": dept_id}, "department/get")
                self._dept_names[dept_id] = (answer.get("result") or {}).get("name") or None
            except PlatformAPIError as exc:
                if exc.retryable:
                    raise
                self._dept_names[dept_id] = None  # e.g. outside the app's visible range
        return self._dept_names[dept_id]

    def failed_callbacks(self) -> list[dict[str, Any]]:
        """Every event push DingTalk failed to deliver (``get_call_back_failed_result``, paged while ``has_more``).

        Each call hands out the next page and DingTalk forgets it, so callers store what they get.
        """
        items: list[dict[str, Any]] = []
        for _ in range(FAILED_CALLBACK_PAGES):
            answer = self.oapi("GET", "/call_back/get_call_back_failed_result", None, "get_call_back_failed_result")
            items.extend(i for i in answer.get("failed_list") or [] if isinstance(i, dict))
            if not answer.get("has_more"):
                break
        return items


def list_schedules(client: DingTalkClient, work_date: str, page: int = 200) -> list[dict[str, Any]]:
    """Every planned punch (OnDuty/OffDuty) of the company on ``work_date`` (YYYY-MM-DD).

    oapi ``topapi/attendance/listschedule`` (查询企业考勤排班详情): pages of at most 200 until
    ``has_more`` is false; each item has ``userid``, ``check_type``, ``plan_check_time``, ``class_id``.
    """
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = {"workDate": f"{work_date} 00:00:00", "offset": offset, "size": page}
        answer = client.oapi("POST", "/topapi/attendance/listschedule", body, "attendance/listschedule")
        result = answer.get("result") or {}
        items = [s for s in result.get("schedules") or [] if isinstance(s, dict)]
        out.extend(items)
        if not result.get("has_more") or not items:
            return out
        offset += page


def _ms_to_date(value: Any) -> str | None:
    """A millisecond epoch as an ISO date in China (DingTalk's hire dates are local midnights)."""
    try:
        ms = int(value)
    except (TypeError, ValueError):
        return None
    day: date = datetime.fromtimestamp(ms / 1000, CHINA).date()
    return day.isoformat()
