"""All tables, importable from one place (Alembic and the services use this)."""

from .adaptations import (
    Adaptation,
    Draft,
    DraftError,
    DraftSegment,
    DraftState,
    PublishedVersion,
    ReviewRound,
)
from .articles import Article, ArticleRevision, ArticleTag, SubmissionKey
from .assist import (
    EditingTime,
    GlossaryTerm,
    MemoryGeneration,
    QaOverride,
    StoredMatches,
    TranslationUnit,
    UnitOrigin,
)
from .audit import AuditAction, AuditEntry
from .base import Base, utcnow
from .history import AppendOnlyError, Credit, HistoryEntry
from .images import LeadImage
from .jobs import DutyLock
from .notifications import MailDigest, MailState, Notification
from .search import SearchDocument, SearchKind
from .users import ApiToken, LoginSession, RoleGrant, User
from .views import StoryViewDay, StoryViewVisitor, ViewSalt
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Adaptation",
    "ApiToken",
    "AppendOnlyError",
    "Article",
    "ArticleRevision",
    "ArticleTag",
    "AuditAction",
    "AuditEntry",
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
    "LeadImage",
    "LoginSession",
    "MailDigest",
    "MailState",
    "MemoryGeneration",
    "Notification",
    "PublishedVersion",
    "QaOverride",
    "ReviewRound",
    "RoleGrant",
    "SearchDocument",
    "SearchKind",
    "StoredMatches",
    "StoryViewDay",
    "StoryViewVisitor",
    "SubmissionKey",
    "TranslationUnit",
    "UnitOrigin",
    "User",
    "ViewSalt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "utcnow",
]
