"""Active editing time on the editor page: the hidden field, saves that record it, refusals that keep it."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.factories import drive, limits, make_article, make_user
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import EditingTime
from workflow.services.adaptations import perform_action, save_adaptation

PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


def _held(app):
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article(body=PLAIN_BODY).adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    return client, adaptor, adaptation


def _times(adaptation_id: int) -> list[int]:
    rows = db.session.scalars(select(EditingTime.seconds).where(EditingTime.adaptation_id == adaptation_id))
    return sorted(rows)


def test_the_adaptation_form_carries_a_hidden_active_seconds_field(app, session):
    client, _adaptor, adaptation = _held(app)
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    form = page.find("form", id="adaptation-form")
    assert form.has("data-active-time")
    field = form.find("input", name="active_seconds")
    assert (field.get("type"), field.get("value"), field.has("data-active-seconds")) == ("hidden", "0", True)
    figures = page.find("p", class_="effort-figures")
    assert "not measured yet" in figures.text and "0 review rounds" in figures.text


def test_a_save_records_the_active_seconds(app, session):
    client, _adaptor, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    page = post(
        client,
        f"{url}/save",
        {"title": "My title", "body": "My text.", "version": adaptation.version, "active_seconds": "95"},
    )
    assert location(page) == url
    assert _times(adaptation.id) == [95]
    page = get(client, url)
    assert page.find("input", name="active_seconds").get("value") == "0"  # counted afresh after a save
    assert "active editing 2 min" in " ".join(page.find("p", class_="effort-figures").text.split())


def test_a_stale_save_keeps_the_time_in_the_field_and_records_nothing(app, session):
    client, _adaptor, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    old_version = adaptation.version
    save_adaptation(
        db.session,
        make_user(Role.EDITOR),
        adaptation,
        title="Editor's",
        body="Editor's text.",
        version=old_version,
        limits=limits(),
    )
    db.session.commit()
    page = post(
        client,
        f"{url}/save",
        {"title": "Mine", "body": "My text.", "version": old_version, "active_seconds": "40"},
    )
    assert page.status == 409
    assert page.field("active_seconds") == "40"
    assert _times(adaptation.id) == []
    page = post(
        client,
        f"{url}/save",
        {
            "title": "Mine",
            "body": "My text.",
            "version": page.field("version"),
            "active_seconds": page.field("active_seconds"),
        },
    )
    assert location(page) == url
    assert _times(adaptation.id) == [40]


def test_a_save_refused_for_its_text_keeps_the_time(app, session):
    client, _adaptor, adaptation = _held(app)
    page = post(
        client,
        f"/desk/adaptations/{adaptation.id}/save",
        {"title": "x" * 1000, "body": "Text.", "version": adaptation.version, "active_seconds": "30"},
    )
    assert page.status == 400 and page.field("active_seconds") == "30"


def test_submitting_from_the_editor_records_the_time_since_the_last_save(app, session):
    client, _adaptor, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    post(
        client,
        f"{url}/save",
        {"title": "Mine", "body": "My text.", "version": adaptation.version, "active_seconds": "20"},
    )
    db.session.expire_all()
    page = post(
        client,
        f"{url}/actions/submit",
        {"title": "Mine", "body": "My text.", "version": adaptation.version, "active_seconds": "15"},
    )
    assert page.status in (302, 303), page.alert()
    assert _times(adaptation.id) == [15, 20]


def test_a_refused_submit_records_no_time_and_keeps_it_in_the_field(app, session):
    client, _adaptor, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    page = post(
        client,
        f"{url}/actions/submit",
        {"title": "Mine", "body": "Unsaved text.", "version": adaptation.version, "active_seconds": "25"},
    )
    assert page.status == 409 and "unsaved changes" in page.alert()
    assert page.field("active_seconds") == "25"
    assert _times(adaptation.id) == []


def test_an_impossible_claim_is_refused_and_the_timer_starts_afresh(app, session):
    client, _adaptor, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    for claimed in ("-5", "abc", "7200"):
        page = post(
            client,
            f"{url}/save",
            {"title": "Mine", "body": "My text.", "version": adaptation.version, "active_seconds": claimed},
        )
        assert page.status == 400, claimed
        assert "active_seconds" in page.alert() or "active editing" in page.alert()
        assert page.field("active_seconds") == "0"
        assert page.field("body") == "My text."  # the text is kept, unsaved
    assert _times(adaptation.id) == []
    db.session.expire_all()
    assert adaptation.title != "Mine"


def test_someone_who_may_not_edit_cannot_record_time(app, session):
    _client, _adaptor, adaptation = _held(app)
    other, _person = person_client(app, Role.ADAPTOR)
    page = post(
        other,
        f"/desk/adaptations/{adaptation.id}/save",
        {"title": "Mine", "body": "My text.", "version": adaptation.version, "active_seconds": "30"},
    )
    assert page.status == 403
    assert _times(adaptation.id) == []


def test_the_review_page_shows_the_effort(app, session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(make_article(body=PLAIN_BODY).adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    perform_action(db.session, adaptor, adaptation, "submit")
    db.session.commit()
    client, _editor = person_client(app, Role.EDITOR)
    page = get(client, f"/desk/review/{adaptation.id}")
    text = " ".join(page.find("p", class_="effort-figures").text.split())
    assert "0 of 100" in text and "1 review round" in text
