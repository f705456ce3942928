"""The adaptation editor: drafts beside the text, stale saves, source changes, refusals that keep the text."""

from __future__ import annotations

from tests.support.factories import drive, limits, make_article, make_user
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, DraftState, utcnow
from workflow.services import drafts
from workflow.services.adaptations import save_adaptation
from workflow.services.queries import history_for


def _worker_sets(
    adaptation: Adaptation, draft_state: DraftState, state: State | None = None, **fields
) -> None:
    """Move the newest draft (and the adaptation, if `state`) as a translation worker would.

    Written directly rather than through `services.drafts.take_job/finish_draft/fail_draft`: those lock the
    adaptation with a bare FOR UPDATE that PostgreSQL refuses next to the eager outer join on the holder.
    """
    draft = adaptation.draft
    draft.state = draft_state.value
    for name, value in fields.items():
        setattr(draft, name, value)
    if state is not None:
        adaptation.state = state.value
    db.session.commit()


def _held(app, state: State = State.IN_ADAPTATION):
    """An adaptation held by a logged-in adaptor: (client, adaptor, adaptation)."""
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], state, adaptor=adaptor)
    return client, adaptor, adaptation


def test_stale_save_shows_both_texts_and_keeps_what_was_typed(app, session):
    client, _adaptor, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    opened = get(client, url)
    old_version = opened.field("version")

    editor = make_user(Role.EDITOR)
    save_adaptation(
        db.session,
        editor,
        adaptation,
        title="Editor's title",
        body="The editor's own text.",
        version=adaptation.version,
        limits=limits(),
    )
    db.session.commit()

    typed = {
        "title": "My title",
        "body": "My careful adaptation.\n\nSecond paragraph.",
        "version": old_version,
    }
    page = post(client, f"{url}/save", typed)
    assert page.status == 409
    assert "Someone saved this adaptation after you opened it" in page.alert()
    assert page.field("title") == "My title"
    assert page.field("body").replace("\r\n", "\n") == typed["body"]
    assert page.field("version") == str(adaptation.version) != old_version
    stale = page.find("section", class_="stale")
    assert "The editor's own text." in stale.find("div", class_="stale-current").text
    assert "Editor's title" in stale.text
    assert "My careful adaptation." in " ".join(n.text for n in stale.find_all("ins"))
    assert page.find("form", id="adaptation-form").has("data-dirty")

    db.session.expire_all()
    assert db.session.get(Adaptation, adaptation.id).body == "The editor's own text."
    page = post(client, f"{url}/save", {**typed, "version": page.field("version")})
    assert location(page) == url
    db.session.expire_all()
    assert db.session.get(Adaptation, adaptation.id).body == typed["body"]


def test_source_changed_banner_with_word_diff_and_acknowledge(app, session):
    reporter_client, reporter = person_client(app, Role.REPORTER)
    client, adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(
        reporter, title="Old title", body="The minister visited the port on Monday.", language="fr"
    )
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    url = f"/desk/adaptations/{adaptation.id}"
    assert get(client, url).find_all("section", class_="source-changed") == []

    page = post(
        reporter_client,
        f"/desk/reports/{article.id}/revise",
        {"title": "Old title", "body": "The minister visited the airport on Tuesday.", "note": "Day fixed"},
    )
    assert location(page) == f"/desk/reports/{article.id}"
    assert "Revision 2 saved" in get(reporter_client, f"/desk/reports/{article.id}").flashes()

    page = get(client, url)
    banner = page.find("section", class_="source-changed")
    assert "Source changed" in banner.find("h2").text
    assert "revision 1" in banner.text and "revision 2" in banner.text
    deleted = " ".join(n.text for n in banner.find_all("del"))
    inserted = " ".join(n.text for n in banner.find_all("ins"))
    assert "port" in deleted and "Monday." in deleted
    assert "airport" in inserted and "Tuesday." in inserted
    assert banner.find("div", class_="diff").get("lang") == "fr"
    # The original panel shows the newest revision.
    assert "airport" in page.find("section", class_="panel-source").text

    # Submitting is refused until the change is acknowledged, with what to do.
    page = post(client, f"{url}/actions/submit", {"origin": "edit", "version": page.field("version")})
    assert page.status == 409 and "acknowledge the change" in page.alert()
    page = get(client, url)
    form = page.find("form", action=f"{url}/actions/acknowledge-source")
    assert form.find("input", name="revision").attrs["value"] == "2"
    page = post(
        client,
        f"{url}/actions/acknowledge-source",
        {"origin": "edit", "revision": "2", "note": "Day and place"},
    )
    assert location(page) == url
    page = get(client, url)
    assert "now follows the newest revision" in page.flashes()
    assert page.find_all("section", class_="source-changed") == []
    entry = history_for(db.session, adaptation)[-1]
    assert (entry.action, entry.actor_id, entry.comment) == (
        "acknowledge-source",
        adaptor.id,
        "Day and place",
    )
    assert entry.details == {"revision": 2, "previous": 1}


def test_draft_in_progress_shows_a_polled_progress_bar(app, session):
    client, _ = person_client(app, Role.ADAPTOR)
    adaptation = make_article().adaptations[0]
    draft = adaptation.draft
    _worker_sets(adaptation, DraftState.TRANSLATING, State.TRANSLATING, started_at=utcnow())
    drafts.store_segments(
        db.session,
        draft.id,
        [
            (0, 0, "استقبلت بيونغ يانغ الرئيس الروسي."),
            (1, 0, "وهي أول زيارة."),
            (2, 1, "وقّع الزعيم اتفاقية."),
        ],
    )
    drafts.store_translations(db.session, draft.id, {0: "Pyongyang received the Russian president."})
    drafts.set_progress(db.session, draft.id, 1)
    db.session.commit()

    page = get(client, f"/desk/adaptations/{adaptation.id}")
    block = page.find(data_poll_adaptation=str(adaptation.id))
    bar = block.find("progress")
    assert (bar.get("value"), bar.get("max")) == ("1", "3")
    assert "translating 1 of 3 sentences" in block.find(data_draft_state=True).text
    assert page.find(data_state_for=str(adaptation.id)).text == "translating"
    assert page.find(data_draft_ready_notice=True).has("hidden")
    rows = page.find("table", class_="segments").find_all("tr", class_="segment")
    assert len(rows) == 3
    first_source = rows[0].find("td", class_="seg-source")
    assert (first_source.get("lang"), first_source.get("dir")) == ("ar", "rtl")
    assert rows[0].find("td", class_="seg-mt").text == "Pyongyang received the Russian president."
    assert rows[0].find_all("td")[-1] is first_source  # a right-to-left original sits on the right
    assert "paragraph-start" in rows[2].get("class")
    assert "Claim" in page.find("form", action=f"/desk/adaptations/{adaptation.id}/actions/claim").text

    queue = get(client, "/desk/queue?state=translating")
    assert queue.find(data_poll_adaptation=str(adaptation.id)).find("progress").get("value") == "1"


def test_failed_draft_explains_itself_and_can_be_written_from_scratch(app, session):
    client, _ = person_client(app, Role.ADAPTOR)
    adaptation = make_article().adaptations[0]
    _worker_sets(
        adaptation,
        DraftState.FAILED,
        State.MT_FAILED,
        error="No Arabic → English model is installed.",
        finished_at=utcnow(),
    )
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    panel = page.find("section", class_="panel-draft")
    assert "No machine draft could be made" in panel.text
    assert "No Arabic → English model is installed." in panel.text
    assert page.find_all(data_poll_adaptation=True) == []

    location(post(client, f"/desk/adaptations/{adaptation.id}/actions/claim", {"origin": "edit"}))
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    assert page.field("title") == "" and page.field("body") == ""
    location(
        post(
            client,
            f"/desk/adaptations/{adaptation.id}/save",
            {"title": "Written by hand", "body": "From the original.", "version": page.field("version")},
        )
    )
    db.session.expire_all()
    assert db.session.get(Adaptation, adaptation.id).title == "Written by hand"


def test_a_draft_arriving_after_the_claim_never_overwrites_the_text(app, session):
    client, _ = person_client(app, Role.ADAPTOR)
    adaptation = make_article().adaptations[0]
    url = f"/desk/adaptations/{adaptation.id}"
    location(post(client, f"{url}/actions/claim", {"origin": "queue"}))
    page = get(client, url)
    location(
        post(
            client,
            f"{url}/save",
            {"title": "Mine", "body": "My own start.", "version": page.field("version")},
        )
    )

    _worker_sets(
        adaptation, DraftState.READY, title="Machine title", body="Machine body.", finished_at=utcnow()
    )

    page = get(client, url)
    assert page.field("title") == "Mine" and page.field("body") == "My own start."
    panel = page.find("section", class_="panel-draft")
    assert "finished after the adaptation was claimed" in panel.text
    assert "Machine body." in panel.text
    copy = panel.find("button", data_copy_draft=True)
    assert copy.get("data-draft-body") == "Machine body."


def test_submit_with_unsaved_changes_is_refused_and_keeps_the_text(app, session):
    client, _, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    page = get(client, url)
    page = post(
        client,
        f"{url}/actions/submit",
        {
            "origin": "edit",
            "title": page.field("title"),
            "body": "Typed but not saved.",
            "version": page.field("version"),
        },
    )
    assert page.status == 409
    assert "You have unsaved changes" in page.alert()
    assert page.field("body") == "Typed but not saved."
    assert adaptation.state == State.IN_ADAPTATION.value


def test_someone_else_cannot_save_and_keeps_their_text_on_the_page(app, session):
    _, holder, adaptation = _held(app)
    other, _ = person_client(app, Role.ADAPTOR)
    page = get(other, f"/desk/adaptations/{adaptation.id}")
    assert page.find_all("form", id="adaptation-form") == []
    assert "Only the person holding it can edit it." in page.text
    page = post(
        other,
        f"/desk/adaptations/{adaptation.id}/save",
        {"title": "Hijack", "body": "Not mine to write.", "version": str(adaptation.version)},
    )
    assert page.status == 403
    assert f"Only the adaptor holding it ({holder.display_name}) or an editor may edit" in page.alert()
    db.session.expire_all()
    assert db.session.get(Adaptation, adaptation.id).title != "Hijack"


def test_release_returns_it_to_the_queue(app, session):
    client, _, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    page = get(client, url)
    page = post(
        client,
        f"{url}/actions/release",
        {
            "origin": "edit",
            "title": page.field("title"),
            "body": page.field("body"),
            "version": page.field("version"),
        },
    )
    assert location(page) == "/desk/queue"
    assert adaptation.state == State.DRAFT_READY.value and adaptation.holder_id is None
    assert "Released" in get(client, "/desk/queue").flashes()


def test_save_refusal_for_a_too_long_title_keeps_both_fields(app, session):
    client, _, adaptation = _held(app)
    url = f"/desk/adaptations/{adaptation.id}"
    page = get(client, url)
    page = post(
        client, f"{url}/save", {"title": "T" * 400, "body": "Body kept.", "version": page.field("version")}
    )
    assert page.status == 400
    assert "the limit is 300" in page.alert()
    assert page.field("title") == "T" * 400 and page.field("body") == "Body kept."
    assert page.find("input", name="title").get("aria-invalid") == "true"
