"""The desk's archive search: originals and adaptations by words, state, language and dates, matches highlighted.

URL map:
    GET /desk/search?q=&state=&language=&from=&to=&page=    search.archive    everyone signed in
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from ..domain.states import Role, State
from ..extensions import db
from ..services import search
from ..services.errors import InvalidInput
from .access import roles_required, signed_in
from .i18n import translate

bp = Blueprint("search", __name__, url_prefix="/desk")

PER_PAGE = 20
MAX_PAGE = 1000


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= MAX_PAGE else 1


@bp.get("/search")
@roles_required()
def archive():
    """Search originals and adaptations; a bad filter is explained on the page."""
    person = signed_in()
    args = {k: request.args.get(k, "").strip() for k in ("q", "state", "language", "from", "to")}
    found, problem = None, None
    if args["q"]:
        try:
            query = search.parse_query(args["q"])
            filters = search.SearchFilters(
                states=(args["state"],) if args["state"] else (),
                language=args["language"] or None,
                date_from=search.parse_date(args["from"], "from"),
                date_to=search.parse_date(args["to"], "to"),
            )
            found = search.search_desk(db.session, person, query, filters, page=_page(), per_page=PER_PAGE)
        except InvalidInput as exc:
            problem = translate(exc.message)
    page_url = None
    if found is not None:
        filters_args = {k: v for k, v in args.items() if v}

        def page_url(number: int) -> str:
            return url_for("search.archive", **filters_args, page=number)

    return render_template(
        "search/archive.html",
        args=args,
        found=found,
        problem=problem,
        page_url=page_url,
        states=[s.value for s in State],
        is_reporter_of=lambda article_reporter_id: article_reporter_id == person.id,
        may_open_adaptations=bool(person.roles & {Role.ADAPTOR, Role.EDITOR}),
    )
