"""Optimistic locking by HTTP: `ETag` on an adaptation, `If-Match` on its save (412 when it names another version)."""

from __future__ import annotations

import pytest

from tests.api.helpers import adaptation_row, assert_error, assert_matches
from tests.support.factories import drive, make_article
from workflow.domain.states import State


@pytest.fixture()
def adaptation_id(reporter, adaptor) -> int:
    adaptation = make_article(reporter).adaptations[0]
    drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)
    return adaptation.id


def url(adaptation_id: int) -> str:
    return f"/api/v1/adaptations/{adaptation_id}"


def test_the_etag_is_the_version(api, adaptor, adaptation_id):
    read = api.get(url(adaptation_id), adaptor)
    assert read.headers["ETag"] == f'"v{read.json["version"]}"'


def test_a_save_with_the_etag_read_succeeds_and_gives_the_next_one(api, adaptor, adaptation_id):
    etag = api.get(url(adaptation_id), adaptor).headers["ETag"]
    saved = api.put(
        url(adaptation_id), adaptor, json={"title": "T", "body": "B."}, headers={"If-Match": etag}
    )
    assert saved.status_code == 200, saved.json
    assert_matches(saved.json, "Adaptation")
    assert saved.headers["ETag"] == f'"v{saved.json["version"]}"' != etag
    assert api.get(url(adaptation_id), adaptor).headers["ETag"] == saved.headers["ETag"]


def test_a_save_with_an_old_etag_is_412_and_changes_nothing(api, adaptor, editor, adaptation_id):
    etag = api.get(url(adaptation_id), adaptor).headers["ETag"]
    version = adaptation_row(adaptation_id).version
    first = api.put(url(adaptation_id), editor, json={"title": "Editor's", "body": "E.", "version": version})
    assert first.status_code == 200
    late = api.put(
        url(adaptation_id), adaptor, json={"title": "Mine", "body": "M."}, headers={"If-Match": etag}
    )
    error = assert_error(late, 412, "precondition_failed")
    assert error["version"] == version + 1
    assert api.adaptation(adaptation_id, adaptor)["title"] == "Editor's"


def test_if_match_and_version_are_both_checked(api, adaptor, adaptation_id):
    read = api.get(url(adaptation_id), adaptor)
    stale_body = {"title": "T", "body": "B.", "version": read.json["version"] - 1 or 99}
    assert_error(
        api.put(url(adaptation_id), adaptor, json=stale_body, headers={"If-Match": read.headers["ETag"]}),
        409,
        "stale_version",
    )
    assert_error(
        api.put(
            url(adaptation_id), adaptor, json={"title": "T", "body": "B."}, headers={"If-Match": '"nonsense"'}
        ),
        412,
        "precondition_failed",
    )


def test_without_if_match_the_version_field_is_still_required(api, adaptor, adaptation_id):
    assert_error(
        api.put(url(adaptation_id), adaptor, json={"title": "T", "body": "B."}), 400, "invalid", "version"
    )
