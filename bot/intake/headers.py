"""Column names as Chinese HRIS and attendance exports write them, mapped to CareBot's columns.

Every import accepts its English column names and these aliases (compared after NFKC folding,
stripping and lower-casing, so ``工号 `` and full-width letters match). docs/attendance.md has the
table; a header naming the same column twice (``userid`` and ``工号``) is an error.
"""

from __future__ import annotations

import unicodedata

_PERSON = {"工号": "userid", "员工工号": "userid", "员工编号": "userid", "用户id": "userid", "人员编号": "userid"}

EMPLOYEE_ALIASES: dict[str, str] = {
    **_PERSON,
    "姓名": "name",
    "员工姓名": "name",
    "部门": "department",
    "所属部门": "department",
    "直属上级": "manager_userid",
    "直属上级工号": "manager_userid",
    "上级工号": "manager_userid",
    "直属主管": "manager_userid",
    "入职日期": "hired_on",
    "入职时间": "hired_on",
    "离职日期": "left_on",
    "离职时间": "left_on",
    "离职原因": "leave_reason",
    "离职类型": "leave_reason",
    "生日": "birthday",
    "hrbp": "hrbp_userid",
    "hrbp工号": "hrbp_userid",
    "转正日期": "probation_ends_on",
    "试用期结束日期": "probation_ends_on",
    "职位": "position",
    "岗位": "position",
    "是否hr": "is_hr",
    "邮箱": "email",
    "手机": "mobile",
    "手机号": "mobile",
    "手机号码": "mobile",
}

METRIC_ALIASES: dict[str, str] = {**_PERSON, "指标": "metric", "指标名称": "metric", "日期": "date", "数值": "value"}

ATTENDANCE_ALIASES: dict[str, str] = {
    **_PERSON,
    "日期": "date",
    "考勤日期": "date",
    "工作日期": "date",
    "上班打卡": "first_in",
    "上班打卡时间": "first_in",
    "上班时间": "first_in",
    "首次打卡": "first_in",
    "下班打卡": "last_out",
    "下班打卡时间": "last_out",
    "下班时间": "last_out",
    "末次打卡": "last_out",
    "请假": "on_leave",
    "是否请假": "on_leave",
    "班次": "shift",
}

SHIFT_ALIASES: dict[str, str] = {
    **_PERSON,
    "部门": "department",
    "考勤组": "department",
    "日期": "date",
    "开始日期": "from",
    "结束日期": "to",
    "班次": "shift",
    "班次名称": "shift",
    "上班时间": "start",
    "下班时间": "end",
}


def fold(name: str) -> str:
    """The comparable form of a header cell: NFKC, stripped, lower case."""
    return unicodedata.normalize("NFKC", name).strip().lower()


def canonical(name: str, aliases: dict[str, str]) -> str:
    """The CareBot column a header cell names (its folded self when it is no alias)."""
    folded = fold(name)
    return aliases.get(folded, folded)
