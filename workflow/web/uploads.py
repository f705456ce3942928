"""Files people upload to import (TMX memories, TBX and CSV term bases): a larger size limit for the people
who may import, and the uploaded file itself or a clear refusal.

The limit is raised in a URL value preprocessor because those run before every before_request function,
CSRF protection included, which reads the form and would otherwise stop at MAX_CONTENT_LENGTH.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from ..domain.messages import N_
from ..domain.rules import can_import_language_data
from ..services.errors import InvalidInput, ServiceError
from .access import current_person

#: Endpoints that take an import file.
IMPORT_ENDPOINTS = frozenset(
    {"api.import_memory", "api.import_glossary", "memory.import_memory", "glossary.import_terms"}
)


def allow_import_uploads(endpoint: str | None, _values: dict | None) -> None:
    """For an importer's POST to an import endpoint only: raise the size limit to ADAPTDESK_MAX_IMPORT_BYTES."""
    if endpoint not in IMPORT_ENDPOINTS or request.method != "POST":
        return
    person = current_person()
    if person is not None and can_import_language_data(person.actor):
        request.max_content_length = current_app.config["ADAPTDESK"].max_import_bytes


def uploaded_file(field: str = "file", *, kinds: str) -> FileStorage:
    """The file sent as `field` of a multipart form: 415 for another body, 400 naming the field without one."""
    if request.mimetype != "multipart/form-data":
        raise ServiceError(
            N_(
                "Send the file as multipart/form-data, in a field named '%(field)s' (curl -F "
                "%(field)s=@FILE).",
                field=field,
            ),
            code="unsupported_media_type",
            status=415,
            details={"field": field},
        )
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise InvalidInput(field, N_("Choose a file to import (%(kinds)s).", kinds=kinds))
    return upload
