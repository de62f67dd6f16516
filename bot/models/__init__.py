"""All tables of CareBot; importing this package registers them on ``Base.metadata``."""

from bot.models.attendance import Approval, AttendanceDay, Punch
from bot.models.base import Base
from bot.models.care import BudgetUse, CareAction, Reminder, Tag
from bot.models.evaluation import EvaluationAssignment
from bot.models.events import InboundEvent
from bot.models.journeys import Journey, JourneyStep
from bot.models.metrics import Metric
from bot.models.org import Department, Employee
from bot.models.outbox import LocalMessage, OutboxMessage
from bot.models.privacy import AuditLog, Consent, LifeEvent
from bot.models.ratelimit import CommandHit
from bot.models.risk import RiskModel
from bot.models.schedule import ShiftDay
from bot.models.security import AuthFailure, DashboardSession, SeenSignature, SentCard
from bot.models.surveys import Survey, SurveyAnswer, SurveyDelivery, SurveyQuestion
from bot.models.system import EvaluationRun, Lease, StreamConnector, SyncCursor
from bot.models.voice import AnonymousQuestion, AnonymousSender, VoiceRequest

__all__ = [
    "AnonymousQuestion",
    "AnonymousSender",
    "Approval",
    "AttendanceDay",
    "AuditLog",
    "AuthFailure",
    "Base",
    "BudgetUse",
    "CareAction",
    "CommandHit",
    "Consent",
    "DashboardSession",
    "Department",
    "Employee",
    "EvaluationAssignment",
    "EvaluationRun",
    "InboundEvent",
    "Journey",
    "JourneyStep",
    "Lease",
    "LifeEvent",
    "LocalMessage",
    "Metric",
    "OutboxMessage",
    "Punch",
    "Reminder",
    "RiskModel",
    "SeenSignature",
    "SentCard",
    "ShiftDay",
    "StreamConnector",
    "Survey",
    "SurveyAnswer",
    "SurveyDelivery",
    "SurveyQuestion",
    "SyncCursor",
    "Tag",
    "VoiceRequest",
]
