"""The desk's interface language and the newsroom's time: Flask-Babel, the language switcher, and how times
are written on the pages.

URL map:
    POST /language        i18n.choose_language     anyone: the interface language (kept for the person when
                                                   logged in, in a cookie otherwise), then back where they were

A person's choice (profile, switcher) comes first, then the language cookie, then the browser's
Accept-Language, then English. Times are stored in UTC and shown in ADAPTDESK_TIMEZONE, with the zone named.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimePattern, match_skeleton
from babel.lists import format_list
from flask import Blueprint, Flask, abort, current_app, g, redirect, request, url_for
from flask_babel import Babel, Domain, get_locale, get_translations, gettext, to_user_timezone

from ..domain.languages import INTERFACE_LANGUAGES, LanguageName, text_direction
from ..domain.languages import language_name as english_language_name
from ..domain.messages import Listing, Message
from ..extensions import db
from ..services import users as user_service
from .access import current_person

DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "adaptdesk_lang"
#: Blueprints whose pages speak their content's language, not the reader's.
PAGE_LANGUAGE_BLUEPRINTS = ("public",)
ONE_YEAR = 365 * 86400

#: How the pages write a date and a time of day: skeletons Babel fits to the reader's language.
DATE_SKELETON, TIME_SKELETON = "yMMMd", "Hm"


class RequestCatalogs(Domain):
    """Flask-Babel's message domain, finding a request's catalog once per locale.

    Flask-Babel finds it again at every string (the locale, its name, the domain's cache: a dozen lookups), and a
    list page writes hundreds of strings. The catalog is kept beside the locale Flask-Babel chose, so
    `force_locale` (mail in a person's own language) gets that language's catalog and the request's comes back
    after it."""

    def get_translations(self) -> Any:
        ctx = g.get("_flask_babel") if g else None
        locale = getattr(ctx, "babel_locale", None)
        if locale is None:
            return super().get_translations()  # the first string of the request: the language is chosen now
        kept = getattr(ctx, "adaptdesk_catalog", None)
        if kept is None or kept[0] is not locale:
            kept = (locale, super().get_translations())
            ctx.adaptdesk_catalog = kept
        return kept[1]


class NewsroomBabel(Babel):
    """Flask-Babel with the request's catalog kept (`RequestCatalogs`)."""

    @functools.cached_property
    def domain_instance(self) -> Domain:
        return RequestCatalogs(domain=self.domain)


bp = Blueprint("i18n", __name__)
babel = NewsroomBabel()


def select_language() -> str:
    """The interface language of this request: the person's choice, the cookie, Accept-Language, English.

    Public pages are written in their story's language (the view sets `g.page_language`), English elsewhere:
    they are the same for every reader, so caches may keep them."""
    if request.blueprint in PAGE_LANGUAGE_BLUEPRINTS:
        page_language = g.get("page_language")
        return page_language if page_language in INTERFACE_LANGUAGES else DEFAULT_LANGUAGE
    person = current_person()
    chosen = person.interface_language if person is not None else None
    if chosen in INTERFACE_LANGUAGES:
        return chosen
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in INTERFACE_LANGUAGES:
        return cookie
    return request.accept_languages.best_match(INTERFACE_LANGUAGES) or DEFAULT_LANGUAGE


def select_timezone() -> str:
    """The newsroom's time zone (ADAPTDESK_TIMEZONE)."""
    return current_app.config["ADAPTDESK"].timezone


def newsroom_zone() -> ZoneInfo:
    """The newsroom's time zone, in which the pages' date-time fields are filled in."""
    return ZoneInfo(select_timezone())


def catalog() -> Any:
    """The interface language's message catalog for this request."""
    return babel.domain_instance.get_translations()


def interface_language() -> str:
    """The language the page is being written in ("en", "ar"): named once per request and locale (every row of
    a list asks, through the language names and the times)."""
    ctx = g.get("_flask_babel") if g else None
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return str(get_locale() or DEFAULT_LANGUAGE)
    kept = getattr(ctx, "adaptdesk_language", None)
    if kept is None or kept[0] is not locale:
        kept = (locale, str(locale))
        ctx.adaptdesk_language = kept
    return kept[1]


def interface_direction() -> str:
    """`rtl` when the interface language is written right to left."""
    return text_direction(interface_language())


@functools.cache
def _time_patterns(locale_id: str) -> tuple[DateTimePattern, DateTimePattern, str]:
    """The date and time patterns Babel's `format_skeleton` fits to a language for DATE_SKELETON and
    TIME_SKELETON, and its pattern joining them: fitted once per language, not once per time on a page (a list
    writes a hundred)."""
    locale = Locale.parse(locale_id)
    skeletons = locale.datetime_skeletons

    def fit(skeleton: str) -> DateTimePattern:
        return skeletons[
            skeleton if skeleton in skeletons else match_skeleton(skeleton, skeletons) or skeleton
        ]

    return fit(DATE_SKELETON), fit(TIME_SKELETON), locale.datetime_formats["medium"]


def when(value: datetime | None, style: str = "datetime", zone: bool | None = None) -> str:
    """A stored (UTC) time as the reader reads it — style "datetime", "date" or "time" — in the newsroom's
    zone and the interface language, the zone named after a time of day ("Mar 2, 2026, 19:45 EET")."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = to_user_timezone(value)
    locale = get_locale() or Locale.parse(DEFAULT_LANGUAGE)
    date_pattern, time_pattern, joined = _time_patterns(str(locale))
    date = date_pattern.apply(local, locale)
    time = time_pattern.apply(local, locale)
    if style == "date":
        text = date
    elif style == "time":
        text = time
    else:
        text = joined.format(time, date)
    if zone if zone is not None else style != "date":
        text = f"{text} {local.tzname() or select_timezone()}"
    return text


def zone_name(value: datetime | None = None) -> str:
    """The newsroom zone's short name at `value` (now by default): "UTC", "EET", "EEST", "GMT+3" …"""
    value = value or datetime.now(UTC)
    local = to_user_timezone(value)
    return local.tzname() or select_timezone()


def localized_language_name(code: str | None) -> str:
    """A language's name in the interface language ("Arabic", "العربية"); the English name if Babel has none."""
    return _language_name_in(interface_language(), code) if code else ""


@functools.lru_cache(maxsize=1024)
def _language_name_in(interface: str, code: str) -> str:
    """`code`'s name in the language `interface` (a list page names the same few languages on every row)."""
    try:
        name = Locale.parse(interface).languages.get(code)
    except (ValueError, TypeError):
        name = None
    return name or english_language_name(code)


def translate(text: Any) -> Any:
    """Words the domain or a service marked for the catalog (`N_`), in the interface language, their values
    translated too when they are words as well (a language's name included); plain text (a name, a title) and
    anything else as it is."""
    if isinstance(text, Listing):
        if interface_language() == DEFAULT_LANGUAGE:
            return str(text)  # the domain's own English ("a, b or c")
        items = [str(translate(item)) for item in text.items]
        if not items:
            return ""
        style = "or" if text.style == "or" else "standard"
        return format_list(items, style=style, locale=get_locale() or DEFAULT_LANGUAGE)
    if isinstance(text, LanguageName):
        return localized_language_name(text.code) if interface_language() != DEFAULT_LANGUAGE else text
    if isinstance(text, Message):
        translated = get_translations().ugettext(text.msgid)
        if not text.params:
            return translated
        return translated % {name: translate(value) for name, value in text.params.items()}
    return text


def _safe_next(target: str | None) -> str:
    """A same-site path to go back to; anything else (another host, a scheme) becomes the home page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("auth.home")


@bp.post("/language")
def choose_language():
    """Set the interface language, for the person when logged in and in a cookie for this browser."""
    language = request.form.get("language", "")
    back = redirect(_safe_next(request.form.get("next")), code=303)
    if language not in INTERFACE_LANGUAGES:
        abort(
            400,
            description=gettext("Choose one of: %(languages)s.", languages=", ".join(INTERFACE_LANGUAGES)),
        )
    person = current_person()
    if person is not None:
        user_service.set_interface_language(db.session, person, language)
        db.session.commit()
    back.set_cookie(LANGUAGE_COOKIE, language, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return back


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel (catalogs in workflow/translations) and register the switcher and the helpers."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_language, timezone_selector=select_timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
    )
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        interface_language=interface_language,
        interface_direction=interface_direction,
        interface_languages=INTERFACE_LANGUAGES,
        zone_name=zone_name,
        newsroom_zone_name=select_timezone,
        language_label=lambda code: Locale.parse(code).get_display_name(code),
        language_name=localized_language_name,
    )
    app.jinja_env.filters.update(when=when, language_name=localized_language_name, translate=translate)
