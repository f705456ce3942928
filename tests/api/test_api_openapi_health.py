"""The OpenAPI document describes every route as it is, and /healthz tells the truth about the database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine

from tests.api.helpers import assert_error, schema_problems
from tests.support.factories import make_article
from workflow.domain.actions import ACTIONS
from workflow.extensions import db
from workflow.web.api import openapi_document

METHODS = {"get", "put", "post", "delete", "patch"}


def api_routes(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) for every rule of the api blueprint."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods if m.lower() in METHODS}
    return routes


def refs(node, found=None) -> list[str]:
    found = [] if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.append(value)
            else:
                refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)
    return found


def resolve(doc: dict, pointer: str):
    assert pointer.startswith("#/"), pointer
    node = doc
    for part in pointer[2:].split("/"):
        assert part in node, f"unresolved $ref {pointer}"
        node = node[part]
    return node


@pytest.fixture(scope="module")
def doc() -> dict:
    return openapi_document()


def test_document_is_served(api, session, doc):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json == doc


def test_document_header_and_security(doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /api/v1/tokens.",
    }
    assert doc["security"] == [{"bearerAuth": []}]


def test_every_route_is_documented_and_nothing_else(app, doc):
    """Each documented operation is answered by a rule of the api blueprint, and every such rule answers a
    documented operation: its path as written, or (one rule for every workflow action) filled in by name."""
    adapter = app.url_map.bind("localhost")
    served = set()
    for path, item in doc["paths"].items():
        for method in (m for m in item if m in METHODS):
            rule, _ = adapter.match(re.sub(r"{[a-z_]+}", "1", path), method=method.upper(), return_rule=True)
            assert rule.endpoint.startswith("api."), (path, method, rule)
            rule_path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            filled = re.sub(r"{action}$", path.rsplit("/", 1)[-1], rule_path)
            assert filled == path, (path, method, rule.rule)
            served.add((rule_path, method))
    assert served == api_routes(app)


def test_each_action_is_its_own_operation_and_no_other_action_is_served(api, session, editor, doc):
    """One operation per declared action, at …/actions/<name>; a name no action has answers 404 naming them."""
    prefix = "/api/v1/adaptations/{adaptation_id}/actions/"
    documented = {
        path.removeprefix(prefix): item["post"] for path, item in doc["paths"].items() if prefix in path
    }
    assert list(documented) == list(ACTIONS)
    assert len({operation["operationId"] for operation in documented.values()}) == len(ACTIONS)
    assert documented["claim"]["operationId"] == "claimAction"
    article = make_article()
    adaptation_id = article.adaptations[0].id
    for name in ACTIONS:  # each documented path reaches its action (refused by state or body, not unknown)
        response = api.post(f"/api/v1/adaptations/{adaptation_id}/actions/{name}", editor, json={})
        assert response.status_code != 404, (name, response.json)
    body = assert_error(
        api.post(f"/api/v1/adaptations/{adaptation_id}/actions/publish", editor, json={}), 404
    )
    assert "Actions are: claim, release" in body["message"]
    assert_error(api.post(f"/api/v1/adaptations/{adaptation_id}/actions/Claim", editor, json={}), 404)


def test_each_action_body_is_made_from_its_declaration(doc):
    """What each action's body requires follows `domain.actions`: a version for decisions, a comment (or
    reason) where one is needed, an assignee to reassign, a priority or deadline to prioritize."""
    prefix = "/api/v1/adaptations/{adaptation_id}/actions/"
    for name, action in ACTIONS.items():
        body = doc["paths"][prefix + name]["post"]["requestBody"]
        schema = resolve(doc, body["content"]["application/json"]["schema"]["$ref"])
        required = set(schema.get("required", []))
        assert ("version" in required) is action.names_version, name
        assert (action.comment_field in required) is action.needs_comment, name
        assert action.comment_field in schema["properties"], name
        assert ("assignee" in required) is action.needs_assignee, name
        assert ("publish_at" in schema["properties"]) is (name == "approve"), name
        assert ("revision" in schema["properties"]) is action.needs_changed_source, name
        assert body["required"] is bool(required or schema.get("anyOf")), name
    prioritize = resolve(doc, "#/components/schemas/PrioritizeActionRequest")
    assert [option["required"] for option in prioritize["anyOf"]] == [["priority"], ["deadline"]]
    assert "ActionRequest" not in doc["components"]["schemas"]


def test_every_reference_resolves(doc):
    found = refs(doc)
    assert found
    for pointer in found:
        resolve(doc, pointer)


def test_operations_are_complete(doc):
    operation_ids = []
    for path, item in doc["paths"].items():
        declared = {
            resolve(doc, p["$ref"])["name"] if "$ref" in p else p["name"] for p in item.get("parameters", [])
        }
        for method, operation in ((m, o) for m, o in item.items() if m in METHODS):
            operation_ids.append(operation["operationId"])
            assert operation["summary"] and operation["tags"], (path, method)
            names = declared | {
                resolve(doc, p["$ref"])["name"] if "$ref" in p else p["name"]
                for p in operation.get("parameters", [])
            }
            assert set(re.findall(r"{([a-z_]+)}", path)) <= names, (path, method)
            statuses = set(operation["responses"])
            assert any(s.startswith("2") for s in statuses), (path, method)
            public = operation["security"] == []
            if not public:
                assert operation["security"] == [{"bearerAuth": []}] and "401" in statuses, (path, method)
            if method in ("post", "put") and "requestBody" in operation:
                assert {"400", "413", "415"} <= statuses, (path, method)
            for status, response in operation["responses"].items():
                response = resolve(doc, response["$ref"]) if "$ref" in response else response
                assert response["description"], (path, method, status)
                if status.startswith(("4", "5")):
                    assert "content" in response, (path, method, status)
    assert len(operation_ids) == len(set(operation_ids))
    public = {
        o["operationId"]
        for item in doc["paths"].values()
        for m, o in item.items()
        if m in METHODS and o["security"] == []
    }
    assert public == {
        "createToken",
        "listPublished",
        "showPublished",
        "showPublishedNinjs",
        "openapi",
        "healthz",
    }


def test_error_responses_use_the_error_schema(doc):
    for name, response in doc["components"]["responses"].items():
        schema = response["content"]["application/json"]["schema"]
        assert "Error" in str(schema) or name == "Unavailable", name
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "message"]


def test_schemas_are_well_formed(doc):
    allowed = {"object", "array", "string", "integer", "boolean", "null", "number"}
    for pointer in refs(doc):
        target = resolve(doc, pointer)
        for node in [target, *target.get("properties", {}).values()] if isinstance(target, dict) else []:
            if "type" in node:
                assert node["type"] in allowed, (pointer, node)
            if node.get("type") == "object" and "required" in node:
                assert set(node["required"]) <= set(node["properties"]), pointer


def test_the_checker_catches_undocumented_and_missing_fields(doc):
    person = {"$ref": "#/components/schemas/Person"}
    assert schema_problems({"username": "a", "name": "A"}, person) == []
    assert schema_problems({"username": "a"}, person) == ["$: missing 'name'"]
    extra = {"username": "a", "name": "A", "secret": 1}
    assert schema_problems(extra, person) == ["$: undocumented 'secret'"]
    assert schema_problems({"username": 5, "name": "A"}, person) == ["$.username: 5 is not string"]


def test_health_ok(api, session):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert schema_problems(response.json, {"$ref": "#/components/schemas/Health"}) == []


@pytest.fixture()
def database_down(session):
    """Requests use a database that does not answer (nothing listens on port 1; the path does not exist)."""
    kind = db.engine.dialect.name
    url = (
        "sqlite:////nonexistent-adaptdesk-dir/down.db"
        if kind == "sqlite"
        else "postgresql+psycopg://postgres@127.0.0.1:1/down"
    )
    engine = create_engine(url, connect_args={} if kind == "sqlite" else {"connect_timeout": 2})
    bind = db.session_factory.kw["bind"]
    db.session.remove()
    db.session_factory.configure(bind=engine)
    yield
    db.session.remove()
    db.session_factory.configure(bind=bind)
    engine.dispose()


def test_health_reports_a_database_that_does_not_answer(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["database"].startswith("unavailable (")
    assert "127.0.0.1" not in response.json["database"]


def test_unknown_api_addresses_are_json(api, session):
    assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(api.put("/api/v1/tokens"), 405, "method_not_allowed")
