"""Lists a page at a time: the `page` and `per_page` query arguments, page links, and RFC 8288 `Link` headers."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from ..domain.messages import N_
from ..services.errors import InvalidInput
from ..services.queries import Page
from .forms import Refused
from .i18n import translate

#: Rows per page on the newsroom's list pages, unless `per_page` says otherwise.
PAGE_SIZE = 50
#: The most rows one page may ask for.
MAX_PAGE_SIZE = 200
#: Page numbers beyond this cannot exist at newsroom scale; refusing them keeps OFFSET cheap.
MAX_PAGE = 100_000


def _whole_number(name: str, default: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise InvalidInput(
            name, N_("'%(name)s' must be a whole number from 1 to %(high)s.", name=name, high=high)
        )
    return int(raw)


def page_args(default_size: int = PAGE_SIZE) -> tuple[int, int]:
    """(page, per_page) from the query string: page from 1, per_page from 1 to 200; 400 naming the bad one."""
    return _whole_number("page", 1, MAX_PAGE), _whole_number("per_page", default_size, MAX_PAGE_SIZE)


def page_args_for_page(default_size: int = PAGE_SIZE) -> tuple[int, int, Refused | None]:
    """(page, per_page, refusal) for a newsroom page: a bad value shows the first page with a message (400)."""
    try:
        number, size = page_args(default_size)
    except InvalidInput as error:
        return 1, default_size, Refused(translate(error.message), 400, error.field)
    return number, size, None


def page_url(page: Page, number: int, *, external: bool = False) -> str:
    """This request's address for another page of the same list, its other arguments kept."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    if number > 1:
        args["page"] = number
    return url_for(request.endpoint or "", **(request.view_args or {}), **args, _external=external)


def page_links(page: Page, *, external: bool = False) -> dict[str, str]:
    """Addresses of the first, previous, next and last pages, by relation (only those that exist)."""
    links = {
        "first": page_url(page, 1, external=external),
        "last": page_url(page, page.last, external=external),
    }
    if page.number > 1:
        links["prev"] = page_url(page, min(page.number - 1, page.last), external=external)
    if page.number < page.last:
        links["next"] = page_url(page, page.number + 1, external=external)
    return links


def with_link_header(response: Response, page: Page) -> Response:
    """The response with an RFC 8288 `Link` header (next, prev, first, last) and `X-Total-Count`."""
    links = page_links(page, external=True)
    order = ("next", "prev", "first", "last")
    response.headers["Link"] = ", ".join(f'<{links[rel]}>; rel="{rel}"' for rel in order if rel in links)
    response.headers["X-Total-Count"] = str(page.total)
    return response


def page_json(page: Page, items: list[Any], key: str = "items") -> dict[str, Any]:
    """The body of a paginated API answer: the items (under `key`) and where they sit in the whole list."""
    return {
        key: items,
        "count": len(items),
        "total": page.total,
        "page": page.number,
        "per_page": page.size,
        "pages": page.last,
    }
