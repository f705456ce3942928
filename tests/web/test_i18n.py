"""The desk's interface language and the newsroom's time zone: who chooses the language, how times are written,
how a scheduling time typed on the page is stored, and public pages in their story's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.support.factories import csrf_token, drive, login, make_article, make_user, pass_qa
from tests.web.test_desk_support import get, person_client
from tests.web.test_public_site import html_of, page_url, publish
from workflow.config import ConfigError, Settings
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import User


@pytest.fixture()
def beirut(app, monkeypatch):
    """The newsroom's time zone is Asia/Beirut for this test."""
    monkeypatch.setitem(app.config, "ADAPTDESK", replace(app.config["ADAPTDESK"], timezone="Asia/Beirut"))


def html_lang(html: str) -> str:
    return html.split("<html", 1)[1].split(">", 1)[0].strip()


def test_the_browser_language_chooses_the_desk_language(client):
    """Accept-Language picks Arabic (right to left) when nothing else was chosen; English otherwise."""
    arabic = client.get("/login", headers={"Accept-Language": "ar-LB,ar;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    english = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)

    assert html_lang(arabic) == 'lang="ar" dir="rtl"'
    assert html_lang(english) == 'lang="en" dir="ltr"'


def test_the_switcher_sets_a_cookie_for_a_visitor_and_goes_back(client):
    """Before logging in, the choice is kept in a cookie and beats Accept-Language."""
    client.get("/login")
    response = client.post(
        "/language", data={"language": "ar", "next": "/login?next=/desk/", "csrf_token": csrf_token(client)}
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login?next=/desk/")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == 'lang="ar" dir="rtl"'


def test_a_persons_choice_is_stored_and_beats_the_browser(app, session):
    """Logged in, the choice is kept on the person: another browser of theirs opens the desk in it."""
    client, person = person_client(app, Role.REPORTER)
    response = client.post(
        "/language", data={"language": "ar", "next": "/", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303

    session.expire_all()
    assert db.session.get(User, person.id).interface_language == "ar"
    other = app.test_client()
    login(other, person)
    page = other.get("/desk/reports", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == 'lang="ar" dir="rtl"'


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switcher_never_sends_anyone_off_site(client, target):
    client.get("/login")
    response = client.post(
        "/language", data={"language": "en", "next": target, "csrf_token": csrf_token(client)}
    )

    assert response.status_code == 303
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_an_unknown_language_is_a_400_on_the_page(client):
    client.get("/login")
    response = client.post("/language", data={"language": "xx", "csrf_token": csrf_token(client)})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Choose one of: en, ar." in response.get_data(as_text=True)


def test_times_are_shown_in_the_newsroom_zone_with_the_zone_named(app, session, client, beirut):
    """A story published at 17:45 UTC in March reads 19:45 EET in Beirut (UTC+2), in August 20:45 EEST."""
    winter = publish("Winter story", at=datetime(2026, 3, 2, 17, 45, tzinfo=UTC))
    summer = publish("Summer story", at=datetime(2026, 8, 2, 17, 45, tzinfo=UTC))

    winter_page = get(client, page_url(winter))
    summer_page = get(client, page_url(summer))

    assert " ".join(winter_page.find("time", class_="published").text.split()) == "Mar 2, 2026 | 19:45 EET"
    assert " ".join(summer_page.find("time", class_="published").text.split()) == "Aug 2, 2026 | 20:45 EEST"
    # The machine-readable time stays UTC.
    assert winter_page.find("time", class_="published").get("datetime") == "2026-03-02T17:45:00+00:00"


def test_times_are_written_in_the_readers_language(app, session):
    """The same time on the desk in Arabic: Arabic month name, the zone named."""
    client, _reporter = person_client(app, Role.REPORTER)
    article = make_article(_reporter)
    article.created_at = datetime(2026, 3, 2, 17, 45)
    db.session.flush()

    page = client.get("/desk/reports", headers={"Accept-Language": "ar"}).get_data(as_text=True)

    assert "مارس" in page and "UTC" in page


def test_a_scheduled_time_typed_on_the_page_is_newsroom_time_stored_as_utc(app, session, beirut):
    """An editor types 09:30 in Beirut (UTC+2 in winter) into the approve form: 07:30 UTC is stored, and the
    review page names the zone the field takes."""
    client, editor = person_client(app, Role.EDITOR)
    adaptation = drive(make_article().adaptations[0], State.IN_REVIEW, editor=editor)
    pass_qa(adaptation, editor)
    local = f"{datetime.now(UTC).year + 1}-01-15T09:30"  # winter, within the year a schedule may reach

    review = get(client, f"/desk/review/{adaptation.id}")
    assert "Publish at, Asia/Beirut time (optional)" in review.text
    response = client.post(
        f"/desk/adaptations/{adaptation.id}/actions/approve",
        data={
            "publish_at": local,
            "version": adaptation.version,
            "origin": "review",
            "csrf_token": csrf_token(client),
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    session.expire_all()
    assert adaptation.state == State.SCHEDULED.value
    assert adaptation.publish_at.replace(tzinfo=UTC) == datetime.fromisoformat(local).replace(
        hour=7, tzinfo=UTC
    )


def test_an_unknown_time_zone_is_refused_at_start():
    with pytest.raises(ConfigError, match="ADAPTDESK_TIMEZONE must be an IANA time zone"):
        Settings.from_env({"ADAPTDESK_TIMEZONE": "Mars/Olympus"})
    assert Settings.from_env({"ADAPTDESK_TIMEZONE": "Asia/Beirut"}).timezone == "Asia/Beirut"


def test_an_arabic_story_page_speaks_arabic_whatever_the_reader_asks(client):
    """Labels and the byline follow the adaptation's language, not Accept-Language (pages cache alike)."""
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    story = publish(
        "زيارة تاريخية",
        "فقرة أولى.\n\nفقرة ثانية.",
        source_language="en",
        language="ar",
        reporter=reporter,
        adaptor=adaptor,
        original_title="A historic visit",
    )

    html = html_of(client.get(page_url(story), headers={"Accept-Language": "en"}))

    assert html_lang(html) == 'lang="ar" dir="rtl"'
    assert "تقرير: " in html and "، ترجمة وتحرير: " in html
    assert "دقيقة قراءة واحدة" in html and "min read" not in html
    assert "شارك هذه القصة" in html


def test_an_english_story_page_speaks_english_to_an_arabic_reader(client):
    story = publish("A historic visit")

    html = html_of(client.get(page_url(story), headers={"Accept-Language": "ar"}))

    assert html_lang(html) == 'lang="en" dir="ltr"'
    assert "1 min read" in html and "A report by" in html
