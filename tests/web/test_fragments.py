"""The row fragments written in Python (workflow/web/fragments.py) and the per-request catalog: the markup the
macros wrote, escaping, the interface language, and `force_locale` inside a request."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from workflow.domain.priority import DeadlineMark
from workflow.web import fragments
from workflow.web.i18n import catalog, interface_language

ARABIC = {"Accept-Language": "ar"}


@pytest.fixture()
def page(app):
    """A request in English (no login), as a page renders."""
    with app.test_request_context("/desk/queue"):
        yield


def adaptation(**values):
    """An adaptation as the fragments read it."""
    fields = {
        "id": 7,
        "priority": "normal",
        "deadline": None,
        "mark": None,
        "draft": None,
        "state": "draft_ready",
    }
    fields.update(values)
    row = SimpleNamespace(**fields)
    row.deadline_mark = lambda: fields["mark"]
    return row


def test_a_person_is_isolated_and_escaped_and_nobody_is_said(page):
    """A name is set apart in its own direction, its markup escaped; no person reads "nobody"."""
    assert fragments.person(SimpleNamespace(display_name="<b>Nadine</b>")) == Markup(
        '<bdi class="person" lang="" dir="auto">&lt;b&gt;Nadine&lt;/b&gt;</bdi>'
    )
    assert fragments.person(None) == Markup('<span class="muted">nobody</span>')


def test_language_attributes_follow_the_language(page):
    """Arabic is right to left, English left to right, an unknown language is left to the browser."""
    assert fragments.lang_attrs("ar") == Markup('lang="ar" dir="rtl"')
    assert fragments.lang_attrs("en") == Markup('lang="en" dir="ltr"')
    assert fragments.lang_attrs(None) == Markup('lang="" dir="auto"')


def test_a_language_pair_names_both_languages(page):
    """The arrow is hidden from screen readers, which read "to"."""
    assert fragments.language_pair("ar", "en") == Markup(
        '<span class="pair">Arabic <span class="dir-arrow" aria-hidden="true">→</span>'
        '<span class="visually-hidden">to</span> English</span>'
    )


def test_a_state_badge_is_marked_for_live_updates_only_with_an_adaptation(page):
    """desk.js finds a badge by its adaptation's id."""
    assert fragments.state_badge("in_review", 12) == Markup(
        '<span class="state state-in_review" data-state-for="12">in review</span>'
    )
    assert fragments.state_badge("published") == Markup(
        '<span class="state state-published">published</span>'
    )


def test_urgency_shows_priority_mark_and_deadline(page):
    """A normal, undated adaptation shows nothing; an urgent overdue one shows all three."""
    assert fragments.urgency(adaptation()) == Markup("")
    due = datetime(2026, 3, 2, 17, 45, tzinfo=UTC)
    html = fragments.urgency(adaptation(priority="urgent", deadline=due, mark=DeadlineMark.OVERDUE))
    assert html == Markup(
        '<span class="badge priority priority-urgent" data-priority="urgent">urgent</span>'
        ' <span class="badge deadline-overdue" data-deadline-mark="overdue">overdue</span>'
        ' <span class="meta deadline">due <time datetime="2026-03-02T17:45:00+00:00">'
        "Mar 2, 2026, 17:45 UTC</time></span>"
    )


def test_draft_progress_in_each_state(page):
    """No draft; a running draft polled with its sentences counted; a ready draft full; a failed one said."""
    assert fragments.draft_progress(adaptation()) == Markup(
        '<div class="draft-progress"><span class="muted">no machine draft</span>\n</div>'
    )
    running = fragments.draft_progress(
        adaptation(draft=SimpleNamespace(state="translating", segments_done=3, segments_total=30))
    )
    assert running.startswith(
        '<div class="draft-progress" data-poll-adaptation="7" data-poll-url="/api/v1/adaptations/7/progress"'
        " data-words='{"
    )
    assert (
        '<progress data-progress max="30" value="3"\n    aria-label="Machine draft: translating 3 of 30 sentences">'
        "3/30</progress>" in running
    )
    ready = fragments.draft_progress(
        adaptation(draft=SimpleNamespace(state="ready", segments_done=30, segments_total=30))
    )
    assert "data-poll" not in ready
    assert '<progress data-progress max="30" value="30"' in ready
    assert '<span class="draft-state draft-ready" data-draft-state>ready</span>' in ready
    failed = fragments.draft_progress(
        adaptation(draft=SimpleNamespace(state="failed", segments_done=0, segments_total=None))
    )
    assert (
        '<progress data-progress max="1"\n    aria-label="Machine draft: failed">0/None</progress>' in failed
    )


def test_an_action_button_posts_the_action_with_its_token(page):
    """The form posts to the action, carries the CSRF token and the origin, and asks first when told to."""
    html = fragments.action_button(7, "withdraw", "report", "Withdraw", "danger", 'Withdraw "it"?')
    assert html.startswith(
        '<form class="inline-form" method="post" action="/desk/adaptations/7/actions/withdraw"'
        ' data-confirm="Withdraw &#34;it&#34;?">\n  <input type="hidden" name="csrf_token" value="'
    )
    assert html.endswith(
        '<input type="hidden" name="origin" value="report">\n'
        '  <button type="submit" class="danger">Withdraw</button>\n</form>'
    )
    plain = fragments.action_button(7, "claim", "queue", "Claim")
    assert "data-confirm" not in plain and '<button type="submit">Claim</button>' in plain


def test_language_options_choose_one_and_name_every_language(page):
    """Every known language is offered, the chosen one selected, with or without its code."""
    html = fragments.language_options("ar")
    assert '<option value="ar" selected>Arabic (ar)</option>' in html
    assert '<option value="en">English (en)</option>' in html
    assert html.count(" selected") == 1
    assert fragments.language_options().count(" selected") == 0
    assert '<option value="fr">French</option>' in fragments.language_options(None, with_code=False)
    assert fragments.language_options("<no such language>") == fragments.language_options()


def test_fragments_speak_the_interface_language(app):
    """In Arabic, "nobody" and the state are Arabic words."""
    with app.test_request_context("/desk/queue", headers=ARABIC):
        assert "nobody" not in fragments.person(None)
        assert ">in review<" not in fragments.state_badge("in_review")


def test_the_request_catalog_follows_force_locale_and_comes_back(app):
    """Mail written in another language inside a request gets that language's catalog and name, then the
    page's."""
    with app.test_request_context("/desk/queue", headers=ARABIC):
        arabic = catalog().ugettext("nobody")
        assert arabic != "nobody" and interface_language() == "ar"
        with force_locale("en"):
            assert catalog().ugettext("nobody") == "nobody"
            assert interface_language() == "en"
        assert catalog().ugettext("nobody") == arabic
        assert interface_language() == "ar"
