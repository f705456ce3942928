"""Editors' reports: the editing-effort dashboard and the credits report (page, CSV and JSON).

URL map:
    GET /desk/dashboard?from=&to=                         reports.dashboard
    GET /desk/reports/credits?from=&to=[&format=csv|json]  reports.credits
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from ..domain.states import Role
from ..extensions import db
from ..models import Adaptation, utcnow
from ..services import reports
from ..services.errors import InvalidInput, ServiceError
from ..services.views import most_viewed
from .access import roles_required
from .forms import refusal, render_page
from .story_views import story_views_last_week

bp = Blueprint("reports", __name__, url_prefix="/desk")

#: The dashboard looks back this many days unless a period is asked for.
DASHBOARD_DAYS = 30
#: What a spreadsheet would run as a formula when a cell starts with it (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A formula start right after a separator a spreadsheet may split on instead of the comma (by locale).
_FORMULA_AFTER_SEPARATOR = re.compile(r"([,;|\t] *)(?=[=+\-@])")
CSV_COLUMNS = [
    "username",
    "name",
    *[f"{kind}_{unit}" for kind in (*reports.KINDS, "total") for unit in ("pages", "words")],
]

# Bar charts are drawn on a fixed grid (SVG user units); the page's CSS scales the whole drawing.
CHART_WIDTH, LABEL_WIDTH, BAR_SPACE, ROW_HEIGHT, BAR_HEIGHT, TOP = 640, 210, 360, 30, 18, 8
MAX_LABEL_CHARS = 30


def plain(value: str) -> str:
    """A bar's value as it is (an effort score)."""
    return value


def minutes(value: str) -> str:
    """A bar's value in minutes, in the interface language ("12 min")."""
    return gettext("%(value)s min", value=value)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the value shown after it, and where it is drawn."""

    label: str
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart drawn as inline SVG, with a title and a description for screen readers."""

    id: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    width: int = CHART_WIDTH


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(
    chart_id: str,
    title: str,
    rows: list[reports.EffortRow],
    value: str,
    unit: Callable[[str], str],
    scale: float | None = None,
) -> Chart:
    """A chart of one measure of the rows (`mean_score`, `mean_minutes` …); rows without it get no bar.
    `unit` writes a value with its unit in the interface language (`plain`, `minutes`)."""
    values = [getattr(r, value) for r in rows]
    top = scale or max([v for v in values if v is not None] or [0]) or 1
    bars = []
    for i, (row, v) in enumerate(zip(rows, values, strict=False)):
        text = gettext("not measured") if v is None else unit(f"{v:g}")
        width = 0.0 if v is None else round(BAR_SPACE * min(v, top) / top, 1)
        bars.append(Bar(label=_short(row.label), text=text, y=TOP + i * ROW_HEIGHT, width=width))
    described = "; ".join(
        gettext("%(label)s: %(value)s", label=row.label, value=bar.text)
        for row, bar in zip(rows, bars, strict=False)
    ) or gettext("No data.")
    return Chart(
        id=chart_id,
        title=title,
        description=described,
        bars=bars,
        height=TOP * 2 + max(1, len(rows)) * ROW_HEIGHT,
    )


def _period(default_days: int | None = None) -> reports.Period:
    return reports.parse_period(
        request.args.get("from"), request.args.get("to"), today=utcnow().date(), default_days=default_days
    )


#: How many stories the dashboard lists with their views.
VIEWED_STORIES = 50


def most_viewed_stories(limit: int = VIEWED_STORIES) -> list[tuple[Adaptation, int]]:
    """Stories with their views over the last seven days, most viewed first."""
    return most_viewed(db.session, story_views_last_week(), limit)


@bp.get("/dashboard")
@roles_required(Role.EDITOR)
def dashboard():
    """Editing effort per adaptor, language pair and model, with charts: which drafts help, which do not."""
    try:
        period = _period(DASHBOARD_DAYS)
    except ServiceError as error:
        return render_page(
            "reports/dashboard.html", refused=refusal(error), board=None, charts={}, typed=request.args
        )
    board = reports.dashboard(db.session, period)
    charts = {
        "adaptor": bar_chart(
            "chart-adaptor",
            gettext("Mean post-editing effort per adaptor (0–100)"),
            board.by_adaptor,
            "mean_score",
            plain,
            scale=100,
        ),
        "adaptor_minutes": bar_chart(
            "chart-adaptor-minutes",
            gettext("Mean active editing minutes per adaptor"),
            board.by_adaptor,
            "mean_minutes",
            minutes,
        ),
        "pair": bar_chart(
            "chart-pair",
            gettext("Mean post-editing effort per language pair (0–100)"),
            board.by_pair,
            "mean_score",
            plain,
            scale=100,
        ),
        "model": bar_chart(
            "chart-model",
            gettext("Mean post-editing effort per model (0–100)"),
            board.by_model,
            "mean_score",
            plain,
            scale=100,
        ),
    }
    return render_template(
        "reports/dashboard.html",
        board=board,
        charts=charts,
        story_views=most_viewed_stories(),
        refused=None,
        typed={"from": period.start.isoformat(), "to": period.end.isoformat()},
    )


def csv_cell(value: object) -> object:
    """A cell a spreadsheet will show as text: a leading = + - @ (or tab, CR) gets a ' in front, and so does
    one after a character some spreadsheets split lines on (`Sassine;=cmd` read with `;` as the separator)."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def credits_csv(report: reports.CreditsReport) -> str:
    """The report as CSV: one line per person, then the totals; UTF-8 with a BOM for spreadsheets.

    Every field is quoted, so a spreadsheet that splits lines on `;` or tabs (as many locales do) keeps a
    name such as `Sassine;=cmd` in one cell instead of starting a new, formula, cell at the `=`.
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        data = row.to_json()
        writer.writerow(
            [
                csv_cell(data["username"]),
                csv_cell(data["name"]),
                *[data[k][u] for k in (*reports.KINDS, "total") for u in ("pages", "words")],
            ]
        )
    totals = report.totals
    writer.writerow(
        [
            "",
            "Total",
            *[totals[k].to_json()[u] for k in (*reports.KINDS, "total") for u in ("pages", "words")],
        ]
    )
    return "\ufeff" + out.getvalue()


def _filename(report: reports.CreditsReport, extension: str) -> str:
    period = report.period
    return f"adaptdesk-credits-{period.start.isoformat()}-to-{period.end.isoformat()}.{extension}"


@bp.get("/reports/credits")
@roles_required(Role.EDITOR)
def credits():
    """Who reported, adapted and approved what in a period; `format=csv` or `format=json` to export."""
    export = request.args.get("format", "").strip().lower()
    try:
        if export not in ("", "html", "csv", "json"):
            raise InvalidInput("format", gettext("'format' must be csv or json (or left out for this page)."))
        period = _period()
    except ServiceError as error:
        return render_page("reports/credits.html", refused=refusal(error), report=None, typed=request.args)
    report = reports.credits_report(db.session, period)
    if export == "csv":
        response = Response(credits_csv(report), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
        return response
    if export == "json":
        response = jsonify(report.to_json())
        response.headers["Content-Disposition"] = f'attachment; filename="{_filename(report, "json")}"'
        return response
    return render_template(
        "reports/credits.html",
        report=report,
        refused=None,
        typed={"from": period.start.isoformat(), "to": period.end.isoformat()},
    )
