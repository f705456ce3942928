"""The interface's catalogs: every message the code and the pages use is translated into Arabic, with the same
placeholders; the compiled catalog that ships is the one the .po file says; and the pages already moved to
the catalog keep no text outside it."""

from __future__ import annotations

import ast
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


#: Where the code says something to a person that is refused or told what happened: the refusal classes of
#: `services.errors` and the domain's `Refusal` (their message argument), and `abort(description=…)`.
REFUSALS = {
    "ServiceError": 0,
    "NotAllowed": 0,
    "NotFound": 0,
    "Conflict": 0,
    "StaleVersion": 0,
    "InvalidInput": 1,
    "Refusal": 2,
}
#: Calls whose text goes to the catalog: the domain's marker and Flask-Babel's functions.
MARKERS = {"N_", "gettext", "lazy_gettext", "ngettext", "pgettext", "_"}


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _message_argument(call: ast.Call) -> ast.expr | None:
    name = _called(call)
    if name in REFUSALS:
        position = REFUSALS[name]
        if len(call.args) > position:
            return call.args[position]
        return next((k.value for k in call.keywords if k.arg == "message"), None)
    if name == "abort":
        return next((k.value for k in call.keywords if k.arg == "description"), None)
    return None


def _words_outside_the_catalog(node: ast.expr) -> bool:
    """Text written in place (a literal, an f-string, text joined to text) instead of a catalog call or a value
    that holds one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _words_outside_the_catalog(node.left) or _words_outside_the_catalog(node.right)
    if isinstance(node, ast.IfExp):
        return _words_outside_the_catalog(node.body) or _words_outside_the_catalog(node.orelse)
    formatted = (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
    )
    return formatted


def unmarked_refusals(source: str, filename: str = "<source>") -> list[str]:
    """Refusal and error messages in `source` that do not go through the catalog (file:line: text)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            message = _message_argument(node)
            if message is not None and _words_outside_the_catalog(message):
                found.append(f"{filename}:{node.lineno}: {ast.get_source_segment(source, message)}")
    return found


def test_every_refusal_and_api_error_message_goes_through_the_catalog():
    """A service's refusal, the domain's, or an error a view aborts with is said to people (pages) and to
    programs' users (the API's `message`): it is marked with N_ (or gettext) so the test above finds it in the
    Arabic catalog, and is translated where it is shown. Its `code` stays the same in every language."""
    problems = []
    for path in sorted((ROOT / "workflow").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        problems += unmarked_refusals(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not problems, "mark these with N_ (workflow.domain.messages) and translate them:\n" + "\n".join(
        problems
    )


def test_the_refusal_check_finds_text_outside_the_catalog():
    """The check above is not vacuous: literals, f-strings and joined text are found; marked text is not."""
    source = """
raise NotFound("No such thing.")
raise InvalidInput("title", f"The title is {n} characters.")
raise Conflict("Held " + "by someone.", code="held")
abort(404, description="Gone.")
Refusal(409, "held", "Held by {}.".format(name))
raise NotFound(N_("No such thing."))
raise InvalidInput("title", N_("The title is %(n)s characters.", n=n))
abort(404, description=exc.message)
Refusal(409, "held", N_("Held."))
"""
    assert [line.split(": ", 1)[0] for line in unmarked_refusals(source)] == [
        "<source>:2",
        "<source>:3",
        "<source>:4",
        "<source>:5",
        "<source>:6",
    ]


def test_every_domain_message_is_a_catalog_message():
    """What the domain says (refusals, done-sentences, states and action names inside them) is a marked
    catalog message, and every value inside it that is words is one too."""
    from workflow.domain.actions import ACTIONS, STATE_WORDS
    from workflow.domain.messages import Listing, Message
    from workflow.domain.rules import Actor, Subject, refusal_for
    from workflow.domain.states import Role, State

    arabic = catalog("ar")

    def check(message) -> None:
        assert isinstance(message, Message | Listing), repr(message)
        if isinstance(message, Listing):
            for item in message.items:
                check(item)
            return
        entry = arabic.get(message.msgid)
        assert entry is not None and entry.string, f"not translated: {message.msgid!r}"
        for value in message.params.values():
            if isinstance(value, str) and not isinstance(value, Message | Listing):
                continue  # data: a name, a date
            if isinstance(value, Message | Listing):
                check(value)

    nobody = Actor(1, frozenset())
    everyone = Actor(2, frozenset(Role))
    for action in ACTIONS.values():
        for state in action.target.states:
            check(action.done_message(state, rounds=1, publish_at=None))
        for actor in (nobody, everyone):
            for state in State:
                subject = Subject(state, reporter_id=3, holder_id=4, published=True, source_changed=True)
                refusal = refusal_for(action, actor, subject)
                if refusal is not None:
                    check(refusal.message)
    for word in STATE_WORDS.values():
        check(word)


# QA findings: what the checks say about an adaptation is shown on the editor's and the review page and sent by
# the API, so it goes through the catalog too.

QA_MODULES = ROOT / "workflow" / "domain" / "qa"


def unmarked_findings(source: str, filename: str = "<source>") -> list[str]:
    """`Finding(...)` messages in `source` that are not catalog messages: the message argument (4th, or
    `message=`) must be an `N_` call, or a name every assignment of which in the module is one."""
    tree = ast.parse(source, filename)
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            assigned.setdefault(node.target.id, []).append(node.value)

    def marked(node: ast.expr) -> bool:
        if isinstance(node, ast.Call):
            return _called(node) in MARKERS
        if isinstance(node, ast.Name):
            values = assigned.get(node.id, [])
            return bool(values) and all(isinstance(v, ast.Call) and _called(v) in MARKERS for v in values)
        return False

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) == "Finding":
            message = node.args[3] if len(node.args) > 3 else None
            message = next((k.value for k in node.keywords if k.arg == "message"), message)
            if message is None or not marked(message):
                shown = ast.get_source_segment(source, message) if message is not None else "(none)"
                found.append(f"{filename}:{node.lineno}: {shown}")
    return found


def test_every_qa_finding_message_is_marked_for_the_catalog():
    """Each check's `Finding` says its message with N_ (values as named placeholders), never an f-string or a
    literal, so it reaches the Arabic catalog and is translated where it is shown."""
    problems = []
    calls = 0
    for path in sorted(QA_MODULES.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        calls += source.count("Finding(")
        problems += unmarked_findings(source, str(path.relative_to(ROOT)))
    assert calls >= 12, "the QA checks were not found: the test itself is broken"
    assert not problems, "mark these QA messages with N_ (workflow.domain.messages):\n" + "\n".join(problems)


def test_the_finding_check_finds_unmarked_messages():
    """The check above is not vacuous: literals, f-strings, joined text and a name holding one are found."""
    source = """
Finding("numbers", ERROR, key, f"The original has {shown}.")
Finding("title", ERROR, "", "No title.")
Finding("names", WARNING, name, message="The original names " + name)
text = f"Stray letters: {shown}."
Finding("untranslated", WARNING, run, text)
Finding("numbers", ERROR, key, N_("The original has %(number)s.", number=shown))
said = N_("No title.")
Finding("title", ERROR, "", said)
Finding("title", ERROR, "", message=N_("No title."))
"""
    assert [line.split(": ", 1)[0] for line in unmarked_findings(source)] == [
        "<source>:2",
        "<source>:3",
        "<source>:4",
        "<source>:6",
    ]


def _qa_findings_of_every_kind():
    """Findings of every check, and of every wording of each, from texts made to trip them."""
    from workflow.domain.glossary import TermHit
    from workflow.domain.qa import (
        ForbiddenRendering,
        check_dates,
        check_forbidden,
        check_glossary,
        check_length,
        check_names,
        check_numbers,
        check_punctuation,
        check_title,
        check_untranslated,
    )

    hit = TermHit(0, 9, "بيونغ يانغ", 1, "بيونغ يانغ", "Pyongyang", "", ())
    hit_with_alternatives = TermHit(0, 4, "كيم", 2, "كيم", "Kim", "", ("Kim Jong Un",))
    long_source = "كلمة " * 200
    return [
        *check_title(""),
        *check_numbers("قتل ٢٤ شخصاً في ١٩ حزيران ٢٠٢٤.", "ar", "People died on June 19.", "en"),
        *check_numbers("قتل ٢٤ شخصاً.", "ar", "25 people died.", "en"),
        *check_dates("وقع في ١٥ حزيران.", "ar", "It happened on the 15th.", "en"),
        *check_glossary([hit, hit_with_alternatives], "Pyong Yang welcomed him.", "en"),
        *check_forbidden(
            [ForbiddenRendering("North Korean regime", "كوريا", "North Korea")],
            "The North Korean regime said.",
            "en",
        ),
        *check_untranslated("وصل Reuters إلى المدينة.", "en", "ar"),
        *check_untranslated("He said بسبب الحرب والحصار there.", "ar", "en"),
        *check_untranslated("He said ب there, ٢٤ times.", "ar", "en"),
        *check_names("", "ar", "Vladimir Putin met Kim Jong Un in Pyongyang.", "He met him there.", "en"),
        *check_punctuation("A (title", 'Text ) with " quote'),
        *check_length(long_source, "ar", "Short.", "en"),
        *check_length(long_source, "ar", "word " * 2000, "en"),
    ]


def test_every_qa_finding_says_a_translated_catalog_message():
    """What each check says is a catalog `Message` with an Arabic translation; the words inside it (the
    problem with a pair of brackets) are messages too, the numbers, names and terms are data."""
    from workflow.domain.messages import Message
    from workflow.domain.qa import CHECK_WORDS, CHECKS

    arabic = catalog("ar")
    findings = _qa_findings_of_every_kind()
    msgids = set()

    def check(message) -> None:
        assert isinstance(message, Message), f"not a catalog message: {message!r}"
        entry = arabic.get(message.msgid)
        assert entry is not None and entry.string, f"not translated: {message.msgid!r}"
        msgids.add(message.msgid)
        for value in message.params.values():
            if isinstance(value, Message):
                check(value)

    for finding in findings:
        check(finding.message)
    for word in (*CHECKS.values(), *CHECK_WORDS.values()):
        check(word)
    assert {f.check for f in findings} == set(CHECKS), "a check is not tripped: the test itself is broken"
    finding_msgids = {f.message.msgid for f in findings}
    assert len(finding_msgids) >= 16, sorted(finding_msgids)
