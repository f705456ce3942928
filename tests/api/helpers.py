"""Helpers for the API tests: a client that calls as a person, and a check of JSON against the OpenAPI."""

from __future__ import annotations

from typing import Any

from tests.support.factories import token_for
from workflow.extensions import db
from workflow.models import Adaptation
from workflow.web.api import openapi_document

#: Editors' decisions, which must name the version the editor read.
DECISIONS = ("approve", "reject", "request-changes")


class Api:
    """Calls the JSON API as a person (their bearer token) or as nobody."""

    def __init__(self, client) -> None:
        self.client = client
        self._headers: dict[int, dict[str, str]] = {}

    def headers(self, user) -> dict[str, str]:
        """Bearer headers for `user`, one token per person per test."""
        if user is None:
            return {}
        if user.id not in self._headers:
            self._headers[user.id] = token_for(user)
        return self._headers[user.id]

    def call(self, method: str, url: str, user=None, json=None, **kwargs):
        """One request; `json` is sent as the JSON body when given."""
        headers = {**self.headers(user), **kwargs.pop("headers", {})}
        if json is not None:
            kwargs["json"] = json
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, user=None, **kwargs):
        return self.call("GET", url, user, **kwargs)

    def post(self, url: str, user=None, json=None, **kwargs):
        return self.call("POST", url, user, json, **kwargs)

    def put(self, url: str, user=None, json=None, **kwargs):
        return self.call("PUT", url, user, json, **kwargs)

    def delete(self, url: str, user=None, **kwargs):
        return self.call("DELETE", url, user, **kwargs)

    def act(self, adaptation_id: int, action: str, user, **body):
        """Take a workflow action on an adaptation through the API; decisions name the version just read."""
        if action in DECISIONS and "version" not in body:
            read = self.get(f"/api/v1/adaptations/{adaptation_id}", user)
            body["version"] = read.json["version"] if read.status_code == 200 else 1
        return self.post(f"/api/v1/adaptations/{adaptation_id}/actions/{action}", user, json=body)

    def adaptation(self, adaptation_id: int, user) -> dict:
        """GET one adaptation and return its JSON (asserting 200)."""
        response = self.get(f"/api/v1/adaptations/{adaptation_id}", user)
        assert response.status_code == 200, response.json
        return response.json


def adaptation_row(adaptation_id: int) -> Adaptation:
    """The adaptation row, as the test's session holds it."""
    return db.session.get(Adaptation, adaptation_id)


def assert_error(
    response,
    status: int,
    code: str | None = None,
    field: str | None = None,
) -> dict:
    """The response is a JSON error with this status (and code and field, when given)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.json
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str) and body["message"]
    if code is not None:
        assert body["error"] == code, body
    if field is not None:
        assert body.get("field") == field, body
    return body


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def schema_problems(instance: Any, schema: dict, doc: dict | None = None, where: str = "$") -> list[str]:
    """Where `instance` departs from `schema` (the JSON Schema subset the document uses).

    Stricter than JSON Schema on purpose: an object may hold only the properties its schema lists,
    so every field the API returns must be documented.
    """
    doc = doc or openapi_document()
    if "$ref" in schema:
        target: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return schema_problems(instance, target, doc, where)
    if "anyOf" in schema:
        options = [schema_problems(instance, option, doc, where) for option in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{where}: matches no option: {options}"]
    problems: list[str] = []
    if "const" in schema and instance != schema["const"]:
        problems.append(f"{where}: {instance!r} is not {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        problems.append(f"{where}: {instance!r} not in {schema['enum']}")
    kind = schema.get("type")
    if kind == "integer":
        if not isinstance(instance, int) or isinstance(instance, bool):
            return [*problems, f"{where}: {instance!r} is not an integer"]
    elif kind is not None and not isinstance(instance, _TYPES[kind]):
        return [*problems, f"{where}: {instance!r} is not {kind}"]
    if isinstance(instance, dict) and "properties" in schema:
        properties = schema["properties"]
        problems += [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in instance]
        problems += [f"{where}: undocumented {key!r}" for key in instance if key not in properties]
        for key, value in instance.items():
            if key in properties:
                problems += schema_problems(value, properties[key], doc, f"{where}.{key}")
    if isinstance(instance, list) and "items" in schema:
        for i, value in enumerate(instance):
            problems += schema_problems(value, schema["items"], doc, f"{where}[{i}]")
    return problems


def assert_matches(instance: Any, schema_name: str) -> None:
    """The JSON matches the named schema of the OpenAPI document."""
    problems = schema_problems(instance, {"$ref": f"#/components/schemas/{schema_name}"})
    assert not problems, "\n".join(problems[:20])
