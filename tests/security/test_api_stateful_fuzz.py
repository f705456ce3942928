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
from dataclasses import dataclass, field, replace
from ipaddress import ip_network
from types import SimpleNamespace

import pytest
import schemathesis  # the test extras pin it: pip install -e '.[test]'
from schemathesis.cli.commands.run.context import ExecutionContext
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from tests.security.conftest import ADAPTOR, ADMIN, EDITOR, REPORTER, World
from tests.support.factories import PASSWORD, finish_draft, token_for
from workflow.domain.actions import ACTIONS
from workflow.domain.states import Role
from workflow.domain.termbase import write_tbx
from workflow.extensions import db
from workflow.models import Adaptation, ApiToken
from workflow.services.errors import InvalidInput

#: Fixed seed, derandomized generation: the same requests on every run.
SEED = 17
#: Examples per operation in the fuzzing phase (the coverage phase sends its own fixed set).
EXAMPLES = 8
#: Scenarios of the stateful phase, and steps in each (the walk takes five).
STATEFUL_EXAMPLES = 60
MAX_STEPS = 40
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
    "listWebhookDeliveries": ADMIN,
    "redeliverWebhook": ADMIN,
    "listAudit": ADMIN,
}
ROLE_PREFERENCE = (
    (Role.ADAPTOR, ADAPTOR),
    (Role.EDITOR, EDITOR),
    (Role.REPORTER, REPORTER),
    (Role.ADMIN, ADMIN),
)


#: Where the document puts each action's own operation: …/actions/<name>.
ACTION_PATH = "/api/v1/adaptations/{adaptation_id}/actions/"


def action_of(case) -> str | None:
    """The workflow action this request takes (its operation's path names it), or None."""
    path = case.operation.path
    return path.removeprefix(ACTION_PATH) if path.startswith(ACTION_PATH) else None


def role_for(case) -> str:
    """The role whose person sends this request."""
    action = ACTIONS.get(action_of(case) or "")
    if action is not None:
        return next(who for role, who in ROLE_PREFERENCE if role in action.roles)
    return ROLE_OF_OPERATION.get(case.operation.definition.raw.get("operationId", ""), EDITOR)


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


#: A receiver address the test app allows (webhook targets must resolve to allowed addresses).
WEBHOOK_URL = "http://127.0.0.1:9/adaptdesk-hook"


def tmx_file(source_lang: str, target_lang: str) -> bytes:
    """A one-unit TMX 1.4 file of the pair."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="fuzz" '
        f'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="{source_lang}" '
        f'datatype="plaintext"/><body><tu><tuv xml:lang="{source_lang}"><seg>Source text.</seg></tuv>'
        f'<tuv xml:lang="{target_lang}"><seg>Target text.</seg></tuv></tu></body></tmx>'
    ).encode()


def glossary_file(kind: str, source_lang: str, target_lang: str) -> bytes:
    """A one-term TBX or CSV term base of the pair."""
    if kind == "csv":
        return "source,target\nبوتين,Putin\n".encode()
    term = SimpleNamespace(
        id=1,
        source="بوتين",
        target="Putin",
        alternatives=[],
        forbidden=[],
        note="",
        source_lang="",
        target_lang="",
    )
    return write_tbx([term], source_lang, target_lang).encode()


@dataclass
class Secrets:
    """What a valid request carries that its schema cannot describe, and a client knows: a person's current
    password, a webhook receiver the server may reach, a file in the format named. Positive cases get it (the
    data schemathesis generated for everything else stays); negative cases keep the generated values."""

    world: World
    passwords: dict[str, str] = field(default_factory=dict)

    def fill(self, case, who: str) -> None:
        body = case.body if isinstance(case.body, dict) else None
        if body is None or case.meta is None or case.meta.generation.mode.value != "positive":
            return
        operation_id = case.operation.definition.raw.get("operationId", "")
        if operation_id == "changeMyPassword":
            body["current_password"] = self.passwords.get(who, PASSWORD)
        elif operation_id == "createWebhook":
            body["url"] = WEBHOOK_URL
        elif operation_id == "importMemory":
            body["file"] = tmx_file(body.get("source_lang") or "ar", body.get("target_lang") or "en")
        elif operation_id == "importGlossary":
            pair = body.get("source_lang") or "ar", body.get("target_lang") or "en"
            body["file"] = glossary_file(body.get("format") or "tbx", *pair)

    def changed(self, case, who: str, status: int) -> None:
        if case.operation.definition.raw.get("operationId") == "changeMyPassword" and status == 200:
            self.passwords[who] = case.body["new_password"]


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
    return action_of(case) or case.operation.definition.raw.get("operationId", "")


def run_schemathesis(
    app, world: World, phases: list[str], *, examples: int = EXAMPLES, operation_ids: tuple[str, ...] = ()
) -> Run:
    """Run the engine over /api/v1/openapi.json (only these operations, when named) with these phases."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": examples, "database": "none"},
            "phases": {
                **{name: {"enabled": name in phases} for name in ("examples", "coverage", "fuzzing")},
                # Invalid data is the other phases' work: each step of a walk sends data its schema allows.
                "stateful": {
                    "enabled": "stateful" in phases,
                    "generation": {"mode": "positive"},
                    "max-steps": MAX_STEPS,
                    # Only the document's own links: the walk proves them, not links schemathesis guesses.
                    "inference": {"algorithms": []},
                },
            },
            # 5xx is what this test judges; the warnings below judge the schema against the checks.
            "checks": {"enabled": False, "not_a_server_error": {"enabled": True}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    if operation_ids:
        schema = schema.include(operation_id=list(operation_ids))
    tokens = RoleTokens(world)
    secrets = Secrets(world)

    @schema.auth(refresh_interval=None)
    class ByRole:
        """The token of the person whose role does this step."""

        def get(self, case, context):
            return tokens.header(role_for(case))

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": data}
            # Beside the token, what else only the client knows (schemathesis has no per-schema before_call).
            secrets.fill(case, role_for(case))

    @schema.hook
    def after_call(context, case, response):
        """The worker's part: a submitted original's machine drafts come back ready (held in tests)."""
        secrets.changed(case, role_for(case), response.status_code)
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
            positive = node.value.meta is not None and node.value.meta.generation.mode.value == "positive"
            if positive and status in (400, 422) and len(run.refused.setdefault(label, [])) < 4:
                run.refused[label].append(
                    f"{event.phase.value}: {interaction.request.body!r:.200} -> {interaction.response.content!r:.200}"
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


#: The operations the stateful phase walks through: each action of the walk is its own operation.
WALK_OPERATIONS = ("createArticle", "claimAction", "saveAdaptation", "submitAction", "approveAction")


def test_coverage_and_fuzzing_find_no_5xx_and_no_schema_mismatch(
    app, world: World, hypothesis_home, monkeypatch
):
    """Every operation, valid and invalid data: no 5xx, and none mostly refuses data its schema allows."""
    settings = app.config["ADAPTDESK"]
    allowed = (*settings.webhook_allowed_networks, ip_network("127.0.0.1/32"))
    monkeypatch.setitem(app.config, "ADAPTDESK", replace(settings, webhook_allowed_networks=allowed))
    run = run_schemathesis(app, world, ["coverage", "fuzzing"])
    assert not run.errors, run.errors[:5]
    assert not run.server_errors, run.server_errors[:5]
    assert not run.failures, run.failures
    mismatched = run.warnings.get("validation_mismatch", [])
    assert not mismatched, {label: run.refused.get(label) for label in mismatched}
    assert {phase for _, phase in run.statuses} == {"coverage", "fuzzing"}


def test_the_stateful_phase_walks_the_links_from_an_original_to_approve(app, world: World, hypothesis_home):
    """Following the document's links, schemathesis submits an original, claims, saves, submits and approves."""
    run = run_schemathesis(
        app, world, ["stateful"], examples=STATEFUL_EXAMPLES, operation_ids=WALK_OPERATIONS
    )
    assert not run.errors, run.errors[:5]
    assert not run.server_errors, run.server_errors[:5]
    assert not run.failures, run.failures
    assert run.completed_walks() >= 1, sorted(Counter(name for name, _, _ in run.steps).items())
    assert "approve" in {name for name, _, _ in run.steps}


def test_the_run_does_report_a_schema_mismatch_and_a_server_error(
    app, world: World, hypothesis_home, monkeypatch
):
    """The checks above can fail: an operation that refuses every body, and one that breaks, are reported."""

    def refuses_everything():
        raise InvalidInput("current_password", "Refused on purpose.")

    def breaks():
        raise RuntimeError("broken on purpose")

    monkeypatch.setitem(app.view_functions, "api.change_my_password", refuses_everything)
    monkeypatch.setitem(app.view_functions, "api.show_me", breaks)
    monkeypatch.setattr(app.logger, "disabled", True)
    run = run_schemathesis(
        app, world, ["coverage", "fuzzing"], examples=3, operation_ids=("changeMyPassword", "showMe")
    )
    assert run.warnings.get("validation_mismatch") == ["POST /api/v1/me/password"], run.warnings
    assert any("GET /api/v1/me: 500" in error for error in run.server_errors), run.server_errors[:3]


def test_an_action_whose_model_is_stricter_than_its_schema_is_reported(
    app, world: World, hypothesis_home, monkeypatch
):
    """The mismatch check holds for the actions too: if claim's check asked for a field its documented
    schema does not have, the run reports claim (and only claim) as refusing what its schema allows."""
    from pydantic import create_model

    from workflow.web.api import actions

    documented = actions.action_input

    def stricter(name, limits):
        model = documented(name, limits)
        if name != "claim":
            return model
        return create_model("StricterClaim", __base__=model, undocumented=(str, ...))

    monkeypatch.setattr(actions, "action_input", stricter)  # the document still shows claim's own model
    run = run_schemathesis(
        app, world, ["coverage", "fuzzing"], examples=3, operation_ids=("claimAction", "releaseAction")
    )
    assert run.warnings.get("validation_mismatch") == [f"POST {ACTION_PATH}claim"], run.warnings
