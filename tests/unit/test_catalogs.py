"""The interface's catalogs: every message the code and the pages use is translated into Arabic, with the same
placeholders; the compiled catalog that ships is the one the .po file says; and the pages already moved to
the catalog keep no text outside it."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workflow" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

#: Pages whose every visible word goes through the catalog (the rest of the desk moves there next): the public
#: site, and the desk's pages and pieces listed here.
TRANSLATED_TEMPLATES = sorted(
    [
        "auth/login.html",
        "error.html",
        "memory/search.html",
        "_qa.html",
        "_filters.html",
        "_lead_image.html",
        "admin/models.html",
        "reporter/reports.html",
        "adaptation/_assist.html",
        "api_docs.html",
        "base.html",
        "macros.html",
        "adaptation/queue.html",
        "review/queue.html",
        "adaptation/mine.html",
        "reporter/new_report.html",
        "reporter/report.html",
        "adaptation/workbench.html",
        "review/adaptation.html",
        "notifications/list.html",
        "account/page.html",
        "glossary/terms.html",
        "admin/users.html",
        "admin/person.html",
        "admin/audit.html",
        "admin/_audit_rows.html",
        "admin/webhooks.html",
        *(
            p.relative_to(ROOT / "templates").as_posix()
            for folder in ("public", "search", "reports")
            for p in (ROOT / "templates" / folder).glob("*.html")
        ),
    ]
)
#: Words that are the same in every language: the product's name.
UNTRANSLATED_WORDS = {"Adaptdesk"}


def extracted() -> dict[str, tuple[str | tuple[str, ...], str | None]]:
    """Every message in the Python code and the templates, as pybabel extracts them (babel.cfg's methods),
    with its context (pgettext) if it has one."""
    method_map = [("workflow/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        keywords={
            "_": None,
            "gettext": None,
            "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2),
            "lazy_gettext": None,
            "N_": None,
        },
    ):
        key = message if isinstance(message, str) else message[0]
        found[f"{context}\x04{key}" if context else key] = (message, context)
    return found


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def test_every_message_is_translated_into_arabic_with_its_placeholders():
    arabic = catalog("ar")
    messages = extracted()
    assert messages, "nothing was extracted: the extraction itself is broken"
    problems = []
    for key, (message, context) in sorted(messages.items()):
        entry = arabic.get(message, context=context)
        if entry is None:
            problems.append(f"not in the Arabic catalog: {key!r}")
            continue
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(forms) or entry.fuzzy:
            problems.append(f"untranslated or fuzzy: {key!r}")
            continue
        wanted = set(PLACEHOLDER.findall(key))
        for form in forms:
            # A plural form may leave out %(num)d ("one minute"), never another placeholder.
            if set(PLACEHOLDER.findall(form)) - wanted or (wanted - {"num"}) - set(PLACEHOLDER.findall(form)):
                problems.append(f"placeholders differ: {key!r} → {form!r}")
    assert not problems, "\n".join(problems)


def _messages(compiled) -> dict:
    """A compiled catalog's messages, plural ones as tuples."""
    as_key = lambda value: value if isinstance(value, str) else tuple(value)  # noqa: E731
    return {as_key(m.id): as_key(m.string) for m in compiled if m.id}


def test_the_shipped_compiled_catalog_is_the_po_file_compiled():
    """`pybabel compile -d workflow/translations` was run after the last change to the .po file."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        language = po.parent.parent.name
        fresh = io.BytesIO()
        write_mo(fresh, catalog(language))
        fresh.seek(0)
        with (po.with_suffix(".mo")).open("rb") as f:
            shipped = _messages(read_mo(f))
        compiled = _messages(read_mo(fresh))
        assert shipped == compiled, f"{language}: run pybabel compile -d workflow/translations"


class VisibleText(HTMLParser):
    """Text a reader sees (and attributes read aloud) in a template with its Jinja parts taken out."""

    READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "content")

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        described = tag == "meta" and dict(attrs).get("name") == "description"
        for name, value in attrs:
            if value and (name in self.READ_ATTRIBUTES[:-1] or (name == "content" and described)):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.found.append(data)


def untranslated_text(source: str) -> list[str]:
    """Words in a template that do not come from the catalog or from data."""
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    parser = VisibleText()
    parser.feed(source)
    words = []
    for chunk in parser.found:
        for word in re.findall(r"[^\W\d_]{2,}", chunk):
            if word not in UNTRANSLATED_WORDS:
                words.append(word)
    return words


@pytest.mark.parametrize("template", TRANSLATED_TEMPLATES)
def test_a_translated_page_has_no_text_outside_the_catalog(template):
    source = (ROOT / "templates" / template).read_text(encoding="utf-8")
    assert untranslated_text(source) == [], f"{template}: wrap these in _() and add them to the catalogs"


def test_the_page_check_finds_text_outside_the_catalog():
    """The check above is not vacuous: plain words, and words in read-aloud attributes, are found."""
    assert untranslated_text('<p>{{ _("Fine") }} Latest news</p>') == ["Latest", "news"]
    assert untranslated_text('<nav aria-label="More stories">{{ x }}</nav>') == ["More", "stories"]
    assert untranslated_text("<p>{{ _('Fine') }} {% if x %}{{ y }}{% endif %}</p>") == []
