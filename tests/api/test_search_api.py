"""Archive search: GET /api/v1/search over originals and adaptations, the desk page, and the public /news?q=."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.api.helpers import assert_error, schema_problems
from tests.support.factories import drive, finish_draft, login, make_article, make_user, pass_qa
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import SearchDocument, utcnow
from workflow.services import adaptations as adaptation_services
from workflow.services import search as search_services
from workflow.web.api import openapi_document

ARABIC_TITLE = "الحكومة تُعلن خطّة لإعادة بناء المـيناء"
ARABIC_BODY = (
    "أعلنت الحكومة اليوم عن خطّة جديدة لإعادة إعمار ميناء المدينة بعد الفيضانات.\n\n"
    "وتبلغ كلفة الخطة مليار دولار."
)
ENGLISH_BODY = "Rescue teams were running between the flooded villages.\n\nThe committee approved the budget."


@pytest.fixture()
def archive(session, reporter, adaptor, editor):
    """An Arabic original with its English adaptation published, and an English original still queued."""
    arabic = make_article(reporter, title=ARABIC_TITLE, body=ARABIC_BODY, tags=["Floods", "Ports"])
    published = drive(arabic.adaptations[0], State.PUBLISHED, adaptor=adaptor, editor=editor)
    other_reporter = make_user(Role.REPORTER, name="Omar Khalil")
    english = make_article(
        other_reporter,
        title="Villages flooded",
        body=ENGLISH_BODY,
        language="en",
        tags=["Weather"],
        targets=["ar"],
    )
    return {"arabic": arabic, "published": published, "english": english}


def ids(response) -> list[tuple[str, int]]:
    return [(h["kind"], h["adaptation_id"] or h["article_id"]) for h in response.json["items"]]


def test_arabic_words_match_without_marks_tatweel_or_letter_variants(api, archive, editor):
    response = api.get("/api/v1/search?q=خطة بناء الميناء", editor)
    assert response.status_code == 200, response.json
    assert ("original", archive["arabic"].id) in ids(response)
    hit = next(h for h in response.json["items"] if h["kind"] == "original")
    assert hit["title"] == ARABIC_TITLE and hit["language"] == "ar" and hit["state"] is None
    # The query written with marks and hamza finds the same; the snippet marks the matched words.
    marked = api.get("/api/v1/search?q=أعلنت", editor).json
    assert marked["total"] >= 1 and "<mark>" in marked["items"][0]["snippet_html"]


def test_arabic_words_are_found_behind_their_clitics_and_marked_as_written(api, session, reporter, editor):
    """لإعادة, وإعادة, بالإعادة are found by إعادة; بالميناء, والميناء, للميناء by الميناء; الميناء by ميناء."""
    port = make_article(
        reporter, title="رست السفن أمس", body="رست السفن بالميناء أمس بعد العاصفة.", tags=["بحر"]
    )
    rebuild = make_article(
        reporter, title="خطة عمرانية", body="بدأت وإعادة البناء تتقدم، وتمت بالإعادة الكاملة للطرق."
    )
    definite = make_article(reporter, title="السفن", body="وصلت السفن إلى الميناء صباحاً.", tags=["بحر"])

    def originals(query: str) -> set[int]:
        response = api.get(f"/api/v1/search?q={query}&kind=original", editor)
        assert response.status_code == 200, response.json
        return {h["article_id"] for h in response.json["items"]}

    assert {port.id, definite.id} <= originals("الميناء")
    assert {port.id, definite.id} <= originals("ميناء")
    assert {port.id, definite.id} <= originals("والميناء")  # a query's own clitics are stripped too
    assert rebuild.id in originals("إعادة")
    assert port.id in originals("للميناء السفن")  # every word must match, each as written or by its stem
    assert port.id not in originals("الميناء البلدية")
    # The snippet marks the word as written (folded), clitics and all, not its hidden stem.
    hit = next(
        h
        for h in api.get("/api/v1/search?q=الميناء&kind=original", editor).json["items"]
        if h["article_id"] == port.id
    )
    assert "<mark>بالميناء</mark>" in hit["snippet_html"] and "\u2e28" not in hit["snippet_html"]
    hits = api.get("/api/v1/search?q=إعادة&kind=original", editor).json["items"]
    snippet = next(h["snippet_html"] for h in hits if h["article_id"] == rebuild.id)
    assert "<mark>واعادة</mark>" in snippet and "<mark>بالاعادة</mark>" in snippet
    assert "البناء" in snippet and "\u2e29" not in snippet  # stems stay hidden, unmatched words shown


def test_a_long_original_s_snippet_marks_a_match_found_deep_inside(api, session, reporter, editor):
    """The headline of a long text is made from the part around its first match (PostgreSQL gives ts_headline
    1,500 characters of it, not all of it): a word that appears only past the 25,000th character is still
    shown marked, and a cut through a hidden stem leaves no trace."""
    filler = " ".join(["وصلت السفن إلى المدينة بعد العاصفة."] * 800)  # about 28,000 characters
    long = make_article(
        reporter, title="تحقيق طويل", body=f"{filler}\n\nورست القوارب بالميناء أمس.\n\n{filler}"
    )
    hits = api.get("/api/v1/search?q=الميناء&kind=original", editor).json["items"]
    snippet = next(h["snippet_html"] for h in hits if h["article_id"] == long.id)
    assert "<mark>بالميناء</mark>" in snippet
    assert "\u2e28" not in snippet and "\u2e29" not in snippet


def test_the_archive_fixture_original_is_found_by_its_stems(api, archive, editor):
    # ARABIC_TITLE holds لإعادة and المـيناء; the body لإعادة and ميناء.
    for query in ("إعادة", "ميناء", "بالميناء", "وإعادة"):
        assert ("original", archive["arabic"].id) in ids(api.get(f"/api/v1/search?q={query}", editor)), query


def test_arabic_title_matches_rank_first_and_exact_words_above_clitic_forms(api, session, reporter, editor):
    # Created best first: on a tie the newer comes first, so only the ranking can put them in this order.
    in_title = make_article(reporter, title="توسعة الميناء", body="بدأت أمس أعمال كبيرة في المدينة.")
    in_body = make_article(reporter, title="أخبار المدينة", body="بدأت أمس أعمال التوسعة بالميناء الجديد.")
    found = api.get("/api/v1/search?q=ميناء&kind=original", editor).json["items"]
    assert [h["article_id"] for h in found][:2] == [in_title.id, in_body.id]
    # A query word with clitics matches its exact form both as written and by its stem: that ranks higher.
    # (A bare query word, إعادة, is its own stem: لإعادة and إعادة then rank alike.)
    exact = make_article(reporter, title="قرار", body="أعلن المجلس استئناف العمل في الميناء اليوم.")
    clitic = make_article(reporter, title="قرار", body="أعلن المجلس استئناف العمل بالميناء اليوم.")
    found = api.get("/api/v1/search?q=الميناء&kind=original", editor).json["items"]
    pair = [h["article_id"] for h in found if h["article_id"] in (exact.id, clitic.id)]
    assert pair == [exact.id, clitic.id]


def test_english_words_are_not_stemmed_as_arabic(api, session, reporter, editor):
    walled = make_article(reporter, title="Wales", body="The walled city of Cardiff.", language="en")
    assert api.get("/api/v1/search?q=ales", editor).json["total"] == 0
    assert api.get("/api/v1/search?q=alled", editor).json["total"] == 0
    assert ("original", walled.id) in ids(api.get("/api/v1/search?q=wall", editor))  # English stemming


def test_public_search_finds_arabic_published_text_behind_clitics(client, session, reporter, adaptor, editor):
    english = make_article(reporter, title="Port works", body=ENGLISH_BODY, language="en", targets=["ar"])
    adaptation = drive(english.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor, editor=editor)
    adaptation.title = "أشغال الميناء"
    adaptation.body = "بدأت فرق الإنقاذ أعمالها بالميناء لإعادة فتحه."
    db.session.commit()
    pass_qa(adaptation, editor)
    adaptation_services.perform_action(db.session, adaptor, adaptation, "submit")
    adaptation_services.perform_action(db.session, editor, adaptation, "approve")
    db.session.commit()
    page = client.get("/news?q=إعادة")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"/news/{adaptation.id}/" in text and "<mark>لاعادة</mark>" in text


def test_english_words_match_other_forms_and_rank_title_matches_first(api, archive, editor):
    response = api.get("/api/v1/search?q=flood&language=en", editor)
    assert response.status_code == 200
    assert ids(response)[0] == ("original", archive["english"].id)
    assert api.get("/api/v1/search?q=run", editor).json["total"] >= 1  # "running" in the body, stemmed


def test_tags_people_state_and_dates_narrow_the_search(api, archive, editor):
    assert ("original", archive["arabic"].id) in ids(api.get("/api/v1/search?q=Ports", editor))
    by_people = set(ids(api.get("/api/v1/search?q=Omar Khalil", editor)))
    assert by_people == {
        ("original", archive["english"].id),
        ("adaptation", archive["english"].adaptations[0].id),
    }
    published = api.get("/api/v1/search?q=Floods&state=published", editor).json
    assert [(h["kind"], h["state"]) for h in published["items"]] == [("adaptation", "published")]
    today = utcnow().date()
    assert api.get(f"/api/v1/search?q=Floods&from={today}&to={today}", editor).json["total"] >= 1
    later = today + timedelta(days=2)
    assert api.get(f"/api/v1/search?q=Floods&from={later}", editor).json["total"] == 0


def test_edits_are_found_at_once(api, archive, editor):
    adaptation = archive["published"]
    assert api.get("/api/v1/search?q=zanzibar", editor).json["total"] == 0
    adaptation.title = "Zanzibar port plan"
    db.session.flush()
    found = api.get("/api/v1/search?q=zanzibar", editor).json
    assert [(h["kind"], h["adaptation_id"]) for h in found["items"]] == [("adaptation", adaptation.id)]


def test_reporters_find_only_their_own_work(api, archive, reporter):
    found = {h["article_id"] for h in api.get("/api/v1/search?q=Villages", reporter).json["items"]}
    assert archive["english"].id not in found
    mine = api.get("/api/v1/search?q=Ports", reporter).json
    assert {h["article_id"] for h in mine["items"]} == {archive["arabic"].id}


def test_pages_carry_the_total_and_links(api, session, editor):
    reporter = make_user(Role.REPORTER)
    for n in range(5):
        make_article(
            reporter, title=f"Harbour story {n}", body=f"The harbour report number {n}.", language="en"
        )
    first = api.get("/api/v1/search?q=harbour&kind=original&per_page=2", editor)
    assert first.json["total"] == 5 and len(first.json["items"]) == 2
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    last = api.get("/api/v1/search?q=harbour&kind=original&per_page=2&page=3", editor)
    assert len(last.json["items"]) == 1 and 'rel="prev"' in last.headers["Link"]
    doc = openapi_document()
    schema = doc["paths"]["/api/v1/search"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema_problems(first.json, schema, doc) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("q=%21%21%21", "q"),
        ("q=x&state=nowhere", "state"),
        ("q=x&language=zz", "language"),
        ("q=x&from=2026-13-01", "from"),
        ("q=x&from=2026-12-05&to=2026-12-01", "from"),
        ("q=x&page=0", "page"),
        ("q=x&per_page=1000", "per_page"),
        ("q=x&kind=published", "kind"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_arguments_are_400_naming_them(api, editor, query, field):
    assert_error(api.get(f"/api/v1/search?{query}", editor), 400, field=field)


def test_search_needs_a_signed_in_person(api, session):
    assert_error(api.get("/api/v1/search?q=x"), 401)


def test_the_desk_page_highlights_matches_and_explains_bad_filters(client, archive, adaptor):
    login(client, adaptor)
    page = client.get("/desk/search?q=partnership")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<mark>" in text and f"/desk/adaptations/{archive['published'].id}" in text
    bad = client.get("/desk/search?q=port&from=yesterday")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    hostile = client.get("/desk/search?q=<script>alert(1)</script>")
    assert "<script>alert(1)" not in hostile.get_data(as_text=True)


def test_public_search_finds_published_text_only(client, archive):
    published = archive["published"]
    page = client.get("/news?q=partnership")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"/news/{published.id}/" in text and "<mark>" in text
    # The original's Arabic text and the queued English original are not on the public site.
    assert "Villages flooded" not in client.get("/news?q=villages").get_data(as_text=True)
    # Work in progress on a correction is not searchable until it goes out.
    editor = make_user(Role.EDITOR)
    adaptation_services.perform_action(db.session, editor, published, "correct")
    published.body = "A secret draft about zanzibar."
    db.session.commit()
    assert f"/news/{published.id}/" not in client.get("/news?q=zanzibar").get_data(as_text=True)
    assert f"/news/{published.id}/" in client.get("/news?q=partnership").get_data(as_text=True)


def test_a_submission_is_indexed_once_however_often_it_flushes(api, session, reporter, editor, monkeypatch):
    """Building an article's documents is costly: the flushes of one transaction are indexed together, at
    its commit (or before a search in it), not once per flush."""
    indexed: list[set[int]] = []
    real = search_services.index_articles
    monkeypatch.setattr(
        search_services, "index_articles", lambda conn, ids: indexed.append(set(ids)) or real(conn, ids)
    )
    response = api.post(
        "/api/v1/articles",
        reporter,
        json={"title": "Harbour cranes", "body": ENGLISH_BODY, "language": "en", "targets": ["ar", "fr"]},
    )
    assert response.status_code == 201, response.json
    assert indexed == [{response.json["id"]}]
    assert api.get("/api/v1/search?q=cranes", editor).json["total"] == 1


def test_a_search_finds_what_its_own_transaction_wrote_before_the_commit(session, archive, editor):
    archive["published"].title = "Lighthouse keepers"  # not even flushed yet
    found = search_services.search_desk(session, editor, "lighthouse", search_services.SearchFilters())
    assert [(hit.kind, hit.adaptation_id) for hit in found.hits] == [("adaptation", archive["published"].id)]


def test_the_newest_matches_are_ranked_and_the_older_follow_newest_first(
    session, reporter, editor, monkeypatch
):
    """PostgreSQL ranks the newest RANK_WINDOW matches (ranking reads each one's whole document) and lists the
    older after them, newest first, so every match is still found, a page at a time; SQLite ranks them all."""
    monkeypatch.setattr(search_services, "RANK_WINDOW", 3)
    best = make_article(
        reporter, title="Harbour harbour", body="The harbour, the harbour again.", language="en"
    )
    older = [
        make_article(reporter, title=f"Story {n}", body=f"A harbour note {n}.", language="en") for n in (0, 1)
    ]
    best_in_window = make_article(reporter, title="Harbour news", body="The harbour opened.", language="en")
    newest = [
        make_article(reporter, title=f"Story {n}", body=f"A harbour note {n}.", language="en") for n in (3, 4)
    ]
    filters = search_services.SearchFilters(kind="original")

    found = search_services.search_desk(session, editor, "harbour", filters, per_page=10)
    order = [hit.article_id for hit in found.hits]
    paged = [
        hit.article_id
        for page in (1, 2, 3)
        for hit in search_services.search_desk(
            session, editor, "harbour", filters, page=page, per_page=2
        ).hits
    ]

    past_the_end = search_services.search_desk(session, editor, "harbour", filters, page=4, per_page=2)
    assert found.total == 6 and paged == order
    assert past_the_end.hits == [] and past_the_end.total == 6
    if session.get_bind().dialect.name == "postgresql":
        assert order == [best_in_window.id, newest[1].id, newest[0].id, older[1].id, older[0].id, best.id]
    else:
        assert order[0] in (best.id, best_in_window.id) and sorted(order) == sorted(
            [best.id, best_in_window.id, *(a.id for a in older + newest)]
        )


def test_each_search_reads_the_full_text_index_of_its_own_kinds(session, archive, editor):
    """A desk search reads the desk's index, a public one the site's (migration 0020), never an index of every
    document of a kind; on SQLite both read the FTS5 table."""
    seen: list[tuple[str, object]] = []
    engine = session.get_bind()

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if "search_documents" in statement and not statement.startswith("SELECT count("):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        search_services.search_desk(session, editor, "harbour", search_services.SearchFilters())
        search_services.search_published(session, "harbour")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    plans = []
    if engine.dialect.name == "postgresql":
        # A table of a few rows is read whole, or through the kinds' b-tree indexes: without those ways (gone
        # until the test's transaction is rolled back), the plan shows whether the query's kinds let PostgreSQL
        # read a partial full-text index at all (a sequential scan otherwise).
        for sql in (
            "SET LOCAL enable_seqscan = off",
            "DROP INDEX ix_search_documents_kind_dated_at",
            "ALTER TABLE search_documents DROP CONSTRAINT uq_search_documents_kind_ref_id",
        ):
            session.connection().exec_driver_sql(sql)
    for statement, parameters in seen[-2:]:
        explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        rows = session.connection().exec_driver_sql(explain + statement, parameters).all()
        plans.append(" ".join(str(r[-1]) for r in rows))
    if engine.dialect.name == "postgresql":
        # The kinds are in the SQL, not parameters: a prepared statement's generic plan (psycopg prepares what
        # runs five times) knows no parameter's value, so could not prove a partial index's kinds from one.
        assert "IN ('original', 'adaptation')" in seen[-2][0] and "IN ('published')" in seen[-1][0]
        assert "ix_search_documents_desk" in plans[0] and "ix_search_documents_site" not in plans[0]
        assert "ix_search_documents_site" in plans[1] and "ix_search_documents_desk" not in plans[1]
        assert not any("Seq Scan on search_documents" in plan for plan in plans), plans
    else:
        assert all("search_fts VIRTUAL TABLE INDEX" in plan for plan in plans), plans


def _documents_of(article_id: int) -> list[tuple]:
    rows = db.session.scalars(
        select(SearchDocument).where(SearchDocument.article_id == article_id).order_by(SearchDocument.id)
    ).all()
    return [
        (d.id, d.kind, d.ref_id, d.state, d.dated_at, d.restricted, d.title_key, d.body_key, d.people)
        for d in rows
    ]


@pytest.fixture()
def rebuilt(monkeypatch) -> list[set[int]]:
    """The articles whose search documents are rebuilt (each call of `index_articles`), as they happen."""
    calls: list[set[int]] = []
    index_articles = search_services.index_articles

    def recorded(connection, article_ids, **kwargs):
        calls.append(set(article_ids))
        return index_articles(connection, article_ids, **kwargs)

    monkeypatch.setattr(search_services, "index_articles", recorded)
    return calls


def test_a_draft_s_state_changes_update_the_adaptation_s_document_in_place(session, reporter, rebuilt):
    """Draft started and ready move only the adaptation's state: its document is updated, the article's are
    not rebuilt, and what it holds is what a rebuild writes."""
    article = make_article(reporter, title=ARABIC_TITLE, body=ARABIC_BODY, targets=["en", "fr"])
    db.session.commit()
    before = _documents_of(article.id)
    adaptation = article.adaptations[0]
    rebuilt.clear()
    finish_draft(adaptation)  # take_job (translating), commit ... finish_draft (draft_ready), commit
    after = _documents_of(article.id)
    assert rebuilt == []
    assert [d[0] for d in after] == [d[0] for d in before]
    states = {d[2]: d[3] for d in after if d[1] == "adaptation"}
    assert states == {adaptation.id: "draft_ready", article.adaptations[1].id: "queued"}
    search_services.index_articles(db.session.connection(), [article.id])
    rebuilt = _documents_of(article.id)
    assert sorted(d[1:] for d in rebuilt) == sorted(d[1:] for d in after)


def test_a_state_change_with_new_text_or_holder_rebuilds_the_article(session, reporter, adaptor, rebuilt):
    article = make_article(reporter, title=ARABIC_TITLE, body=ARABIC_BODY)
    finish_draft(article.adaptations[0])
    rebuilt.clear()
    adaptation_services.perform_action(db.session, adaptor, article.adaptations[0], "claim")
    db.session.commit()
    after = _documents_of(article.id)
    assert rebuilt == [{article.id}]  # the holder is in its people
    assert any(
        d[1] == "adaptation" and d[3] == "in_adaptation" and "nadine" in d[8].casefold() for d in after
    )
