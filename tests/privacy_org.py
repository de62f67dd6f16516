"""Canaries: unique strings and numbers planted in every HR-only field of 张三 (zhangsan).

Built on tests/commands_org.py: 李强 (mgr_sales) is 张三's direct manager, 陈总 (ceo) an indirect
one, 张伟 (zhangwei1) a colleague, 王芳 (hr1) their HR business partner.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.runtime import Runtime
from bot.models import CareAction, Consent, LifeEvent, Reminder, Survey, SurveyAnswer
from bot.privacy import Category
from tests.commands_org import STREAK_EVIDENCE, Org, add_tag, build_org

CHECKIN_VALUE = 9.37  # a stress score nobody would type: "9.37/10"
CHECKIN_COMMENT = "CANARY-CHECKIN-COMMENT-7f3a"
LIFE_NOTE = "CANARY-LIFE-NOTE-51c2"
RISK_SIGNAL = "CANARY-RISK-SIGNAL-c0de"
CARE_NOTE = "CANARY-CARE-NOTE-9b1e"
# What each category's canary looks like in a rendered text.
CANARIES: dict[Category, tuple[str, ...]] = {
    Category.CHECKIN: ("9.37", CHECKIN_COMMENT),
    Category.LIFE_EVENT: (LIFE_NOTE,),
    Category.RISK: (RISK_SIGNAL, "风险分 77"),
    Category.CARE_NOTE: (CARE_NOTE,),
}
HR_ONLY = [text for texts in CANARIES.values() for text in texts]
AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def plant(runtime: Runtime) -> Org:
    """The command-test organisation plus one canary in every HR-only field of 张三."""
    org = build_org(runtime)
    me = org.ids["zhangsan"]
    add_tag(runtime, me, "high_pressure", "high", STREAK_EVIDENCE)
    add_tag(
        runtime,
        me,
        "high_stress",
        "high",
        {"kind": "pulse_latest", "question": "stress", "value": CHECKIN_VALUE, "answered_on": "2026-11-20"},
    )
    add_tag(
        runtime,
        me,
        "attrition_risk",
        "high",
        {
            "kind": "score",
            "score": 77,
            "threshold": 50,
            "max": 100,
            "signals": [
                {
                    "id": "canary",
                    "label": {"zh": RISK_SIGNAL, "en": RISK_SIGNAL},
                    "weight": 77,
                    "evidence": STREAK_EVIDENCE,
                },
            ],
        },
        score=77,
    )
    add_tag(
        runtime,
        me,
        "family_event",
        "medium",
        {"kind": "life_event", "events": [{"kind": "newborn", "declared_on": "2026-11-18", "note": LIFE_NOTE}]},
    )
    with runtime.db.session() as s:
        survey = Survey(
            employee_id=me,
            scheduled_on=date(2026, 11, 20),
            question_keys=["stress", "comment"],
            status="answered",
            sent_at=AT,
            answered_at=AT,
        )
        s.add(survey)
        s.flush()
        s.add_all(
            [
                SurveyAnswer(
                    survey_id=survey.id,
                    employee_id=me,
                    question_key="stress",
                    mode="checkin",
                    value=CHECKIN_VALUE,
                    answered_on=date(2026, 11, 20),
                    answered_at=AT,
                ),
                SurveyAnswer(
                    survey_id=survey.id,
                    employee_id=me,
                    question_key="comment",
                    mode="checkin",
                    text=CHECKIN_COMMENT,
                    answered_on=date(2026, 11, 20),
                    answered_at=AT,
                ),
            ]
        )
        consent = Consent(employee_id=me, kind="life_event", granted_at=AT, expires_on=date(2027, 2, 1))
        s.add(consent)
        s.flush()
        s.add(
            LifeEvent(
                employee_id=me,
                consent_id=consent.id,
                kind="newborn",
                declared_on=date(2026, 11, 18),
                expires_on=date(2027, 2, 1),
                note=LIFE_NOTE,
            )
        )
        s.add(CareAction(employee_id=me, actor_id=org.ids["hr1"], kind="talk", note=CARE_NOTE, acted_at=AT))
    return org


def add_reminders(runtime: Runtime, org: Org, recipient: str, role: str, delivery: str) -> list[int]:
    """A reminder about each of 张三's tags to ``recipient`` in capacity ``role``; their ids."""
    from sqlalchemy import select

    from bot.models import Tag

    with runtime.db.session() as s:
        tags = list(s.scalars(select(Tag).where(Tag.employee_id == org.ids["zhangsan"]).order_by(Tag.id)))
        rows = [
            Reminder(
                tag_id=t.id,
                recipient_id=org.ids[recipient],
                role=role,
                delivery=delivery,
                due_at=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
            )
            for t in tags
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]
