"""What the simulator page shows: the organisation with names and roles, one person's chat, loop hints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.core import i18n
from bot.models import Department, Employee, LocalMessage, Reminder, Survey, Tag

CHAT_LIMIT = 120  # the newest messages; older ones are history nobody scrolls to in a demo
PEOPLE_LIMIT = 2000

i18n.register(
    {
        "sim.title": {"zh-CN": "关怀助手 CareBot · 本地模拟器", "en": "CareBot · local simulator"},
        "sim.people": {"zh-CN": "组织成员", "en": "People"},
        "sim.search": {"zh-CN": "搜索姓名、拼音、缩写或工号", "en": "Search name, pinyin, initials or user id"},
        "sim.role.all": {"zh-CN": "全部", "en": "All"},
        "sim.role.hr": {"zh-CN": "HR", "en": "HR"},
        "sim.role.manager": {"zh-CN": "主管", "en": "Manager"},
        "sim.role.employee": {"zh-CN": "员工", "en": "Employee"},
        "sim.left": {"zh-CN": "已离职", "en": "left"},
        "sim.chat_as": {"zh-CN": "以 {name} 的身份与关怀助手对话", "en": "Chatting with CareBot as {name}"},
        "sim.pick": {
            "zh-CN": "从列表中选择一位成员，以其身份与机器人对话。",
            "en": "Pick a person from the list to chat with the bot as them.",
        },
        "sim.empty_org": {
            "zh-CN": "还没有员工。运行 carebot demo 载入演示组织。",
            "en": "No employees yet. Run carebot demo to load the demo organisation.",
        },
        "sim.placeholder": {"zh-CN": "输入消息，例如 /help", "en": "Type a message, e.g. /help"},
        "sim.send": {"zh-CN": "发送", "en": "Send"},
        "sim.back": {"zh-CN": "← 成员列表", "en": "← People"},
        "sim.no_messages": {"zh-CN": "还没有消息。试试发送 /help。", "en": "No messages yet. Try /help."},
        "sim.older": {"zh-CN": "仅显示最近 {n} 条消息", "en": "Showing the latest {n} messages"},
        "sim.loop.title": {"zh-CN": "体验完整流程", "en": "Follow the whole loop"},
        "sim.loop.hr": {
            "zh-CN": "以 HR {name} 身份：查看关怀提醒卡片，点“已跟进”或回复 /done 编号 备注",
            "en": "As HR {name}: read the care-reminder cards, press Done or reply /done <#> <note>",
        },
        "sim.loop.manager": {
            "zh-CN": "以主管 {name} 身份：发送 /team 查看团队，/risk 查看离职风险",
            "en": "As manager {name}: send /team for the team, /risk for attrition risk",
        },
        "sim.loop.employee": {
            "zh-CN": "以员工 {name} 身份：回答脉搏问卷（回复数字），发送 /mydata 查看自己的数据",
            "en": "As employee {name}: answer the pulse (reply with a number), send /mydata to see your data",
        },
        "sim.loop.dashboard": {
            "zh-CN": "再打开 HR 看板 /dashboard 查看图表和效果报告",
            "en": "Then open the HR dashboard /dashboard for charts and the effectiveness report",
        },
        "sim.card_done": {"zh-CN": "卡片已更新", "en": "card updated"},
    }
)


@dataclass(frozen=True)
class Person:
    """One row of the people list."""

    userid: str
    name: str
    pinyin: str
    initials: str
    department: str
    position: str
    role: str  # hr | manager | employee
    left: bool


def people(session: Session) -> list[Person]:
    """Everyone (active first), with the role the simulator filters by."""
    reports = aliased(Employee)
    n_reports = (
        select(func.count()).select_from(reports).where(reports.manager_id == Employee.id).scalar_subquery()
    )
    rows = session.execute(
        select(Employee, Department.name, n_reports)
        .outerjoin(Department, Department.id == Employee.department_id)
        .order_by((Employee.status != "active"), Department.name, Employee.is_hr.desc(), Employee.userid)
        .limit(PEOPLE_LIMIT)
    ).all()
    out = []
    for emp, dept, n in rows:
        role = "hr" if emp.is_hr else "manager" if n else "employee"
        pinyin = (emp.name_pinyin or "").lower()
        initials = "".join(part[0] for part in pinyin.split() if part)
        out.append(
            Person(emp.userid, emp.name, pinyin, initials, dept or "", emp.position or "", role, emp.status != "active")
        )
    return out


def chat(session: Session, userid: str) -> tuple[list[LocalMessage], bool]:
    """The newest messages of ``userid``'s chat, oldest first; card updates show in place, not again."""
    rows = list(
        session.scalars(
            select(LocalMessage)
            .where(LocalMessage.userid == userid, LocalMessage.kind != "card_update")
            .order_by(LocalMessage.id.desc())
            .limit(CHAT_LIMIT + 1)
        )
    )
    return list(reversed(rows[:CHAT_LIMIT])), len(rows) > CHAT_LIMIT


def loop_guides(session: Session, everyone: list[Person]) -> dict[str, Person]:
    """Good people to try the loop with: the HR person with most open reminders, a busy manager, an employee."""
    by_id = {p.userid: p for p in everyone if not p.left}
    picks: dict[str, Person] = {}
    recipient = aliased(Employee)
    hr = session.execute(
        select(recipient.userid, func.count())
        .select_from(Reminder)
        .join(recipient, recipient.id == Reminder.recipient_id)
        .where(Reminder.status.in_(("open", "snoozed")), recipient.is_hr.is_(True))
        .group_by(recipient.userid)
        .order_by(func.count().desc(), recipient.userid)
    ).first()
    if hr is not None and hr[0] in by_id:
        picks["hr"] = by_id[hr[0]]
    subject = aliased(Employee)
    manager = session.execute(
        select(Employee.userid, func.count())
        .select_from(Tag)
        .join(subject, subject.id == Tag.employee_id)
        .join(Employee, Employee.id == subject.manager_id)
        .where(Tag.status == "active", Employee.status == "active")
        .group_by(Employee.userid)
        .order_by(func.count().desc(), Employee.userid)
    ).first()
    if manager is not None and manager[0] in by_id:
        picks["manager"] = by_id[manager[0]]
    pulse = session.scalar(
        select(Employee.userid)
        .join(Survey, Survey.employee_id == Employee.id)
        .where(Survey.status == "sent", Employee.status == "active", Employee.is_hr.is_(False))
        .order_by(Survey.id.desc())
        .limit(1)
    )
    fallback = next((p for p in everyone if p.role == "employee" and not p.left), None)
    if pulse in by_id:
        picks["employee"] = by_id[pulse]
    elif fallback is not None:
        picks["employee"] = fallback
    for role in ("hr", "manager"):
        if role not in picks:
            first = next((p for p in everyone if p.role == role and not p.left), None)
            if first is not None:
                picks[role] = first
    return picks


def quick_commands(role: str) -> list[str]:
    """One-tap commands for the chosen person's role."""
    if role == "hr":
        return ["/help", "/risk", "/tags", "/team"]
    if role == "manager":
        return ["/help", "/team", "/risk"]
    return ["/help", "/mydata"]


def buttons_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A card's buttons as the template needs them (label, action, params)."""
    return [b for b in payload.get("buttons") or [] if isinstance(b, dict)]
