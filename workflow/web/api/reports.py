"""Editors' reports through the API.

URL map:
    GET /api/v1/reports/credits?from=&to=    api.credits_report    editors
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...domain.messages import N_
from ...domain.rules import can_read_reports
from ...extensions import db
from ...models import utcnow
from ...services import reports
from ...services.errors import NotAllowed
from .inputs import api_person
from .openapi import INT, Route, errors, obj, ok, op, ref, text


def credits_report():
    """Per person: originals reported, adaptations adapted and approved (pages and words) in a period."""
    person = api_person()
    period = reports.parse_period(request.args.get("from"), request.args.get("to"), today=utcnow().date())
    if not can_read_reports(person.actor):
        raise NotAllowed(N_("The credits report is for editors; ask an editor for it."))
    return jsonify(reports.credits_report(db.session, period).to_json())


DATE = {"type": "string", "format": "date", "description": "A UTC day, YYYY-MM-DD."}
TALLY = ref("CreditTally")


ROUTES = (
    Route(
        "/api/v1/reports/credits",
        "GET",
        credits_report,
        op(
            "creditsReport",
            "Credits per person in a period (editors)",
            {
                "200": ok(ref("CreditsReport"), "One row per person credited in the period, and the totals."),
                **errors(400, 401, 403),
            },
            tags=["reports"],
            parameters=[
                {
                    "name": "from",
                    "in": "query",
                    "schema": DATE,
                    "description": "First day (default: the first of this month). 400 if after `to`.",
                },
                {
                    "name": "to",
                    "in": "query",
                    "schema": DATE,
                    "description": "Last day, included (default: today).",
                },
            ],
            description="Reported counts originals by the day they were submitted; adapted and approved "
            "count adaptations by the day they were published. Pages are pieces; words are "
            "words of the body. 400 names `from` or `to` for a bad date or a period that ends "
            "before it starts.",
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "CreditTally": obj({"pages": INT, "words": INT}),
    "CreditRow": obj(
        {
            "username": text("Username."),
            "name": text("Display name, as credited."),
            "reported": TALLY,
            "adapted": TALLY,
            "approved": TALLY,
            "total": TALLY,
        }
    ),
    "CreditsReport": obj(
        {
            "from": DATE,
            "to": DATE,
            "rule": text("Which date places a piece in the period, in words."),
            "people": {"type": "array", "items": ref("CreditRow")},
            "totals": obj({"reported": TALLY, "adapted": TALLY, "approved": TALLY, "total": TALLY}),
        }
    ),
}
