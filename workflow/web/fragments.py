"""The small pieces of HTML every list row repeats — a person, a language pair, a state badge, an urgency mark, a
draft's progress, an action button — written in Python.

They were Jinja macros. A call of a macro costs Jinja a new frame, its arguments' bookkeeping and a join of its
output, which is nothing on one page and much of a fifty-row queue's rendering, where each row calls ten.
`macros.html` binds these functions under the macros' old names (`m.person`, `m.state_badge` …), so templates
call them exactly as before, and the markup they write is the macros' own.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from flask import Flask, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..domain.languages import LANGUAGE_NAMES, text_direction
from .i18n import catalog, localized_language_name, when
from .templating import draft_progress_words, priority_label, state_label

#: Draft states in which the page polls for progress.
_RUNNING = ("queued", "translating")


def _(message: str, **values: Any) -> Markup:
    """A catalog message in the interface language, as templates write one: the message is markup, its values
    are escaped."""
    return Markup(catalog().ugettext(message)) % values


def lang_attrs(code: str | None) -> Markup:
    """`lang` and `dir` for text in a known language; unknown language: lang="" and dir="auto"."""
    if code:
        return Markup('lang="%s" dir="%s"') % (code, text_direction(code))
    return Markup('lang="" dir="auto"')


def csrf() -> Markup:
    """The hidden field carrying the form's CSRF token."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


def person(user: Any) -> Markup:
    """A person's name, isolated from the text around it (either direction); "nobody" when there is none."""
    if user:
        return Markup('<bdi class="person" lang="" dir="auto">%s</bdi>') % user.display_name
    return Markup('<span class="muted">%s</span>') % _("nobody")


def language_pair(source: str | None, target: str | None) -> Markup:
    """ "Arabic → English", the arrow hidden from screen readers, which read "to"."""
    return Markup(
        '<span class="pair">%s <span class="dir-arrow" aria-hidden="true">→</span>'
        '<span class="visually-hidden">%s</span> %s</span>'
    ) % (localized_language_name(source), _("to"), localized_language_name(target))


def state_badge(state: str, adaptation_id: int | None = None) -> Markup:
    """A state as a badge; with an adaptation's id, desk.js updates it when the state changes."""
    marker = Markup(' data-state-for="%s"') % adaptation_id if adaptation_id else ""
    return Markup('<span class="state state-%s"%s>%s</span>') % (state, marker, state_label(state))


def urgency(adaptation: Any) -> Markup:
    """How urgent an adaptation is and whether its deadline is past or within the hour (normal, undated:
    nothing)."""
    parts = []
    if adaptation.priority != "normal":
        parts.append(
            Markup('<span class="badge priority priority-%s" data-priority="%s">%s</span>')
            % (adaptation.priority, adaptation.priority, priority_label(adaptation.priority))
        )
    mark = adaptation.deadline_mark()
    if mark:
        words = _("overdue") if mark.value == "overdue" else _("due within the hour")
        parts.append(
            Markup(' <span class="badge deadline-%s" data-deadline-mark="%s">%s</span>')
            % (mark.value.replace("_", "-"), mark.value, words)
        )
    if adaptation.deadline:
        due_at = Markup('<time datetime="%s">%s</time>') % (
            adaptation.deadline.isoformat(),
            when(adaptation.deadline),
        )
        parts.append(Markup(' <span class="meta deadline">%s</span>') % _("due %(time)s", time=due_at))
    return Markup("").join(parts)


def draft_words(draft: Any) -> Markup:
    """A machine draft's state as words: "waiting for a translator", "translating 3 of 30 sentences" …"""
    state = draft.state
    if state == "queued":
        return _("waiting for a translator")
    if state == "translating":
        if draft.segments_total:
            return _(
                "translating %(done)s of %(total)s sentences",
                done=draft.segments_done,
                total=draft.segments_total,
            )
        return _("translating")
    if state == "ready":
        return _("ready")
    if state == "failed":
        return _("failed")
    return escape(state_label(state))


def draft_progress(adaptation: Any) -> Markup:
    """The machine draft's progress; while it runs, desk.js polls the API and updates it in place."""
    d = adaptation.draft
    running = ""
    if d and d.state in _RUNNING:
        running = Markup(' data-poll-adaptation="%s" data-poll-url="%s" data-words=\'%s\'') % (
            adaptation.id,
            f"/api/v1/adaptations/{adaptation.id}/progress",
            draft_progress_words(),
        )
    if not d:
        inner = Markup('<span class="muted">%s</span>') % _("no machine draft")
    else:
        words = draft_words(d)
        whole = d.segments_total if d.segments_total else 1
        if d.state == "ready":
            value = Markup(' value="%s"') % whole
        elif d.segments_total:
            value = Markup(' value="%s"') % d.segments_done
        else:
            value = ""
        inner = Markup(
            '\n  <progress data-progress max="%s"%s\n    aria-label="%s">%s/%s</progress>\n'
            '  <span class="draft-state draft-%s" data-draft-state>%s</span>'
        ) % (
            whole,
            value,
            _("Machine draft: %(state)s", state=words),
            d.segments_done,
            d.segments_total,
            d.state,
            words,
        )
    return Markup('<div class="draft-progress"%s>%s\n</div>') % (running, inner)


def action_button(
    adaptation_id: int, name: str, origin: str, label: str, class_: str = "", confirm: str = ""
) -> Markup:
    """One workflow action as a button in its own small form."""
    return Markup(
        '<form class="inline-form" method="post" action="%s"%s>\n  %s\n'
        '  <input type="hidden" name="origin" value="%s">\n'
        '  <button type="submit"%s>%s</button>\n</form>'
    ) % (
        url_for("actions.take", adaptation_id=adaptation_id, name=name),
        Markup(' data-confirm="%s"') % confirm if confirm else "",
        csrf(),
        origin,
        Markup(' class="%s"') % class_ if class_ else "",
        label,
    )


#: Every known language as (code, name), by name: what a language field offers.
_LANGUAGES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])


def language_options(selected: str | None = None, with_code: bool = True) -> Markup:
    """A language field's `<option>`s ("Arabic (ar)"), `selected` chosen: written once per choice, not at every
    page (they are two hundred, and the lists' filters and the search form show them)."""
    return _language_options(selected if selected in LANGUAGE_NAMES else None, with_code)


@functools.cache  # one per known language and form: what a query string names is checked first
def _language_options(selected: str | None, with_code: bool) -> Markup:
    option = (
        Markup('<option value="%s"%s>%s (%s)</option>')
        if with_code
        else Markup('<option value="%s"%s>%s</option>')
    )
    chosen = Markup(" selected")
    return Markup("").join(
        option
        % (
            (code, chosen if code == selected else "", name, code)
            if with_code
            else (code, chosen if code == selected else "", name)
        )
        for code, name in _LANGUAGES
    )


#: What `macros.html` binds under the macros' names.
FRAGMENTS = SimpleNamespace(
    lang_attrs=lang_attrs,
    csrf=csrf,
    person=person,
    language_pair=language_pair,
    state_badge=state_badge,
    urgency=urgency,
    draft_progress=draft_progress,
    action_button=action_button,
)


def register_fragments(app: Flask) -> None:
    """Give every template the fragments (`macros.html` binds them)."""
    app.jinja_env.globals.update(fragments=FRAGMENTS, language_options=language_options)
