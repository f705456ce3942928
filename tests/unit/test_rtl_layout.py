"""Right to left: the desk's and the site's own styles lay things out with logical properties (start/end,
inline/block), so the Arabic interface is the English one mirrored; arrows point along the reading direction.

Vendored styles (workflow/static/vendor) are someone else's and are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = sorted((ROOT / "workflow" / "static" / "css").glob("*.css"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

#: A declaration that places something on the left or the right whatever the reading direction.
PHYSICAL = re.compile(
    r"""(?ix)
    (?:^|[;{\s"])                                   # start of a declaration
    (?:
        (?P<prop>
            (?:margin|padding|border|scroll-margin|scroll-padding)-(?:left|right)(?:-[a-z]+)?
          | border-(?:top|bottom)-(?:left|right)-radius
          | left | right
        )\s*:
      | (?P<keyword>float|clear|text-align|caption-side)\s*:\s*(?:left|right)\b
    )
    """
)
#: Declarations that must stay physical, with why: (file name, text of the declaration) → reason. Empty: none
#: is needed today.
ALLOWED: dict[tuple[str, str], str] = {}


def physical_declarations(css: str) -> list[str]:
    """The declarations in a style sheet (or a style attribute) that name left or right."""
    css = re.sub(r"/\*.*?\*/", " ", css, flags=re.S)
    found = []
    for match in PHYSICAL.finditer(css):
        end = css.find(";", match.end())
        end = len(css) if end == -1 else end
        closing = css.find("}", match.end())
        if closing != -1:
            end = min(end, closing)
        found.append(css[match.start() : end].strip(' ;{"\n'))
    return found


def _style_sources() -> list[tuple[str, str]]:
    sources = [(path.name, path.read_text(encoding="utf-8")) for path in STYLESHEETS]
    for path in TEMPLATES:
        html = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT / "templates").as_posix()
        sources += [(name, block) for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S)]
        sources += [(name, style) for style in re.findall(r'\sstyle="([^"]*)"', html)]
    return sources


def test_the_styles_use_logical_properties_not_left_and_right():
    problems = [
        f"{name}: {declaration}"
        for name, css in _style_sources()
        for declaration in physical_declarations(css)
        if (name, declaration) not in ALLOWED
    ]
    assert not problems, (
        "use inline-start/inline-end (margin-inline-start, inset-inline-end, text-align: start…):\n"
        + ("\n".join(problems))
    )


def test_the_allowed_physical_declarations_still_exist():
    """An exception that is no longer needed is taken off the list."""
    present = {(name, d) for name, css in _style_sources() for d in physical_declarations(css)}
    assert set(ALLOWED) <= present


@pytest.mark.parametrize(
    ("css", "found"),
    [
        (".a { margin-left: 1rem; }", ["margin-left: 1rem"]),
        (".a{padding-right:0}", ["padding-right:0"]),
        (
            ".a { border-left-color: red; border-top-right-radius: 2px }",
            ["border-left-color: red", "border-top-right-radius: 2px"],
        ),
        (".a { position: absolute; left: -999px; top: 0 }", ["left: -999px"]),
        (".a { float: right; text-align: left }", ["float: right", "text-align: left"]),
        ("color: red; right: 0", ["right: 0"]),
        (".a { margin-inline-start: 1rem; inset-inline-end: 0; text-align: start; float: inline-end }", []),
        (".bg-left { background: none } /* left: 0 */ .copyright { color: red }", []),
    ],
)
def test_the_check_finds_left_and_right(css, found):
    assert physical_declarations(css) == found


# ------------------------------------------------------------------------------------------------ arrows

ARROWS = {"→": "←", "←": "→"}


def _outside_the_catalog(source: str) -> str:
    return re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)


def test_an_arrow_in_a_template_turns_with_the_reading_direction():
    """An arrow written in a page (not in a catalog message) sits in an element of class dir-arrow, which the
    style sheet mirrors in right-to-left text."""
    problems = []
    for path in TEMPLATES:
        text = _outside_the_catalog(path.read_text(encoding="utf-8"))
        text = re.sub(r'<span class="dir-arrow"[^>]*>[→←]</span>', "", text)
        if any(arrow in text for arrow in ARROWS):
            problems.append(path.relative_to(ROOT / "templates").as_posix())
    assert not problems, f'wrap the arrows in <span class="dir-arrow" aria-hidden="true">: {problems}'
    css = (ROOT / "workflow" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert re.search(r'\[dir="rtl"\] \.dir-arrow \{[^}]*transform: scaleX\(-1\)', css)


def test_an_arrow_in_an_arabic_message_points_the_other_way():
    """ "Older stories →" reads "قصص أقدم ←": in right-to-left text the arrow along the reading direction
    points left."""
    with (ROOT / "workflow" / "translations" / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        arabic = read_po(f, locale="ar")
    problems = []
    for message in arabic:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for arrow, mirrored in ARROWS.items():
            if any(arrow in i for i in ids) and any(
                s and (s.count(mirrored) != ids[0].count(arrow) or arrow in s) for s in strings
            ):
                problems.append(f"{ids[0]!r} → {strings!r}")
    assert not problems, "\n".join(problems)
