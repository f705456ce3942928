"""Fuzzing the JSON API from its own OpenAPI document (schemathesis, in-process over WSGI): valid and
invalid requests for every operation, as an editor and as a reporter, must never get a 5xx."""

from __future__ import annotations

import pytest
import schemathesis  # the test extras pin it: pip install -e '.[test]'
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.security.conftest import EDITOR, REPORTER, World
from tests.support.factories import token_for

#: Examples per operation and generation mode (valid, invalid), each as an editor or a reporter at random;
#: keeps the fuzz run well under a minute.
EXAMPLES = 25


@pytest.fixture()
def hypothesis_home(tmp_path):
    """Hypothesis caches what it learns under ./.hypothesis; keep that out of the work tree."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    set_hypothesis_home_dir(None)


def fuzz(operation, world: World, real_ids: list[int], examples: int) -> int:
    """Send `examples` valid and `examples` invalid requests to one operation; returns how many were sent.

    Half the requests that name an adaptation or article use the id of real work (the rest are random
    ids, mostly 404). DELETE /tokens/current revokes the token it is sent with: it gets a fresh one.
    """
    tokens = {who: token_for(world.people[who]) for who in (EDITOR, REPORTER)}
    revokes = operation.method.upper() == "DELETE"
    sent = 0
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            print_blob=False,
            phases=[Phase.explicit, Phase.generate],
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=operation.as_strategy(generation_mode=mode),
            who=st.sampled_from(sorted(tokens)),
            use_real=st.booleans(),
            real_id=st.sampled_from(real_ids),
        )
        def call(case, who, use_real, real_id):
            nonlocal sent
            if use_real:
                for name in ("adaptation_id", "article_id"):
                    if name in (case.path_parameters or {}):
                        case.path_parameters[name] = real_id
            headers = token_for(world.people[who]) if revokes else tokens[who]
            response = case.call(headers=headers)
            sent += 1
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        try:
            call()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (no parameters, no body): fine.
            assert mode == GenerationMode.NEGATIVE, operation.label
    return sent


def _setup(app, world: World):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    real_ids = sorted(
        {*[a.id for a in world.adaptations.values()], world.other.id, world.own.id, world.hidden.id}
    )
    return operations, real_ids


def test_the_api_never_answers_5xx_to_generated_requests(app, world: World, hypothesis_home):
    """Every operation of /api/v1/openapi.json, with valid and invalid data, ids of real work mixed in."""
    operations, real_ids = _setup(app, world)
    assert len(operations) >= 12, [op.label for op in operations]
    # Its cost grows with the number of operations; how long it takes is the machine's business, not a test's.
    sent = sum(fuzz(operation, world, real_ids, EXAMPLES) for operation in operations)
    assert sent >= len(operations) * EXAMPLES, sent  # generation was not starved


def test_the_fuzzer_does_report_a_server_error(app, world: World, hypothesis_home, monkeypatch):
    """The run above can fail: an operation whose view breaks is reported."""
    operations, real_ids = _setup(app, world)
    me = next(op for op in operations if op.path == "/api/v1/me")

    def broken():
        raise RuntimeError("broken on purpose")

    monkeypatch.setitem(app.view_functions, "api.show_me", broken)
    monkeypatch.setattr(app.logger, "disabled", True)
    try:
        fuzz(me, world, real_ids, 3)
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        assert "Server error" in str(exc) or "500" in str(exc), exc
    else:
        pytest.fail("a 500 from /api/v1/me went unnoticed")
