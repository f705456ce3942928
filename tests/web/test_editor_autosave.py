"""The editor's autosave address: the workbench's own save, answering JSON when the script asks for it."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.wrappers import Response

from tests.support.factories import csrf_token, drive, make_article
from tests.web.test_desk_support import Node, Page, get, person_client
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, EditingTime

JSON = {"Accept": "application/json"}


def _autosave(client, adaptation_id: int, version: int, body: str, **extra):
    data = {"title": "Title", "body": body, "version": str(version), "origin": "edit", **extra}
    return client.post(
        f"/desk/adaptations/{adaptation_id}/save",
        data={**data, "csrf_token": csrf_token(client)},
        headers=JSON,
    )


def test_autosave_answers_the_new_version_and_records_the_seconds(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    version = adaptation.version
    response = _autosave(client, adaptation.id, version, "Saved by the script.", active_seconds="12")
    assert response.status_code == 200 and response.is_json
    assert response.json["version"] == version + 1 and response.json["body"] == "Saved by the script."
    db.session.expire_all()
    stored = db.session.get(Adaptation, adaptation.id)
    assert (stored.version, stored.body) == (version + 1, "Saved by the script.")
    seconds = select(EditingTime.seconds).where(EditingTime.adaptation_id == adaptation.id)
    assert db.session.scalars(seconds).all() == [12]
    assert get(client, f"/desk/adaptations/{adaptation.id}").field("version") == str(version + 1)


def test_a_stale_autosave_overwrites_nothing_and_says_what_is_stored(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    opened = adaptation.version
    editor, _ = person_client(app, Role.EDITOR)
    assert _autosave(editor, adaptation.id, opened, "The editor's text.").status_code == 200

    response = _autosave(client, adaptation.id, opened, "The adaptor's text.")
    assert response.status_code == 409 and response.is_json
    assert response.json["error"] == "stale_version"
    assert response.json["current"] == {"version": opened + 1, "title": "Title", "body": "The editor's text."}
    assert response.json["yours"]["body"] == "The adaptor's text."
    db.session.expire_all()
    assert db.session.get(Adaptation, adaptation.id).body == "The editor's text."


def test_a_refused_autosave_is_json_too_and_the_plain_form_still_redirects(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    other, _ = person_client(app, Role.ADAPTOR)
    refused = _autosave(other, adaptation.id, adaptation.version, "Not theirs to save.")
    assert refused.status_code == 403 and refused.is_json and refused.json["message"]

    plain = client.post(
        f"/desk/adaptations/{adaptation.id}/save",
        data={
            "title": "T",
            "body": "By the form.",
            "version": adaptation.version,
            "csrf_token": csrf_token(client),
        },
    )
    assert plain.status_code == 302 and plain.headers["Location"].endswith(
        f"/desk/adaptations/{adaptation.id}"
    )


FIGURES_TITLE = "ارتفاع الصادرات في يونيو"
FIGURES_BODY = "بلغت قيمة الصادرات ٤٣٫٥ مليار دولار في يونيو.\n\nوقال الوزير إن الأرقام مشجعة."
WITH_FIGURE = "Exports reached 43.5 billion dollars in June.\n\nThe minister called the figures encouraging."
WITHOUT_FIGURE = "Exports rose sharply in June.\n\nThe minister called the figures encouraging."


def _qa_panel(html: str) -> Node:
    page = Page(Response(f"<main>{html}</main>", content_type="text/html"))
    panels = page.find_all("section", class_="qa-panel")
    assert len(panels) == 1, html
    return panels[0]


def _squeeze(node: Node) -> str:
    return " ".join(node.text.split())


def test_an_autosave_answers_the_qa_panel_of_the_saved_version(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(title=FIGURES_TITLE, body=FIGURES_BODY, tags=[])
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    opened = adaptation.version
    clean = _autosave(client, adaptation.id, opened, WITH_FIGURE, title="Exports climb in June")
    assert clean.status_code == 200
    assert [f for f in clean.json["qa"] if f["severity"] == "error"] == []
    panel = _qa_panel(clean.json["qa_html"])
    assert f"saved text (version {opened + 1})" in _squeeze(panel)
    assert panel.find_all(class_="qa-error") == []

    # The figure dropped: the answer's panel says so, for the new version, as the page itself would.
    dropped = _autosave(client, adaptation.id, opened + 1, WITHOUT_FIGURE, title="Exports climb in June")
    assert dropped.status_code == 200
    errors = [(f["check"], f["key"]) for f in dropped.json["qa"] if f["severity"] == "error"]
    assert errors == [("numbers", "43.5")]
    panel = _qa_panel(dropped.json["qa_html"])
    assert "qa-blocked" in panel.get("class")
    assert f"saved text (version {opened + 2})" in _squeeze(panel)
    (finding,) = panel.find_all("li", class_="qa-error")
    assert "43.5" in _squeeze(finding)
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    assert _squeeze(page.find("section", class_="qa-panel")) == _squeeze(panel)
    assert "<script" not in dropped.json["qa_html"]
