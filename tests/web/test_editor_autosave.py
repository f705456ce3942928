"""The editor's autosave address: the workbench's own save, answering JSON when the script asks for it."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.factories import csrf_token, drive, make_article
from tests.web.test_desk_support import get, person_client
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
