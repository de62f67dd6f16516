"""Performance metrics (from CRM imports, the API and the demo): validated rows, idempotent upsert."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.db import session_now
from bot.core.input_values import date_value, number_value
from bot.core.sqlutil import IN_CHUNK, dialect_insert
from bot.models import Metric
from bot.people.directory import MAX_DATE, MIN_DATE, ids_by_userid


class MetricRow(BaseModel):
    """One value: ``userid,metric,date,value``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    userid: str = Field(min_length=1, max_length=64)
    metric: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    day: date = Field(alias="date")
    value: float

    @field_validator("day", mode="before")
    @classmethod
    def _spreadsheet_date(cls, value: Any) -> Any:
        return date_value(value)  # 2026/9/1, 2026年9月1日, full-width digits

    @field_validator("value", mode="before")
    @classmethod
    def _spreadsheet_number(cls, value: Any) -> Any:
        return number_value(value)  # 1,200.50 and 35% as CRM exports write them

    @field_validator("day")
    @classmethod
    def _sane(cls, value: date) -> date:
        if not (MIN_DATE <= value <= MAX_DATE):
            raise ValueError(f"date out of range {MIN_DATE}..{MAX_DATE}")
        return value

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("value must be a finite number")
        return value


@dataclass
class MetricStats:
    upserted: int = 0
    unknown_userids: tuple[str, ...] = ()


def upsert_metrics(session: Session, rows: Iterable[MetricRow], *, source: str = "import") -> MetricStats:
    """Insert or update by (employee, metric, date). Rows for unknown user ids are reported, not stored."""
    rows = list(rows)
    ids = ids_by_userid(session, (r.userid for r in rows))
    now = session_now(session)
    # The last row wins when one file repeats a key (a correction later in the file).
    values = {
        (ids[r.userid], r.metric, r.day): {
            "employee_id": ids[r.userid],
            "metric": r.metric,
            "day": r.day,
            "value": r.value,
            "source": source,
            "updated_at": now,
        }
        for r in rows
        if r.userid in ids
    }
    if values:
        ins = dialect_insert(session, Metric)
        stmt = ins.on_conflict_do_update(
            index_elements=["employee_id", "metric", "day"],
            set_={"value": ins.excluded.value, "source": ins.excluded.source, "updated_at": ins.excluded.updated_at},
        )
        for batch in chunked(list(values.values()), IN_CHUNK):
            session.execute(stmt, list(batch))
    unknown = tuple(sorted({r.userid for r in rows if r.userid not in ids}))
    return MetricStats(upserted=len(values), unknown_userids=unknown)
