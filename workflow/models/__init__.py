"""All tables, importable from one place (Alembic and the services use this)."""

from .adaptations import Adaptation, Draft, DraftError, DraftSegment, DraftState, ReviewRound
from .articles import Article, ArticleRevision, ArticleTag
from .assist import EditingTime, GlossaryTerm, QaOverride, TranslationUnit
from .base import Base, utcnow
from .history import AppendOnlyError, Credit, HistoryEntry
from .jobs import DutyLock
from .users import ApiToken, LoginSession, RoleGrant, User

__all__ = [
    "Adaptation",
    "ApiToken",
    "AppendOnlyError",
    "Article",
    "ArticleRevision",
    "ArticleTag",
    "Base",
    "Credit",
    "Draft",
    "DraftError",
    "DraftSegment",
    "DraftState",
    "DutyLock",
    "EditingTime",
    "GlossaryTerm",
    "HistoryEntry",
    "LoginSession",
    "QaOverride",
    "ReviewRound",
    "RoleGrant",
    "TranslationUnit",
    "User",
    "utcnow",
]
