"""What the OpenAPI document says about requests FastAPI does not read itself (issue 10).

The routes read their JSON bodies with ``read_body``/``decode_json`` (size limits, hostile
JSON) and check them with ``from_wire``, so FastAPI sees no body model. Here each body is
described for the document only: ``request_body(cls, limit)`` goes into a route's
``openapi_extra``, its schema is made from the wire dataclass by pydantic, and
``install_openapi`` adds those schemas, the bearer scheme (routes that take ``CurrentUser``
say so with ``NEEDS_TOKEN``) and the protocol header's real type to the generated
document. Nothing here reads or checks a request.

``errors(...)`` names the error answers a route gives; each is an ``ErrorBody``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

from sync_server.api.deps import OLDEST_SUPPORTED_PROTOCOL
from sync_server.protocol import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_FLAG_LENGTH,
    MAX_MISSING_IDS,
    MAX_PASSWORD_LENGTH,
    MAX_PUSH_RECORDS,
    MAX_REVIEW_COMMENT,
    MAX_SHAPES_PER_RECORD,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    PROTOCOL_VERSION,
    ROLES,
    SERVICE_NAME,
    VERDICTS,
    VERSION_HEADER,
    AssignIdleRequest,
    AssignRequest,
    AttemptsRequest,
    ErrorBody,
    LoginRequest,
    MissingRequest,
    NewUserRequest,
    PasswordRequest,
    PushRequest,
    ResolveRequest,
)

_SCHEMAS = "#/components/schemas/"
BEARER = "bearer"  # the security scheme's name in the document

# ---------------------------------------------------------------- request bodies

# what the document adds to the generated schema of a field: the limits the server holds
# requests to (a request past them is refused whole, or a record of it is rejected)
_PASSWORD = {"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH}
_UNTIL = {"format": "date-time", "description": "ISO 8601 with a zone (Z or +08:00), in the future"}
_CONSTRAINTS: dict[str, dict[str, dict[str, Any]]] = {
    "PushRequest": {
        "annotations": {"maxItems": MAX_PUSH_RECORDS},
        "reviews": {"maxItems": MAX_PUSH_RECORDS},
    },
    "AnnotationRecord": {
        "shapes": {"maxItems": MAX_SHAPES_PER_RECORD},
        "flag": {"anyOf": [{"type": "string", "maxLength": MAX_FLAG_LENGTH}, {"type": "null"}]},
    },
    "ReviewRecord": {
        "verdict": {"enum": list(VERDICTS)},
        "comment": {"anyOf": [{"type": "string", "maxLength": MAX_REVIEW_COMMENT}, {"type": "null"}]},
    },
    "MissingRequest": {"ids": {"maxItems": MAX_MISSING_IDS}},
    "AssignRequest": {"until": _UNTIL},
    "AssignIdleRequest": {"until": _UNTIL},
    "NewUserRequest": {
        "username": {"pattern": f"^[A-Za-z0-9._-]{{1,{MAX_USERNAME_LENGTH}}}$"},
        "display_name": {"pattern": r"\S", "maxLength": MAX_DISPLAY_NAME_LENGTH},  # not blank
        "role": {"enum": list(ROLES)},
        "password": _PASSWORD,
    },
    "PasswordRequest": {"password": _PASSWORD},
}
# any request body's "protocol_version": older answers 426, newer 400 server_too_old
_PROTOCOL_VERSION = {"minimum": OLDEST_SUPPORTED_PROTOCOL, "maximum": PROTOCOL_VERSION}

# every body a route describes with ``request_body``; their schemas go into the components
BODY_TYPES: tuple[type, ...] = (
    LoginRequest,
    PushRequest,
    MissingRequest,
    ResolveRequest,
    NewUserRequest,
    PasswordRequest,
    AssignRequest,
    AssignIdleRequest,
    AttemptsRequest,
)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


# ``openapi_extra`` of a route that takes ``CurrentUser``: it needs 'Authorization: Bearer <token>'
NEEDS_TOKEN: dict[str, Any] = {"security": [{BEARER: []}]}


def request_body(cls: type, limit: int, token: bool = True) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads a ``cls`` JSON body of at most ``limit`` bytes
    (and, unless ``token`` is false, needs a bearer token)."""
    if cls not in BODY_TYPES:
        raise ValueError(f"{cls.__name__} is not in openapi_doc.BODY_TYPES")
    return {
        **(NEEDS_TOKEN if token else {}),
        "requestBody": {
            "required": True,
            "description": (
                f"JSON, at most {_size(limit)} (413 past it), sent as it is or with 'Content-Encoding: gzip' "
                "(at most that unpacked too). Fields left out take their defaults; unknown fields are ignored."
            ),
            "content": {"application/json": {"schema": {"$ref": f"{_SCHEMAS}{cls.__name__}"}}},
        }
    }


def body_schemas() -> dict[str, dict[str, Any]]:
    """The component schemas of the request bodies and the types nested in them."""
    out: dict[str, dict[str, Any]] = {}
    for cls in BODY_TYPES:
        schema = TypeAdapter(cls).json_schema(ref_template=_SCHEMAS + "{model}")
        out.update(schema.pop("$defs", {}))
        out[cls.__name__] = schema
    for name, schema in out.items():
        properties = schema.get("properties", {})
        for field, extra in _CONSTRAINTS.get(name, {}).items():
            properties[field].update(extra)
        if "protocol_version" in properties:
            properties["protocol_version"].update(_PROTOCOL_VERSION)
    return out


# ---------------------------------------------------------------- error answers

ERROR_TEXT = {  # per status, what a route's answer may say; ``errors`` takes others
    400: "bad_request, bad_json (a body that is no JSON, nests too deep, or holds a lone surrogate), "
    f"or server_too_old ({VERSION_HEADER} newer than the server)",
    401: "bad_token: no token, or one that is unknown, expired or revoked",
    403: "forbidden: not for your role",
    404: "unknown_*: nothing of that id in your office",
    409: "the current state does not allow it",
    413: "too_large: the body is over this route's limit",
    415: "unsupported_media_type: a Content-Encoding other than gzip",
    422: "invalid_request: a parameter or the body does not match the protocol",
    426: "please_update: the client speaks a protocol older than the server supports",
    429: "too_many_attempts: too many failed logins for this account or address",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "'Bearer' when the token is missing or bad", "schema": {"type": "string"}}},
    429: {
        "Retry-After": {
            "description": "whole seconds until a login may be tried again",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


def errors(*statuses: int, **texts: str) -> dict[int | str, dict[str, Any]]:
    """``responses`` entries for these error statuses, each an ``ErrorBody``; a text given
    as ``s409="..."`` replaces the generic one."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorBody, "description": texts.get(f"s{status}", ERROR_TEXT[status])}
        if status in _HEADERS and (status != 401 or "s401" not in texts):  # a login's 401 names no scheme
            entry["headers"] = _HEADERS[status]
        out[status] = entry
    return out


# ---------------------------------------------------------------- other answers


def json_answer(schema: dict[str, Any], description: str = "Successful Response") -> dict[str, Any]:
    """A ``responses`` entry for a JSON answer whose route has no ``response_model``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required if required is not None else list(properties)}


_INT = {"type": "integer"}
_STR = {"type": "string"}

HEALTH_SCHEMA = _object(
    status={"const": "ok"},
    service={"const": SERVICE_NAME},
    protocol_version=_INT,
    server_id=_STR,
)
PEOPLE_SCHEMA = _object(
    people={
        "type": "array",
        "items": _object(id=_INT, username=_STR, display_name=_STR, role={"enum": list(ROLES)}),
    }
)
THROUGHPUT_SCHEMA = _object(
    days=_INT,
    rows={"type": "array", "items": _object(annotator_id=_INT, day={"type": "string", "format": "date"}, items=_INT)},
)


# ---------------------------------------------------------------- the document

_PROTOCOL_HEADER_SCHEMA = {"type": "integer", "minimum": OLDEST_SUPPORTED_PROTOCOL, "maximum": PROTOCOL_VERSION}
_PROTOCOL_HEADER_TEXT = (
    "the client's sync protocol, a whole number; left out = the server's. Older than the server supports "
    "answers 426 please_update, newer than the server's 400 server_too_old, not a number 400 bad_request"
)


def _complete(document: dict[str, Any]) -> None:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in body_schemas().items():
        if name in schemas and schemas[name] != schema:
            raise ValueError(f"two different OpenAPI schemas named {name}")
        schemas[name] = schema
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "description": "the token from POST /api/v1/login",
    }
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "header" and parameter["name"].lower() == VERSION_HEADER.lower():
                    parameter["schema"] = dict(_PROTOCOL_HEADER_SCHEMA)
                    parameter["description"] = _PROTOCOL_HEADER_TEXT


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and /openapi.json) the completed document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()  # FastAPI keeps this dict as ``app.openapi_schema``
            _complete(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
