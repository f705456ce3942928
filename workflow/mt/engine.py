"""The translation engine: installed Argos models, kept loaded for the life of a worker process.

Segments are translated with CTranslate2 directly, not through `argostranslate.translate`: the project
segments text itself (workflow.domain.segment), and stock argos decodes sentence by sentence, paragraph by
paragraph. Here every sentence of a job goes to the model in balanced, length-sorted batches of up to
`max_batch_size`; progress is reported as each batch completes, at no cost in speed. A job runs as many
batches at once as there are cores no other draft job of the machine is using (workflow.mt.cores), up to
`parallel`: one article on an idle machine uses every core, under load each job keeps to its own, and a job
that started on a busy machine spreads onto a core as soon as another job frees it (its text is always split
into at least `parallel` batches).

Nothing is loaded at import time: a CTranslate2 translator created in a parent process hangs when used in
a forked child (Celery prefork), so models load lazily in the process that uses them, and `get_engine()`
gives each process its own engine.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..domain.languages import language_name
from .cores import CoreSlots, machine_cores
from .packages import BROKEN, MTError, Pair, ensure_argos_environment, list_installed, version_key

log = logging.getLogger(__name__)

#: Pivot language when no direct model exists.
PIVOT_CODE = "en"
#: Upper bound for any output, in tokens.
MAX_DECODING_LENGTH = 512
#: What a model translates to show it works (any text does: the check is that it loads and decodes).
TEST_SENTENCE = "Adaptdesk checks that this model translates."

ProgressCallback = Callable[[int, int], None]


class MissingModelError(MTError):
    """No installed model (direct or through English) translates from_code into to_code."""

    def __init__(self, from_code: str, to_code: str):
        self.from_code = from_code
        self.to_code = to_code
        source, target, pivot = language_name(from_code), language_name(to_code), language_name(PIVOT_CODE)
        if PIVOT_CODE in (from_code, to_code):
            message = (
                f"No translation model for {source} → {target} is installed. "
                f"Install it with: adaptdesk models install {from_code} {to_code} "
                "(or import a file: adaptdesk models import FILE.argosmodel)"
            )
        else:  # two legs through English serve as well as a direct pair
            message = (
                f"No model for {source} → {target}. Install {source} → {pivot} and {pivot} → {target} "
                f"(`adaptdesk models install {from_code} {PIVOT_CODE}`, "
                f"`adaptdesk models install {PIVOT_CODE} {to_code}`), or a direct pair."
            )
        super().__init__(message)


#: How often a job looks whether a batch it sent is done, and whether another job has freed a core (seconds).
POLL_SECONDS = 0.005


@dataclass(frozen=True)
class EngineSettings:
    """How the engine finds and runs models. The defaults suit one single-threaded process per core."""

    packages_dir: Path  #: the folder of installed packages
    parallel: int = 1  #: most batches one job translates at once, on cores no other job is using
    intra_threads: int = 1  #: threads per batch (1: one process per core scales best)
    beam_size: int = 4  #: beam search width, as stock argos
    compute_type: str = "int8"  #: CTranslate2 compute type
    #: Sentences per batch. Small batches share a draft out evenly over the cores (the last one done leaves the
    #: others idle the shortest time), and on CPU a base model decodes them faster than big ones (bench/README.md).
    max_batch_size: int = 8
    progress_chunk: int = 8  #: fewest newly finished sentences worth a progress call (the last always is)
    progress_seconds: float = 0.5  #: and least time between two (each is a write the pages read)

    @classmethod
    def from_app_settings(cls, settings: Settings) -> EngineSettings:
        """The engine part of Adaptdesk's settings."""
        return cls(
            packages_dir=Path(settings.argos_packages_dir),
            parallel=settings.mt_parallel or machine_cores(),
            intra_threads=settings.mt_threads,
            beam_size=settings.mt_beam_size,
            compute_type=settings.mt_compute_type,
            max_batch_size=settings.mt_max_batch,
        )


class _LoadedModel:
    """A package's CTranslate2 translator and tokenizer, loaded once."""

    def __init__(self, pair: Pair, settings: EngineSettings):
        import ctranslate2  # deferred: a translator created in a prefork parent hangs in its children

        self.pair = pair
        folder = Path(pair.path)
        self.translator = ctranslate2.Translator(
            str(folder / "model"),
            device="cpu",
            compute_type=settings.compute_type,
            inter_threads=settings.parallel,  # replicas share the weights: memory grows little
            intra_threads=settings.intra_threads,
        )
        self.target_prefix = _read_target_prefix(folder)
        sentencepiece_model = folder / "sentencepiece.model"
        if sentencepiece_model.is_file():
            import sentencepiece  # deferred with ctranslate2: nothing native loads until a model does

            self._sentencepiece = sentencepiece.SentencePieceProcessor(model_file=str(sentencepiece_model))
            self._bpe = None
        elif (folder / "bpe.model").is_file():
            ensure_argos_environment(settings.packages_dir)
            from argostranslate.tokenizer import BPETokenizer  # deferred: argos pins its folders on import

            self._sentencepiece = None
            self._bpe = BPETokenizer(folder / "bpe.model", pair.from_code, pair.to_code)
        else:
            raise MTError(
                f"The {pair.name} package has no tokenizer (sentencepiece.model or bpe.model). Reinstall it."
            )

    def encode(self, sentences: list[str]) -> list[list[str]]:
        if self._sentencepiece is not None:
            return self._sentencepiece.encode(sentences, out_type=str)
        return [self._bpe.encode(sentence) for sentence in sentences]

    def decode(self, tokens: list[str]) -> str:
        if self._sentencepiece is not None:
            text = self._sentencepiece.decode_pieces(tokens)
        else:
            text = self._bpe.decode(tokens)
        if self.target_prefix and text.startswith(self.target_prefix):
            text = text[len(self.target_prefix) :]
        return text.strip()


def _read_target_prefix(folder: Path) -> str:
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    prefix = metadata.get("target_prefix", "") if isinstance(metadata, dict) else ""
    return prefix if isinstance(prefix, str) else ""


class TranslationEngine:
    """Translates lists of sentences with the installed models, loading each model once per process."""

    def __init__(self, settings: EngineSettings):
        self.settings = settings
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._pairs: dict[tuple[str, str], Pair] | None = None
        self._installed: list[Pair] = []
        self._models: dict[Pair, _LoadedModel] = {}  # keyed by Pair: a reinstall (new version) reloads
        self.cores = CoreSlots()

    # --- installed models ---

    @property
    def packages_dir(self) -> Path:
        """The folder holding installed packages."""
        return Path(self.settings.packages_dir)

    def installed_pairs(self) -> list[Pair]:
        """Every installed translation package (several versions of a pair are all listed)."""
        self._scan_if_needed()
        return list(self._installed)

    def refresh(self) -> None:
        """Re-read the packages folder (after an install or removal) and drop models no longer chosen."""
        with self._lock:
            self._pairs = None
            self._scan_if_needed()
            current = set(self._pairs.values())
            for pair in [pair for pair in self._models if pair not in current]:
                del self._models[pair]

    def route(self, from_code: str, to_code: str) -> list[Pair]:
        """The packages that translate from_code into to_code: one, or two through English.

        Re-reads the packages folder once before giving up, so a model installed meanwhile is found.
        Raises MissingModelError.
        """
        for attempt in range(2):
            if attempt:
                self.refresh()
            else:
                self._scan_if_needed()
            pairs = self._pairs
            if (from_code, to_code) in pairs:
                return [pairs[from_code, to_code]]
            if (
                PIVOT_CODE not in (from_code, to_code)
                and (from_code, PIVOT_CODE) in pairs
                and (PIVOT_CODE, to_code) in pairs
            ):
                return [pairs[from_code, PIVOT_CODE], pairs[PIVOT_CODE, to_code]]
        raise MissingModelError(from_code, to_code)

    def can_translate(self, from_code: str, to_code: str) -> bool:
        """Whether an installed model (direct or through English) covers the pair."""
        try:
            self.route(from_code, to_code)
        except MissingModelError:
            return False
        return True

    def _scan_if_needed(self) -> None:
        with self._lock:
            if self._pairs is not None:
                return
            self._installed = list_installed(self.packages_dir)
            best: dict[tuple[str, str], Pair] = {}
            for pair in self._installed:
                if pair.status == BROKEN:  # tested and found not to load: never chosen
                    continue
                key = (pair.from_code, pair.to_code)
                if key not in best or version_key(pair.version) > version_key(best[key].version):
                    best[key] = pair
            self._pairs = best

    # --- loading ---

    def try_model(self, pair: Pair) -> str:
        """Load `pair`'s model (not kept) and translate one sentence with it; raises whatever loading raises."""
        return self._translate_pass(_LoadedModel(pair, self.settings), [TEST_SENTENCE], None)[0]

    def warm(self, budget_bytes: int) -> list[Pair]:
        """Load the models this process would choose (pairs into English first) while their package sizes,
        about what a model takes in memory, fit in `budget_bytes`; returns the pairs loaded."""
        self.refresh()
        loaded, used = [], 0
        for pair in sorted(self._pairs.values(), key=lambda pair: (pair.to_code != PIVOT_CODE, pair.code)):
            if used + pair.size_bytes > budget_bytes:
                continue
            try:
                self._model(pair)
            except Exception as exc:  # noqa: BLE001 - a model that will not load fails its drafts, not the worker
                log.warning("Could not load translation model %s: %s", pair.name, exc)
                continue
            used += pair.size_bytes
            loaded.append(pair)
        return loaded

    # --- translating ---

    def translate_segments(
        self,
        sources: Sequence[str],
        from_code: str,
        to_code: str,
        on_progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Translate each source sentence; returns one translation per source, in order.

        `on_progress(done, total)` is called as batches finish, and once with done == total; `total` is
        the number of sentences times the number of models used (2 when translating through English).
        """
        sources = list(sources)
        if not sources:
            return []
        if from_code == to_code:
            if on_progress:
                on_progress(len(sources), len(sources))
            return [source.strip() for source in sources]
        route = self.route(from_code, to_code)
        total = len(sources) * len(route)
        texts = sources
        with self.cores.hold() as held:
            for step, pair in enumerate(route):
                offset = step * len(sources)
                report = None
                if on_progress is not None:

                    def report(done: int, _offset: int = offset) -> None:
                        on_progress(_offset + done, total)

                texts = self._translate_pass(self._model(pair), texts, report, held.parallel)
        return texts

    def _model(self, pair: Pair) -> _LoadedModel:
        with self._lock:
            if self._pid != os.getpid():  # forked after loading: the parent's translators would hang here
                self._models.clear()
                self._pid = os.getpid()
            model = self._models.get(pair)
            if model is None:
                log.info("Loading translation model %s (%s)", pair.name, pair.path)
                model = self._models[pair] = _LoadedModel(pair, self.settings)
            return model

    def _translate_pass(
        self,
        model: _LoadedModel,
        sources: list[str],
        report: Callable[[int], None] | None,
        parallel: Callable[[int], int] = lambda _limit: 1,
    ) -> list[str]:
        """Translate one model's pass over `sources`; `parallel(limit)` says how many batches may run now."""
        results = [""] * len(sources)
        todo = [i for i, source in enumerate(sources) if source.strip()]
        tokens = dict(zip(todo, model.encode([sources[i].strip() for i in todo]), strict=True))
        todo.sort(key=lambda i: len(tokens[i]))
        limit = self.settings.parallel
        window = parallel(limit)
        # Split for every core the job may ever use, not for those free now: a job that starts on a busy machine
        # runs its batches one after another, and sends the next at once when another job's core comes free.
        batches = _batches(todo, self.settings.max_batch_size, limit)

        def submit(batch: list[int]):
            batch_tokens = [tokens[i] for i in batch]
            longest = max(len(t) for t in batch_tokens)
            return model.translator.translate_batch(
                batch_tokens,
                target_prefix=[[model.target_prefix]] * len(batch) if model.target_prefix else None,
                asynchronous=True,
                beam_size=self.settings.beam_size,
                max_decoding_length=min(MAX_DECODING_LENGTH, 2 * longest + 16),
                length_penalty=0.2,  # as argostranslate
                replace_unknowns=True,
            )

        # At most `window` batches in flight (the translator runs that many at once, one core each), and a core
        # is given the next batch as soon as its batch is done, whichever that is: batches of a draft rarely take
        # the same time. The window is looked at again whenever the job could send more, as other jobs start and
        # finish on the machine: a job left alone widens within POLL_SECONDS.
        pending = deque(batches)
        in_flight: list[tuple[list[int], list]] = []
        done = len(sources) - len(todo)
        reported, reported_at = 0, time.monotonic()
        while pending or in_flight:
            if pending and len(in_flight) < limit:
                window = parallel(limit)
            while pending and len(in_flight) < window:
                batch = pending.popleft()
                in_flight.append((batch, submit(batch)))
            finished = [sent for sent in in_flight if all(future.done() for future in sent[1])]
            if not finished:
                if len(in_flight) > 1 or (pending and len(in_flight) < limit):
                    time.sleep(POLL_SECONDS)
                    continue
                finished = in_flight[:]  # one batch, and no core to look for: wait on it
            for sent in finished:
                in_flight.remove(sent)
                done += self._collect(model, sent, results)
            if report is not None and (
                done == len(sources)
                or (
                    done - reported >= self.settings.progress_chunk
                    and time.monotonic() - reported_at >= self.settings.progress_seconds
                )
            ):
                report(done)
                reported, reported_at = done, time.monotonic()
        if report is not None and reported != len(sources):
            report(len(sources))
        return results

    @staticmethod
    def _collect(model: _LoadedModel, sent: tuple[list[int], list], results: list[str]) -> int:
        """Wait for a batch sent to the translator and decode it into `results`; returns its size."""
        batch, futures = sent
        for i, future in zip(batch, futures, strict=True):
            results[i] = model.decode(future.result().hypotheses[0])
        return len(batch)


def _batches(items: list[int], max_batch_size: int, parallel: int = 1) -> list[list[int]]:
    """Split length-sorted items into batches of at most max_batch_size, of near-equal sizes, in sending order.

    With `parallel` 1 they are the fewest such batches. With `parallel` > 1 there are at least that many, in
    rounds of `parallel` batches of alike lengths (dealt in turn from the sorted items), the longest round
    first: the batches running side by side finish together, and the last to finish are short.
    """
    if not items:
        return []
    parallel = max(1, min(parallel, len(items)))
    count = math.ceil(len(items) / max(1, max_batch_size))
    if parallel == 1:
        size = math.ceil(len(items) / count)
        return [items[i : i + size] for i in range(0, len(items), size)]
    rounds = math.ceil(count / parallel)
    per_round = math.ceil(len(items) / rounds)
    batches = []
    for end in range(len(items), 0, -per_round):  # from the longest items; the shortest round may be smaller
        chunk = items[max(0, end - per_round) : end]
        batches.extend(chunk[k::parallel] for k in range(min(parallel, len(chunk))))
    return batches


_engine: TranslationEngine | None = None
_engine_lock = threading.Lock()


def _reset_after_fork() -> None:
    global _engine_lock
    _engine_lock = threading.Lock()  # a lock held by another thread at fork time would never be released


os.register_at_fork(after_in_child=_reset_after_fork)


def get_engine(settings: EngineSettings) -> TranslationEngine:
    """This process's engine, created on first use with `settings` (a forked child gets its own)."""
    global _engine
    with _engine_lock:
        if _engine is None or _engine._pid != os.getpid():
            _engine = TranslationEngine(settings)
        return _engine


def engine_for(settings: Settings) -> TranslationEngine:
    """This process's engine, configured from the app's settings (what a draft job translates with)."""
    return get_engine(EngineSettings.from_app_settings(settings))
