"""The API's request bodies as pydantic models: each model checks what a client sends and gives the JSON Schema
that the OpenAPI document shows for it, so the description cannot allow what the check refuses.

Every constraint is written once, as a pydantic type (`max_length`, `pattern`, an enumeration of codes…); the
same object validates and is published. What a model accepts then goes to the services' parsers
(`services.inputs`), which only normalize it (spaces collapsed, direction embeddings dropped) and apply the few
rules that depend on other fields or on stored state, which no JSON Schema can state (a target language other
than the original's, a publication time within the coming year, a revision that changes something): each
model's description names them.

Limits a deployment may change (title and body lengths, number of tags) make one model class per `Limits`:
the document shows the limits of the app that serves it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema

from ...domain.actions import ACTIONS, Action, Change
from ...domain.effort import MAX_SECONDS_PER_SAVE
from ...domain.languages import INTERFACE_LANGUAGES, LANGUAGE_NAMES
from ...domain.messages import N_
from ...domain.notifications import Event
from ...domain.priority import Priority
from ...domain.text import BIDI_CONTROLS, BIDI_EMBEDDINGS
from ...services.errors import InvalidInput
from ...services.glossary import MAX_NOTE_CHARS, MAX_RENDERINGS, MAX_TERM_CHARS
from ...services.inputs import Limits
from ...services.users import MAX_PASSWORD, MIN_PASSWORD


def _chars(chars: frozenset[str] | str) -> str:
    """Characters for a regex class, as \\uXXXX escapes (Python, ECMA-262 and Rust read them alike)."""
    return "".join(f"\\u{ord(ch):04x}" for ch in sorted(chars))


#: Control characters (Unicode category Cc) other than tab, line feed and carriage return.
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = _chars(BIDI_CONTROLS)
_EMBEDDINGS = _chars(BIDI_EMBEDDINGS)
#: One line (line breaks fold into spaces) without control or text-direction characters; may be blank.
LINE = f"^[^{CONTROLS}{_BIDI}]*$"
#: The same, with at least one visible character. Written so that no character can match two branches: a
#: regex engine that backtracks stays linear on long input.
VISIBLE_LINE = f"^[^\\S{CONTROLS}]*[^\\s{CONTROLS}{_BIDI}][^{CONTROLS}{_BIDI}]*$"
#: Text with paragraphs, without control characters; may be empty.
TEXT = f"^[^{CONTROLS}]*$"
#: The same, with at least one visible character (direction embeddings are dropped, so they do not count).
VISIBLE_TEXT = f"^(?:[^\\S{CONTROLS}]|[{_EMBEDDINGS}])*[^\\s{CONTROLS}{_EMBEDDINGS}][^{CONTROLS}]*$"
#: An ISO 8601 date and time from the year 1900 to 2100 (without an offset: UTC).
DATE_TIME = (
    r"^(?:19\d\d|20\d\d|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$"
)
#: ISO 639-1 codes the service knows.
LANGUAGE_CODES = tuple(LANGUAGE_NAMES)
_CODES = "|".join(LANGUAGE_CODES)
#: The most target languages one original may ask for.
MAX_TARGETS = Limits().max_targets


def _tags_text(limits: Limits) -> str:
    """Comma-separated tags: at most `max_tags` of at most `max_tag_chars` characters, one line each."""
    tag = f"[^,{CONTROLS}{_BIDI}]{{0,{limits.max_tag_chars}}}"
    return f"^{tag}(?:,{tag}){{0,{limits.max_tags - 1}}}$"


#: Target languages as text: codes separated by spaces or commas.
TARGETS_TEXT = f"^[ ,]*(?:(?:{_CODES})(?:[ ,]+(?:{_CODES})){{0,{MAX_TARGETS - 1}}}[ ,]*)?$"


def _lower(value: Any) -> Any:
    """A language code as people type it: spaces around and capitals are fine."""
    return value.strip().lower() if isinstance(value, str) else value


def _integer(value: Any) -> Any:
    """A JSON Schema integer: 3.0 is one too (JSON has one number type)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _whole_number(value: Any) -> Any:
    """A whole number, also sent as digits in a string (forms send text); blank is not given."""
    if isinstance(value, str):
        if not value.strip():
            return None
        if value.strip().isdigit():
            return int(value.strip())
    return _integer(value)


Language = Annotated[
    Literal[LANGUAGE_CODES],  # type: ignore[valid-type]
    BeforeValidator(_lower),
    Field(description="ISO 639-1 code, e.g. ar, en (one the service knows)."),
]
Number = Annotated[int, Field(ge=1), BeforeValidator(_whole_number)]
PriorityName = Annotated[
    Literal[tuple(p.value for p in Priority)],  # type: ignore[valid-type]
    BeforeValidator(_lower),
    Field(description="urgent, high, normal or low; urgent draft jobs jump the line."),
]
DateTime = Annotated[str, Field(pattern=DATE_TIME, description="ISO 8601, e.g. 2026-12-01T09:00:00Z.")]


class TargetTiming(BaseModel):
    """A target language with its own priority and deadline."""

    model_config = ConfigDict(strict=True, extra="ignore", regex_engine="python-re", frozen=True)
    language: Language
    priority: PriorityName | None = None
    deadline: DateTime | None = None


def line(max_chars: int, *, visible: bool, description: str | None = None) -> Any:
    """One line of at most `max_chars` characters (with a visible one when `visible`)."""
    return Annotated[
        str, Field(max_length=max_chars, pattern=VISIBLE_LINE if visible else LINE, description=description)
    ]


def text(max_chars: int, *, visible: bool, description: str | None = None) -> Any:
    """Text with paragraphs, of at most `max_chars` characters (with a visible one when `visible`)."""
    return Annotated[
        str, Field(max_length=max_chars, pattern=VISIBLE_TEXT if visible else TEXT, description=description)
    ]


class _Schema(GenerateJsonSchema):
    """JSON Schema without the titles pydantic makes up for each field (the property names say it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _describe_text(field: str, value: str, pattern: str) -> str:
    """Why a text does not match its pattern, in the words the API always used."""
    for ch in value:
        if ch not in "\t\n\r" and unicodedata.category(ch) == "Cc":
            return N_(
                "The field '%(field)s' holds a control character (U+%(code)s).",
                field=field,
                code=f"{ord(ch):04X}",
            )
    if pattern in (LINE, VISIBLE_LINE) and any(ch in BIDI_CONTROLS for ch in value):
        return N_(
            "The field '%(field)s' holds invisible text-direction control characters; remove them.",
            field=field,
        )
    if pattern == DATE_TIME:
        return N_(
            "'%(field)s' must be an ISO 8601 date and time, e.g. 2026-12-01T09:00:00Z, between the years "
            "1900 and 2100.",
            field=field,
        )
    if pattern in (VISIBLE_LINE, VISIBLE_TEXT):
        return N_("The field '%(field)s' must not be empty.", field=field)
    return N_("The field '%(field)s' is not in the expected form.", field=field)


def _type_name(value: Any) -> str:
    """The JSON name of a value's type."""
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "text",
        list: "list",
        dict: "object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


class Body(BaseModel):
    """A JSON request body: checked strictly (no type coercion but the leniencies each field declares)."""

    model_config = ConfigDict(strict=True, extra="ignore", regex_engine="python-re", frozen=True)
    #: Messages for any problem with a field, where one sentence says it better than the generic ones.
    field_messages: ClassVar[dict[str, str]] = {}
    #: Fields of objects inside a field (by that field), named "field.inner" when they are at fault.
    nested_fields: ClassVar[dict[str, tuple[str, ...]]] = {}

    @classmethod
    def parse(cls, data: Any, **context: Any) -> Self:
        """The checked body (`context`: facts of the request beside it); 400 naming the first field at fault,
        with what to send instead."""
        try:
            return cls.model_validate(data, context=context)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            error = errors[0]
            location = [part for part in error["loc"] if isinstance(part, str)]
            field = location[0] if location else "body"
            # A union reports one error per kind it allows; a field of an object inside one (a target's own
            # priority) is named as such rather than as "not a language code".
            for other in errors:
                loc = other["loc"]
                if loc and loc[-1] in cls.nested_fields.get(str(loc[0]), ()):
                    error, field = other, f"{loc[0]}.{loc[-1]}"
                    break
            raise InvalidInput(field, cls._message(field, error)) from None

    @classmethod
    def _message(cls, field: str, error: Any) -> str:
        if field in cls.field_messages:
            return cls.field_messages[field]
        kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
        if kind == "missing":
            return N_("The field '%(field)s' is required.", field=field)
        if kind == "string_type":
            return N_(
                "The field '%(field)s' must be text, not %(name)s.", field=field, name=_type_name(value)
            )
        if kind == "string_too_long":
            return N_(
                "The field '%(field)s' is %(count)s characters; the limit is %(limit)s.",
                field=field,
                count=len(value),
                limit=ctx["max_length"],
            )
        if kind == "string_too_short":
            return N_(
                "The field '%(field)s' needs at least %(count)s characters.",
                field=field,
                count=ctx["min_length"],
            )
        if kind == "string_pattern_mismatch":
            return _describe_text(field, value, ctx["pattern"])
        if kind == "too_long":
            return N_("'%(field)s' takes at most %(count)s items.", field=field, count=ctx["max_length"])
        if kind.startswith("int") or kind in ("greater_than_equal", "less_than_equal"):
            if "ge" in ctx:
                return N_("'%(field)s' must be a whole number, %(low)s or more.", field=field, low=ctx["ge"])
            if "le" in ctx:
                return N_(
                    "'%(field)s' must be a whole number, at most %(high)s.", field=field, high=ctx["le"]
                )
            return N_("'%(field)s' must be a whole number.", field=field)
        if kind == "value_error" or kind.startswith("custom"):
            said = ctx.get("error")
            # A validator's ValueError keeps its catalog message (str() would drop what it is).
            return said.args[0] if isinstance(said, ValueError) and said.args else str(said or error["msg"])
        return N_("The field '%(field)s' is not valid: %(problem)s.", field=field, problem=error["msg"])

    @classmethod
    def schema(cls) -> dict[str, Any]:
        """The model's JSON Schema, as the OpenAPI document shows it (models it holds are referred to among
        the document's components; `schemas` lifts them there)."""
        return cls.model_json_schema(
            mode="validation", schema_generator=_Schema, ref_template="#/components/schemas/{model}"
        )

    def given(self) -> dict[str, Any]:
        """The fields the client sent (not the defaults), as the services' parsers take them."""
        return self.model_dump(exclude_unset=True)


def language_message(field: str = "language") -> str:
    """What to send instead of an unknown language code."""
    return N_(
        "'%(field)s' must be an ISO 639-1 language code the service knows (e.g. 'ar', 'en', 'fr').",
        field=field,
    )


VERSION_MESSAGE = N_("Send the 'version' you started from (a whole number from the last read).")


@lru_cache
def article_input(limits: Limits) -> type[Body]:
    """POST /api/v1/articles: an original as a reporter submits it."""
    tag = line(limits.max_tag_chars, visible=False)
    model = create_model(
        "ArticleInput",
        __base__=Body,
        __doc__="An original to submit. Beyond this schema: no target may be the original's own language; a "
        "deadline is ahead, within a year.",
        title=(line(limits.max_title_chars, visible=True, description="One line of visible text."), ...),
        body=(
            text(limits.max_body_chars, visible=True, description="Paragraphs separated by line breaks."),
            ...,
        ),
        language=(Language, ...),
        section=(line(limits.max_section_chars, visible=False, description="Blank: News.") | None, "News"),
        tags=(
            Annotated[list[tag], Field(max_length=limits.max_tags)]  # type: ignore[valid-type]
            | Annotated[str, Field(pattern=_tags_text(limits), description="Comma-separated.")]
            | None,
            None,
        ),
        targets=(
            Annotated[list[Language | TargetTiming], Field(max_length=MAX_TARGETS)]
            | Annotated[str, Field(pattern=TARGETS_TEXT, description="Codes separated by spaces or commas.")]
            | None,
            Field(
                ["en"],
                description="Languages to adapt into; one adaptation is opened per target. A target given as an "
                "object sets its own priority and deadline.",
            ),
        ),
        priority=(
            PriorityName | None,
            Field(None, description="Priority of every adaptation (unless a target sets its own); normal."),
        ),
        deadline=(
            DateTime | None,
            Field(None, description="When every adaptation is due (unless a target sets its own)."),
        ),
    )
    model.nested_fields = {"targets": ("priority", "deadline")}
    model.field_messages = {
        "language": language_message(),
        "tags": N_(
            "Tags must be a list of at most %(count)s words of at most %(chars)s characters each, or the same as "
            "comma-separated text, without control characters.",
            count=limits.max_tags,
            chars=limits.max_tag_chars,
        ),
        "targets": N_(
            'Targets must be a list of at most %(count)s language codes, e.g. ["en"] (or "en fr").',
            count=MAX_TARGETS,
        ),
    }
    return model


class _Revision(Body):
    """A revision's fields. The schema requires title or body (see `schemas`); a request with neither is refused
    by the service as changing nothing, after the access check (a stranger learns nothing from a 400)."""

    #: Fields of which a revision sends at least one, as text.
    CHANGES: ClassVar[tuple[str, ...]] = ("title", "body")


@lru_cache
def article_revision_input(limits: Limits) -> type[Body]:
    """PUT /api/v1/articles/{id}: a new title and/or body."""
    return create_model(
        "ArticleRevisionInput",
        __base__=_Revision,
        __doc__="At least one of title and body. Beyond this schema: the revision must change the text.",
        title=(
            line(limits.max_title_chars, visible=True, description="One line of visible text.") | None,
            None,
        ),
        body=(text(limits.max_body_chars, visible=True, description="Paragraphs.") | None, None),
        note=(str | None, Field(None, description="What changed, for the adaptors.")),
    )


def _at_least_one_of(model: type[Body], names: tuple[str, ...]) -> dict[str, Any]:
    """The model's schema, requiring one of `names` as text."""
    schema = model.schema()
    schema["anyOf"] = [{"required": [name], "properties": {name: {"type": "string"}}} for name in names]
    return schema


def _version_required(schema: dict[str, Any]) -> None:
    """The published form of `_Save`'s rule: `version` is required (If-Match may stand for it, see there)."""
    schema["required"] = [*schema.get("required", []), "version"]
    schema["properties"]["version"] = {
        "type": "integer",
        "minimum": 1,
        "description": "The version you read. A request with If-Match may leave it out: the entity tag "
        "stands for it.",
    }


class _Save(Body):
    """A save names the version it started from, in the body or as If-Match (context `if_match`)."""

    model_config = ConfigDict(json_schema_extra=_version_required)

    @field_validator("version", mode="after", check_fields=False)
    @classmethod
    def _version_named(cls, version: int | None, info: ValidationInfo) -> int | None:
        if version is None and not (info.context or {}).get("if_match"):
            raise ValueError(VERSION_MESSAGE)
        return version


@lru_cache
def adaptation_save(limits: Limits) -> type[Body]:
    """PUT /api/v1/adaptations/{id}: the adaptation's text."""
    model = create_model(
        "AdaptationSave",
        __base__=_Save,
        __doc__="The adaptation's text. Beyond this schema: active_seconds may not exceed the time since the "
        "previous save.",
        title=(line(limits.max_title_chars, visible=False, description="One line."), ...),
        body=(text(limits.max_body_chars, visible=False, description="Paragraphs."), ...),
        version=(Number | None, Field(None, validate_default=True)),
        active_seconds=(
            Annotated[int, Field(ge=0, le=MAX_SECONDS_PER_SAVE), BeforeValidator(_integer)] | None,
            Field(None, description="Seconds of active editing since your previous save."),
        ),
    )
    model.field_messages = {"version": VERSION_MESSAGE}
    return model


def _camel(name: str) -> str:
    """An action's name in CamelCase: request-changes → RequestChanges."""
    return "".join(part.capitalize() for part in name.split("-"))


def action_model_name(action: Action) -> str:
    """The name the document gives the body of `action` (ClaimActionRequest, …)."""
    return f"{_camel(action.name)}ActionRequest"


class _ActionBody(Body):
    """What comes with one workflow action. A few fields the action requires are published as required but
    checked by the service after the access check (`published_rules`), as before: who may not take the
    action is told so rather than what else to send."""

    #: Fields the schema requires, with the schema it shows for each; the service refuses their absence.
    published_rules: ClassVar[dict[str, dict[str, Any]]] = {}
    #: Ways of sending what the action needs, of which the request takes at least one (published as anyOf;
    #: `ActionRequest.parse` refuses a request that takes none, 400).
    one_of: ClassVar[tuple[dict[str, Any], ...]] = ()

    @classmethod
    def schema(cls) -> dict[str, Any]:
        schema = super().schema()
        for name, published in cls.published_rules.items():
            schema["properties"][name] = published
            schema["required"] = [*schema.get("required", []), name]
        if cls.one_of:
            schema["anyOf"] = list(cls.one_of)
        return schema


def _published(annotation: Any, description: str) -> dict[str, Any]:
    """The JSON Schema of a field as the document shows it, from its pydantic type."""
    return {**TypeAdapter(annotation).json_schema(schema_generator=_Schema), "description": description}


def _beyond(action: Action) -> list[str]:
    """The rules of `action`'s request no JSON Schema can state."""
    rules = []
    if Change.PUBLISH in action.changes:
        rules.append("publish_at more than a minute past or more than a year ahead is refused")
    if Change.SET_PRIORITY in action.changes:
        rules.append("a deadline must be ahead, within a year")
    if action.needs_correction_note:
        rules.append("on a story already published, correction_note is required")
    if action.needs_assignee or action.may_name_assignee:
        rules.append("the assignee must be an active adaptor")
    return rules


@lru_cache
def action_input(name: str, limits: Limits) -> type[Body]:
    """POST /api/v1/adaptations/{id}/actions/<name>: what comes with that action, from its declaration in
    `domain.actions` (what it must be sent with; each action reads the fields its model has)."""
    action = ACTIONS[name]
    note = text(limits.max_comment_chars, visible=False)
    fields: dict[str, Any] = {}
    rules: dict[str, dict[str, Any]] = {}
    comment = action.comment_field
    if action.needs_comment:
        says = f"Required: {action.comment_says}."
        fields[comment] = (note | None, Field(None, description=says))
        visible = text(limits.max_comment_chars, visible=True)
        rules[comment] = _published(visible, f"{says} Recorded in the history.")
    elif comment == "comment":
        fields[comment] = (note | None, Field(None, description="Recorded in the history."))
    else:
        fields[comment] = (note | None, Field(None, description=f"An optional {comment} for the history."))
    if action.needs_assignee or action.may_name_assignee:
        says = "Username of an active adaptor"
        if action.needs_assignee:
            fields["assignee"] = (str | None, Field(None, description=f"{says}: who holds it next."))
            rules["assignee"] = _published(
                Annotated[str, Field(min_length=1)], f"{says}: who holds it next (required)."
            )
        else:
            fields["assignee"] = (
                str | None,
                Field(None, description=f"{says} to hold it instead of the one who adapted it."),
            )
    if Change.PUBLISH in action.changes:
        fields["publish_at"] = (
            Annotated[str, Field(pattern=DATE_TIME)] | None,
            Field(
                None, description="When to publish, ISO 8601 (e.g. 2026-12-01T09:00:00Z); now if left out."
            ),
        )
    if action.needs_correction_note:
        fields["correction_note"] = (
            note | None,
            Field(None, description="On a story already published: the public note on what was corrected."),
        )
    if Change.SET_PRIORITY in action.changes:
        fields["priority"] = (PriorityName | None, Field(None, description="The new priority."))
        fields["deadline"] = (
            DateTime | Annotated[str, Field(max_length=0)] | None,
            Field(
                None,
                description='When the adaptation is due (ahead, within a year); null or "" removes the '
                "deadline, leaving it out keeps it.",
            ),
        )
    if action.needs_changed_source:
        fields["revision"] = (
            Number | None,
            Field(
                None,
                description="The revision of the original you read; refused (409 `stale_revision`) if it is "
                "no longer the newest.",
            ),
        )
    if action.names_version:
        fields["version"] = (
            Number,
            Field(description="The version you decided on; refused (409) if the adaptation changed since."),
        )
    else:
        fields["version"] = (
            Number | None,
            Field(
                None, description="The version you read, if you name it: refused (409) if it changed since."
            ),
        )
    beyond = _beyond(action)
    doc = f"What comes with the action {name}."
    if beyond:
        doc += " Beyond this schema: " + "; ".join(beyond) + "."
    model = create_model(action_model_name(action), __base__=_ActionBody, __doc__=doc, **fields)
    model.field_messages = {"version": VERSION_MESSAGE}
    model.published_rules = rules
    if Change.SET_PRIORITY in action.changes:
        # A priority named (null or "" changes nothing), or a deadline sent (null or "" removes it).
        model.one_of = (
            {"required": ["priority"], "properties": {"priority": {"type": "string", "minLength": 1}}},
            {"required": ["deadline"]},
        )
    return model


@lru_cache
def schemas(limits: Limits) -> dict[str, dict[str, Any]]:
    """The JSON Schemas of every request body, by the name the document refers to them with (shared: the
    document deep-copies what it returns)."""
    found = {
        "ArticleInput": article_input(limits).schema(),
        "ArticleRevisionInput": _at_least_one_of(article_revision_input(limits), _Revision.CHANGES),
        "AdaptationSave": adaptation_save(limits).schema(),
        **{action_model_name(a): action_input(a.name, limits).schema() for a in ACTIONS.values()},
        "PasswordChange": PasswordChange.schema(),
        "MeUpdate": MeUpdate.schema(),
        "GlossaryTermInput": GlossaryTermInput.schema(),
    }
    for schema in list(found.values()):
        found.update(schema.pop("$defs", {}))  # a model inside a body (a target with its own priority)
    return found


def language_schema() -> dict[str, Any]:
    """The JSON Schema of one language code, as fields and query parameters show it."""
    return TypeAdapter(Language).json_schema(schema_generator=_Schema)


class PasswordChange(Body):
    """POST /api/v1/me/password. Beyond this schema: `current_password` must be the caller's password, and the
    new one another than it."""

    current_password: str = Field(max_length=MAX_PASSWORD, description="The password you have now.")
    new_password: str = Field(
        min_length=MIN_PASSWORD, max_length=MAX_PASSWORD, description="The password you choose."
    )


#: One address: what `users.parse_email` takes (no spaces or control characters, one @, a dot after it;
#: spaces around it are trimmed).
EMAIL_ADDRESS = f"^ *[^@\\s{CONTROLS}]{{1,64}}@[^@\\s{CONTROLS}]+\\.[^@\\s{CONTROLS}]+ *$"
#: One language pair as `parse_language_pairs` reads it: two ISO codes joined by -, > or →.
PAIR = "[A-Za-z]{2}(?:-|>|\u2192)[A-Za-z]{2}"


def _one_of_settings(schema: dict[str, Any]) -> None:
    """The published form of the rule that at least one setting is sent."""
    schema["anyOf"] = [{"required": [name]} for name in MeUpdate.SETTINGS]


class MeUpdate(Body):
    """PUT /api/v1/me: the caller's own settings; what is left out stays as it is. Beyond this schema: a pair's
    two languages differ."""

    model_config = ConfigDict(json_schema_extra=_one_of_settings)
    SETTINGS: ClassVar[tuple[str, ...]] = (
        "email",
        "language_pairs",
        "mail_events",
        "mail_digest",
        "interface_language",
    )

    email: Annotated[str, Field(max_length=254, pattern=EMAIL_ADDRESS)] | Literal[""] | None = Field(
        None, description='Where notifications are mailed; null or "": none.'
    )
    language_pairs: (
        Annotated[list[Annotated[str, Field(pattern=f"^{PAIR}$")]], Field(max_length=20)]
        | Annotated[str, Field(max_length=200, pattern=f"^(?:{PAIR}(?:[ ,]+{PAIR})*)?$")]
        | None
    ) = Field(None, description='e.g. ["ar-en", "fr-en"] or "ar-en, fr-en"; empty for every pair.')
    mail_events: list[Literal[tuple(e.value for e in Event)]] | None = Field(  # type: ignore[valid-type]
        None, description="The notification events mailed to you (all of them unless you chose)."
    )
    mail_digest: StrictBool | None = Field(
        None,
        description="true: one mail a day listing your notifications (the mailed events) instead of one per event.",
    )
    interface_language: Literal[INTERFACE_LANGUAGES] | Literal[""] | None = Field(  # type: ignore[valid-type]
        None, description='The language of your pages and mail; null or "": your browser\'s (mail: English).'
    )

    @model_validator(mode="after")
    def _something_sent(self) -> Self:
        if not self.model_fields_set & set(self.SETTINGS):
            raise ValueError(
                N_(
                    "Send 'email', 'language_pairs', 'mail_events', 'mail_digest', 'interface_language' or several."
                )
            )
        return self


def _term(description: str) -> Any:
    return line(MAX_TERM_CHARS, visible=True, description=description)


_RENDERING = f"[^;\\r\\n{CONTROLS}{_BIDI}]{{0,{MAX_TERM_CHARS}}}"
#: Renderings as text (forms): one per line or separated by `;`.
RENDERINGS_TEXT = f"^{_RENDERING}(?:[;\\r\\n]{_RENDERING}){{0,{MAX_RENDERINGS - 1}}}$"
Renderings = (
    Annotated[list[_term(None)], Field(max_length=MAX_RENDERINGS)]  # type: ignore[misc]
    | Annotated[str, Field(pattern=RENDERINGS_TEXT, description="One per line or separated by ';'.")]
    | None
)


class GlossaryTermInput(Body):
    """POST /api/v1/glossary and PUT /api/v1/glossary/{id}. Beyond this schema: the two languages differ, the
    source term is more than marks and punctuation, and no rendering is both accepted and forbidden."""

    source_lang: Language
    target_lang: Language
    source: _term("The term as written in the source language, e.g. بوتين.")  # type: ignore[valid-type]
    target: _term("The preferred rendering, e.g. Putin.")  # type: ignore[valid-type]
    alternatives: Renderings = Field(  # type: ignore[valid-type]
        None, description="Other renderings the house style accepts: QA takes any of them."
    )
    forbidden: Renderings = Field(  # type: ignore[valid-type]
        None,
        description="Renderings the house style avoids: QA flags each as an error (check `forbidden`) wherever "
        "an adaptation of the pair uses it.",
    )
    note: line(MAX_NOTE_CHARS, visible=False) | None = Field(None, description="House-style note.")  # type: ignore[valid-type]

    field_messages: ClassVar[dict[str, str]] = {
        "source_lang": language_message("source_lang"),
        "target_lang": language_message("target_lang"),
        **{
            name: N_(
                "'%(field)s' must be a list of at most %(count)s renderings of at most %(chars)s characters (or "
                "text, one per line or separated by ';'), without control characters.",
                field=name,
                count=MAX_RENDERINGS,
                chars=MAX_TERM_CHARS,
            )
            for name in ("alternatives", "forbidden")
        },
    }
