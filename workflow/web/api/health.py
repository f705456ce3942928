"""Whether the service and its database answer.

URL map:
    GET /healthz    api.healthz    everyone (no token)
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from sqlalchemy import text as sql
from sqlalchemy.exc import SQLAlchemyError

from ...extensions import db
from .openapi import PUBLIC, Route, errors, obj, ok, op, ref, text


def healthz():
    """200 when the database answers `SELECT 1`, 503 with the reason when it does not."""
    try:
        db.session.execute(sql("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", exc)
        reason = type(getattr(exc, "orig", None) or exc).__name__
        return jsonify({"status": "error", "database": f"unavailable ({reason})"}), 503
    return jsonify({"status": "ok", "database": "ok"})


ROUTES = (
    Route(
        "/healthz",
        "GET",
        healthz,
        op(
            "healthz",
            "Whether the service and its database answer",
            {"200": ok(ref("Health"), "Healthy."), **errors(503)},
            tags=["meta"],
            security=PUBLIC,
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "Health": obj(
        {
            "status": {"type": "string", "enum": ["ok", "error"]},
            "database": text("`ok`, or why the database is unavailable."),
        }
    ),
}
