"""Privacy records: the audit log of views, consents, and self-declared life events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class AuditLog(Base):
    """Who looked at or changed whose data, what, when and through which channel."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_subject_at", "subject_userid", "at"),
        Index("ix_audit_log_actor_at", "actor_userid", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    actor_userid: Mapped[str] = mapped_column(String(64))  # userid, "api:<token-id>" or "system"
    subject_userid: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))  # e.g. view.status, api.employee.get
    channel: Mapped[str | None] = mapped_column(String(16))  # dingtalk | wecom | local | api | cli
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class Consent(Base):
    """An employee's consent to a kind of processing (life events, health), revocable."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_employee_kind", "employee_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # life_event | health | checkin
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_on: Mapped[date | None] = mapped_column(Date)
    text_version: Mapped[str | None] = mapped_column(String(16))


class LifeEvent(Base):
    """A self-declared life event (family, health, move); kept only with consent and until expiry."""

    __tablename__ = "life_events"
    __table_args__ = (Index("ix_life_events_employee_expires", "employee_id", "expires_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # family | health | bereavement | newborn | move | other
    declared_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
