"""Admin pages: the people who work in the newsroom, their roles, and whether they may log in; and the
translation models the workers draft with.

URL map (all for admins only):
    GET  /admin                          admin.index         → /admin/users
    GET  /admin/users                    admin.users         everyone, with forms to change them
    POST /admin/users                    admin.create_user   add a person
    POST /admin/users/<id>/roles         admin.change_roles  replace a person's roles
    POST /admin/users/<id>/active        admin.set_active    enable or disable a person's login
    (one person's account page and the audit log: admin_people.py)
    GET  /admin/models                   admin.models        installed models, pairs drafts lacked a model for
    POST /admin/models                   admin.import_model  install an uploaded .argosmodel file

Handlers run parse → check access → one service call → commit → flash and redirect. A refused form is
shown again (status 400) with the reason in words and everything that was typed still in place.

Model uploads: real packages are ~100 MB, far above MAX_CONTENT_LENGTH. For an admin's POST to
admin.import_model only, the limit is raised to the settings' max_model_bytes (ADAPTDESK_MAX_MODEL_BYTES,
default 1 GiB) and the file part is streamed straight into a temporary folder under the data directory.
This happens in a url_value_preprocessor because those run before every before_request function, including
CSRF protection, which is what first reads the form. The file is installed by `adaptdesk models import` in a
child process (workflow.mt.installer), so the web process never imports argostranslate (which pins its
folders at import).
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.utils import secure_filename

from ..domain.messages import N_
from ..domain.states import Role, State
from ..extensions import db
from ..models import Adaptation, Article, AuditAction, Draft, DraftError, DraftState, User, utcnow
from ..mt.engine import PIVOT_CODE, EngineSettings, TranslationEngine
from ..mt.installer import import_in_child_process
from ..mt.packages import MTError, format_size, list_installed
from ..services import audit, queries
from ..services import drafts as draft_service
from ..services import users as user_service
from ..services.errors import Conflict, InvalidInput
from .access import current_person, roles_required
from .errors import HTTP_MESSAGES, error_response
from .i18n import translate
from .paging import page_args_for_page, page_links
from .templating import role_label

bp = Blueprint("admin", __name__)

#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
ROLE_CHOICES = list(Role)


@bp.after_request
def no_store(response):
    """Admin pages (which may echo a typed password back) are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _person_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404, description=N_("There is no person with id %(user_id)s.", user_id=user_id))
    return user


def _render_users(
    status: int = 200,
    *,
    new: dict[str, Any] | None = None,
    new_error: InvalidInput | None = None,
    row_roles: dict[int, list[str]] | None = None,
    row_errors: dict[int, str] | None = None,
):
    """The people page (a page at a time); after a refused form, with its error and the values that were sent."""
    number, size, bad_page = page_args_for_page()
    page = queries.page_of(db.session, queries.users_select(), number, size)
    return render_template(
        "admin/users.html",
        people=page.items,
        page=page,
        links=page_links(page),
        refused=bad_page,
        role_choices=ROLE_CHOICES,
        me=current_person(),
        new=new or {"username": "", "display_name": "", "roles": [], "password": ""},
        new_error=new_error,
        row_roles=row_roles or {},
        row_errors=row_errors or {},
    ), (bad_page.status if bad_page and status == 200 else status)


def _checked_roles() -> list[str]:
    return [value for value in request.form.getlist("roles") if value.strip()]


@bp.get("/admin")
@roles_required(Role.ADMIN)
def index():
    """Send admins to the people page."""
    return redirect(url_for("admin.users"))


@bp.get("/admin/users")
@roles_required(Role.ADMIN)
def users():
    """List everyone: username, display name, roles, active, created."""
    return _render_users()


@bp.post("/admin/users")
@roles_required(Role.ADMIN)
def create_user():
    """Add a person with a display name, roles and a first password."""
    new = {
        "username": request.form.get("username", ""),
        "display_name": request.form.get("display_name", ""),
        "roles": _checked_roles(),
        "password": request.form.get("password", ""),
        "email": request.form.get("email", ""),
    }
    try:
        roles = user_service.parse_roles(new["roles"])
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in new["display_name"]):
            raise InvalidInput(
                "name", N_("The display name holds a control character; type it again without it.")
            )
        person = user_service.create_user(
            db.session,
            new["username"],
            new["display_name"],
            roles,
            new["password"],
            actor=current_person(),
            email=new["email"],
        )
    except InvalidInput as exc:
        db.session.rollback()
        return _render_users(400, new=new, new_error=exc)
    except Conflict as exc:  # another admin created the same username at the same moment
        db.session.rollback()
        return _render_users(409, new=new, new_error=InvalidInput("username", exc.message))
    db.session.commit()
    held = gettext(", ").join(sorted(role_label(r.value) for r in person.roles)) or gettext("no roles yet")
    flash(
        gettext(
            "Added %(name)s (%(username)s) with %(roles)s.",
            name=person.display_name,
            username=person.username,
            roles=held,
        ),
        "success",
    )
    return redirect(url_for("admin.users", _anchor=f"user-{person.id}"))


@bp.post("/admin/users/<int:user_id>/roles")
@roles_required(Role.ADMIN)
def change_roles(user_id: int):
    """Replace one person's roles with the boxes that were ticked."""
    person = _person_or_404(user_id)
    checked = _checked_roles()
    try:
        roles = user_service.parse_roles(checked)
        user_service.change_roles(db.session, current_person(), person, roles)
    except InvalidInput as exc:
        db.session.rollback()
        return _render_users(400, row_roles={user_id: checked}, row_errors={user_id: translate(exc.message)})
    db.session.commit()
    held = gettext(", ").join(sorted(role_label(r.value) for r in roles)) or gettext("no roles")
    flash(
        gettext(
            "%(name)s (%(username)s) now has %(roles)s.",
            name=person.display_name,
            username=person.username,
            roles=held,
        ),
        "success",
    )
    return redirect(url_for("admin.users", _anchor=f"user-{person.id}"))


@bp.post("/admin/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def set_active(user_id: int):
    """Enable or disable one person's login (and their API tokens)."""
    person = _person_or_404(user_id)
    value = request.form.get("active", "")
    if value not in ("0", "1"):
        abort(400, description=N_("Say whether to enable (active=1) or disable (active=0) the account."))
    try:
        user_service.set_active(db.session, current_person(), person, value == "1")
    except InvalidInput as exc:
        db.session.rollback()
        return _render_users(400, row_errors={user_id: translate(exc.message)})
    db.session.commit()
    if person.active:
        flash(
            gettext(
                "%(name)s (%(username)s) can log in again; their old sessions and API tokens stay ended.",
                name=person.display_name,
                username=person.username,
            ),
            "success",
        )
    else:
        flash(
            gettext(
                "%(name)s (%(username)s) is disabled: they can no longer log in; every login session ended and "
                "every API token was revoked, for good.",
                name=person.display_name,
                username=person.username,
            ),
            "success",
        )
    return redirect(url_for("admin.users", _anchor=f"user-{person.id}"))


# --- translation models -----------------------------------------------------------------------------------

#: How far back failed drafts count as "recent" on the models page.
MISSING_MODEL_WINDOW = timedelta(days=30)


def _max_model_bytes() -> int:
    return current_app.config["ADAPTDESK"].max_model_bytes


def _byte_size(size: int) -> str:
    """`1 GiB`, `300 MiB` or `1.5 MB`: a limit in the unit it was most likely set in."""
    for unit, name in ((1024**3, "GiB"), (1024**2, "MiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size / 1_000_000:.1f} MB"


def _is_admin(person: User | None) -> bool:
    return person is not None and Role.ADMIN in person.roles


@bp.url_value_preprocessor
def allow_model_upload(endpoint: str | None, _values: dict | None) -> None:
    """For an admin's model upload only: raise the size limit and stream the file into the data directory."""
    if endpoint != "admin.import_model" or request.method != "POST" or not _is_admin(current_person()):
        return  # everyone else keeps MAX_CONTENT_LENGTH; the view refuses them anyway
    request.max_content_length = _max_model_bytes()
    uploads = current_app.config["ADAPTDESK"].data_dir / "uploads"
    request.form_data_parser_class = _parser_spooling_into(uploads)


def _parser_spooling_into(folder: Path):
    """A form parser factory whose file parts are written to a fresh folder in `folder` (removed after the
    request), under the uploaded file's (sanitised) name, instead of the system's temporary folder."""

    def stream_into_folder(*, filename: str | None = None, **_lengths_and_type: Any) -> IO[bytes]:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="model-", dir=folder))
        g.setdefault("upload_folders", []).append(work)
        file = open(work / (secure_filename(filename or "") or "upload.argosmodel"), "w+b")  # noqa: SIM115
        g.setdefault("upload_files", []).append(file)
        return file

    def make_parser(**options: Any) -> FormDataParser:
        return FormDataParser(**{**options, "stream_factory": stream_into_folder})

    return make_parser


@bp.teardown_request
def remove_uploaded_files(_exc: BaseException | None) -> None:
    """Delete upload folders once the request is over (installed models were copied out of them)."""
    for file in g.pop("upload_files", []):
        file.close()
    for folder in g.pop("upload_folders", []):
        shutil.rmtree(folder, ignore_errors=True)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge):
    """A model file over the limit is refused on the models page; anything else gets the usual 413."""
    if request.endpoint == "admin.import_model" and _is_admin(current_person()):
        size = f" ({_byte_size(request.content_length)})" if request.content_length else ""
        return _render_models(
            413,
            error=gettext(
                "The file is too large%(size)s: uploads here are limited to %(limit)s "
                "(ADAPTDESK_MAX_MODEL_BYTES). Install it on the server instead: "
                "adaptdesk models import FILE.argosmodel",
                size=size,
                limit=_byte_size(_max_model_bytes()),
            ),
        )
    return error_response(413, "too_large", HTTP_MESSAGES[413])


def missing_model_pairs(session: Session, since) -> list[dict[str, Any]]:
    """Language pairs whose drafts failed since `since` because no model was installed, newest first:
    source, target, failed drafts, adaptations still waiting in mt_failed, last failure."""
    source, target = Article.language.label("source"), Adaptation.language.label("target")
    waiting = func.count(func.distinct(case((Adaptation.state == State.MT_FAILED.value, Adaptation.id))))
    rows = session.execute(
        select(
            source,
            target,
            func.count(Draft.id).label("drafts"),
            waiting.label("waiting"),
            func.max(Draft.finished_at).label("last_failed"),
        )
        .join(Adaptation, Draft.adaptation_id == Adaptation.id)
        .join(Article, Adaptation.article_id == Article.id)
        .where(
            Draft.state == DraftState.FAILED.value,
            Draft.finished_at >= since,
            Draft.error_code == DraftError.MISSING_MODEL.value,
        )
        .group_by(Article.language, Adaptation.language)
        .order_by(func.max(Draft.finished_at).desc())
        .limit(50)
    )
    return [row._asdict() for row in rows]


def _render_models(status: int = 200, *, error: str | None = None):
    """The models page; after a refused upload, with the reason in words."""
    settings = current_app.config["ADAPTDESK"]
    engine = TranslationEngine(EngineSettings.from_app_settings(settings))  # reads metadata; loads no model
    missing = missing_model_pairs(db.session, utcnow() - MISSING_MODEL_WINDOW)
    for row in missing:
        row["covered"] = engine.can_translate(row["source"], row["target"])
    return render_template(
        "admin/models.html",
        pairs=list_installed(engine.packages_dir),
        packages_dir=settings.argos_packages_dir,
        missing=missing,
        window_days=MISSING_MODEL_WINDOW.days,
        pivot=PIVOT_CODE,
        format_size=format_size,
        max_upload=_byte_size(_max_model_bytes()),
        error=error,
    ), status


@bp.get("/admin/models")
@roles_required(Role.ADMIN)
def models():
    """List installed translation models and the language pairs recent drafts had no model for."""
    return _render_models()


@bp.post("/admin/models/retry")
@roles_required(Role.ADMIN)
def retry_drafts():
    """Queue the failed drafts of one language pair again (after its model was installed)."""
    retried = draft_service.retry_failed_drafts(
        db.session,
        current_person(),
        source=request.form.get("source") or None,
        target=request.form.get("target") or None,
    )
    db.session.commit()
    flash(
        ngettext("%(num)d draft(s) queued again.", "%(num)d draft(s) queued again.", len(retried)), "success"
    )
    return redirect(url_for("admin.models"))


@bp.post("/admin/models")
@roles_required(Role.ADMIN)
def import_model():
    """Install an uploaded .argosmodel file (with `adaptdesk models import`, in a child process)."""
    upload = request.files.get("package")
    spooled = upload.stream if upload is not None and upload.filename else None  # from stream_into_folder
    if not isinstance(getattr(spooled, "name", None), str):
        return _render_models(400, error=gettext("Choose a .argosmodel file to upload, then press Install."))
    spooled.flush()
    path = Path(spooled.name)
    try:
        pair, requeued = import_in_child_process(
            path, current_app.config["ADAPTDESK"], display_name=upload.filename
        )
    except MTError as exc:
        return _render_models(400, error=gettext("Nothing was installed: %(problem)s", problem=exc))
    audit.record(
        db.session, current_person(), AuditAction.MODEL_IMPORTED, package=pair.name, version=pair.version
    )
    db.session.commit()
    flash(
        ngettext(
            "Installed %(source)s → %(target)s (%(package)s, version %(version)s, %(size)s). Workers use it "
            "for their next drafts; %(num)d failed draft(s) queued again.",
            "Installed %(source)s → %(target)s (%(package)s, version %(version)s, %(size)s). Workers use it "
            "for their next drafts; %(num)d failed draft(s) queued again.",
            requeued,
            source=pair.from_name,
            target=pair.to_name,
            package=pair.name,
            version=pair.version,
            size=format_size(pair.size_bytes),
        ),
        "success",
    )
    return redirect(url_for("admin.models", _anchor=f"model-{pair.name}"))
