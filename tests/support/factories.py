"""Factories for people and articles, and helpers to drive an adaptation to any state."""

from __future__ import annotations

import functools
import itertools
import re

from flask.testing import FlaskClient

from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, Article, Draft, User
from workflow.services.adaptations import perform_action
from workflow.services.articles import submit_article
from workflow.services.credentials import issue_token
from workflow.services.inputs import ArticleInput, Limits
from workflow.services.users import create_user

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

ARABIC_TITLE = "زيارة بوتين التاريخية إلى كوريا الشمالية"
ARABIC_BODY = (
    "استقبلت بيونغ يانغ الرئيس الروسي فلاديمير بوتين بالأعلام الروسية. "
    "وهي أول زيارة من نوعها منذ عقود.\n\n"
    "وقّع الزعيم الكوري الشمالي كيم جونغ أون اتفاقية شراكة استراتيجية جديدة مع بوتين؟ "
    "نعم، وفق ما أعلنه الطرفان."
)


def make_user(
    *roles: Role | str, username: str | None = None, name: str | None = None, password: str = PASSWORD
) -> User:
    """A person with the given roles (reporter when none is given)."""
    n = next(_counter)
    parsed = {Role(r) for r in roles} or {Role.REPORTER}
    username = username or f"{'-'.join(sorted(r.value for r in parsed))}{n}"
    if password != PASSWORD:
        user = create_user(db.session, username, name or f"Person {n} {username.title()}", parsed, password)
    else:
        # Hashing with scrypt takes ~0.1 s on purpose; reuse one hash of the shared test password.
        user = User(
            username=username,
            display_name=name or f"Person {n} {username.title()}",
            password_hash=_password_hash(),
        )
        user.set_roles(parsed)
        db.session.add(user)
    db.session.commit()
    return user


@functools.cache
def _password_hash() -> str:
    user = User()
    user.set_password(PASSWORD)
    return user.password_hash


def make_article(
    reporter: User | None = None,
    *,
    title: str = ARABIC_TITLE,
    body: str = ARABIC_BODY,
    language: str = "ar",
    section: str = "News",
    tags: list[str] | None = None,
    targets: list[str] | None = None,
) -> Article:
    """An original submitted by `reporter` (a new reporter when None)."""
    reporter = reporter or make_user(Role.REPORTER)
    data = ArticleInput(
        title,
        body,
        language,
        section,
        tags if tags is not None else ["Russia", "North Korea"],
        targets or ["en"],
    )
    article = submit_article(db.session, reporter, data)
    db.session.commit()
    return article


def finish_draft(
    adaptation: Adaptation,
    title: str = "Putin's historic visit",
    body: str = "Pyongyang welcomed Putin.\n\nA new partnership was signed.",
) -> Draft:
    """Produce the adaptation's newest draft with the given text through the worker's own draft services."""
    from workflow.services import drafts

    draft = adaptation.draft
    job = drafts.take_job(db.session, draft.id, f"factory-{draft.id}", lease_seconds=60)
    assert job is not None, f"draft {draft.id} is {draft.state}; no job to take"
    sources = [(i, i, p) for i, p in enumerate(p for p in body.split("\n\n"))]
    drafts.store_segments(db.session, job.draft_id, sources)
    drafts.store_translations(db.session, job.draft_id, {i: text for i, _, text in sources})
    drafts.finish_draft(db.session, job.draft_id, title=title, body=body, model="ar→en factory")
    db.session.commit()
    db.session.refresh(draft)
    db.session.refresh(adaptation)
    return draft


def drive(
    adaptation: Adaptation, target: State, *, adaptor: User | None = None, editor: User | None = None
) -> Adaptation:
    """Take an adaptation from `queued` to `target` through the real services."""
    adaptor = adaptor or make_user(Role.ADAPTOR)
    editor = editor or make_user(Role.EDITOR)
    draft_path = {
        State.QUEUED: [],
        State.TRANSLATING: ["translating"],
        State.DRAFT_READY: ["ready"],
        State.MT_FAILED: ["failed"],
    }
    if target in draft_path:
        for step in draft_path[target]:
            if step == "ready":
                finish_draft(adaptation)
            else:
                adaptation.state = State.TRANSLATING.value if step == "translating" else State.MT_FAILED.value
        db.session.commit()
        return adaptation
    finish_draft(adaptation)
    steps = {
        State.IN_ADAPTATION: [("claim", adaptor)],
        State.IN_REVIEW: [("claim", adaptor), ("submit", adaptor)],
        State.CHANGES_REQUESTED: [("claim", adaptor), ("submit", adaptor), ("request-changes", editor)],
        State.PUBLISHED: [("claim", adaptor), ("submit", adaptor), ("approve", editor)],
        State.REJECTED: [("claim", adaptor), ("submit", adaptor), ("reject", editor)],
        State.WITHDRAWN: [("withdraw", editor)],
        State.SCHEDULED: [("claim", adaptor), ("submit", adaptor), ("approve-later", editor)],
        State.CORRECTING: [("claim", adaptor), ("submit", adaptor), ("approve", editor), ("correct", editor)],
        State.UNPUBLISHED: [
            ("claim", adaptor),
            ("submit", adaptor),
            ("approve", editor),
            ("unpublish", editor),
        ],
    }[target]
    for action, actor in steps:
        if action == "approve-later":
            from datetime import timedelta

            from workflow.models import utcnow

            perform_action(db.session, actor, adaptation, "approve", publish_at=utcnow() + timedelta(days=1))
        else:
            if action == "submit":
                pass_qa(adaptation, editor)
            perform_action(db.session, actor, adaptation, action, comment="Please tighten the lede.")
    assert adaptation.state == target.value
    db.session.commit()
    return adaptation


def pass_qa(adaptation: Adaptation, editor: User) -> None:
    """Have `editor` override every QA error on the adaptation's text (none for the default texts), so a
    test about something else can submit an original written for it."""
    from workflow.services import qa

    for result in qa.findings_for(db.session, adaptation):
        if result.blocking:
            qa.override_finding(
                db.session, editor, adaptation, result.check, result.key, "Not what this test is about."
            )


def limits() -> Limits:
    """Default input limits."""
    return Limits()


def token_for(user: User) -> dict[str, str]:
    """Headers carrying a fresh API token for `user`."""
    token = issue_token(db.session, user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient) -> str:
    """A CSRF token valid for this client's session, read from the login form."""
    page = client.get("/login").get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, "the login page carries no csrf_token field"
    return match.group(1)


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Log `user` in through the real login form."""
    response = client.post(
        "/login", data={"username": user.username, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post_form(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as a browser would."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)
