"""Reports on crafted data: the effort dashboard per adaptor, pair and model; the credits report by period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.factories import drive, finish_draft, make_article, make_user
from workflow.domain.states import Role, State
from workflow.domain.text import word_count
from workflow.models import EditingTime, utcnow
from workflow.services.adaptations import perform_action
from workflow.services.errors import InvalidInput
from workflow.services.reports import NO_DRAFT, Period, credits_report, dashboard, parse_period

PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."
PLAIN_WORDS = 11


def _period(days: int = 30) -> Period:
    today = utcnow().date()
    return Period(today - timedelta(days=days - 1), today)


def _submitted(
    session, adaptor, *, target="en", model="m-good", score=None, seconds=(), rounds=1, days_ago=0, draft=True
):
    """An adaptation submitted `rounds` times, the latest `days_ago` days ago, with crafted measures."""
    editor = make_user(Role.EDITOR)
    adaptation = make_article(body=PLAIN_BODY, targets=[target]).adaptations[0]
    if draft:
        finish_draft(adaptation).model = model
    else:
        drive(adaptation, State.MT_FAILED)
    perform_action(session, adaptor, adaptation, "claim")
    if not draft:
        adaptation.title, adaptation.body = "Own title", "Own words."
    for n in range(rounds):
        if n:
            perform_action(session, editor, adaptation, "request-changes", comment="Again.")
            perform_action(session, adaptor, adaptation, "claim")
        perform_action(session, adaptor, adaptation, "submit")
    latest = adaptation.rounds[-1]
    latest.submitted_at = utcnow() - timedelta(days=days_ago)
    if draft:
        latest.effort_score = score
    for s in seconds:
        session.add(EditingTime(adaptation_id=adaptation.id, user_id=adaptor.id, seconds=s))
    session.commit()
    return adaptation


def test_dashboard_groups_by_adaptor_pair_and_model(session):
    nadine = make_user(Role.ADAPTOR, name="Nadine Sassine")
    omar = make_user(Role.ADAPTOR, name="Omar Khalil")
    _submitted(session, nadine, score=10.0, seconds=[600])
    _submitted(session, nadine, score=30.0, seconds=[600, 600], rounds=2)
    _submitted(session, omar, target="fr", model="m-bad", score=90.0)
    _submitted(session, omar, draft=False, seconds=[300])
    _submitted(session, omar, score=50.0, days_ago=45)  # before the period: left out

    board = dashboard(session, _period())

    adaptors = {r.key: r for r in board.by_adaptor}
    assert set(adaptors) == {nadine.username, omar.username}
    n = adaptors[nadine.username]
    assert (n.label, n.count, n.scored, n.mean_score, n.mean_minutes, n.mean_rounds) == (
        "Nadine Sassine",
        2,
        2,
        20.0,
        15.0,
        1.5,
    )
    o = adaptors[omar.username]
    assert (o.count, o.scored, o.mean_score, o.mean_minutes, o.mean_rounds) == (2, 1, 90.0, 2.5, 1.0)

    pairs = {r.key: r for r in board.by_pair}
    assert set(pairs) == {"ar-en", "ar-fr"}
    assert (pairs["ar-en"].count, pairs["ar-en"].scored, pairs["ar-en"].mean_score) == (3, 2, 20.0)
    assert pairs["ar-en"].label == "Arabic → English"
    assert (pairs["ar-fr"].count, pairs["ar-fr"].mean_score) == (1, 90.0)

    models = {r.key: r for r in board.by_model}
    assert set(models) == {"m-good", "m-bad", NO_DRAFT}
    assert (models["m-good"].count, models["m-good"].mean_score) == (2, 20.0)
    assert models["m-bad"].mean_score == 90.0
    scratch = models[NO_DRAFT]
    assert (scratch.count, scratch.mean_score, scratch.mean_minutes) == (1, None, 5.0)

    assert (board.overall.count, board.overall.mean_score) == (4, round((10 + 30 + 90) / 3, 1))
    assert board.by_adaptor[0].count >= board.by_adaptor[-1].count  # biggest groups first

    wider = dashboard(session, _period(60))
    assert wider.overall.count == 5


def test_dashboard_of_an_empty_period(session):
    board = dashboard(session, Period(date(2001, 1, 1), date(2001, 1, 31)))
    assert (board.by_adaptor, board.by_pair, board.by_model, board.overall.count) == ([], [], [], 0)
    assert board.overall.mean_score is None


def _published(session, adaptor, editor, reporter, *, days_ago=0, targets=("en",)):
    article = make_article(reporter, body=PLAIN_BODY, targets=list(targets))
    for adaptation in article.adaptations:
        drive(adaptation, State.PUBLISHED, adaptor=adaptor, editor=editor)
        adaptation.published_at = utcnow() - timedelta(days=days_ago)
    session.commit()
    return article


def test_credits_report_counts_pages_and_words_per_person_in_the_period(session):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    # One original, two adaptations.
    first = _published(session, adaptor, editor, reporter, targets=("en", "fr"))
    words = word_count(first.adaptations[0].body)  # the factory's draft, submitted unchanged
    assert words > 0
    _published(session, adaptor, editor, reporter)
    old = _published(session, adaptor, editor, reporter, days_ago=40)  # published before the period
    old.created_at = utcnow() - timedelta(days=41)
    in_review = make_article(reporter, body=PLAIN_BODY).adaptations[0]
    drive(in_review, State.IN_REVIEW, adaptor=adaptor, editor=editor)  # reported, but not adapted yet
    session.commit()

    report = credits_report(session, _period())
    rows = {r.user.username: r.to_json() for r in report.rows}
    assert set(rows) >= {reporter.username, adaptor.username, editor.username}
    assert rows[reporter.username]["reported"] == {"pages": 3, "words": 3 * PLAIN_WORDS}
    assert rows[reporter.username]["adapted"] == {"pages": 0, "words": 0}
    assert rows[adaptor.username]["adapted"] == {"pages": 3, "words": 3 * words}
    assert rows[editor.username]["approved"] == {"pages": 3, "words": 3 * words}
    assert rows[editor.username]["total"] == {"pages": 3, "words": 3 * words}
    assert rows[adaptor.username]["name"] == "Nadine Sassine"

    data = report.to_json()
    assert data["from"] == report.period.start.isoformat() and data["to"] == utcnow().date().isoformat()
    mine = {reporter.username, adaptor.username, editor.username}
    assert data["totals"]["total"]["pages"] == sum(p["total"]["pages"] for p in data["people"])
    assert {p["username"] for p in data["people"]} >= mine

    wide = {r.user.username: r.to_json() for r in credits_report(session, _period(60)).rows}
    assert wide[reporter.username]["reported"]["pages"] == 4
    assert wide[adaptor.username]["adapted"]["pages"] == 4
    assert credits_report(session, Period(date(2001, 1, 1), date(2001, 12, 31))).rows == []


def test_period_parsing_defaults_and_refusals():
    today = date(2026, 3, 17)
    assert parse_period(None, None, today=today) == Period(date(2026, 3, 1), today)
    assert parse_period("", " ", today=today, default_days=30) == Period(date(2026, 2, 16), today)
    january = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert parse_period("2026-01-01", "2026-01-31", today=today) == january
    assert parse_period("2026-04-02", None, today=today) == Period(date(2026, 4, 2), date(2026, 4, 2))
    assert parse_period(None, "2026-02-10", today=today) == Period(date(2026, 2, 1), date(2026, 2, 10))
    period = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert (period.since.isoformat(), period.until.isoformat()) == (
        "2026-01-01T00:00:00+00:00",
        "2026-02-01T00:00:00+00:00",
    )
    for raw_from, raw_to, field in [
        ("2026-13-01", None, "from"),
        ("yesterday", None, "from"),
        (None, "2026-02-30", "to"),
        (None, "9999-12-31", "to"),
        ("2026-02-01", "2026-01-01", "from"),
        ("2026-1-1", None, "from"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            parse_period(raw_from, raw_to, today=today)
        assert refused.value.field == field, (raw_from, raw_to)
