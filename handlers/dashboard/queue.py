"""Dashboard: each recipient's reminder queue — due today, waiting from earlier days, expired unsent.

Counts only, per HR person (and manager) receiving reminders about people in the viewer's scope,
with what they used of today's ``[reminders].daily_budget``. The recipients listed are audited.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.models import Employee, Reminder, Tag
from bot.reminders.budget import DailyBudget
from handlers.dashboard import bp
from handlers.dashboard.auth import viewer
from handlers.dashboard.pages import _audit, _scope

i18n.register(
    {
        "dash.nav.queue": {"zh-CN": "提醒队列", "en": "Queues"},
        "dash.queue.intro": {
            "zh-CN": "每位接收人今天的提醒队列。每日额度 {budget} 条；"
            "超出的按紧急程度和等待时间排队，周末前汇总为一条周报。",
            "en": "Each recipient's reminder queue today. Daily budget {budget}; the rest waits by urgency and age "
            "and goes into one weekly summary at the end of the week.",
        },
        "dash.col.recipient_name": {"zh-CN": "接收人", "en": "Recipient"},
        "dash.col.due_today": {"zh-CN": "今天到期", "en": "Due today"},
        "dash.col.waiting": {"zh-CN": "等待中（之前到期）", "en": "Waiting (due earlier)"},
        "dash.col.expired_unsent": {"zh-CN": "已过时未发送", "en": "Expired unsent"},
        "dash.col.budget_used": {"zh-CN": "今日已用额度", "en": "Budget used today"},
    }
)


@bp.get("/queue")
def queue() -> ResponseReturnValue:
    """Per recipient: reminders due today, waiting since earlier days, expired before sending; budget used."""
    runtime = get_runtime()
    today = runtime.today()
    start = datetime.combine(today, time(0), tzinfo=runtime.tz)
    end = start + timedelta(days=1)
    unsent = and_(Reminder.status == "open", Reminder.sent_at.is_(None))

    def n(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    recipient = aliased(Employee)
    query = (
        select(
            recipient.id,
            recipient.userid,
            recipient.name,
            n(and_(unsent, Reminder.due_at >= start, Reminder.due_at < end)),
            n(and_(unsent, Reminder.due_at < start)),
            n(and_(Reminder.status == "expired", Reminder.sent_at.is_(None))),
        )
        .join(Tag, Tag.id == Reminder.tag_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .join(recipient, recipient.id == Reminder.recipient_id)
        .where(_scope(), or_(unsent, Reminder.status == "expired"))
        .group_by(recipient.id, recipient.userid, recipient.name)
        .order_by(recipient.name)
    )
    with runtime.db.session() as s:
        rows = s.execute(query).all()
        budget = DailyBudget(runtime, s, [r[0] for r in rows], today)
        shown = [
            {
                "recipient": f"{name} ({userid})",
                "due_today": due,
                "waiting": waiting,
                "expired": expired,
                "used": f"{budget.limit - budget.remaining(rid)} / {budget.limit}",
            }
            for rid, userid, name, due, waiting, expired in rows
        ]
        _audit(s, runtime, "queue", (r[1] for r in rows), {})
    return render_template(
        "dashboard/queue.html",
        page="queue",
        viewer=viewer(),
        rows=shown,
        budget=runtime.settings.reminders.daily_budget,
    )
