"""Invisible text-direction controls never reach stored text, and dates far in the past or future are a 400.

Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) reorder the text around them: one-line
fields (titles, sections, tags, names, glossary terms, token names) refuse them with a 400 naming the field;
bodies, comments and override reasons — long text pasted from word processors — have them stripped.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.security.test_hostile_input import VALID, Desk, desk  # noqa: F401 (the fixture)
from tests.support.factories import drive, make_article, make_user, token_for
from workflow.domain.states import Role, State
from workflow.domain.text import BIDI_EMBEDDINGS
from workflow.extensions import db
from workflow.models import Adaptation, HistoryEntry
from workflow.services.errors import InvalidInput
from workflow.services.inputs import Limits, parse_body, parse_comment, parse_datetime, parse_title
from workflow.services.users import create_user

CONTROLS = sorted(BIDI_EMBEDDINGS)


def test_the_controls_are_exactly_the_embeddings_overrides_and_isolates():
    expected = {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
    assert expected == BIDI_EMBEDDINGS


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_each_control_is_stripped_from_bodies_and_comments_and_refused_in_titles(control):
    limits = Limits()
    assert parse_body({"body": f"Invoice {control}txt.exe\n\nmore"}, limits) == "Invoice txt.exe\n\nmore"
    assert parse_comment({"comment": f"Fix{control} this"}, limits) == "Fix this"
    with pytest.raises(InvalidInput) as refused:
        parse_title({"title": f"Headline {control}x"}, limits)
    assert refused.value.field == "title"


@pytest.mark.parametrize("control", ["\u202e", "\u2066"], ids=["U+202E", "U+2066"])
def test_a_display_name_with_a_control_is_refused(session, control):
    with pytest.raises(InvalidInput) as refused:
        create_user(session, "bidi-name", f"Nadia {control}Haddad", {Role.REPORTER}, "a password here")
    assert refused.value.field == "name"


def test_plain_direction_marks_stay_in_bodies():
    marked = "كتب \u200fالمراسل\u200e: 3.5%"
    assert parse_body({"body": marked}, Limits()) == marked


def test_a_submitted_original_and_a_saved_adaptation_store_no_controls(client, desk):  # noqa: F811
    body = "نص \u202bمضمن\u202c و\u2067معزول\u2069.\n\nفقرة \u202eثانية."
    created = client.post("/api/v1/articles", json={**VALID, "body": body}, headers=desk.reporter)
    assert created.status_code == 201, created.json
    stored = client.get(f"/api/v1/articles/{created.json['id']}", headers=desk.reporter).json["body"]
    assert not set(stored) & BIDI_EMBEDDINGS and "مضمن" in stored

    adaptation = db.session.get(Adaptation, desk.adaptation.id)
    saved = client.put(
        f"/api/v1/adaptations/{adaptation.id}",
        json={"title": "Clean title", "body": "Adapted \u202etxt.exe text.", "version": adaptation.version},
        headers=desk.adaptor,
    )
    assert saved.status_code == 200, saved.json
    assert saved.json["body"] == "Adapted txt.exe text."


def test_a_comment_in_the_history_holds_no_controls(client, session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.DRAFT_READY)
    response = client.post(
        f"/api/v1/adaptations/{adaptation.id}/actions/claim",
        json={"comment": "Mine \u2066now\u2069"},
        headers=token_for(adaptor),
    )
    assert response.status_code == 200, response.json
    entry = db.session.query(HistoryEntry).filter_by(adaptation_id=adaptation.id, action="claim").one()
    assert entry.comment == "Mine now"


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1899-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",  # before year 1 once in UTC: an overflow, not a 500
        "2101-01-01T00:00:00Z",
        "9999-12-31T23:59:59-14:00",  # past year 9999 once in UTC
        "9999-12-31T23:59:59.999999",
        "+10000-01-01T00:00:00Z",
        "2026-02-30T09:00:00Z",
        "2026-12-01T25:00:00Z",
        "tomorrow",
        "",
    ],
)
def test_far_away_or_impossible_times_are_a_400_naming_the_field(value):
    if value == "":
        assert parse_datetime(value, "publish_at") is None
        return
    with pytest.raises(InvalidInput) as refused:
        parse_datetime(value, "publish_at")
    assert refused.value.field == "publish_at"
    assert "ISO 8601" in refused.value.message


def test_times_are_read_in_utc():
    assert parse_datetime("2026-12-01T12:00:00+03:00", "at") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert parse_datetime("2026-12-01T09:00:00", "at") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert parse_datetime("1900-01-01T00:00:00Z", "at").year == 1900


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00", "1850-06-01T00:00Z"]
)
def test_an_approval_scheduled_at_an_impossible_time_is_a_400(client, session, value):
    editor = make_user(Role.EDITOR)
    adaptation = drive(make_article().adaptations[0], State.IN_REVIEW, editor=editor)
    response = client.post(
        f"/api/v1/adaptations/{adaptation.id}/actions/approve",
        json={"version": adaptation.version, "publish_at": value},
        headers=token_for(editor),
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["field"] == "publish_at"
    assert db.session.get(Adaptation, adaptation.id).state == State.IN_REVIEW.value
