"""Helpers for the glossary and translation-memory tests: crafted Arabic/English articles taken to publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tests.support.factories import limits, make_article, make_user
from workflow.domain.segment import segment_text
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import Adaptation, GlossaryTerm, User
from workflow.services import drafts, glossary
from workflow.services.adaptations import perform_action, save_adaptation

#: A first story: (Arabic sentence, its machine translation); paragraphs are lists.
FIRST = [
    [
        (
            "وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ فجر الأربعاء.",
            "Russian President Vladimir Putin arrived in Pyongyang at dawn on Wednesday.",
        ),
        ("وهي أول زيارة من نوعها منذ 24 عاماً.", "It is the first visit of its kind in 24 years."),
    ],
    [
        (
            "ووقع الزعيمان اتفاقية شراكة استراتيجية شاملة.",
            "The two leaders signed a comprehensive strategic partnership agreement.",
        )
    ],
    [("تابعونا على قناتنا في تلغرام.", "Follow us on our Telegram channel.")],
]
FIRST_TITLE = ("بوتين في بيونغ يانغ", "Putin in Pyongyang")
#: What the adaptor published: a credit line added, the first sentence reworded, the rest kept.
FIRST_PUBLISHED = (
    "A report by Ahmad Abdallah.\n\n"
    "Russian President Vladimir Putin landed in Pyongyang early on Wednesday. "
    "It is the first visit of its kind in 24 years.\n\n"
    "The two leaders signed a comprehensive strategic partnership agreement.\n\n"
    "Follow us on our Telegram channel."
)
#: A second story repeating sentences of the first: one exactly, one nearly, the boilerplate exactly.
SECOND_BODY = (
    "وهي أول زيارة من نوعها منذ 24 عاماً.\n\n"
    "ووقع الزعيمان اتفاقية شراكة استراتيجية شاملة جديدة.\n\n"
    "وتناول الجانبان ملفات الطاقة والنقل.\n\n"
    "تابعونا على قناتنا في تلغرام."
)


def body_of(paragraphs: list[list[tuple[str, str]]], side: int) -> str:
    """The Arabic (0) or machine (1) text of a crafted story."""
    return "\n\n".join(" ".join(pair[side] for pair in paragraph) for paragraph in paragraphs)


def make_draft(adaptation: Adaptation, title_mt: str, machine: dict[str, str]) -> None:
    """Finish the adaptation's draft through the worker's draft services, with the given sentence translations."""
    job = drafts.take_job(db.session, adaptation.draft.id, f"test-{adaptation.draft.id}", lease_seconds=60)
    segments = segment_text(job.body, job.source_language)
    drafts.store_segments(db.session, job.draft_id, [(s.index, s.paragraph, s.source) for s in segments])
    drafts.store_translations(
        db.session, job.draft_id, {s.index: machine.get(s.source, "") for s in segments}
    )
    drafts.finish_draft(db.session, job.draft_id, title=title_mt, body="", model="crafted")
    db.session.commit()
    db.session.refresh(adaptation)


@dataclass
class Published:
    """A story taken through draft, adaptation and approval."""

    adaptation: Adaptation
    adaptor: User
    editor: User


def publish_first_story(*, schedule_at: datetime | None = None) -> Published:
    """The first story, drafted, adapted as FIRST_PUBLISHED and approved (published now, or scheduled)."""
    article = make_article(title=FIRST_TITLE[0], body=body_of(FIRST, 0))
    adaptation = article.adaptations[0]
    make_draft(adaptation, FIRST_TITLE[1], {src: mt for paragraph in FIRST for src, mt in paragraph})
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    perform_action(db.session, adaptor, adaptation, "claim")
    save_adaptation(
        db.session,
        adaptor,
        adaptation,
        title=FIRST_TITLE[1],
        body=FIRST_PUBLISHED,
        version=adaptation.version,
        limits=limits(),
    )
    perform_action(db.session, adaptor, adaptation, "submit")
    perform_action(db.session, editor, adaptation, "approve", publish_at=schedule_at)
    db.session.commit()
    return Published(adaptation, adaptor, editor)


def add_term(
    source: str,
    target: str,
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    note: str = "",
    editor: User | None = None,
) -> GlossaryTerm:
    """A glossary term added by an editor through the service."""
    term = glossary.create_term(
        db.session,
        editor or make_user(Role.EDITOR),
        glossary.TermInput(source_lang, target_lang, source, target, note),
    )
    db.session.commit()
    return term
