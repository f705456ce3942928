"""Translation memory through the API: matches beside each draft segment, and search."""

from __future__ import annotations

from tests.api.helpers import assert_error, assert_matches
from tests.support.assist import SECOND_BODY, make_draft, publish_first_story
from tests.support.factories import make_article
from tests.web.test_stored_reads import Statements


def test_each_segment_carries_its_memory_matches_and_origin(api, adaptor):
    first = publish_first_story()
    second = make_article(title="زيارة ثانية", body=SECOND_BODY).adaptations[0]
    make_draft(second, "A second visit", {})
    shown = api.adaptation(second.id, adaptor)
    assert_matches(shown, "Adaptation")
    segments = shown["draft"]["segments"]
    assert [s["origin"] for s in segments] == ["mt"] * 4
    assert segments[0]["tm"] == [
        {
            "score": 100.0,
            "source": "وهي أول زيارة من نوعها منذ 24 عاماً.",
            "target": "It is the first visit of its kind in 24 years.",
            "article_id": first.adaptation.article_id,
        }
    ]
    assert 70 <= segments[1]["tm"][0]["score"] < 100
    assert segments[2]["tm"] == []


def test_memory_search(api, reporter, adaptor):
    first = publish_first_story()
    found = api.get("/api/v1/memory?q=Telegram&source_lang=ar&target_lang=en", adaptor)
    assert found.status_code == 200
    assert_matches(found.json, "MemoryResults")
    assert found.json["items"][0]["target"] == "Follow us on our Telegram channel."
    assert found.json["items"][0]["adaptation_id"] == first.adaptation.id
    assert api.get("/api/v1/memory", reporter).json == {"items": [], "count": 0}
    assert_error(api.get("/api/v1/memory?q=x&limit=0", adaptor), 400, field="limit")
    assert_error(api.get("/api/v1/memory?q=x&target_lang=english", adaptor), 400, field="target_lang")
    assert_error(api.get("/api/v1/memory?q=x"), 401)


def test_the_api_reads_the_stored_matches_too(api, adaptor):
    """The API's adaptation answers with the same matches, the second time without a memory query."""
    publish_first_story()
    second = make_article(title="زيارة ثانية", body=SECOND_BODY).adaptations[0]
    make_draft(second, "A second visit", {})
    with Statements() as first_read:
        first = api.adaptation(second.id, adaptor)
    with Statements() as second_read:
        assert api.adaptation(second.id, adaptor) == first
    assert first_read.on("tm_units") and second_read.on("tm_units") == []
    assert first["draft"]["segments"][0]["tm"][0]["score"] == 100
