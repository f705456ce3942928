"""Concurrent saves, claims and decisions over real HTTP: one winner each time, no lost write, no 500.

The stack is the reliability suite's own (web + a real Celery worker on a private redis-server) on the
run's database kind, so the same tests cover PostgreSQL's row locks and SQLite's BEGIN IMMEDIATE.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.argos_model import sample_arabic_article

pytestmark = pytest.mark.worker

SAVE_ROUNDS = 30
CLAIMANTS = 6
#: Codes a request that lost a race may get: someone saved first, it is held, or its state moved on.
LOST_RACE_CODES = {"stale_version", "held", "invalid_state"}


@pytest.fixture(scope="module")
def stack(fault_stack):
    """The fault stack with two editors and CLAIMANTS adaptors (`adaptor` plus adaptor2 …)."""
    people = fault_stack.people
    people["editor"] = fault_stack.user("editor", "Rima Haddad", "editor")
    people["editor2"] = fault_stack.user("editor2", "Samir Kassir", "editor")
    for n in range(2, CLAIMANTS + 1):
        people[f"adaptor{n}"] = fault_stack.user(f"adaptor{n}", f"Adaptor Number {n}", "adaptor")
    return fault_stack


def at_once(calls):
    """Run each `(function, *args)` on its own thread, released together by a barrier; results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        function, *args = call
        barrier.wait(timeout=30)
        return function(*args)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def draft_ready(stack, seed: int) -> int:
    """A freshly submitted original's adaptation, once its machine draft is ready."""
    response = stack.people["reporter"].post(
        "/api/v1/articles",
        {
            "title": f"تقرير رقم {seed}",
            "body": sample_arabic_article(3, seed=seed),
            "language": "ar",
            "section": "News",
            "targets": ["en"],
        },
    )
    assert response.status == 201, response.json
    adaptation_id = response.json["adaptations"][0]["id"]
    stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready"}, timeout=120)
    return adaptation_id


def claimed(stack, seed: int) -> dict:
    """An adaptation claimed by `adaptor` (in_adaptation), as the claim returned it."""
    adaptation_id = draft_ready(stack, seed)
    response = stack.people["adaptor"].post(f"/api/v1/adaptations/{adaptation_id}/actions/claim")
    assert response.status == 200, response.json
    return response.json


def in_review(stack, seed: int) -> dict:
    """An adaptation the adaptor has adapted and submitted for review."""
    adaptation = claimed(stack, seed)
    path = f"/api/v1/adaptations/{adaptation['id']}"
    # Every figure the sample originals may hold, so the QA check on numbers lets the submission through.
    body = "Adapted text: 43.5 degrees, 2.3 per cent, $15bn, 1,000 jobs, 200 publishers, 3 goals, 20 films."
    saved = stack.people["adaptor"].put(
        path, {"title": f"Report {seed}", "body": body, "version": adaptation["version"]}
    )
    assert saved.status == 200, saved.json
    submitted = stack.people["adaptor"].post(f"{path}/actions/submit")
    assert submitted.status == 200 and submitted.json["state"] == "in_review", submitted.json
    return submitted.json


def read(stack, adaptation_id: int) -> dict:
    response = stack.people["editor"].get(f"/api/v1/adaptations/{adaptation_id}")
    assert response.status == 200, response.json
    return response.json


def test_concurrent_saves_from_one_version_have_one_winner_and_lose_nothing(stack):
    adaptation = claimed(stack, seed=101)
    path = f"/api/v1/adaptations/{adaptation['id']}"
    editors = ["adaptor", "editor", "editor2"]  # the holder and two editors may all edit in_adaptation
    version_after_claim = adaptation["version"]
    problems, saves, statuses = [], 0, Counter()
    for round_ in range(SAVE_ROUNDS):
        version = read(stack, adaptation["id"])["version"]
        texts = {
            who: {
                "title": f"Round {round_} by {who}",
                "body": f"Paragraph one of round {round_} by {who}.\n\nParagraph two by {who}.",
                "version": version,
            }
            for who in editors
        }
        responses = dict(
            zip(
                editors, at_once([(stack.people[who].put, path, texts[who]) for who in editors]), strict=False
            )
        )
        statuses.update(r.status for r in responses.values())
        winners = [who for who, r in responses.items() if r.status == 200]
        stored = read(stack, adaptation["id"])
        if len(winners) != 1:
            outcome = {who: (r.status, (r.json or {}).get("error")) for who, r in responses.items()}
            problems.append(f"round {round_}: {len(winners)} saves succeeded: {outcome}")
            continue
        saves += 1
        winner = winners[0]
        if (stored["title"], stored["body"]) != (texts[winner]["title"], texts[winner]["body"]):
            problems.append(f"round {round_}: lost write: {winner} got 200 but {stored['title']!r} is stored")
        if stored["version"] != version + 1 or responses[winner].json["version"] != version + 1:
            problems.append(f"round {round_}: version {version} → {stored['version']} after one save")
        for who, response in responses.items():
            if who == winner:
                continue
            body = response.json or {}
            if response.status != 409 or body.get("error") != "stale_version":
                problems.append(f"round {round_}: {who} got {response.status} {body}")
                continue
            current, yours = body["current"], body["yours"]
            if (current["title"], current["body"], current["version"]) != (
                stored["title"],
                stored["body"],
                stored["version"],
            ):
                problems.append(f"round {round_}: {who}'s 409 shows {current} instead of the stored text")
            if (yours["title"], yours["body"], yours["version"]) != (
                texts[who]["title"],
                texts[who]["body"],
                version,
            ):
                problems.append(f"round {round_}: {who}'s 409 does not carry their own text: {yours}")
    assert not problems, "\n".join(problems)
    assert statuses == {200: SAVE_ROUNDS, 409: 2 * SAVE_ROUNDS}, statuses

    final = read(stack, adaptation["id"])
    # Every stored change bumps the version once: the create, each state change, each save.
    state_changes = sum(1 for h in final["history"][1:] if h["from_state"] != h["to_state"])
    assert [h["action"] for h in final["history"]] == ["create", "draft-started", "draft-ready", "claim"]
    assert final["version"] == version_after_claim + saves == 1 + state_changes + saves
    assert final["state"] == "in_adaptation" and final["holder"]["username"] == "adaptor"


def test_the_holder_and_an_editor_saving_from_one_version_cannot_both_win(stack):
    adaptation = claimed(stack, seed=102)
    path = f"/api/v1/adaptations/{adaptation['id']}"
    for round_ in range(10):
        version = read(stack, adaptation["id"])["version"]
        texts = {
            who: {
                "title": f"{who} {round_}",
                "body": f"{who} wrote this in round {round_}.",
                "version": version,
            }
            for who in ("adaptor", "editor")
        }
        adaptor, editor = at_once(
            [(stack.people[who].put, path, texts[who]) for who in ("adaptor", "editor")]
        )
        assert sorted([adaptor.status, editor.status]) == [200, 409], (round_, adaptor.json, editor.json)
        winner, loser = ("adaptor", editor) if adaptor.status == 200 else ("editor", adaptor)
        stored = read(stack, adaptation["id"])
        assert (stored["title"], stored["version"]) == (texts[winner]["title"], version + 1)
        assert loser.json["error"] == "stale_version"
        assert loser.json["current"]["title"] == texts[winner]["title"]
        assert loser.json["yours"]["title"] != texts[winner]["title"]


def test_only_one_of_many_adaptors_claiming_at_once_gets_the_adaptation(stack):
    claimants = ["adaptor"] + [f"adaptor{n}" for n in range(2, CLAIMANTS + 1)]
    for seed in range(201, 206):
        adaptation_id = draft_ready(stack, seed)
        path = f"/api/v1/adaptations/{adaptation_id}/actions/claim"
        responses = dict(
            zip(claimants, at_once([(stack.people[who].post, path) for who in claimants]), strict=False)
        )
        winners = [who for who, r in responses.items() if r.status == 200]
        assert len(winners) == 1, {who: (r.status, r.json) for who, r in responses.items()}
        for who, response in responses.items():
            if who != winners[0]:
                assert response.status == 409 and response.json["error"] in LOST_RACE_CODES, (
                    who,
                    response.json,
                )
        stored = read(stack, adaptation_id)
        assert stored["state"] == "in_adaptation"
        assert stored["holder"]["username"] == winners[0]
        claims = [h for h in stored["history"] if h["action"] == "claim"]
        assert len(claims) == 1 and claims[0]["actor"]["username"] == winners[0], stored["history"]


def test_approving_a_version_that_changed_since_the_editor_opened_it_is_refused(stack):
    adaptation = in_review(stack, seed=301)
    path = f"/api/v1/adaptations/{adaptation['id']}"
    opened = read(stack, adaptation["id"])
    changed = stack.people["editor2"].put(
        path, {"title": "Report 301, corrected", "body": "Corrected text.", "version": opened["version"]}
    )
    assert changed.status == 200, changed.json

    stale = stack.people["editor"].post(f"{path}/actions/approve", {"version": opened["version"]})
    assert stale.status == 409 and stale.json["error"] == "stale_version", stale.json
    assert stale.json["current"] == {
        "version": changed.json["version"],
        "title": "Report 301, corrected",
        "body": "Corrected text.",
    }
    after = read(stack, adaptation["id"])
    assert after["state"] == "in_review" and after["published_at"] is None
    assert after["version"] == changed.json["version"]

    approved = stack.people["editor"].post(f"{path}/actions/approve", {"version": after["version"]})
    assert approved.status == 200 and approved.json["state"] == "published", approved.json
    assert approved.json["title"] == "Report 301, corrected"


def test_an_approval_racing_a_save_from_the_same_version_never_publishes_unseen_text(stack):
    for seed in range(302, 306):
        adaptation = in_review(stack, seed)
        path = f"/api/v1/adaptations/{adaptation['id']}"
        version = read(stack, adaptation["id"])["version"]
        approve, save = at_once(
            [
                (stack.people["editor"].post, f"{path}/actions/approve", {"version": version}),
                (
                    stack.people["editor2"].put,
                    path,
                    {"title": f"Late change {seed}", "body": "Unseen text.", "version": version},
                ),
            ]
        )
        assert sorted([approve.status, save.status]) == [200, 409], (approve.json, save.json)
        stored = read(stack, adaptation["id"])
        if approve.status == 200:
            assert save.json["error"] in LOST_RACE_CODES, save.json
            assert stored["state"] == "published" and stored["title"] == f"Report {seed}"
        else:
            assert approve.json["error"] == "stale_version", approve.json
            assert stored["state"] == "in_review" and stored["title"] == f"Late change {seed}"
