"""Producing a machine-translation draft: segment the text, fill what translation memory knows exactly,
machine-translate the rest in one batch, put the glossary's approved renderings in, store it all.

The draft task (`adaptdesk.draft`) takes the job and maps failures to outcomes; this is the work between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..domain.glossary import TermHit, apply_terms, find_terms
from ..domain.segment import Segment, join_segments, segment_text
from ..mt.engine import TranslationEngine
from . import drafts as draft_service
from . import glossary as glossary_service
from . import memory as memory_service
from .drafts import DraftJob

#: Makes the work so far visible and ends the current transaction (the draft task passes its commit).
#: Services never commit, but a draft takes minutes: the segment count and the progress must reach the
#: pages meanwhile, and no transaction may stay open while the model works. The caller decides how.
Checkpoint = Callable[[], None]

MEMORY_MODEL = "translation memory"  #: the model named on a draft that memory filled entirely


@dataclass(frozen=True)
class DraftSource:
    """What a draft translates: the title, and the body cut into sentences (workflow.domain.segment)."""

    title: str
    segments: list[Segment]

    @classmethod
    def of(cls, job: DraftJob) -> DraftSource:
        """The job's newest revision, segmented in its language."""
        return cls(job.title, segment_text(job.body, job.source_language))


@dataclass
class Piece:
    """One text to translate (the title or a body sentence), and the translation it gets."""

    source: str
    remembered: str | None = None  #: translation memory's exact translation, when it has one
    hits: list[TermHit] = field(default_factory=list)  #: glossary terms in the source
    text: str = ""  #: the translation, once made

    @property
    def from_memory(self) -> bool:
        return self.remembered is not None


def produce_draft(session: Session, job: DraftJob, engine: TranslationEngine, checkpoint: Checkpoint) -> bool:
    """Translate the job's title and body into its draft (segments, title, body, model) and mark it ready.

    Returns False when there was nothing to finish (another delivery of the same job finished first); every
    write names the job's attempt, so LeaseLost stops it once a newer attempt holds the draft.
    Flushes; the caller commits after it returns.
    """
    source = DraftSource.of(job)
    draft_service.store_segments(
        session,
        job.draft_id,
        [(s.index, s.paragraph, s.source) for s in source.segments],
        attempt=job.attempt,
    )
    checkpoint()
    pair = (job.source_language, job.target_language)
    # The title and the body's sentences share one memory lookup and one model batch.
    title, *body = pieces = look_up(session, pair, [source.title, *(s.source for s in source.segments)])
    checkpoint()
    known = sum(piece.from_memory for piece in body)

    def on_progress(done: int, total: int) -> None:
        # Progress counts body sentences; remembered ones are done from the start.
        body_done = known + done * (len(body) - known) // max(total, 1)
        if body_done < len(body):
            draft_service.set_progress(session, job.draft_id, body_done, attempt=job.attempt)
            checkpoint()

    model = translate_pieces(engine, pair, pieces, on_progress)
    sentences = list(zip(source.segments, body, strict=True))
    draft_service.store_translations(
        session,
        job.draft_id,
        {segment.index: piece.text for segment, piece in sentences},
        from_memory={segment.index for segment, piece in sentences if piece.from_memory},
        attempt=job.attempt,
    )
    return draft_service.finish_draft(
        session,
        job.draft_id,
        title=title.text,
        body=join_segments([(segment.paragraph, piece.text) for segment, piece in sentences]),
        model=model,
        attempt=job.attempt,
    )


def look_up(session: Session, pair: tuple[str, str], sources: list[str]) -> list[Piece]:
    """A piece per source: what memory knows exactly for it, else the glossary terms it holds."""
    remembered = memory_service.prefill(session, *pair, sources)  # keyed by position in `sources`
    terms = glossary_service.terms_for(session, *pair)
    pieces = [Piece(text, remembered.get(position)) for position, text in enumerate(sources)]
    for piece in pieces:
        if not piece.from_memory:
            piece.hits = find_terms(piece.source, pair[0], terms)
    return pieces


def translate_pieces(
    engine: TranslationEngine,
    pair: tuple[str, str],
    pieces: list[Piece],
    on_progress: Callable[[int, int], None],
) -> str:
    """Give every piece its text (memory's, else the model's with the glossary applied) in one engine call;
    returns the name of the model(s) used."""
    pending = []
    for piece in pieces:
        if piece.from_memory:
            piece.text = piece.remembered
        else:
            pending.append(piece)
    if not pending:
        return MEMORY_MODEL
    # Each glossary term found rides along alone, so its usual machine rendering can be spotted and replaced.
    term_sources = list(dict.fromkeys(hit.source for piece in pending for hit in piece.hits))
    translated = engine.translate_segments(
        [piece.source for piece in pending] + term_sources, *pair, on_progress=on_progress
    )
    term_mt = dict(zip(term_sources, translated[len(pending) :], strict=True))
    for piece, text in zip(pending, translated, strict=False):
        piece.text = apply_terms(text, [(term_mt.get(hit.source, ""), hit.target) for hit in piece.hits])
    return " → ".join(model.name or model.code for model in engine.route(*pair))
