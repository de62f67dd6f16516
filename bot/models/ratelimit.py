"""Recent slash commands per user, so every web worker applies the same per-minute limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class CommandHit(Base):
    """One accepted command; rows older than the window are pruned as the user sends more."""

    __tablename__ = "command_hits"
    __table_args__ = (Index("ix_command_hits_userid_at", "userid", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
