"""One draft on an idle machine uses every core; under load each draft keeps to its own (workflow.mt.cores)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.argos_model import ARABIC_SENTENCES
from workflow.mt.cores import CoreSlots
from workflow.mt.engine import EngineSettings, TranslationEngine, _batches

#: A process that takes slot `index` the way a draft job does and keeps it until killed.
HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
time.sleep(120)
"""


def hold_in_another_process(slots: CoreSlots, index: int) -> subprocess.Popen:
    """Another draft job's process holding slot `index` (until the test kills it)."""
    slots.folder.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(slots._path(index))], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def stop(holder: subprocess.Popen) -> None:
    """End another job's process (as kill -9 would)."""
    holder.kill()
    holder.wait()
    holder.stdout.close()


def test_an_idle_machine_gives_a_job_every_core(tmp_path):
    slots = CoreSlots(cores=4, folder=tmp_path)
    with slots.hold() as held:
        assert held.own == 0
        assert held.parallel(limit=4) == 4
        assert held.parallel(limit=2) == 2  # ADAPTDESK_MT_PARALLEL caps it
        assert held.parallel(limit=1) == 1


def test_cores_other_jobs_hold_are_left_to_them(tmp_path):
    slots = CoreSlots(cores=2, folder=tmp_path)
    other = hold_in_another_process(slots, 0)
    try:
        with slots.hold() as held:
            assert held.own == 1  # the other job holds core 0
            assert held.parallel(limit=2) == 1
    finally:
        stop(other)


def test_a_core_comes_back_when_the_job_holding_it_is_killed(tmp_path):
    slots = CoreSlots(cores=2, folder=tmp_path)
    other = hold_in_another_process(slots, 1)
    with slots.hold() as held:
        assert held.parallel(limit=2) == 1
        os.kill(other.pid, signal.SIGKILL)
        other.wait()
        other.stdout.close()
        assert held.parallel(limit=2) == 2  # the kernel dropped the dead process's lock


def test_a_job_that_finds_every_core_taken_still_runs_on_one(tmp_path):
    slots = CoreSlots(cores=1, folder=tmp_path)
    other = hold_in_another_process(slots, 0)
    try:
        start = time.monotonic()
        with slots.hold() as held:
            assert held.own is None and held.parallel(limit=4) == 1
        assert time.monotonic() - start < 1
    finally:
        stop(other)


def test_jobs_in_one_process_see_each_other(tmp_path):
    slots = CoreSlots(cores=2, folder=tmp_path)
    with slots.hold() as first, slots.hold() as second:
        assert (first.own, second.own) == (0, 1)
        assert first.parallel(limit=2) == second.parallel(limit=2) == 1
    with slots.hold() as again:
        assert again.parallel(limit=2) == 2  # both were given back


@pytest.mark.parametrize("count", [1, 2, 5, 30, 31, 64, 65, 300])
@pytest.mark.parametrize("parallel", [1, 2, 3])
def test_batches_cover_every_item_once_within_the_size_limit(count, parallel):
    items = list(range(count))  # already sorted by length
    batches = _batches(items, max_batch_size=64, parallel=parallel)
    assert sorted(i for batch in batches for i in batch) == items
    assert all(0 < len(batch) <= 64 for batch in batches)
    assert len(batches) >= min(parallel, count)


def test_parallel_batches_are_dealt_so_those_running_together_are_alike():
    batches = _batches(list(range(30)), max_batch_size=64, parallel=2)
    assert batches == [list(range(0, 30, 2)), list(range(1, 30, 2))]  # long and short sentences in both
    assert _batches(list(range(30)), max_batch_size=64, parallel=1) == [list(range(30))]


def test_parallel_batches_are_sent_longest_first_so_the_last_to_finish_are_short():
    """Items come sorted shortest first; the rounds go out longest first, and only the shortest may be smaller."""
    assert _batches(list(range(22)), max_batch_size=5, parallel=2) == [
        [14, 16, 18, 20],
        [15, 17, 19, 21],
        [6, 8, 10, 12],
        [7, 9, 11, 13],
        [0, 2, 4],
        [1, 3, 5],
    ]
    assert _batches(list(range(10)), max_batch_size=4, parallel=1) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_parallel_batches_translate_as_one_batch_does(argos_home, tmp_path):
    sources = ARABIC_SENTENCES[:12]

    def engine(parallel: int) -> TranslationEngine:
        made = TranslationEngine(EngineSettings(packages_dir=argos_home.packages_dir, parallel=parallel))
        made.cores = CoreSlots(cores=2, folder=tmp_path / f"slots-{parallel}")
        return made

    progress: list[tuple[int, int]] = []
    together = engine(2).translate_segments(
        sources, "ar", "en", on_progress=lambda d, t: progress.append((d, t))
    )
    alone = engine(1).translate_segments(sources, "ar", "en")
    assert together == alone
    assert progress[-1] == (12, 12)


class RecordingTranslator:
    """The model's translator, noting each batch sent; the engine notes each batch it collects."""

    def __init__(self, translator, events: list[str]) -> None:
        self.translator, self.events = translator, events

    def translate_batch(self, *args, **kwargs):
        self.events.append("send")
        return self.translator.translate_batch(*args, **kwargs)


def test_two_batches_run_at_once_on_an_idle_machine(argos_home, tmp_path, monkeypatch):
    """Two cores free: both halves are sent before either is collected; the other core taken: one after the
    other (still two, so that the job could widen if the core came free)."""
    events: list[str] = []
    engine = TranslationEngine(EngineSettings(packages_dir=argos_home.packages_dir, parallel=2))
    engine.cores = CoreSlots(cores=2, folder=tmp_path)
    model = engine._model(engine.route("ar", "en")[0])
    model.translator = RecordingTranslator(model.translator, events)
    collect = TranslationEngine._collect
    monkeypatch.setattr(engine, "_collect", lambda *args: events.append("collect") or collect(*args))

    engine.translate_segments(ARABIC_SENTENCES[:10], "ar", "en")
    assert events == ["send", "send", "collect", "collect"]

    events.clear()
    other = hold_in_another_process(engine.cores, 1)
    try:
        engine.translate_segments(ARABIC_SENTENCES[10:20], "ar", "en")
    finally:
        stop(other)
    assert events == ["send", "collect", "send", "collect"]


class HeldBackResult:
    """A batch's result that does not say it is done until `release` is set (or 5 s have passed)."""

    def __init__(self, result, release) -> None:
        self.inner, self.release, self.deadline = result, release, time.monotonic() + 5

    def done(self) -> bool:
        return self.release.is_set() or time.monotonic() > self.deadline

    def result(self):
        while not self.done():
            time.sleep(0.005)
        return self.inner.result()


def test_a_job_started_on_a_busy_machine_widens_when_a_core_comes_free(argos_home, tmp_path, monkeypatch):
    """Every other core taken at the start: the first batch runs alone; when the other job's core comes free
    while it runs, the second batch is sent at once, not after the first (the tail of a full queue: the last
    job spreads onto the core the others left)."""
    events: list[str] = []
    second_sent = threading.Event()
    engine = TranslationEngine(EngineSettings(packages_dir=argos_home.packages_dir, parallel=2))
    engine.cores = CoreSlots(cores=2, folder=tmp_path)
    model = engine._model(engine.route("ar", "en")[0])
    other = hold_in_another_process(engine.cores, 1)
    translator = model.translator

    class FreeingTranslator:
        def translate_batch(self, *args, **kwargs):
            events.append("send")
            results = translator.translate_batch(*args, **kwargs)
            if len(events) == 1:
                # The other job ends while the first batch runs, after the job has looked for a core to send
                # the second on (it found none, so it waits on the first).
                threading.Timer(0.2, stop, (other,)).start()
                return [HeldBackResult(r, second_sent) for r in results]
            second_sent.set()
            return results

    model.translator = FreeingTranslator()
    collect = TranslationEngine._collect
    monkeypatch.setattr(engine, "_collect", lambda *args: events.append("collect") or collect(*args))
    try:
        together = engine.translate_segments(ARABIC_SENTENCES[:10], "ar", "en")
    finally:
        time.sleep(0.3)
        if other.returncode is None:
            stop(other)
    assert events == ["send", "send", "collect", "collect"]
    model.translator = translator
    assert together == engine.translate_segments(ARABIC_SENTENCES[:10], "ar", "en")


def test_a_core_gets_the_next_batch_as_soon_as_its_own_is_done(argos_home, tmp_path, monkeypatch):
    """Two cores free and four batches: the first batch runs long (held back until the third is sent, or 5 s);
    the second, done first, is collected and the third sent on its core at once, not after the first."""
    events: list[str] = []
    sent_order: dict[int, int] = {}
    third_sent = threading.Event()
    engine = TranslationEngine(
        EngineSettings(packages_dir=argos_home.packages_dir, parallel=2, max_batch_size=3)
    )
    engine.cores = CoreSlots(cores=2, folder=tmp_path)
    model = engine._model(engine.route("ar", "en")[0])
    translator = model.translator

    class FirstBatchRunsLong:
        def translate_batch(self, *args, **kwargs):
            position = len(sent_order)
            results = translator.translate_batch(*args, **kwargs)
            if position == 0:
                results = [HeldBackResult(r, third_sent) for r in results]
            sent_order[id(results)] = position
            events.append(f"send {position}")
            if position == 2:
                third_sent.set()
            return results

    model.translator = FirstBatchRunsLong()
    collect = TranslationEngine._collect

    def noting_collect(model, sent, results):
        events.append(f"collect {sent_order[id(sent[1])]}")
        return collect(model, sent, results)

    monkeypatch.setattr(engine, "_collect", noting_collect)
    together = engine.translate_segments(ARABIC_SENTENCES[:12], "ar", "en")
    assert events[:5] == ["send 0", "send 1", "collect 1", "send 2", "collect 0"]
    assert sorted(events) == sorted([f"send {i}" for i in range(4)] + [f"collect {i}" for i in range(4)])
    model.translator = translator
    monkeypatch.undo()
    assert together == engine.translate_segments(ARABIC_SENTENCES[:12], "ar", "en")


def test_machine_cores_names_a_real_count():
    from workflow.mt.cores import machine_cores

    assert 1 <= machine_cores() <= (os.cpu_count() or 1)
    assert Path(CoreSlots().folder).is_absolute()
