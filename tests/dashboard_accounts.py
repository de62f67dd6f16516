"""A dashboard account for tests ([dashboard].users) and signing in with it."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.security import generate_password_hash

PASSWORD = "correct horse battery staple"
# A cheap hash keeps the tests fast; deployments use `carebot dashboard hash-password` (scrypt).
ADMIN = {"username": "hradmin", "password_hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")}
ACCOUNTS = {"users": [ADMIN]}
ACTOR = "dashboard:hradmin"  # the audit actor of the account above


def sign_in(client: Any, username: str = "hradmin", password: str = PASSWORD) -> Any:
    """Sign in to the dashboard with a name and password; returns the response."""
    page = client.get("/dashboard/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return client.post(
        "/dashboard/login", data={"csrf_token": found.group(1), "username": username, "password": password}
    )
