"""QA checks of an adaptation, computed from its text once per version, with editors' overrides applied.

The checks' findings are kept by a digest of everything they read (the original's newest text, the
adaptation's text, the machine draft's text, the language pair and every glossary term of the pair, all its
columns), so a new version, a corrected original or a glossary change gives a new key and a fresh run:
nothing has to be invalidated, and a key can never name stale findings.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import glossary
from ..domain.actions import STATE_WORDS
from ..domain.messages import N_, Listing, Message
from ..domain.qa import CHECK_WORDS, CHECKS, ERROR, Finding, ForbiddenRendering, QaInput, run_checks
from ..domain.rules import can_override_qa, self_approval_refusal
from ..domain.states import FINAL_STATES, State
from ..domain.text import strip_bidi_embeddings
from ..models import Adaptation, DraftState, GlossaryTerm, QaOverride, User
from . import glossary as glossary_service
from .errors import Conflict, InvalidInput, NotAllowed, NotFound, ServiceError
from .history import record

MAX_REASON_CHARS = 2000
MAX_KEY_CHARS = 200
#: Findings kept per process (one list per adaptation version read recently; a few kilobytes each).
FINDINGS_KEPT = 2048
#: What a kept finding holds; part of the digest, so findings kept in an older form are never read back.
#: 2: `message` is a catalog `Message` (msgid and values), translated where it is shown.
FINDINGS_FORMAT = "2"

_findings: OrderedDict[str, tuple[Finding, ...]] = OrderedDict()
_findings_lock = threading.Lock()


@dataclass(frozen=True)
class QaResult:
    """A finding as it stands for this adaptation: overridden by an editor (with why) or not."""

    finding: Finding
    override: QaOverride | None = None

    @property
    def check(self) -> str:
        """The check's name (numbers, glossary, …)."""
        return self.finding.check

    @property
    def severity(self) -> str:
        """`error` or `warning`."""
        return self.finding.severity

    @property
    def key(self) -> str:
        """Which finding of its check this is (stable across saves)."""
        return self.finding.key

    @property
    def message(self) -> str:
        """What is wrong and what to do, for people: a catalog `Message` the web edge translates (plain text
        from a finding kept before is shown as it is)."""
        return self.finding.message

    @property
    def label(self) -> str:
        """The check's name for people."""
        return self.finding.label

    @property
    def blocking(self) -> bool:
        """Whether this finding stops a submission: an error nobody has overridden."""
        return self.severity == ERROR and self.override is None

    def as_dict(self) -> dict[str, str]:
        """The finding without its override, as error details carry it."""
        return {"check": self.check, "severity": self.severity, "key": self.key, "message": self.message}


def _mt_text(adaptation: Adaptation) -> str:
    """Title and body of the newest finished machine draft, or "" when there is none."""
    ready = next((d for d in reversed(adaptation.drafts) if d.state == DraftState.READY.value), None)
    return f"{ready.title}\n\n{ready.body}" if ready is not None else ""


def qa_input(session: Session, adaptation: Adaptation) -> QaInput:
    """What the checks compare: the newest original, the adaptation, glossary terms (and the renderings they
    forbid) and the machine draft."""
    return _qa_input(
        adaptation, glossary_service.terms_for(session, adaptation.article.language, adaptation.language)
    )


def _qa_input(adaptation: Adaptation, terms: list) -> QaInput:
    article = adaptation.article
    source = article.latest
    hits = glossary.find_terms(f"{source.title}\n\n{source.body}", article.language, terms) if terms else []
    return QaInput(
        source_title=source.title,
        source_body=source.body,
        source_lang=article.language,
        title=adaptation.title or "",
        body=adaptation.body or "",
        lang=adaptation.language,
        terms=hits,
        mt_text=_mt_text(adaptation),
        forbidden=[ForbiddenRendering(f, t.source, t.target) for t in terms for f in t.forbidden],
    )


def _findings_key(adaptation: Adaptation, terms: list) -> str:
    """A digest of everything the checks read for this adaptation."""
    source = adaptation.article.latest
    parts = [
        FINDINGS_FORMAT,
        adaptation.article.language,
        adaptation.language,
        source.title,
        source.body,
        adaptation.title or "",
        adaptation.body or "",
        _mt_text(adaptation),
        *(repr([getattr(t, c.key) for c in GlossaryTerm.__table__.columns]) for t in terms),
    ]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def checked_findings(session: Session, adaptation: Adaptation) -> tuple[Finding, ...]:
    """The checks' findings on the adaptation's current text: run once per version of what they read."""
    terms = glossary_service.terms_for(session, adaptation.article.language, adaptation.language)
    key = _findings_key(adaptation, terms)
    with _findings_lock:
        if key in _findings:
            _findings.move_to_end(key)
            return _findings[key]
    found = tuple(run_checks(_qa_input(adaptation, terms)))
    with _findings_lock:
        _findings[key] = found
        while len(_findings) > FINDINGS_KEPT:
            _findings.popitem(last=False)
    return found


def overrides_for(session: Session, adaptation: Adaptation) -> dict[tuple[str, str], QaOverride]:
    """The adaptation's overrides by (check, key)."""
    rows = session.scalars(select(QaOverride).where(QaOverride.adaptation_id == adaptation.id))
    return {(row.check, row.key): row for row in rows}


def findings_for(session: Session, adaptation: Adaptation) -> list[QaResult]:
    """Every finding on the adaptation's current text, errors first; overridden ones stay listed."""
    overrides = overrides_for(session, adaptation)
    results = [QaResult(f, overrides.get((f.check, f.key))) for f in checked_findings(session, adaptation)]
    return sorted(results, key=lambda r: (r.severity != ERROR, r.override is not None))


def blocking_message(blocking: list[QaResult]) -> Message:
    """Why a submission is refused, naming the checks, and what can be done about it."""
    checks = Listing(dict.fromkeys(CHECK_WORDS.get(r.check, r.check) for r in blocking), "and")
    if len(blocking) == 1:
        return N_(
            "Not submitted: 1 QA error blocks it (%(checks)s). Your saved text is kept. Fix them and save, or "
            "ask an editor to override each one with a reason (on the review page).",
            checks=checks,
        )
    return N_(
        "Not submitted: %(count)s QA errors block it (%(checks)s). Your saved text is kept. Fix them and save, "
        "or ask an editor to override each one with a reason (on the review page).",
        count=len(blocking),
        checks=checks,
    )


def check_before_submit(session: Session, adaptation: Adaptation) -> list[QaResult]:
    """Refuse (409 `qa_failed`, findings in details) while errors nobody overrode remain; else the findings."""
    results = findings_for(session, adaptation)
    blocking = [r for r in results if r.blocking]
    if blocking:
        raise Conflict(
            blocking_message(blocking),
            code="qa_failed",
            details={"findings": [r.as_dict() for r in blocking]},
        )
    return results


def override_finding(
    session: Session,
    actor: User,
    adaptation: Adaptation,
    check: str,
    key: str,
    reason: str,
    *,
    allow_self_approval: bool = False,
) -> QaResult:
    """An editor decides, with a reason, that one current finding does not block the adaptation (not on
    their own adaptation: four eyes)."""
    if not can_override_qa(actor.actor):
        raise NotAllowed(N_("Only editors may override a QA finding; ask an editor to look at it."))
    own = self_approval_refusal(actor.actor, adaptation.subject, allow_self_approval)
    if own is not None:
        raise ServiceError(own.message, code=own.code, status=own.status)
    reason = strip_bidi_embeddings(reason or "").strip()
    if not reason:
        raise InvalidInput("reason", N_("Give a reason for the override: it is recorded in the history."))
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(
            "reason",
            N_(
                "The reason is limited to %(max_reason_chars)s characters.", max_reason_chars=MAX_REASON_CHARS
            ),
        )
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\r\t" for c in reason):
        raise InvalidInput("reason", N_("The reason holds control characters; type it as plain text."))
    if check not in CHECKS:
        raise NotFound(
            N_(
                "There is no QA check named %(check)s. Checks are: %(choices)s.",
                check=repr(check),
                choices=", ".join(CHECKS),
            )
        )
    if adaptation.status in FINAL_STATES:
        raise Conflict(
            N_(
                "The adaptation is %(state)s; its QA findings no longer matter.",
                state=STATE_WORDS[State(adaptation.state)],
            ),
            code="invalid_state",
            details={"state": adaptation.state},
        )
    result = next((r for r in findings_for(session, adaptation) if (r.check, r.key) == (check, key)), None)
    if result is None:
        raise Conflict(
            N_(
                "The “%(check)s” check has no finding %(key)s on the current text (it may have been fixed "
                "since you looked). Reload the QA findings.",
                check=CHECKS[check],
                key=repr(key),
            ),
            code="no_such_finding",
        )
    if result.override is not None:
        raise Conflict(
            N_(
                "This finding was already overridden by %(display_name)s.",
                display_name=result.override.editor.display_name,
            ),
            code="already_overridden",
        )
    override = QaOverride(
        adaptation_id=adaptation.id, check=check, key=key, reason=reason, editor_id=actor.id
    )
    try:
        with session.begin_nested():
            session.add(override)
            session.flush()
    except IntegrityError:
        # Another editor overrode the same finding at the same moment.
        raise Conflict(
            N_("Another editor overrode this finding just now. Reload the QA findings."),
            code="already_overridden",
        ) from None
    record(
        session,
        adaptation,
        "qa-override",
        from_state=adaptation.state,
        to_state=adaptation.state,
        actor=actor,
        comment=reason,
        check=check,
        key=key,
        severity=result.severity,
    )
    session.flush()
    return QaResult(result.finding, override)
