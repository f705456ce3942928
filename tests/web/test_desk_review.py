"""The editors' review queue and review page: diffs, the comment thread and every decision."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.factories import drive, limits, make_article, make_user
from tests.web.test_desk_support import get, location, person_client, post
from tests.web.test_list_pages import StatementsSeen
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, utcnow
from workflow.services.adaptations import perform_action, save_adaptation


def _in_review(app, **article):
    client, editor = person_client(app, Role.EDITOR, name="Rima Haddad")
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    adaptation = drive(make_article(**article).adaptations[0], State.IN_REVIEW, adaptor=adaptor)
    return client, editor, adaptor, adaptation


def _decide(client, adaptation, name, **data):
    page = get(client, f"/desk/review/{adaptation.id}")
    version = page.find("form", class_=f"decision-{name}").find("input", name="version").get("value")
    return post(
        client,
        f"/desk/adaptations/{adaptation.id}/actions/{name}",
        {"origin": "review", "version": version, **data},
    )


def test_review_queue_lists_in_review_first_and_filters_other_states(app, session):
    client, _, adaptor, waiting = _in_review(app)
    queued = make_article(title="Still queued", targets=["fr"]).adaptations[0]
    published = drive(make_article().adaptations[0], State.PUBLISHED, adaptor=adaptor)

    page = get(client, "/desk/review")
    links = [a.get("href") for a in page.find("table").find_all("a")]
    assert f"/desk/review/{waiting.id}" in links
    assert {b.text for b in page.find("table").find_all(data_state_for=True)} == {"in review"}

    page = get(client, "/desk/review?state=all")
    links = [a.get("href") for a in page.find("table").find_all("a")]
    states = [b.text for b in page.find("table").find_all(data_state_for=True)]
    assert {f"/desk/review/{waiting.id}", f"/desk/review/{queued.id}", f"/desk/review/{published.id}"} <= set(
        links
    )
    assert states == sorted(states, key=lambda s: s != "in review"), "in review comes first"

    page = get(client, "/desk/review?state=queued&language=fr")
    assert f"/desk/review/{queued.id}" in [a.get("href") for a in page.find("table").find_all("a")]
    assert {b.text for b in page.find("table").find_all(data_state_for=True)} == {"queued"}
    assert page.find("select", name="state").find("option", value="queued").has("selected")
    assert "Nothing is waiting for review" not in page.text

    assert "Nothing matches" in get(client, "/desk/review?state=rejected").text


def test_approve_refuses_a_version_changed_after_the_editor_opened_it(app, session):
    client, _, _adaptor, adaptation = _in_review(app)
    page = get(client, f"/desk/review/{adaptation.id}")
    seen = page.find("form", class_="decision-approve").find("input", name="version").get("value")

    other_editor = make_user(Role.EDITOR)
    save_adaptation(
        db.session,
        other_editor,
        adaptation,
        title="Changed meanwhile",
        body="A late edit.",
        version=adaptation.version,
        limits=limits(),
    )
    db.session.commit()

    page = post(
        client,
        f"/desk/adaptations/{adaptation.id}/actions/approve",
        {"origin": "review", "version": seen, "publish_at": ""},
    )
    assert page.status == 409
    assert "The adaptation changed since you opened it" in page.alert()
    assert page.find("h1").text.startswith(f"Review #{adaptation.id}")
    assert "A late edit." in page.find("section", class_="panel-adaptation").text
    assert adaptation.state == State.IN_REVIEW.value

    page = _decide(client, adaptation, "approve", publish_at="")
    assert location(page) == "/desk/review"
    assert db.session.get(Adaptation, adaptation.id).state == State.PUBLISHED.value


@pytest.mark.parametrize("name", ["approve", "reject", "request-changes"])
def test_a_decision_must_name_the_version_it_was_taken_on(app, session, name):
    """The review page's decision forms post the version they show; a post without one is refused, as in the API."""
    client, _, _, adaptation = _in_review(app)
    page = get(client, f"/desk/review/{adaptation.id}")
    shown = page.find("form", class_=f"decision-{name}").find("input", name="version").get("value")
    assert shown == str(adaptation.version)
    page = post(
        client,
        f"/desk/adaptations/{adaptation.id}/actions/{name}",
        {"origin": "review", "comment": "A reason.", "publish_at": ""},
    )
    assert page.status == 400
    assert "Send the 'version' you started from" in page.alert()
    assert db.session.get(Adaptation, adaptation.id).state == State.IN_REVIEW.value


def test_approve_with_a_future_time_schedules_it(app, session):
    client, _, _, adaptation = _in_review(app)
    when = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    page = _decide(client, adaptation, "approve", publish_at=when.strftime("%Y-%m-%dT%H:%M"))
    assert location(page) == "/desk/review"
    assert f"will be published at {when:%Y-%m-%d %H:%M} UTC" in get(client, "/desk/review").flashes()
    db.session.expire_all()
    adaptation = db.session.get(Adaptation, adaptation.id)
    assert adaptation.state == State.SCHEDULED.value and adaptation.publish_at == when


def test_a_bad_publish_time_is_explained_and_kept(app, session):
    client, _, _, adaptation = _in_review(app)
    page = _decide(client, adaptation, "approve", publish_at="next tuesday")
    assert page.status == 400
    assert "must be an ISO 8601 date and time" in page.alert()
    assert page.find("input", name="publish_at").get("value") == "next tuesday"


def test_reject_needs_a_reason_and_keeps_the_thread(app, session):
    client, _editor, _, adaptation = _in_review(app)
    page = _decide(client, adaptation, "reject", comment="   ")
    assert page.status == 400
    form = page.find("form", class_="decision-reject")
    assert "A comment saying why is required to reject" in form.find("p", class_="field-error").text

    page = _decide(client, adaptation, "request-changes", comment="Tighten the <em>lede</em>.")
    location(page)
    drive_back = db.session.get(Adaptation, adaptation.id)
    perform_action(db.session, drive_back.holder, drive_back, "claim")
    perform_action(db.session, drive_back.holder, drive_back, "submit")
    db.session.commit()

    page = _decide(client, adaptation, "reject", comment="It duplicates yesterday's piece.")
    assert location(page) == "/desk/review"
    page = get(client, f"/desk/review/{adaptation.id}")
    comments = page.find("ol", class_="thread").find_all("li", class_="comment")
    assert [" ".join(c.find("div", class_="comment-text").text.split()) for c in comments[-2:]] == [
        "Tighten the <em>lede</em>.",
        "It duplicates yesterday's piece.",
    ]
    assert all("Rima Haddad" in c.text and c.find("time").get("datetime") for c in comments[-2:])
    assert "asked for changes" in comments[-2].text and "rejected" in comments[-1].text
    assert "<em>lede</em>" not in page.html
    assert page.find(data_state_for=str(adaptation.id)).text == "rejected"
    assert "No decision can be taken now" in page.text


def test_reassign_offers_active_adaptors_and_hands_it_over(app, session):
    client, _, adaptor, _adaptation = _in_review(app)
    sent_back = drive(make_article().adaptations[0], State.CHANGES_REQUESTED, adaptor=adaptor)
    newcomer = make_user(Role.ADAPTOR, name="Karim Nasser")
    gone = make_user(Role.ADAPTOR, name="Gone Away")
    gone.active = False
    db.session.commit()

    page = get(client, f"/desk/review/{sent_back.id}")
    options = page.find("select", name="assignee").find_all("option")
    names = [o.text for o in options]
    assert any("Karim Nasser" in n for n in names) and not any("Gone Away" in n for n in names)
    page = _decide(client, sent_back, "reassign", assignee=newcomer.username)
    assert location(page) == f"/desk/review/{sent_back.id}"
    page = get(client, f"/desk/review/{sent_back.id}")
    assert "Reassigned" in page.flashes()
    assert "Karim Nasser" in page.find("p", class_="meta").text
    assert sent_back.holder_id == newcomer.id and sent_back.state == State.IN_ADAPTATION.value

    page = _decide(client, sent_back, "reassign", assignee="")
    assert page.status == 400
    assert "is not an active adaptor" in page.alert()


def test_editor_withdraws_from_the_review_page(app, session):
    client, _, _, adaptation = _in_review(app)
    page = _decide(client, adaptation, "withdraw")
    assert location(page) == f"/desk/review/{adaptation.id}"
    assert adaptation.state == State.WITHDRAWN.value
    assert "Withdrawn" in get(client, f"/desk/review/{adaptation.id}").flashes()


def test_review_page_without_a_machine_draft_or_previous_round(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    adaptation = make_article().adaptations[0]
    page = get(client, f"/desk/review/{adaptation.id}")
    assert "There is no finished machine draft to compare with." in page.text
    assert "This is the first round of review." in page.text
    assert page.find_all("form", class_="decision-approve") == []
    assert page.find("form", class_="decision-withdraw") is not None


def test_the_review_page_reads_names_not_roles_and_its_statements_do_not_grow(app, session):
    """The people the page names (reporter, holder, credits, the history's actors, the adaptors to reassign to)
    are read without their roles; more rounds, people and adaptors add no statement."""
    client, editor, _, adaptation = _in_review(app)
    client.get(f"/desk/review/{adaptation.id}")  # what is loaded once per process
    with StatementsSeen() as first:
        assert get(client, f"/desk/review/{adaptation.id}").status == 200
    second = make_user(Role.ADAPTOR, name="Omar Khalil")
    for _ in range(3):
        make_user(Role.ADAPTOR)
    perform_action(session, editor, adaptation, "request-changes", comment="Tighten the lede.")
    perform_action(session, editor, adaptation, "reassign", assignee=second.username)
    perform_action(session, second, adaptation, "submit")
    with StatementsSeen() as later:
        page = get(client, f"/desk/review/{adaptation.id}")
    assert "Omar Khalil" in page.text
    assert later.count == first.count
    assert not [s for s in later.statements if s.lstrip().startswith("SELECT role_grants")]
