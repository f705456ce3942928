"""The API against its own OpenAPI document, through schemathesis' engine (coverage, fuzzing and stateful
phases, in-process over WSGI): no 5xx, no operation that mostly refuses data its schema allows, and the
stateful phase follows the document's links from a submitted original to an approved adaptation.

Each request carries the token of the role that does that step in the newsroom (a reporter submits and
revises originals, the adaptor claims, saves and submits, an editor decides, an admin manages webhooks and
reads the audit log): one person per role, as in the access walk. A single token holding every role would
be refused at approve anyway (four eyes: the adaptor may not approve their own work).

The warnings are read with schemathesis' own collector (`WarningCollector`, through the CLI's
`ExecutionContext`), fed the engine's events: the same judgement `schemathesis run` prints, pinned by the
exact schemathesis version in the test extras.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis  # the test extras pin it: pip install -e '.[test]'
from schemathesis.cli.commands.run.context import ExecutionContext
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from tests.security.conftest import ADAPTOR, ADMIN, EDITOR, REPORTER, World
from tests.support.factories import finish_draft, token_for
from workflow.domain.actions import ACTIONS
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import Adaptation, ApiToken

#: Fixed seed, derandomized generation: the same requests on every run.
SEED = 17
#: Examples per operation in the fuzzing phase (the coverage phase sends its own fixed set).
EXAMPLES = 8
#: The walk the stateful phase must complete, by operation and (for actions) action.
WALK = ("createArticle", "claim", "saveAdaptation", "submit", "approve")
#: Who does what, by operationId; actions go by the roles their declaration allows.
ROLE_OF_OPERATION = {
    "createArticle": REPORTER,
    "reviseArticle": REPORTER,
    "listArticles": REPORTER,
    "saveAdaptation": ADAPTOR,
    "acknowledgeSource": ADAPTOR,
    "listWebhooks": ADMIN,
    "createWebhook": ADMIN,
    "showWebhook": ADMIN,
    "deleteWebhook": ADMIN,
    "listDeliveries": ADMIN,
    "redeliver": ADMIN,
    "listAudit": ADMIN,
}
ROLE_PREFERENCE = (
    (Role.ADAPTOR, ADAPTOR),
    (Role.EDITOR, EDITOR),
    (Role.REPORTER, REPORTER),
    (Role.ADMIN, ADMIN),
)


def role_for(case) -> str:
    """The role whose person sends this request."""
    operation_id = case.operation.definition.raw.get("operationId", "")
    if operation_id == "takeAction":
        action = ACTIONS.get(str((case.path_parameters or {}).get("action")))
        if action is not None:
            return next(who for role, who in ROLE_PREFERENCE if role in action.roles)
    return ROLE_OF_OPERATION.get(operation_id, EDITOR)


@dataclass
class RoleTokens:
    """A live token per role; one a request revoked (DELETE /tokens/…) is replaced before the next request."""

    world: World
    tokens: dict[str, str] = field(default_factory=dict)

    def header(self, who: str) -> str:
        token = self.tokens.get(who)
        if token is None or self._revoked(token):
            token = token_for(self.world.people[who])["Authorization"]
            self.tokens[who] = token
        return token

    @staticmethod
    def _revoked(header: str) -> bool:
        from workflow.services.credentials import token_row

        row: ApiToken | None = token_row(db.session, header.removeprefix("Bearer "))
        return row is None or row.revoked_at is not None


@dataclass
class Run:
    """What the engine did: responses by operation and phase, the walks' steps, the warnings."""

    statuses: dict[tuple[str, str], Counter] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    #: Stateful steps that succeeded: (step name, case id, parent case id).
    steps: list[tuple[str, str, str | None]] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    #: A few refused requests per operation, to say why in a failure message.
    refused: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def completed_walks(self) -> int:
        """How many stateful scenarios went submit → claim → save → submit → approve, each step on the last."""
        by_id = {case_id: (name, parent) for name, case_id, parent in self.steps}
        walks = 0
        for name, case_id, _ in self.steps:
            if name != WALK[-1]:
                continue
            chain, current = [], case_id
            while current in by_id:
                step, current = by_id[current]
                chain.append(step)
            if tuple(reversed(chain))[-len(WALK) :] == WALK:
                walks += 1
        return walks


def step_name(case) -> str:
    operation_id = case.operation.definition.raw.get("operationId", "")
    if operation_id == "takeAction":
        return str((case.path_parameters or {}).get("action"))
    return operation_id


def run_schemathesis(app, world: World, phases: list[str], *, examples: int = EXAMPLES) -> Run:
    """Run the engine over /api/v1/openapi.json with these phases; what it saw."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": examples, "deterministic": True, "database": "none"},
            "phases": {
                name: {"enabled": name in phases} for name in ("examples", "coverage", "fuzzing", "stateful")
            },
            # 5xx is what this test judges; the warnings below judge the schema against the checks.
            "checks": {"enabled": False, "not_a_server_error": {"enabled": True}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    tokens = RoleTokens(world)

    @schema.auth(refresh_interval=None)
    class ByRole:
        """The token of the person whose role does this step."""

        def get(self, case, context):
            return tokens.header(role_for(case))

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": data}

    @schema.hook
    def after_call(context, case, response):
        """The worker's part: a submitted original's machine drafts come back ready (held in tests)."""
        if step_name(case) == "createArticle" and response.status_code == 201:
            with app.app_context():
                for item in response.json()["adaptations"]:
                    adaptation = db.session.get(Adaptation, item["id"])
                    source = adaptation.article.latest
                    finish_draft(adaptation, title=source.title, body=source.body)

    context = ExecutionContext(config=schema.config)
    context.find_operation_by_label = schema.find_operation_by_label
    run = Run()
    for event in from_schema(schema).execute():
        context.on_event(event)
        if isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.info}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        for case_id, interaction in recorder.interactions.items():
            if interaction.response is None:
                continue
            node = recorder.cases[case_id]
            status = interaction.response.status_code
            label = node.value.operation.label
            run.statuses.setdefault((label, event.phase.value), Counter())[status] += 1
            if status in (400, 422) and len(run.refused.setdefault(label, [])) < 4:
                run.refused[label].append(
                    f"{event.phase.value} {node.value.meta.generation.mode.value if node.value.meta else ''} "
                    f"{interaction.request.body!r:.200} -> {interaction.response.content!r:.200}"
                )
            if status >= 500:
                run.server_errors.append(
                    f"{event.phase.value} {label}: {status} {interaction.request.body!r}"
                )
            if event.phase == PhaseName.STATEFUL_TESTING and status < 300:
                run.steps.append((step_name(node.value), case_id, node.parent_id))
    run.warnings = {kind: labels for kind, labels in context.warnings.as_labels().items() if labels}
    run.failures = [f"{group.title}: {group.count}" for group in context.summary().failures]
    return run


@pytest.fixture()
def hypothesis_home(tmp_path):
    """Hypothesis caches what it learns under ./.hypothesis; keep that out of the work tree."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    set_hypothesis_home_dir(None)


def test_schemathesis_finds_no_5xx_no_schema_mismatch_and_walks_to_approve(
    app, world: World, hypothesis_home
):
    """Coverage, fuzzing and stateful phases: no 5xx, no validation mismatch, and approve reached by links."""
    run = run_schemathesis(app, world, ["coverage", "fuzzing", "stateful"])
    import json, os  # DEBUG
    if os.environ.get("FUZZ_DEBUG"):
        with open(os.environ["FUZZ_DEBUG"], "w") as out:
            json.dump({"warnings": run.warnings, "refused": run.refused, "failures": run.failures, "errors": run.errors[:20],
                       "statuses": {f"{k[0]} {k[1]}": dict(v) for k, v in sorted(run.statuses.items())},
                       "steps": sorted(Counter(n for n, _, _ in run.steps).items()), "walks": run.completed_walks()}, out, indent=1, default=str)
    assert not run.server_errors, run.server_errors[:5]
    assert not run.failures, run.failures
    mismatched = run.warnings.get("validation_mismatch", [])
    assert not mismatched, {label: run.refused.get(label) for label in mismatched}
    assert run.completed_walks() >= 1, sorted(Counter(name for name, _, _ in run.steps).items())
    # Every phase ran: the coverage and fuzzing phases reached the operations the walk uses too.
    phases = {phase for _, phase in run.statuses}
    assert phases >= {"coverage", "fuzzing", "stateful"}, phases
