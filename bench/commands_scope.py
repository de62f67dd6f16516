"""Benchmark: slash commands over a large organisation, on SQLite and PostgreSQL.

Builds N employees in a management tree (a CEO, then managers with ~8 reports each, so the CEO's
reports are everyone), tags ~5 % of them (a tenth of those attrition risk with a score), and times
the commands as the chat handler runs them (parse, rate limit, roles, scope, queries, markdown fit,
audit rows), each the median of ``--repeat`` runs:

* ``/help`` — the baseline: the fixed cost of any command (parse, caller, roles, rate limit);
* ``/status <name>`` and ``/status <initials>`` by HR (scope "all"), and ``/status`` by the CEO
  (scope = every report, a recursive CTE over the whole tree);
* ``/team`` by the CEO (recursive reports, severity counts, tagged people, team pulse);
* ``/risk 10`` and ``/tags`` by HR over everyone.

Prints milliseconds per command and the ratio to ``/help`` measured in the same run.

    .venv/bin/python bench/commands_scope.py [--employees 20000] [--repeat 5] [--backends sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from app import create_app
from bench.benchdb import database
from bot.core.clock import FixedClock
from bot.core.config import load_settings
from bot.core.runtime import Runtime
from bot.models import Department, Employee, Tag
from bot.people.directory import name_to_pinyin
from bot.pipeline.dispatch import Context
from bot.pipeline.events import ChatMessage
from handlers.commands.chat import run_command

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
RISK = {
    "kind": "score",
    "score": 70,
    "threshold": 50,
    "max": 100,
    "signals": [
        {"id": "hours", "label": {"zh": "长期加班", "en": "long hours"}, "weight": 40, "evidence": {}},
        {"id": "stress", "label": {"zh": "压力大", "en": "high stress"}, "weight": 30, "evidence": {}},
    ],
}
OTHER_RULES = ("high_pressure", "performance_dip", "birthday_tomorrow")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣怡"


def load_org(runtime: Runtime, n: int, seed: int = 7) -> None:
    """N employees in a tree (ids 1..N, 1 is the CEO, 2 is HR), ~5 % tagged."""
    rnd = random.Random(seed)
    names = [rnd.choice(SURNAMES) + "".join(rnd.choices(GIVEN, k=rnd.choice((1, 2)))) for _ in range(n)]
    names[0], names[1], names[2] = "陈总", "王芳", "张三"
    rows = []
    for i in range(1, n + 1):
        manager = None if i == 1 else max(1, (i - 2) // 8 + 1)
        rows.append(
            {
                "id": i,
                "userid": f"u{i:06d}",
                "name": names[i - 1],
                "name_pinyin": name_to_pinyin(names[i - 1]),
                "department_id": 1 + i % 20,
                "manager_id": manager if manager != i else None,
                "hrbp_id": 2 if i > 2 else None,
                "is_hr": i == 2,
                "is_admin": False,
                "status": "active",
                "surveys_paused": False,
                "source": "demo",
                "hired_on": date(2023, 1, 1),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    tags = []
    for i in rnd.sample(range(3, n + 1), n // 20):
        risk = rnd.random() < 0.1
        tags.append(
            {
                "rule_id": "attrition_risk" if risk else rnd.choice(OTHER_RULES),
                "employee_id": i,
                "severity": rnd.choice(("high", "medium", "low")),
                "status": "active",
                "raised_on": date(2026, 11, 20),
                "last_seen_on": date(2026, 11, 20),
                "score": rnd.randint(50, 90) if risk else None,
                "evidence": RISK if risk else {"kind": "tenure", "days": 30},
                "created_at": NOW,
            }
        )
    with runtime.db.session() as s:
        departments = [{"id": d, "name": f"部门{d}", "created_at": NOW} for d in range(1, 21)]
        s.execute(insert(Department.__table__), departments)
        for start in range(0, len(rows), 5000):
            s.execute(insert(Employee.__table__), rows[start : start + 5000])
        s.execute(insert(Tag.__table__), tags)
        if runtime.db.dialect == "postgresql":
            s.execute(text("SELECT setval('employees_id_seq', (SELECT max(id) FROM employees))"))
            s.execute(text("ANALYZE"))


def timed(runtime: Runtime, user: str, command: str, repeat: int) -> tuple[float, int]:
    """Median milliseconds of ``command`` sent by ``user``, and the reply length."""
    runs, length = [], 0
    for k in range(repeat):
        event = ChatMessage(platform="dingtalk", sender_userid=user, text=command, message_id=f"m{k}", sent_at=NOW)
        started = time.perf_counter()
        with runtime.db.session() as s:
            reply = run_command(event, Context(runtime=runtime, session=s))
        runs.append((time.perf_counter() - started) * 1000)
        length = len(reply.text) if reply else 0
    return statistics.median(runs), length


def run(backend: str, url: str, employees: int, repeat: int) -> None:
    settings = load_settings(
        path=None,
        overrides={"database": {"url": url}, "commands": {"rate_limit_per_minute": 1000}},
        environ={},
    )
    app = create_app(settings, clock=FixedClock(NOW))
    runtime: Runtime = app.extensions["carebot"]
    started = time.perf_counter()
    load_org(runtime, employees)
    print(f"\n[{backend}] {employees:,} employees loaded in {time.perf_counter() - started:.1f} s (not timed below)")
    cases = [
        ("u000002", "/help"),
        ("u000002", "/status 张三"),
        ("u000002", "/status zs"),
        ("u000001", "/status u000003"),
        ("u000001", "/team"),
        ("u000002", "/risk 10"),
        ("u000002", "/tags"),
    ]
    baseline = None
    for user, command in cases:
        ms, length = timed(runtime, user, command, repeat)
        baseline = baseline or ms
        print(f"  {command:<18} {ms:8.1f} ms   ×{ms / baseline:5.1f} of /help   reply {length:,} chars")
    runtime.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    for backend in args.backends.split(","):
        with database(backend, args.postgres) as url:
            run(backend, url, args.employees, args.repeat)


if __name__ == "__main__":
    main()
