"""Browser tests in headless Chromium (the system package, driven by Playwright; no browser download).

Sign in to the dashboard, every page renders with its charts and without a Content-Security-Policy
violation, the person page, and the simulator loop at /simulator and /simulator/ and at 390 px.
Skipped locally without /usr/bin/chromium; in CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.demo_server import DemoServer, shared_demo

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CSP_LISTENER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)
TIMEOUT_MS = 60_000  # generous: CI machines can be slow; every wait is still bounded

sync_api = pytest.importorskip("playwright.sync_api")
if not shutil.which(CHROMIUM) and os.environ.get("CI") != "true":
    pytest.skip("no system Chromium (apt-get install chromium chromium-driver)", allow_module_level=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoServer:
    return shared_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _page(browser: Any, width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(CSP_LISTENER)
    # Nothing may leave the machine: any request to another origin fails the test.
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    return page


def _violations(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.__csp")
    return found


def _sign_in(page: Any, base: str, userid: str) -> None:
    page.goto(f"{base}/dashboard/login")
    page.select_option("select[name=userid]", userid)
    with page.expect_navigation(timeout=TIMEOUT_MS * 3):
        page.click("form:has(select) button[type=submit]")
    assert "/dashboard" in page.url and "/login" not in page.url, page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_dashboard_pages_render_charts_without_csp_violations(demo: DemoServer, browser: Any, width: int) -> None:
    page = _page(browser, width)
    _sign_in(page, demo.base_url, "u000001")  # the demo's HR director (an admin: sees the audit log)
    expected = {
        "/dashboard/": 3,
        "/dashboard/tags": 0,
        "/dashboard/reminders": 2,
        "/dashboard/care": 0,
        "/dashboard/report": 2,
        "/dashboard/people": 0,
        "/dashboard/audit": 0,
    }
    for path, charts in expected.items():
        response = page.goto(demo.base_url + path)
        assert response is not None and response.status == 200, path
        assert page.locator("svg.chart").count() >= charts, path
        assert _violations(page) == [], path
        # Nothing wider than the phone: the page never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
    page.goto(demo.base_url + "/dashboard/")
    bars = page.locator("[data-chart=tags_over_time] rect title").count()
    assert bars > 10, "the tags-over-time chart has bars"
    page.close()


def test_person_page_by_pinyin_search(demo: DemoServer, browser: Any) -> None:
    page = _page(browser)
    _sign_in(page, demo.base_url, "u000002")
    with demo.runtime.db.session() as s:
        from sqlalchemy import select

        from bot.models import Employee, Tag

        userid, pinyin = s.execute(
            select(Employee.userid, Employee.name_pinyin).join(Tag, Tag.employee_id == Employee.id).limit(1)
        ).one()
    page.goto(f"{demo.base_url}/dashboard/people?q={pinyin.replace(' ', '')}")
    page.click(f"a[href$='/dashboard/people/{userid}']")
    page.wait_for_url(f"**/dashboard/people/{userid}")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("text=关怀标签与依据").count() == 1
    assert _violations(page) == []
    page.close()


@pytest.mark.parametrize("path", ["/simulator", "/simulator/"])
@pytest.mark.parametrize("width", [1280, 390])
def test_simulator_loop(demo: DemoServer, browser: Any, path: str, width: int) -> None:
    page = _page(browser, width)
    page.goto(demo.base_url + path)
    assert page.locator("ul.people li[data-role]").count() > 50
    # Search by pinyin initials and filter by role.
    page.click("button.role[data-role=hr]")
    visible = page.locator("ul.people li[data-role=hr]:not(.hidden)").count()
    assert visible >= 1 and page.locator("ul.people li[data-role=employee]:not(.hidden)").count() == 0
    page.click("button.role[data-role=all]")
    # The loop: the HR person the page suggests, a card acted on in place, a command answered.
    page.click(".loop li:first-child a")
    page.wait_for_selector("#log")
    assert page.locator(".chat-head h1").inner_text().startswith("以 ")
    cards = page.locator(".msg .bubble.card")
    open_cards = page.locator(".msg[data-card-id]:has(.card-button[data-action='reminder.done'])")
    if open_cards.count():
        before = cards.count()
        card_id = open_cards.last.get_attribute("data-card-id")
        open_cards.last.locator(".card-button[data-action='reminder.done']").click()
        # Locator waits only: the page's CSP forbids the eval that string predicates would need.
        page.locator(f".msg[data-card-id='{card_id}'] .card-status").wait_for()
        assert cards.count() == before, "the card changed in place, no second card"
    page.fill("#text", "/help")
    page.press("#text", "Enter")
    page.locator("#log .msg.out", has_text="/risk").last.wait_for()
    assert page.locator(".md strong, .md h1, .md h2, .md h3, .md li").count() > 0, "markdown rendered"
    assert "**" not in page.locator("#log").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert _violations(page) == []
    page.close()


def test_static_files_are_served_from_this_origin(demo: DemoServer, browser: Any) -> None:
    page = _page(browser)
    for name in ("dashboard.css", "simulator.css", "simulator.js"):
        response = page.goto(f"{demo.base_url}/static/{name}")
        assert response is not None and response.status == 200, name
    page.close()
