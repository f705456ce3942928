"""Reports for editors: editing effort by adaptor, language pair and model, and who earned which credits.

Periods are whole UTC days, both ends included. Which date places a piece in a period:
- dashboard: the date of the adaptation's latest submission for review;
- credits, reported: the date the original was submitted;
- credits, adapted and approved: the date the adaptation was published (approved but still scheduled
  pieces count once they are out).
"Pages" are pieces (one original, one adaptation); "words" are the words of the body (for originals, of
their newest revision; for adaptations, of the published text).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.languages import language_name
from ..domain.messages import N_
from ..domain.states import Role
from ..domain.text import word_count
from ..models import Adaptation, Article, ArticleRevision, Credit, PublishedVersion, ReviewRound, User
from .effort import seconds_for_many
from .errors import InvalidInput

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Dates outside these years are refused: typing mistakes (and the day after 9999-12-31 does not exist).
FIRST_YEAR, LAST_YEAR = 1900, 2999
#: How the dashboard names adaptations measured against no machine draft.
NO_DRAFT = "no machine draft"


@dataclass(frozen=True)
class Period:
    """Whole UTC days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        """The first instant of the period."""
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)


def _parse_date(raw: str, name: str) -> date:
    value = raw.strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            name, N_("'%(name)s' must be a date written YYYY-MM-DD, e.g. 2026-01-31.", name=name)
        ) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise InvalidInput(
            name,
            N_(
                "'%(name)s' must be a date between %(first_year)s and %(last_year)s.",
                name=name,
                first_year=FIRST_YEAR,
                last_year=LAST_YEAR,
            ),
        )
    return parsed


def parse_period(
    raw_from: str | None, raw_to: str | None, *, today: date, default_days: int | None = None
) -> Period:
    """The period asked for; 400 naming the field. By default it ends today (or on `from`, if later)
    and starts `default_days` before its end, or on the first of the end's month."""
    start = _parse_date(raw_from, "from") if raw_from and raw_from.strip() else None
    end = _parse_date(raw_to, "to") if raw_to and raw_to.strip() else None
    end = end or max(today, start or today)
    if start is None:
        start = end - timedelta(days=default_days - 1) if default_days else end.replace(day=1)
    if start > end:
        raise InvalidInput(
            "from",
            N_(
                "'from' (%(start)s) is after 'to' (%(end)s); swap them or pick a later 'to'.",
                start=start.isoformat(),
                end=end.isoformat(),
            ),
        )
    return Period(start, end)


# --- the editors' dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """One adaptation as the dashboard counts it: its latest review round and what went into it."""

    adaptation_id: int
    adaptor: User
    pair: tuple[str, str]
    model: str
    score: float | None
    seconds: int
    rounds: int


@dataclass(frozen=True)
class EffortRow:
    """Averages over a group of adaptations."""

    key: str
    label: str
    count: int
    scored: int
    mean_score: float | None
    mean_minutes: float
    mean_rounds: float


@dataclass(frozen=True)
class Dashboard:
    """Editing effort in a period, grouped three ways, and over everything."""

    period: Period
    by_adaptor: list[EffortRow]
    by_pair: list[EffortRow]
    by_model: list[EffortRow]
    overall: EffortRow


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def effort_row(key: str, label: str, items: list[Measured]) -> EffortRow:
    """The averages of a group: effort over the measured ones only, minutes and rounds over all."""
    scores = [m.score for m in items if m.score is not None]
    return EffortRow(
        key=key,
        label=label,
        count=len(items),
        scored=len(scores),
        mean_score=_mean(scores),
        mean_minutes=_mean([m.seconds / 60 for m in items]) or 0.0,
        mean_rounds=_mean([float(m.rounds) for m in items]) or 0.0,
    )


def _grouped(items: Iterable[Measured], key: Callable[[Measured], tuple[str, str]]) -> list[EffortRow]:
    groups: dict[tuple[str, str], list[Measured]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    rows = [effort_row(k, label, group) for (k, label), group in groups.items()]
    return sorted(rows, key=lambda r: (-r.count, r.label.casefold()))


def measured_adaptations(session: Session, period: Period) -> list[Measured]:
    """Adaptations whose latest submission for review falls in the period, with that round's measures."""
    latest = (
        select(ReviewRound.adaptation_id, func.max(ReviewRound.number).label("number"))
        .group_by(ReviewRound.adaptation_id)
        .subquery()
    )
    rounds = (
        session.scalars(
            select(ReviewRound)
            .join(
                latest,
                (latest.c.adaptation_id == ReviewRound.adaptation_id)
                & (latest.c.number == ReviewRound.number),
            )
            .where(ReviewRound.submitted_at >= period.since, ReviewRound.submitted_at < period.until)
            .order_by(ReviewRound.adaptation_id)
        )
        .unique()
        .all()
    )
    if not rounds:
        return []
    ids = [r.adaptation_id for r in rounds]
    pairs = {
        a_id: (src, dst)
        for a_id, src, dst in session.execute(
            select(Adaptation.id, Article.language, Adaptation.language)
            .join(Article, Article.id == Adaptation.article_id)
            .where(Adaptation.id.in_(ids))
        )
    }
    seconds = seconds_for_many(session, ids)
    return [
        Measured(
            adaptation_id=r.adaptation_id,
            adaptor=r.adaptor,
            pair=pairs[r.adaptation_id],
            model=(r.draft.model or "unnamed model") if r.draft is not None else NO_DRAFT,
            score=r.effort_score,
            seconds=seconds.get(r.adaptation_id, 0),
            rounds=r.number,
        )
        for r in rounds
    ]


def dashboard(session: Session, period: Period) -> Dashboard:
    """Mean effort, active minutes and review rounds per adaptor, per language pair and per model."""
    items = measured_adaptations(session, period)

    def pair_label(m: Measured) -> tuple[str, str]:
        src, dst = m.pair
        return f"{src}-{dst}", f"{language_name(src)} → {language_name(dst)}"

    return Dashboard(
        period=period,
        by_adaptor=_grouped(items, lambda m: (m.adaptor.username, m.adaptor.display_name)),
        by_pair=_grouped(items, pair_label),
        by_model=_grouped(items, lambda m: (m.model, m.model)),
        overall=effort_row("all", "All adaptations", items),
    )


# --- credits -----------------------------------------------------------------------------------------

#: What a person is credited for, in report order.
KINDS = ("reported", "adapted", "approved")
#: Which date places a piece in the period, in words for people and API clients.
PERIOD_RULE = (
    "Whole UTC days, both ends included. Reported: the day the original was submitted. "
    "Adapted and approved: the day the adaptation was published. Pages are pieces; "
    "words are words of the body."
)


@dataclass
class Tally:
    """Pieces ("pages") and words."""

    pages: int = 0
    words: int = 0

    def add(self, words: int) -> None:
        """Count one more piece of `words` words."""
        self.pages += 1
        self.words += words

    def to_json(self) -> dict[str, int]:
        """`{pages, words}`."""
        return {"pages": self.pages, "words": self.words}


@dataclass
class CreditRow:
    """What one person reported, adapted and approved in the period."""

    user: User
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})

    @property
    def total(self) -> Tally:
        """Everything the person is credited for in the period."""
        return Tally(sum(t.pages for t in self.tallies.values()), sum(t.words for t in self.tallies.values()))

    def to_json(self) -> dict[str, Any]:
        """`{username, name, reported, adapted, approved, total}`, each `{pages, words}`."""
        return {
            "username": self.user.username,
            "name": self.user.display_name,
            **{kind: self.tallies[kind].to_json() for kind in KINDS},
            "total": self.total.to_json(),
        }


@dataclass(frozen=True)
class CreditsReport:
    """Per person, what they reported, adapted and approved in a period, and the newsroom's totals."""

    period: Period
    rows: list[CreditRow]

    @property
    def totals(self) -> dict[str, Tally]:
        """Sums over everyone, by kind and in all (a piece two people adapted counts for each)."""
        sums = {
            kind: Tally(
                sum(r.tallies[kind].pages for r in self.rows), sum(r.tallies[kind].words for r in self.rows)
            )
            for kind in KINDS
        }
        sums["total"] = Tally(sum(t.pages for t in sums.values()), sum(t.words for t in sums.values()))
        return sums

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON: period, the rule for dates, people and totals."""
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "rule": PERIOD_RULE,
            "people": [r.to_json() for r in self.rows],
            "totals": {kind: tally.to_json() for kind, tally in self.totals.items()},
        }


def credits_report(session: Session, period: Period) -> CreditsReport:
    """Who reported (by submission date), adapted and approved (by publication date) what in the period."""
    found: list[tuple[str, int, str]] = []  # (kind, user id, body)
    reported = session.execute(
        select(Article.reporter_id, ArticleRevision.body)
        .join(
            ArticleRevision,
            (ArticleRevision.article_id == Article.id) & (ArticleRevision.number == Article.current_revision),
        )
        .where(Article.created_at >= period.since, Article.created_at < period.until)
    )
    found += [("reported", user_id, body) for user_id, body in reported]
    # Published in the period (a correction under way or a later takedown does not undo the work), counted
    # in the words of the newest published version.
    newest = (
        select(PublishedVersion.adaptation_id, func.max(PublishedVersion.number).label("number"))
        .group_by(PublishedVersion.adaptation_id)
        .subquery()
    )
    credited = session.execute(
        select(Credit.role, Credit.user_id, PublishedVersion.body)
        .join(Adaptation, Adaptation.id == Credit.adaptation_id)
        .join(newest, newest.c.adaptation_id == Adaptation.id)
        .join(
            PublishedVersion,
            (PublishedVersion.adaptation_id == Adaptation.id) & (PublishedVersion.number == newest.c.number),
        )
        .where(
            Credit.role.in_([Role.ADAPTOR.value, Role.EDITOR.value]),
            Adaptation.published_at >= period.since,
            Adaptation.published_at < period.until,
        )
    )
    kind_of = {Role.ADAPTOR.value: "adapted", Role.EDITOR.value: "approved"}
    found += [(kind_of[role], user_id, body) for role, user_id, body in credited]

    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_({f[1] for f in found})))}
    rows: dict[int, CreditRow] = {}
    for kind, user_id, body in found:
        rows.setdefault(user_id, CreditRow(people[user_id])).tallies[kind].add(word_count(body))
    ordered = sorted(rows.values(), key=lambda r: (r.user.display_name.casefold(), r.user.username))
    return CreditsReport(period=period, rows=ordered)
