"""`carebot import employees|metrics FILE.csv` with files as Chinese HR teams really produce them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.cli import carebot

TOKEN = "acceptance"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# Excel "CSV UTF-8" on Windows: BOM, CRLF, quoted fields with commas, an HRIS column CareBot does
# not use, Excel's 2026/9/1 dates, full-width digits and spaces, and blank lines at the end.
EXCEL_EMPLOYEES = (
    "\ufeffUserID,Name,Department,Manager_UserID,Hired_On,HRBP_UserID,Birthday,Is_HR,性别\r\n"
    "zhangsan,张三,电销一部,wangjl,2026/9/1,lihr,3-15,否,男\r\n"
    '"wangjl","王经理","电销一部",,2019/3/1,lihr,11月2日,,男\r\n'
    "lihr,李人事,人力资源部,,２０１８－０５－０２,,,是,女\r\n"
    '"zhaoliu","赵六, Jr.","信贷销售",wangjl,2026年10月8日,lihr,02-29,FALSE,男\r\n'
    "qianqi,　钱七　,客户服务,wangjl,2025-12-01,lihr,,,女\r\n"
    "\r\n\r\n"
)


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": [TOKEN]}}


def _env(tmp_path: Path, db_url: str) -> dict[str, str]:
    return {"CAREBOT_CONFIG": str(tmp_path / "absent.toml"), "CAREBOT_DATABASE__URL": db_url}


def _csv(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_excel_employee_file_imports(client: Any, db_url: str, tmp_path: Path) -> None:
    proc = carebot("import", "employees", _csv(tmp_path, EXCEL_EMPLOYEES), env=_env(tmp_path, db_url))
    assert proc.returncode == 0, proc.stderr
    assert "性别" in proc.stderr  # the ignored column is named
    zhang = client.get("/api/v1/employees/zhangsan", headers=AUTH).get_json()
    assert zhang == {
        "userid": "zhangsan",
        "name": "张三",
        "department": "电销一部",
        "manager_userid": "wangjl",  # the manager came later in the file
        "hrbp_userid": "lihr",
        "status": "active",
        "hired_on": "2026-09-01",
        "left_on": None,
    }
    assert client.get("/api/v1/employees/lihr", headers=AUTH).get_json()["hired_on"] == "2018-05-02"
    assert client.get("/api/v1/employees/zhaoliu", headers=AUTH).get_json()["name"] == "赵六, Jr."
    assert client.get("/api/v1/employees/qianqi", headers=AUTH).get_json()["name"] == "钱七"
    again = carebot("import", "employees", _csv(tmp_path, EXCEL_EMPLOYEES), env=_env(tmp_path, db_url))
    assert again.returncode == 0 and "新增 0，更新 5" in again.stdout  # an upsert: nothing new the second time


def test_bad_rows_name_line_and_column_and_write_nothing(client: Any, db_url: str, tmp_path: Path) -> None:
    text = (
        "userid,name,department,manager_userid,hired_on,birthday\r\n"
        "e1,张三,电销一部,,2026-09-01,03-15\r\n"
        "e2,李四,电销一部,,09/01/2026,\r\n"  # day or month first: ambiguous
        "e3,王五,电销一部,,2026-09-01,02-30\r\n"  # no such day
    )
    proc = carebot("import", "employees", _csv(tmp_path, text), env=_env(tmp_path, db_url))
    assert proc.returncode == 1
    assert "第 3 行，hired_on 列" in proc.stderr and "YYYY-MM-DD" in proc.stderr
    assert "第 4 行，birthday 列" in proc.stderr and "MM-DD" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert client.get("/api/v1/employees/e1", headers=AUTH).status_code == 404  # all or nothing


def test_crm_metric_export_imports(client: Any, db_url: str, tmp_path: Path) -> None:
    people = "userid,name,department,manager_userid,hired_on\r\nzhangsan,张三,电销一部,,2026-09-01\r\n"
    assert carebot("import", "employees", _csv(tmp_path, people, "e.csv"), env=_env(tmp_path, db_url)).returncode == 0
    metrics = (
        "\ufeffuserid,metric,date,value,备注\r\n"
        'zhangsan,sales,2026/11/20,"12,800.50",大单\r\n'
        "zhangsan,rejection_rate,2026/11/20,35%,\r\n"
        "zhangsan,calls,2026-11-20,８８,\r\n"
    )
    proc = carebot("import", "metrics", _csv(tmp_path, metrics, "m.csv"), env=_env(tmp_path, db_url))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "已导入 3 条指标数据"  # 35% is within rejection_rate's 0–1 as 0.35
