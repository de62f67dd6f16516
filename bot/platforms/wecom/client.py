"""WeCom API client: token, app messages, template-card updates, directory and check-in data.

All calls go to ``[wecom].api_base`` with ``?access_token=`` (shared/protocols.md §5.6, §6); errors
are ``errcode`` values classified by :func:`bot.platforms.http.wecom_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import requests

from bot.core.chunks import chunked
from bot.core.clock import Clock
from bot.core.errors import PlatformAPIError
from bot.platforms.http import JsonHttpClient, wecom_error
from bot.platforms.tokens import Token, TokenCache

log = logging.getLogger(__name__)

MESSAGE_BATCH = 1000  # touser limit of message/send
UPDATE_BATCH = 1000  # userids limit of update_template_card
CHECKIN_USERS = 100  # getcheckindata: ≤ 100 users per call
CHECKIN_SPAN = timedelta(days=30)  # getcheckindata: ≤ 30 days per call
DUPLICATE_CHECK_SECONDS = 4 * 3600  # the longest window WeCom offers; covers every retry of a message
TASK_ID_EXISTS = 42014  # "taskid has existed": the card was already sent


class WeComClient(JsonHttpClient):
    """Calls WeCom for one self-built app (``corp_id``/``secret``/``agent_id``)."""

    platform = "wecom"

    def __init__(
        self,
        *,
        corp_id: str,
        secret: str,
        agent_id: str,
        clock: Clock,
        api_base: str = "https://qyapi.weixin.qq.com",
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(session=session)
        self.corp_id = corp_id
        self._secret = secret
        self.agent_id = agent_id
        self.api_base = api_base.rstrip("/")
        self.tokens = TokenCache(f"wecom app {corp_id}/{agent_id}", self._fetch_token, clock)
        self._dept_names: dict[int, str | None] = {}

    # -- transport -------------------------------------------------------------------------------
    def _fetch_token(self) -> tuple[str, int]:
        if not self.corp_id or not self._secret:
            raise PlatformAPIError("wecom: [wecom].corp_id and secret are not configured", retryable=False)
        status, body = self.request(
            "GET", f"{self.api_base}/cgi-bin/gettoken", params={"corpid": self.corp_id, "corpsecret": self._secret}
        )
        error = wecom_error(status, body, "gettoken")
        if error is not None:
            raise error
        if not body.get("access_token"):
            raise PlatformAPIError("wecom: gettoken answer without a token", retryable=True)
        return str(body["access_token"]), int(body.get("expires_in") or 7200)

    def call(
        self,
        method: str,
        path: str,
        what: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        delivers: bool = False,
    ) -> dict[str, Any]:
        """Call ``/cgi-bin/…`` with the cached token (refreshed once if rejected).

        ``delivers``: the call hands WeCom a message (see :meth:`JsonHttpClient.request`).
        """

        def attempt(token: str) -> dict[str, Any]:
            query = {**(params or {}), "access_token": token}
            status, answer = self.request(
                method, f"{self.api_base}{path}", params=query, json_body=body, delivers=delivers
            )
            error = wecom_error(status, answer, what)
            if error is not None:
                raise error
            return answer

        return self.tokens.call(attempt)

    def check_credentials(self) -> Token:
        """Fetch a fresh token; raises ``PlatformAPIError`` saying why when the credentials do not work."""
        return self.tokens.refresh()

    # -- messages (§6.2, §6.3) -------------------------------------------------------------------
    def send_message(self, userids: Sequence[str], msgtype: str, content: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Send an app message to members, 1000 per call, with WeCom's duplicate check on.

        Returns one answer per batch (``msgid``, ``invaliduser``, ``response_code`` …).
        """
        results = []
        for batch in chunked(userids, MESSAGE_BATCH):
            body = {
                "touser": "|".join(batch),
                "msgtype": msgtype,
                "agentid": int(self.agent_id),
                msgtype: dict(content),
                "enable_duplicate_check": 1,
                "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
            }
            results.append(self.call("POST", "/cgi-bin/message/send", "message/send", body=body, delivers=True))
        return results

    def update_template_card(
        self,
        userids: Sequence[str],
        response_code: str,
        *,
        replace_name: str | None = None,
        template_card: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Update a sent template card for ``userids`` with its single-use ``response_code``."""
        if len(userids) > UPDATE_BATCH:
            raise ValueError("update_template_card takes at most 1000 userids")
        body: dict[str, Any] = {"userids": list(userids), "agentid": int(self.agent_id), "response_code": response_code}
        if template_card is not None:
            body["template_card"] = dict(template_card)
        else:
            body["button"] = {"replace_name": replace_name or ""}
        return self.call(
            "POST", "/cgi-bin/message/update_template_card", "update_template_card", body=body, delivers=True
        )

    # -- directory and attendance (ingestion) ----------------------------------------------------
    def get_user(self, userid: str, *, dept_names: bool = True) -> dict[str, Any]:
        """One member (``user/get``) as a flat dict; email and mobile only when WeCom returns them."""
        raw = self.call("GET", "/cgi-bin/user/get", "user/get", params={"userid": userid})
        dept_ids = [int(d) for d in raw.get("department") or [] if str(d).lstrip("-").isdigit()]
        leaders = raw.get("direct_leader") or []
        user: dict[str, Any] = {
            "userid": str(raw.get("userid") or userid),
            "name": raw.get("name") or "",
            "dept_ids": dept_ids,
            "manager_userid": leaders[0] if leaders else None,
            "hired_date": None,  # WeCom keeps no hire date
            "title": raw.get("position") or None,
            "active": raw.get("status", 1) == 1,
        }
        if dept_names:
            user["dept_names"] = [n for n in (self.department_name(d) for d in dept_ids) if n]
        for key in ("email", "biz_mail", "mobile"):
            if raw.get(key):
                user[key] = raw[key]
        return user

    def department_name(self, dept_id: int) -> str | None:
        """A department's name (cached per client); None when the app may not see it."""
        if dept_id not in self._dept_names:
            try:
                answer = self.call("GET", "/cgi-bin/department/get", "department/get", params={"id": dept_id})
                self._dept_names[dept_id] = (answer.get("department") or {}).get("name") or None
            except PlatformAPIError as exc:
                if exc.retryable:
                    raise
                self._dept_names[dept_id] = None
        return self._dept_names[dept_id]

    def get_checkin_data(
        self, userids: Sequence[str], start: datetime, end: datetime, *, kind: int = 3
    ) -> list[dict[str, Any]]:
        """Check-in records of ``userids`` between ``start`` and ``end`` (split into ≤ 100 users × ≤ 30 days)."""
        if end < start:
            raise ValueError("end is before start")
        records: list[dict[str, Any]] = []
        batches = list(chunked(userids, CHECKIN_USERS))
        window_start = start
        while window_start <= end:
            window_end = min(window_start + CHECKIN_SPAN, end)
            for batch in batches:
                body = {
                    "opencheckindatatype": kind,
                    "starttime": int(window_start.timestamp()),
                    "endtime": int(window_end.timestamp()),
                    "useridlist": batch,
                }
                answer = self.call("POST", "/cgi-bin/checkin/getcheckindata", "getcheckindata", body=body)
                records.extend(r for r in answer.get("checkindata") or [] if isinstance(r, dict))
            window_start = window_end + timedelta(seconds=1)  # the API's bounds are inclusive seconds
        return records
