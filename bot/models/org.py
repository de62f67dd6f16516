"""The organisation: departments and employees."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, UTCDateTime, stamp_now


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    platform_dept_id: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class Employee(Base):
    """A person in the organisation, keyed by the platform user id (``userid``)."""

    __tablename__ = "employees"
    __table_args__ = (
        Index("ix_employees_manager_id", "manager_id"),
        Index("ix_employees_hrbp_id", "hrbp_id"),
        Index("ix_employees_department_id", "department_id"),
        Index("ix_employees_status", "status"),
        Index("ix_employees_name", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    # Pinyin of the name without tones ("zhang san"), for /status lookups typed in Latin letters.
    name_pinyin: Mapped[str | None] = mapped_column(String(256))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    hrbp_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    # The new hire's mentor (带教导师): CSV/API ``mentor_userid`` or ``/导师``.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    position: Mapped[str | None] = mapped_column(String(64))
    is_hr: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(128))
    mobile: Mapped[str | None] = mapped_column(String(32))
    hired_on: Mapped[date | None] = mapped_column(Date)
    probation_ends_on: Mapped[date | None] = mapped_column(Date)
    # Month and day only ("MM-DD"): the birthday rule needs no birth year.
    birthday: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | left
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_reason: Mapped[str | None] = mapped_column(String(16))  # voluntary | involuntary | other
    locale: Mapped[str | None] = mapped_column(String(8))
    surveys_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="import")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now, onupdate=stamp_now)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    manager: Mapped[Employee | None] = relationship(remote_side=[id], foreign_keys=[manager_id])
    hrbp: Mapped[Employee | None] = relationship(remote_side=[id], foreign_keys=[hrbp_id])
