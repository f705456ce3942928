"""The desk's interface language and the newsroom's time zone: who chooses the language, how times are written,
how a scheduling time typed on the page is stored, and public pages in their story's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.support.factories import (
    csrf_token,
    drive,
    finish_draft,
    login,
    make_article,
    make_user,
    pass_qa,
    token_for,
)
from tests.web.test_desk_support import Page, get, person_client
from tests.web.test_public_site import html_of, page_url, publish
from workflow.config import ConfigError, Settings
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import User
from workflow.services.adaptations import perform_action


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


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_time_is_written_as_babels_format_skeleton_writes_it(app, language, beirut):
    """`when` fits the skeletons once per language: the same text Babel's format_skeleton gives, every style."""
    from babel.dates import format_skeleton
    from flask_babel import get_locale, to_user_timezone

    from workflow.web.i18n import DATE_SKELETON, TIME_SKELETON, when

    with app.test_request_context("/desk/queue", headers={"Accept-Language": language}):
        locale = get_locale()
        assert str(locale) == language
        for month in range(1, 13):
            value = datetime(2026, month, 2 * month, month + 7, 4 * month, tzinfo=UTC)
            local = to_user_timezone(value)
            date = format_skeleton(DATE_SKELETON, local, locale=locale)
            time = format_skeleton(TIME_SKELETON, local, locale=locale)
            zone = local.tzname()
            assert when(value, "date") == date
            assert when(value, "time") == f"{time} {zone}"
            assert when(value) == f"{locale.datetime_formats['medium'].format(time, date)} {zone}"
            assert when(value, zone=False) == locale.datetime_formats["medium"].format(time, date)


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


# The desk's pages moved to the catalog: each reads in Arabic for an Arabic browser, and as before in English.

ARABIC = {"Accept-Language": "ar"}
ENGLISH = {"Accept-Language": "en"}


def _page_in(client, url: str, headers: dict) -> Page:
    page = Page(client.get(url, headers=headers))
    assert page.status in (200, 404), page.html[:500]
    return page


def _heading(page: Page) -> str:
    return " ".join(page.find("h1").text.split())


DESK_PAGES = {
    # area: (roles of the person, or None for a visitor; url; Arabic heading; English heading)
    "login": (None, "/login", "تسجيل الدخول", "Log in"),
    "search": ((Role.REPORTER,), "/desk/search", "البحث في الأرشيف", "Search the archive"),
    "memory": ((Role.ADAPTOR,), "/desk/memory", "ذاكرة الترجمة", "Translation memory"),
    "dashboard": ((Role.EDITOR,), "/desk/dashboard", "جهد التحرير", "Editing effort"),
    "credits": ((Role.EDITOR,), "/desk/reports/credits", "تقرير الإسهامات", "Credits report"),
    "models": ((Role.ADMIN,), "/admin/models", "نماذج الترجمة", "Translation models"),
    "my reports": ((Role.REPORTER,), "/desk/reports", "تقاريري", "My reports"),
}


@pytest.mark.parametrize("area", DESK_PAGES)
def test_a_desk_page_reads_in_arabic_for_an_arabic_browser_and_in_english_otherwise(app, session, area):
    roles, url, arabic_heading, english_heading = DESK_PAGES[area]
    client = app.test_client() if roles is None else person_client(app, *roles)[0]

    arabic, english = _page_in(client, url, ARABIC), _page_in(client, url, ENGLISH)

    assert html_lang(arabic.html) == 'lang="ar" dir="rtl"'
    assert _heading(arabic) == arabic_heading
    assert html_lang(english.html) == 'lang="en" dir="ltr"'
    assert _heading(english) == english_heading


def test_the_error_page_speaks_the_readers_language(client):
    arabic = Page(client.get("/desk/no-such-page", headers=ARABIC))
    english = Page(client.get("/desk/no-such-page", headers=ENGLISH))

    assert arabic.status == english.status == 404
    assert html_lang(arabic.html) == 'lang="ar" dir="rtl"'
    assert "لا يوجد شيء هنا." in arabic.alert() and "اقرأ أحدث القصص المنشورة أو سجّل الدخول." in arabic.text
    assert "There is nothing here." in english.alert()
    assert "Read the latest published stories or log in." in english.text


def test_archive_results_are_counted_in_arabic_plural_forms(app, session):
    """Two results are "نتيجتان" (the dual), not a number and a noun; English stays "2 results for"."""
    client, reporter = person_client(app, Role.REPORTER)
    make_article(reporter, title="Harbour blast", body="A blast at the harbour.")
    make_article(reporter, title="Harbour reopens", body="The harbour reopened.")

    arabic = _page_in(client, "/desk/search?q=harbour", ARABIC)
    english = _page_in(client, "/desk/search?q=harbour", ENGLISH)

    assert " ".join(arabic.find("p", class_="result-count").text.split()) == "نتيجتان لـ«harbour»"
    assert " ".join(english.find("p", class_="result-count").text.split()) == "2 results for “harbour”"


def test_the_dashboard_charts_and_tables_speak_arabic(app, session):
    client, _editor = person_client(app, Role.EDITOR)

    page = _page_in(client, "/desk/dashboard", ARABIC)

    assert "المشاهدات لكل قصة، آخر 7 أيام" in page.text
    assert "لا تكييفات." in page.text and "0 adaptations" not in page.text


def test_the_workbench_pieces_speak_arabic(app, session):
    """The QA panel, the glossary list, the memory box and the picture form of the workbench."""
    client, adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(
        title="انفجار قرب الميناء", body="قتل ٢٤ شخصاً في انفجار وقع في ١٥ حزيران قرب الميناء."
    )
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    url = f"/desk/adaptations/{adaptation.id}"
    saved = client.post(
        f"{url}/save",
        data={
            "title": "Blast near the port",
            "body": "Several people died in a blast near the port on June 15.",
            "version": Page(client.get(url)).field("version"),
            "csrf_token": csrf_token(client),
        },
    )
    assert saved.status_code == 302

    arabic, english = _page_in(client, url, ARABIC), _page_in(client, url, ENGLISH)

    qa = arabic.find("section", id="qa")
    assert qa.find("h3", id="qa-h").text == "فحوص الجودة"
    assert "خطأ واحد يمنع الإرسال" in " ".join(qa.text.split())
    assert arabic.find("h3", id="glossary-found-h").text == "مصطلحات المسرد في هذا الأصل"
    assert "احفظ الصورة" in arabic.text
    assert arabic.find("label", **{"for": "memory-q"}).text == "ابحث في ذاكرة الترجمة"
    assert english.find("section", id="qa").find("h3", id="qa-h").text == "QA checks"
    assert "1 error blocks submission (numbers)" in " ".join(english.find("section", id="qa").text.split())
    assert english.find("h3", id="glossary-found-h").text == "Glossary terms in this original"


def test_the_work_list_filter_speaks_arabic(app, session):
    client, _adaptor = person_client(app, Role.ADAPTOR)

    arabic, english = _page_in(client, "/desk/queue", ARABIC), _page_in(client, "/desk/queue", ENGLISH)

    assert arabic.find("form", class_="filters").get("aria-label") == "تصفية"
    assert arabic.find("label", **{"for": "filter-language"}).text == "اللغة الهدف"
    assert english.find("form", class_="filters").get("aria-label") == "Filter"


def test_the_api_docs_page_speaks_the_readers_language(client):
    arabic = client.get("/api/docs", headers=ARABIC).get_data(as_text=True)
    english = client.get("/api/docs", headers=ENGLISH).get_data(as_text=True)

    assert html_lang(arabic) == 'lang="ar" dir="rtl"' and "<title>واجهة البرمجة · Adaptdesk</title>" in arabic
    assert "تحتاج هذه الصفحة إلى JavaScript." in arabic
    assert html_lang(english) == 'lang="en" dir="ltr"' and "<title>API · Adaptdesk</title>" in english
    assert "This page needs JavaScript. The API's description is also at" in english


def test_a_refused_login_is_explained_in_the_readers_language(client):
    client.get("/login")
    form = {"username": "nobody", "password": "wrong", "csrf_token": csrf_token(client)}

    arabic = Page(client.post("/login", data=form, headers=ARABIC))
    english = Page(client.post("/login", data=form, headers=ENGLISH))

    assert arabic.status == english.status == 401
    assert arabic.alert() == "اسم المستخدم أو كلمة المرور غير صحيحة."
    assert english.alert() == "Wrong username or password."


def test_the_api_sets_the_interface_language_and_refuses_an_unknown_one(app, session):
    """PUT /api/v1/me {"interface_language": "ar"} is the same choice as the switcher's; "" goes back to the
    browser's; anything else is a 400 naming the field."""
    client, person = person_client(app, Role.EDITOR)
    headers = token_for(person)

    chosen = client.put("/api/v1/me", json={"interface_language": "ar"}, headers=headers)
    assert chosen.status_code == 200 and chosen.get_json()["interface_language"] == "ar"
    page = client.get("/desk/review", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == 'lang="ar" dir="rtl"'

    refused = client.put("/api/v1/me", json={"interface_language": "fr"}, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["field"] == "interface_language"
    cleared = client.put("/api/v1/me", json={"interface_language": ""}, headers=headers)
    assert cleared.get_json()["interface_language"] is None


def _report_of(reporter) -> str:
    return f"/desk/reports/{make_article(reporter).id}"


def _adaptation_held_by(adaptor) -> str:
    return (
        f"/desk/adaptations/{drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor).id}"
    )


def _review_for(editor) -> str:
    return f"/desk/review/{drive(make_article().adaptations[0], State.IN_REVIEW, editor=editor).id}"


#: The rest of the desk moved to the catalog: area → (roles, the page's address for that person, the heading's
#: tag and id (None: the first one), Arabic heading, English heading).
MOVED_PAGES = {
    "queue": ((Role.ADAPTOR,), lambda _person: "/desk/queue", ("h1", None), "قائمة العمل", "Queue"),
    "review queue": ((Role.EDITOR,), lambda _person: "/desk/review", ("h1", None), "المراجعة", "Review"),
    "my adaptations": (
        (Role.ADAPTOR,),
        lambda _person: "/desk/mine",
        ("h1", None),
        "تكييفاتي",
        "My adaptations",
    ),
    "new report": (
        (Role.REPORTER,),
        lambda _p: "/desk/reports/new",
        ("h1", None),
        "تقرير جديد",
        "New report",
    ),
    "report": ((Role.REPORTER,), _report_of, ("h2", "adaptations-h"), "التكييفات", "Adaptations"),
    "workbench": (
        (Role.ADAPTOR,),
        _adaptation_held_by,
        ("h2", "thread-h"),
        "تعليقات المحرر",
        "Editor comments",
    ),
    "review": ((Role.EDITOR,), _review_for, ("h2", "decide-h"), "القرار", "Decision"),
    "notifications": (
        (Role.REPORTER,),
        lambda _p: "/notifications",
        ("h1", None),
        "الإشعارات",
        "Notifications",
    ),
    "account": ((Role.REPORTER,), lambda _p: "/account", ("h1", None), "حسابك", "Your account"),
    "glossary": ((Role.REPORTER,), lambda _p: "/desk/glossary", ("h1", None), "المسرد", "Glossary"),
    "people": ((Role.ADMIN,), lambda _p: "/admin/users", ("h1", None), "الأشخاص", "People"),
    "person": (
        (Role.ADMIN,),
        lambda _p: f"/admin/users/{make_user(Role.REPORTER).id}",
        ("h2", "reset"),
        "أعد تعيين كلمة المرور",
        "Reset the password",
    ),
    "audit log": ((Role.ADMIN,), lambda _p: "/admin/audit", ("h1", None), "سجل التدقيق", "Audit log"),
    "webhooks": (
        (Role.ADMIN,),
        lambda _p: "/admin/webhooks",
        ("h1", None),
        "الخطافات (Webhooks)",
        "Webhooks",
    ),
}


@pytest.mark.parametrize("area", MOVED_PAGES)
def test_a_moved_desk_page_reads_in_arabic_with_its_navigation_and_in_english_as_before(app, session, area):
    """The heading and the navigation (base.html) in Arabic, right to left; in English as they always were."""
    roles, url_for_person, (tag, heading_id), arabic_heading, english_heading = MOVED_PAGES[area]
    client, person = person_client(app, *roles)
    url = url_for_person(person)

    arabic, english = _page_in(client, url, ARABIC), _page_in(client, url, ENGLISH)

    def heading(page: Page) -> str:
        found = page.find(tag, id=heading_id) if heading_id else page.find(tag)
        return " ".join(found.text.split())

    assert arabic.status == english.status == 200
    assert html_lang(arabic.html) == 'lang="ar" dir="rtl"'
    assert heading(arabic) == arabic_heading
    assert arabic.find("form", class_="site-logout").find("button").text == "تسجيل الخروج"
    assert html_lang(english.html) == 'lang="en" dir="ltr"'
    assert heading(english) == english_heading
    assert english.find("form", class_="site-logout").find("button").text == "Log out"


def test_notifications_priorities_and_the_pager_speak_arabic(app, session):
    """A notification's sentence, the navigation's unread count and a priority read in Arabic; English as before."""
    client, reporter = person_client(app, Role.REPORTER)
    adaptor = make_user(Role.ADAPTOR)
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    adaptation.priority = "urgent"
    finish_draft(adaptation)
    perform_action(db.session, adaptor, adaptation, "claim")
    db.session.commit()

    arabic = _page_in(client, "/notifications", ARABIC)
    english = _page_in(client, "/notifications", ENGLISH)
    report = _page_in(client, f"/desk/reports/{adaptation.article_id}", ARABIC)

    assert "تسلّم مكيّف التكييف (Arabic → English)." in arabic.find("li", class_="unread").text
    # The count shown (1) is in the name read aloud too (WCAG 2.5.3, label in name).
    assert arabic.find("a", class_="nav-notifications").get("aria-label") == "الإشعارات، 1 غير مقروء"
    assert "An adaptor took the adaptation (Arabic → English)." in english.find("li", class_="unread").text
    assert english.find("a", class_="nav-notifications").get("aria-label") == "Notifications, 1 unread"
    assert report.find(data_priority="urgent").text == "عاجلة"


def test_an_api_refusal_speaks_the_callers_language_and_keeps_its_code(app, session):
    """The API's error `message` is in the person's language, else Accept-Language; `error` is the same code in
    every language, for programs to go by. The domain's words inside it (the action, the state, what is
    allowed now) are translated with it."""
    client, adaptor = person_client(app, Role.ADAPTOR)
    holder = make_user(Role.ADAPTOR, name="Rania Haddad")
    adaptation = drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=holder)
    url = f"/api/v1/adaptations/{adaptation.id}/actions/submit"
    headers = token_for(adaptor)

    english = client.post(url, json={}, headers={**headers, "Accept-Language": "en"})
    arabic = client.post(url, json={}, headers={**headers, "Accept-Language": "ar"})
    state_refusal = client.post(
        f"/api/v1/adaptations/{adaptation.id}/actions/claim", json={}, headers={**headers, **ARABIC}
    )

    assert english.status_code == arabic.status_code == 403
    assert english.get_json()["error"] == arabic.get_json()["error"] == "not_holder"
    assert english.get_json()["message"] == "Only the person holding this adaptation may submit it."
    assert (
        arabic.get_json()["message"] == "لا يملك إجراء «إرسال للمراجعة» على هذا التكييف إلا من هو في عهدته."
    )
    assert "Accept-Language" in arabic.headers.get("Vary", "")
    assert state_refusal.get_json()["error"] == "invalid_state"
    assert state_refusal.get_json()["message"].startswith("تعذّر إجراء «تسلّم»: حالة التكييف «قيد التكييف».")


def test_an_api_error_follows_the_persons_chosen_language_over_the_browsers(app, session):
    """A person who chose Arabic reads the API's errors in Arabic even when the client asks for English; a
    service's input error (with its field) and a lookup error both."""
    client, editor = person_client(app, Role.EDITOR)
    editor.interface_language = "ar"
    db.session.commit()
    headers = {**token_for(editor), "Accept-Language": "en"}

    missing = client.get("/api/v1/adaptations/999999", headers=headers)
    too_long = client.post("/api/v1/glossary", json={"source_lang": "xx"}, headers=headers)

    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert missing.get_json()["message"] == "لا يوجد تكييف برقم 999999."
    assert too_long.status_code == 400 and too_long.get_json()["error"] == "invalid"
    assert too_long.get_json()["message"].isascii() is False


def test_a_refusal_on_a_page_speaks_the_interface_language(app, session):
    """The state refusal the domain words (action, state, the actions allowed now) is shown in Arabic."""
    client, reporter = person_client(app, Role.REPORTER)
    adaptation = drive(make_article(reporter).adaptations[0], State.WITHDRAWN)
    response = client.post(
        f"/desk/adaptations/{adaptation.id}/actions/withdraw",
        data={"origin": "report", "csrf_token": csrf_token(client)},
        headers=ARABIC,
    )
    page = Page(response)

    assert response.status_code == 409
    assert "تعذّر إجراء «سحب»: حالة التكييف «مسحوب»." in page.alert()


def test_a_finished_action_and_a_saved_text_are_announced_in_arabic(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    url = f"/desk/adaptations/{adaptation.id}"
    form = {"title": "A title", "body": "A body.", "csrf_token": csrf_token(client)}

    saved = client.post(
        f"{url}/save", data={**form, "version": adaptation.version}, headers=ARABIC, follow_redirects=True
    )
    released = client.post(
        f"{url}/actions/release", data={"origin": "edit", "csrf_token": csrf_token(client)}, headers=ARABIC
    )
    flashed = Page(client.get(released.headers["Location"], headers=ARABIC))

    assert "حُفظ (الإصدار" in Page(saved).flashes()
    assert "عاد إلى قائمة العمل" in flashed.flashes()


def test_the_live_draft_progress_carries_its_words_in_the_readers_language(app, session):
    """desk.js rewrites the progress as the draft runs: the page hands it the Arabic words to use; language
    names on the desk are the reader's too."""
    import json

    client, reporter = person_client(app, Role.REPORTER)
    article = make_article(reporter, targets=["en"])

    arabic = _page_in(client, f"/desk/reports/{article.id}", ARABIC)
    english = _page_in(client, f"/desk/reports/{article.id}", ENGLISH)

    words = json.loads(arabic.find(data_poll_adaptation=True).get("data-words"))
    assert words["translating_n"] == "قيد الترجمة: {done} من {total} من الجمل"
    assert words["states"]["in_review"] == "قيد المراجعة"
    english_words = json.loads(english.find(data_poll_adaptation=True).get("data-words"))
    assert english_words["translating_n"] == "translating {done} of {total} sentences"
    # Language names are the reader's too.
    assert "الإنجليزية" in arabic.text and "English" not in arabic.find("section", class_="card").text
    assert "English" in english.find("section", class_="card").text


def test_a_marked_message_is_translated_with_the_words_inside_it(app):
    """`translate` puts the sentence, the words marked inside it (an action, a list of roles) and nothing else
    (a name is data) into the reader's language; English keeps the domain's own wording."""
    from workflow.domain.actions import ACTIONS, ROLE_PLURALS
    from workflow.domain.messages import N_, Listing
    from workflow.domain.states import Role
    from workflow.web.i18n import translate

    roles = Listing([ROLE_PLURALS[Role.ADAPTOR], ROLE_PLURALS[Role.EDITOR]], "or")
    said = N_("Only %(roles)s may %(action)s an adaptation.", roles=roles, action=ACTIONS["approve"].word)
    held = N_("This adaptation is held by %(holder)s; ask an editor to reassign it.", holder="Nadine Sassine")

    with app.test_request_context(headers=ARABIC):
        assert translate(said) == "لا يملك إجراء «اعتماد» على تكييف إلا: المكيّفون أو المحررون."
        assert translate(held) == "هذا التكييف في عهدة Nadine Sassine؛ اطلب من محرر إعادة إسناده."
        assert translate("plain text") == "plain text"
    with app.test_request_context(headers=ENGLISH):
        assert translate(said) == str(said) == "Only adaptors or editors may approve an adaptation."


def test_a_language_named_inside_a_refusal_is_named_in_the_readers_language(app, session):
    """A message naming a language (`language_name(code)`) names it in the reader's language, not in English."""
    client, reporter = person_client(app, Role.REPORTER)
    body = {"title": "تقرير", "body": "نص التقرير.", "language": "ar", "targets": ["ar"]}
    headers = token_for(reporter)
    english = client.post("/api/v1/articles", json=body, headers={**headers, "Accept-Language": "en"})
    arabic = client.post("/api/v1/articles", json=body, headers={**headers, "Accept-Language": "ar"})
    assert english.status_code == arabic.status_code == 400
    assert english.get_json()["message"] == "The original is already in Arabic; pick another target."
    assert arabic.get_json()["message"] == "النص الأصلي مكتوب أصلًا بـالعربية؛ اختر لغة هدف أخرى."


# QA findings: the checks' messages are catalog messages, said in the reader's language on the pages and in the
# API; `check`, `severity` and `key` stay the same in every language.

QA_SOURCE = "قتل ٢٤ شخصاً في انفجار وقع في ١٥ حزيران قرب الميناء."
#: Leaves out the 24: one blocking "numbers" error.
QA_FLAWED = {
    "title": "Blast near the port",
    "body": "Several people died in a blast near the port on June 15.",
}
QA_MISSING_AR = "في الأصل ٢٤ (24)، والتكييف لا يذكره (لا بالأرقام ولا بالحروف)."
QA_MISSING_EN = "The original has ٢٤ (24); the adaptation does not mention it (in digits or words)."


def _flawed_adaptation(app):
    """An adaptation saved without the original's 24, held by a logged-in adaptor: (client, adaptor, it)."""
    client, adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(title="انفجار قرب الميناء", body=QA_SOURCE)
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    url = f"/desk/adaptations/{adaptation.id}"
    saved = client.post(
        f"{url}/save",
        data={
            **QA_FLAWED,
            "version": Page(client.get(url)).field("version"),
            "csrf_token": csrf_token(client),
        },
    )
    assert saved.status_code == 302
    return client, adaptor, adaptation


def _qa_findings(page: Page) -> list[tuple[str, str]]:
    """(check title, message) of every finding in the page's QA panel."""
    return [
        (
            " ".join(li.find("span", class_="qa-check").text.split()),
            " ".join(li.find("p", class_="qa-message").text.split()),
        )
        for li in page.find("section", id="qa").find_all("li", class_="qa-finding")
    ]


def test_the_editor_page_shows_a_qa_finding_in_arabic(app, session):
    """The number of the original missing in the adaptation is explained in Arabic on the adaptor's editor page
    (the check's title and the summary too), and in English as before."""
    client, _adaptor, adaptation = _flawed_adaptation(app)
    url = f"/desk/adaptations/{adaptation.id}"

    arabic, english = _page_in(client, url, ARABIC), _page_in(client, url, ENGLISH)

    [(title, message)] = [f for f in _qa_findings(arabic) if "٢٤" in f[1]]
    assert title == "الأرقام"
    assert message.startswith(QA_MISSING_AR), message
    assert "The original" not in arabic.find("section", id="qa").text
    assert "(الأرقام)" in " ".join(arabic.find("section", id="qa").text.split())
    [(title, message)] = [f for f in _qa_findings(english) if "٢٤" in f[1]]
    assert (title, message.startswith(QA_MISSING_EN)) == ("Numbers", True)


def test_the_review_page_shows_qa_findings_in_arabic(app, session):
    _client, _adaptor, adaptation = _flawed_adaptation(app)
    editor_client, _editor = person_client(app, Role.EDITOR)

    page = _page_in(editor_client, f"/desk/review/{adaptation.id}", ARABIC)

    assert any(message.startswith(QA_MISSING_AR) for _title, message in _qa_findings(page)), page.text[:2000]


def test_the_qa_api_speaks_the_callers_language_and_keeps_its_codes(app, session):
    """GET …/qa: `message` in Arabic for Accept-Language: ar, English otherwise; `check`, `severity`, `key` the
    same. The adaptation's own JSON and a refused submission's findings too."""
    _client, adaptor, adaptation = _flawed_adaptation(app)
    client, headers = app.test_client(), token_for(adaptor)
    url = f"/api/v1/adaptations/{adaptation.id}"

    arabic = client.get(f"{url}/qa", headers={**headers, **ARABIC})
    english = client.get(f"{url}/qa", headers={**headers, **ENGLISH})
    whole = client.get(url, headers={**headers, **ARABIC})
    refused = client.post(f"{url}/actions/submit", json={}, headers={**headers, **ARABIC})

    assert arabic.status_code == english.status_code == 200
    assert "Accept-Language" in arabic.headers.get("Vary", "")
    codes = lambda items: [(f["check"], f["severity"], f["key"]) for f in items]  # noqa: E731
    assert codes(arabic.get_json()["qa"]) == codes(english.get_json()["qa"])
    [ar] = [f for f in arabic.get_json()["qa"] if f["check"] == "numbers"]
    [en] = [f for f in english.get_json()["qa"] if f["check"] == "numbers"]
    assert (ar["check"], ar["severity"], ar["key"]) == ("numbers", "error", "24")
    assert ar["message"].startswith(QA_MISSING_AR)
    assert en["message"].startswith(QA_MISSING_EN)
    assert [f["message"] for f in whole.get_json()["qa"] if f["check"] == "numbers"] == [ar["message"]]
    assert refused.status_code == 409 and refused.get_json()["error"] == "qa_failed"
    assert refused.get_json()["message"].startswith("لم يُرسل: خطأ واحد في فحوص الجودة يمنع إرساله (الأرقام).")
    [blocking] = refused.get_json()["findings"]
    assert (blocking["check"], blocking["key"]) == ("numbers", "24")
    assert blocking["message"] == ar["message"]


def test_kept_qa_findings_are_still_translated_and_old_plain_ones_still_shown(app, session, monkeypatch):
    """Findings are kept per version of what the checks read: read back from there (and through a pickle,
    as a shared cache would keep them) they still carry their catalog id and values, so they are translated;
    a finding kept as plain text (before the checks spoke through the catalog) is shown as it is."""
    import pickle

    from workflow.domain.qa import ERROR, Finding, run_checks
    from workflow.services import glossary as glossary_service
    from workflow.services import qa
    from workflow.web.i18n import translate

    runs = {"n": 0}

    def counted(data):
        runs["n"] += 1
        return run_checks(data)

    monkeypatch.setattr(qa, "run_checks", counted)
    monkeypatch.setattr(qa, "_findings", type(qa._findings)())
    client, _adaptor, adaptation = _flawed_adaptation(app)
    url = f"/desk/adaptations/{adaptation.id}"

    _page_in(client, url, ENGLISH)  # computed (at the latest here) and kept
    computed = runs["n"]
    kept = _page_in(client, url, ARABIC)  # read back
    assert computed >= 1 and runs["n"] == computed, "the Arabic page ran the checks again"
    assert any(m.startswith(QA_MISSING_AR) for _t, m in _qa_findings(kept))

    [finding] = [f for f in qa.checked_findings(db.session, adaptation) if f.check == "numbers"]
    assert runs["n"] == computed
    revived = pickle.loads(pickle.dumps(finding))
    with app.test_request_context(headers=ARABIC):
        assert translate(revived.message).startswith(QA_MISSING_AR)
        assert translate(revived.label) == "الأرقام"

    # A finding kept as plain English text: shown as it is, in either language.
    terms = glossary_service.terms_for(db.session, adaptation.article.language, adaptation.language)
    key = qa._findings_key(adaptation, terms)
    plain = Finding("numbers", ERROR, "24", "The original has 24; the adaptation does not mention it.")
    qa._findings[key] = (plain,)
    old = _page_in(client, url, ARABIC)
    assert _qa_findings(old) == [("الأرقام", "The original has 24; the adaptation does not mention it.")]
    api = app.test_client().get(
        f"/api/v1/adaptations/{adaptation.id}/qa", headers={**token_for(_adaptor), **ARABIC}
    )
    assert api.get_json()["qa"][0]["message"] == "The original has 24; the adaptation does not mention it."
