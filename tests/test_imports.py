"""CSV imports: BOM, managers later in the file, all-or-nothing with line+column errors, CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.attendance.punches import record_punches
from bot.intake.imports import import_employees, import_metrics
from bot.models import AttendanceDay, Employee, Metric
from bot.pipeline.events import AttendancePunch

HEADER = "userid,name,department,manager_userid,hired_on,hrbp_userid,birthday,is_hr"


def write(tmp_path: Path, text: str, *, bom: bool = False, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def employees_of(db: Any) -> dict[str, Employee]:
    with db.session() as s:
        return {e.userid: e for e in s.scalars(select(Employee))}


def test_bom_and_manager_later_in_the_file(runtime: Any, tmp_path: Path) -> None:
    csv_text = "\n".join(
        [
            HEADER,
            "e1,张三,电销一部,m1,2026-09-01,h1,03-15,",
            "e2,李四,电销一部,m1,2026-10-08,h1,,否",
            "m1,王经理,电销一部,,2019-04-01,h1,,",
            "h1,赵HR,人力资源部,,2018-01-01,,,是",
        ]
    )
    path = write(tmp_path, csv_text + "\n", bom=True)
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path)
    assert report.ok and report.written
    assert (report.rows, report.created, report.updated) == (4, 4, 0)
    people = employees_of(runtime.db)
    ids = {u: e.id for u, e in people.items()}
    assert people["e1"].manager_id == ids["m1"] and people["e1"].hrbp_id == ids["h1"]
    assert people["e1"].birthday == "03-15" and people["h1"].is_hr
    assert people["e1"].hired_on == date(2026, 9, 1)
    with runtime.db.session() as s:  # importing the same file again updates, creates nothing
        again = import_employees(s, runtime, path)
    assert (again.created, again.updated) == (0, 4)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["e1,张三,电销一部,,2026-13-01"], [(2, "hired_on", "2026-13-01")]),
        (["e1,张三,电销一部,,2026-09-01", "e2,,电销一部,,2026-09-01"], [(3, "name", None)]),
        (["e1,张三,电销一部,,2026-09-01", "e1,张三,电销二部,,2026-09-01"], [(3, "userid", "e1")]),
        (["e1,张三,电销一部,,1850-01-01"], [(2, "hired_on", "1850-01-01")]),
        (["e1,张三,电销一部,,2026-09-01,,13-40"], [(2, "birthday", "13-40")]),
        (['e1,"张三, Jr",电销一部,,2026-09-01,,,maybe'], [(2, "is_hr", "maybe")]),
        (["e1,张三,电销一部,,2026-09-01,,,,extra"], [(2, "-", None)]),
    ],
    ids=["bad date", "blank name", "duplicate userid", "insane date", "bad birthday", "bad flag", "extra field"],
)
def test_errors_name_line_and_column_and_nothing_is_written(
    runtime: Any, tmp_path: Path, rows: list[str], expected: list[tuple[int, str, str | None]]
) -> None:
    path = write(tmp_path, "\n".join([HEADER, "ok1,好人,电销一部,,2026-01-05", *[r for r in rows]]))
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path, locale="en")
    got = [(e.line, e.column, e.got) for e in report.errors]
    # The good row comes first, so the listed lines are one later than in ``rows``.
    assert got == [(line + 1, column, value) for line, column, value in expected]
    assert not report.written
    assert employees_of(runtime.db) == {}


def test_bad_date_message_says_what_was_expected(runtime: Any, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\ne1,张三,电销一部,,09/01/2026\n")
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path, locale="en")
    assert report.errors[0].text("en") == "line 2, column hired_on: expected a date YYYY-MM-DD (got '09/01/2026')"
    with runtime.db.session() as s:
        zh = import_employees(s, runtime, path, locale="zh-CN")
    assert zh.errors[0].text("zh-CN") == "第 2 行，hired_on 列：应为日期 YYYY-MM-DD（实际为 '09/01/2026'）"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("userid,name,department,hired_on\n", "manager_userid"),
        ("", "-"),
    ],
)
def test_header_problems(runtime: Any, tmp_path: Path, text: str, column: str) -> None:
    with runtime.db.session() as s:
        report = import_employees(s, runtime, write(tmp_path, text))
    assert [(e.line, e.column) for e in report.errors] == [(1, column)]


def test_unknown_columns_are_ignored_with_a_warning(runtime: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "userid,name,department,manager_userid,hired_on,salary\ne1,张三,电销一部,,2026-09-01,9000\n")
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path, locale="en")
    assert report.ok and report.written and report.created == 1
    assert report.warnings[0].startswith("line 1: ignored unknown columns salary")


def test_gbk_is_read_and_said_and_undecodable_bytes_are_reported_with_their_line(runtime: Any, tmp_path: Path) -> None:
    # Issue 16: GBK/GB18030 files (Excel "CSV" on Chinese Windows) are detected and read, not refused.
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "\n").encode() + "e1,张三,电销一部,,2026-09-01\n".encode("gbk"))
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path, locale="en")
    assert report.ok and report.encoding == "GB18030"
    assert employees_of(runtime.db)["e1"].name == "张三"
    path.write_bytes((HEADER + "\n").encode() + b"e2,\xff\xff,x,,2026-09-01\n")
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path, locale="en")
    assert [(e.line, e.message) for e in report.errors] == [
        (2, "neither UTF-8 nor GBK/GB18030 (save the file as “CSV UTF-8”)")
    ]


def test_unknown_manager_is_a_warning_not_an_error(runtime: Any, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\ne1,张三,电销一部,m404,2026-09-01\n")
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path, locale="en")
    assert report.ok and report.written
    assert report.warnings == ["line 2, column manager_userid: m404 matches no employee; left unlinked"]


def test_punches_before_the_employee_get_facts_on_import(runtime: Any, tmp_path: Path) -> None:
    with runtime.db.session() as s:
        record_punches(
            s,
            [
                AttendancePunch("dingtalk", "new1", datetime(2026, 11, 18, 1, 20, tzinfo=UTC)),  # 09:20 Shanghai
                AttendancePunch("dingtalk", "new1", datetime(2026, 11, 18, 10, 0, tzinfo=UTC)),  # 18:00
            ],
        )
    path = write(tmp_path, HEADER + "\nnew1,新人,电销一部,,2026-11-16\n")
    with runtime.db.session() as s:
        assert import_employees(s, runtime, path).ok
    with runtime.db.session() as s:
        day = s.scalar(select(AttendanceDay))
    assert day is not None and day.day == date(2026, 11, 18) and day.late_minutes == 20


def test_metrics_import(runtime: Any, tmp_path: Path) -> None:
    employees = write(tmp_path, HEADER + "\nu1,张三,电销一部,,2026-01-05\n", name="e.csv")
    metrics = write(
        tmp_path,
        "userid,metric,date,value\nu1,calls,2026-11-18,120\nu1,sales,2026-11-18,5200\nu1,calls,2026-11-18,125\n",
        bom=True,
        name="m.csv",
    )
    with runtime.db.session() as s:
        import_employees(s, runtime, employees)
        report = import_metrics(s, runtime, metrics)
    assert report.ok and report.written and report.rows == 3
    with runtime.db.session() as s:
        values = {(m.metric, m.day): m.value for m in s.scalars(select(Metric))}
    assert values == {("calls", date(2026, 11, 18)): 125, ("sales", date(2026, 11, 18)): 5200}


def test_metrics_errors(runtime: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "userid,metric,date,value\nghost,calls,2026-11-18,1\nu1,happiness,2026-11-18,1\nu1,calls,18/11/2026,lots\n",
    )
    with runtime.db.session() as s:
        report = import_metrics(s, runtime, path, locale="en")
    got = [(e.line, e.column) for e in report.errors]
    assert got == [(2, "userid"), (3, "metric"), (4, "date"), (4, "value")]
    assert "happiness" in report.errors[1].message


# -- the command line ---------------------------------------------------------------------------
def test_cli_import_employees(runner: Any, db: Any, tmp_path: Path) -> None:
    good = write(tmp_path, HEADER + "\ne1,张三,电销一部,,2026-09-01\n", bom=True)
    result = runner.invoke(args=["import", "employees", str(good)])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    bad = write(tmp_path, HEADER + "\ne2,李四,电销一部,,2026-09-01\ne3,王五,电销一部,,2026-02-30\n", name="bad.csv")
    result = runner.invoke(args=["import", "employees", str(bad)])
    assert result.exit_code == 1
    assert "第 3 行，hired_on 列" in result.output
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Employee)) == 1  # e2 was not written either


def test_cli_dry_run_writes_nothing(runner: Any, db: Any, tmp_path: Path) -> None:
    good = write(tmp_path, HEADER + "\ne1,张三,电销一部,,2026-09-01\n")
    result = runner.invoke(args=["import", "employees", "--dry-run", str(good)])
    assert result.exit_code == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Employee)) == 0


def test_cli_help_documents_all_or_nothing(runner: Any) -> None:
    for kind in ("employees", "metrics"):
        out = runner.invoke(args=["import", kind, "--help"]).output
        assert "all or nothing" in out and "line, column" in out


def test_cli_missing_file(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["import", "metrics", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
