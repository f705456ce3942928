"""Helpers the desk page tests share: people logged in through the real form, and a small HTML reader.

(Named like a test module so it lives beside the desk tests; it holds no tests itself.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import csrf_token, login, make_user
from workflow.domain.states import Role

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    """One element of a parsed page."""

    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    @property
    def text(self) -> str:
        """All text inside the element."""
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def own_text(self) -> str:
        """Text directly inside the element (not inside its child elements)."""
        return "".join(c for c in self.children if isinstance(c, str))

    def has(self, name: str) -> bool:
        """Whether the element carries the attribute (boolean attributes like `selected` have no value)."""
        return name in self.attrs

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value."""
        return self.attrs.get(name, default)

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Elements inside this one with that tag and those attributes (True: present; `class_` for class)."""
        found = []
        for node in self.iter():
            if node is self or (tag and node.tag != tag):
                continue
            if all(_attr_matches(node, name, want) for name, want in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node:
        """The first matching element (the test fails when there is none)."""
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}> in the page"
        return found[0]


def _attr_matches(node: Node, name: str, want: str | bool) -> bool:
    name = "class" if name == "class_" else name.replace("_", "-")
    if want is True:
        return name in node.attrs
    value = node.attrs.get(name)
    if name == "class":
        return value is not None and want in value.split()
    return value == want


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    """A response read as a page: status, raw HTML and its elements."""

    def __init__(self, response) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        builder = _Builder()
        builder.feed(self.html)
        builder.close()
        self.root = builder.root

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Matching elements in the page."""
        return self.root.find_all(tag, **attrs)

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node:
        """The first matching element."""
        return self.root.find(tag, **attrs)

    @property
    def text(self) -> str:
        """The page's text with runs of whitespace folded."""
        return " ".join(self.root.text.split())

    def alert(self) -> str:
        """The text of the page's error notices."""
        return " ".join(" ".join(n.text.split()) for n in self.find_all(role="alert"))

    def flashes(self) -> str:
        """The text of the flash messages."""
        return " ".join(" ".join(n.text.split()) for n in self.find_all("p", class_="flash"))

    def field(self, name: str) -> str:
        """The value of a form field by name (a textarea's text without the newline the parser keeps)."""
        for node in self.find_all(name=name):
            if node.tag == "textarea":
                text = node.text
                return text.removeprefix("\n")
            if node.tag == "input":
                return node.get("value") or ""
        raise AssertionError(f"no field named {name!r}")


def person_client(app: Flask, *roles: Role, **kwargs) -> tuple[FlaskClient, object]:
    """A fresh browser with a new person of those roles logged in through the login form."""
    user = make_user(*roles, **kwargs)
    client = app.test_client()
    login(client, user)
    return client, user


def get(client: FlaskClient, url: str) -> Page:
    """GET a page."""
    return Page(client.get(url))


def post(client: FlaskClient, url: str, data: dict | None = None, follow: bool = False) -> Page:
    """POST a form with a valid CSRF token, as the browser would."""
    return Page(
        client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, follow_redirects=follow)
    )


def location(page: Page) -> str:
    """Where a redirect points (path and query)."""
    assert page.status == 302, (page.status, page.alert() or page.text[:300])
    return re.sub(r"^https?://[^/]+", "", page.response.headers["Location"])
