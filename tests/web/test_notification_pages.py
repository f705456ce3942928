"""Notifications on the pages: the unread count in the navigation, the list, marking read, and the settings
forms (one's own, and an admin's for someone)."""

from __future__ import annotations

from tests.support.factories import finish_draft, make_article, make_user
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import User
from workflow.services.adaptations import perform_action


def test_the_navigation_counts_unread_notifications_and_the_list_marks_them_read(app, session):
    client, reporter = person_client(app, Role.REPORTER)
    adaptor = make_user(Role.ADAPTOR)
    for _ in range(2):
        adaptation = make_article(reporter, targets=["en"]).adaptations[0]
        finish_draft(adaptation)
        perform_action(db.session, adaptor, adaptation, "claim")
    db.session.commit()
    page = get(client, "/desk/reports")
    assert page.find(data_unread_count=True).text == "2"
    listed = get(client, "/notifications")
    items = listed.find_all("li", class_="unread")
    assert len(items) == 2 and "An adaptor took the adaptation (Arabic → English)." in items[0].text
    assert items[0].find("a").get("href") == f"/desk/reports/{adaptation.article_id}"
    one = post(client, "/notifications/read", {"id": items[0].get("data-notification")})
    assert location(one) == "/notifications"
    assert get(client, "/desk/reports").find(data_unread_count=True).text == "1"
    post(client, "/notifications/read", {"all": "1"})
    assert get(client, "/desk/reports").find_all(data_unread_count=True) == []
    refused = post(client, "/notifications/read", {})
    assert refused.status == 400 and "mark them all" in refused.alert()


def test_people_set_their_email_and_language_pairs_on_their_account_page(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    done = post(
        client, "/account/settings", {"email": "nadine@example.org", "language_pairs": "ar-en, fr-en"}
    )
    assert location(done) == "/account#settings"
    db.session.refresh(adaptor)
    assert (adaptor.email, adaptor.language_pairs) == ("nadine@example.org", "ar-en fr-en")
    page = get(client, "/account")
    assert page.field("email") == "nadine@example.org" and page.field("language_pairs") == "ar-en, fr-en"
    refused = post(client, "/account/settings", {"email": "nadine@", "language_pairs": ""})
    assert refused.status == 400 and "is not an e-mail address" in refused.alert()
    assert refused.field("email") == "nadine@"


def test_people_choose_a_daily_digest_on_their_account_page(app, session):
    client, reporter = person_client(app, Role.REPORTER)
    page = get(client, "/account")
    assert "One mail a day listing them (from 18:00, UTC)" in page.text
    assert page.find("input", name="mail_digest", value="0").has("checked")
    form = {"email": "ahmad@example.org", "language_pairs": "", "mail_events": "claimed", "mail_digest": "1"}
    done = post(client, "/account/settings", form)
    assert location(done) == "/account#settings"
    db.session.refresh(reporter)
    assert reporter.mail_digest is True
    assert get(client, "/account").find("input", name="mail_digest", value="1").has("checked")
    refused = post(client, "/account/settings", {**form, "email": "ahmad@", "mail_digest": "0"})
    assert refused.status == 400
    assert refused.find("input", name="mail_digest", value="0").has("checked")  # as typed
    db.session.refresh(reporter)
    assert reporter.mail_digest is True


def test_an_admin_sets_someones_email_and_it_is_audited(app, session):
    client, _admin = person_client(app, Role.ADMIN)
    person = make_user(Role.ADAPTOR)
    done = post(
        client, f"/admin/users/{person.id}/settings", {"email": "a@example.org", "language_pairs": "ar-en"}
    )
    assert location(done) == f"/admin/users/{person.id}"
    assert db.session.get(User, person.id).email == "a@example.org"
    assert "settings changed" in get(client, f"/admin/users/{person.id}").text.replace("_", " ")
    made = post(
        client,
        "/admin/users",
        {
            "username": "newbie",
            "display_name": "New",
            "roles": "adaptor",
            "password": "long enough",
            "email": "x@y",
        },
    )
    assert made.status == 400 and "is not an e-mail address" in made.text
