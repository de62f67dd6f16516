"""A ratchet on platform names outside ``bot/platforms/``: each platform adapter owns its knowledge.

Every ``"dingtalk"`` / ``"wecom"`` string literal in ``bot/`` and ``handlers/`` outside
``bot/platforms/`` is counted per file. What legitimately remains is listed below with the reason;
the test fails when a file gains one (move the knowledge into the platform's package, or list it
here with a reason) and when an entry is stale (a file lost some: lower its number, so the count
can only go down).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = frozenset({"dingtalk", "wecom"})
SCANNED = ("bot", "handlers")
EXEMPT = Path("bot/platforms")

# file → (literals allowed, why they are not the adapters' knowledge)
ALLOWED: dict[str, tuple[int, str]] = {
    "bot/core/config.py": (2, "the values [platform].default accepts (config contract, DESIGN.md §4)"),
    "bot/security/startup.py": (5, "config section names of the secrets refused in development"),
    "handlers/dashboard/audit_log.py": (2, "audit channel names the dashboard filters by (stored data)"),
    "bot/attendance/approval_details.py": (
        6,
        "approval intervals come from each platform's own approval API; no neutral approval client yet",
    ),
    "bot/attendance/jobs.py": (3, "jobs that exist for one platform only (WeCom check-in pull, DingTalk pulls)"),
    "bot/attendance/wecom_pull.py": (1, "punches pulled from WeCom are that platform's events"),
    "bot/attendance/dingtalk_schedule.py": (1, "the source label of shift rows pulled from DingTalk"),
}


def platform_literals(path: Path) -> int:
    """How many string constants in ``path`` are exactly a platform name."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in NAMES)


def counts() -> dict[str, int]:
    found: dict[str, int] = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative.is_relative_to(EXEMPT):
                continue
            n = platform_literals(path)
            if n:
                found[relative.as_posix()] = n
    return found


def test_platform_names_outside_the_platforms_only_go_down() -> None:
    found = counts()
    rose = {f: n for f, n in found.items() if n > ALLOWED.get(f, (0, ""))[0]}
    assert not rose, (
        f"platform-name literals outside bot/platforms/ rose: {rose}; move that knowledge into the "
        "platform's adapter (bot/platforms/<name>/), or list the file in ALLOWED with a reason"
    )
    stale = {f: (allowed, found.get(f, 0)) for f, (allowed, _why) in ALLOWED.items() if found.get(f, 0) < allowed}
    assert not stale, f"allow-list entries are stale (allowed, found): {stale}; lower them"


def test_every_allowance_says_why() -> None:
    assert all(len(why) > 20 for _n, why in ALLOWED.values())
    assert sum(n for n, _why in ALLOWED.values()) <= 20  # the ratchet's total when it was set


def test_the_counter_sees_literals_not_identifiers(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('dingtalk = 1\nx = "dingtalk"\ny = ("wecom", "local", "dingtalk_x", f"{dingtalk}")\n')
    assert platform_literals(sample) == 2
