"""Encoding wire types for the network and checking what arrives: ``to_wire``, ``from_wire``
and ``check_shape``. Standard library only."""

from __future__ import annotations

import dataclasses
from math import isfinite
from typing import Any

from sync_server.protocol.office import *  # noqa: F403 — the nested types below are registered by name
from sync_server.protocol.wire import *  # noqa: F403

# ---------------------------------------------------------------- codec
#
# Small on the wire (design.md, sync contract 5): ``to_wire`` leaves out every
# field equal to its declared default (None, 0, an empty list from a factory)
# and ``from_wire`` fills it back in. Both directions stay compatible with
# peers that send or expect full objects: an older ``from_wire`` fills missing
# defaulted fields the same way, and ours still takes full dicts. Fields
# without a default are always sent, whatever their value.

# always sent: the version marker must never depend on what the reader's default is
_ALWAYS_SENT = frozenset({"protocol_version"})
_NO_DEFAULT = object()
_EMPTY_FACTORY = object()  # a default_factory that makes an empty list or dict


def _default_of(f: dataclasses.Field) -> Any:
    if f.name in _ALWAYS_SENT:
        return _NO_DEFAULT
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return _EMPTY_FACTORY if f.default_factory() in ([], {}) else _NO_DEFAULT
    return _NO_DEFAULT


_ENCODE_SPECS: dict[type, tuple[tuple[str, Any, Any], ...]] = {}


def _encode_spec(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    """(name, default, converter or None for a scalar) per field, worked out once per class:
    a 500-record push is 40,000 values, and a generic walk over them is the client's slowest step."""
    spec = _ENCODE_SPECS.get(cls)
    if spec is None:
        spec = _ENCODE_SPECS[cls] = tuple(
            (f.name, _default_of(f), _converter(cls, f)) for f in dataclasses.fields(cls)
        )
    return spec


def _converter(cls: type, f: dataclasses.Field) -> Any:
    nested = _NESTED.get((cls, f.name))
    kind = str(f.type)
    if nested is not None:
        return (lambda v: [_encode(o) for o in v]) if kind.startswith("list[") else _encode
    if kind == "list[list[float]]":
        # ints skip the call: most stored coordinates are whole pixels (~25% of encoding a push)
        return lambda v: [[x if type(x) is int else _number(x) for x in p] for p in v] if type(v) is list else _plain(v)
    if kind in ("int", "str", "bool", "int | None", "str | None"):
        return None
    return _plain


def _is_default(value: Any, default: Any) -> bool:
    if default is _NO_DEFAULT:
        return False
    if default is _EMPTY_FACTORY:
        return (type(value) is list or type(value) is dict) and not value
    # type check: False must not pass for a default of 0, nor 0.0 for 0
    return value is default or (type(value) is type(default) and value == default)


_EXACT_INT = 2**53  # past this a float is not an exact integer for every JSON reader


def _number(value: Any) -> Any:
    """``12`` not ``12.0``: the same number to every JSON reader, two bytes less."""
    if type(value) is float and value.is_integer() and -_EXACT_INT <= value <= _EXACT_INT:
        return int(value)
    return _plain(value) if type(value) in (list, dict) else value


def _plain(value: Any) -> Any:
    """JSON-ready copy of anything (dataclasses, lists, dicts, numbers)."""
    kind = type(value)
    if kind is float:
        return _number(value)
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode(value)
    return value


def _encode(obj: Any) -> dict[str, Any]:
    out = {}
    for name, default, convert in _encode_spec(type(obj)):
        value = getattr(obj, name)
        if default is _NO_DEFAULT or not _is_default(value, default):
            out[name] = value if convert is None or value is None else convert(value)
    if type(obj) is Change:
        out["data"] = _compact_change_data(obj.kind, out["data"])
    return out


def _compact_change_data(kind: str, data: Any) -> Any:
    """A feed entry's ``data`` is stored as a dict; leave out the same defaults
    its wire type would (the server logs some entries as full dicts)."""
    cls = _CHANGE_TYPES.get(kind)
    if cls is None or type(data) is not dict:
        return data
    defaults = {name: default for name, default, _ in _encode_spec(cls)}
    return {k: v for k, v in data.items() if not _is_default(v, defaults.get(k, _NO_DEFAULT))}


def to_wire(obj: Any) -> Any:
    """A dataclass (or list of them) as JSON-ready data, defaults left out."""
    return _plain(obj)


_NESTED: dict[tuple[type, str], type] = {}
_CHANGE_TYPES: dict[str, type] = {}


def _register_nested() -> None:
    _NESTED.update(
        {
            (LoginResponse, "user"): UserInfo,
            (LabelSchema, "labels"): Label,
            (Order, "schema"): LabelSchema,
            (AnnotationRecord, "shapes"): Shape,
            (PushRequest, "annotations"): AnnotationRecord,
            (PushRequest, "reviews"): ReviewRecord,
            (PushResponse, "results"): PushResult,
            (ChangesResponse, "changes"): Change,
            (ConflictsResponse, "conflicts"): ConflictInfo,
            (OrdersResponse, "orders"): OrderProgress,
            (BatchesResponse, "batches"): BatchProgress,
            (AnnotatorsResponse, "annotators"): AnnotatorProgress,
            (AssignIdleResponse, "assigned"): Assignment,
            (UsersResponse, "users"): UserRecord,
        }
    )
    _CHANGE_TYPES.update(
        {CHANGE_ORDER: Order, CHANGE_BATCH: Batch, CHANGE_ITEM: Item, CHANGE_ANNOTATION: AnnotationRecord,
         CHANGE_REVIEW: ReviewRecord}
    )


_register_nested()

_SIMPLE_TYPES = {
    "int": int,
    "str": str,
    "bool": bool,
    "int | None": (int, type(None)),
    "str | None": (str, type(None)),
    "list[int]": list,
    "list[str]": list,
    "list[list[float]]": list,
    "dict[str, Any]": dict,
}

# per class, once: (name, required, nested type, is a list of it, expected simple type, is an int field)
_DECODE_SPECS: dict[type, tuple[tuple[str, bool, type | None, bool, Any, bool], ...]] = {}


def _decode_spec(cls: type) -> tuple[tuple[str, bool, type | None, bool, Any, bool], ...]:
    spec = _DECODE_SPECS.get(cls)
    if spec is None:
        spec = _DECODE_SPECS[cls] = tuple(
            (
                f.name,
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                _NESTED.get((cls, f.name)),
                str(f.type).startswith("list["),
                _SIMPLE_TYPES.get(str(f.type)),
                str(f.type).startswith("int"),
            )
            for f in dataclasses.fields(cls)
        )
    return spec


def from_wire(cls: type, data: Any, where: str = "") -> Any:
    """Build ``cls`` from decoded JSON, checking field names and simple types.
    A missing field with a default gets it (``to_wire`` leaves such fields out)."""
    where = where or cls.__name__
    if not isinstance(data, dict):
        raise WireError(f"{where}: expected an object, got {type(data).__name__}")
    kwargs = {}
    for name, required, nested, is_list, expected, is_int in _decode_spec(cls):
        if name not in data:
            if required:
                raise WireError(f"{where}: missing field '{name}'")
            continue
        value = data[name]
        if nested is not None:
            if is_list:
                if not isinstance(value, list):  # else one object would pass as a list of one
                    raise WireError(f"{where}: field '{name}' should be a list, got {type(value).__name__}")
                value = [from_wire(nested, v, f"{where}.{name}[{i}]") for i, v in enumerate(value)]
            else:
                value = from_wire(nested, value, f"{where}.{name}")
        elif expected is not None and not isinstance(value, expected) or (isinstance(value, bool) and is_int):
            raise WireError(f"{where}: field '{name}' has the wrong type ({type(value).__name__})")
        kwargs[name] = value
    return cls(**kwargs)


def check_shape(shape: Shape, width: int, height: int, labels: list[str]) -> str | None:
    """Why ``shape`` is invalid for an image of this size and label set, or None."""
    if shape.label not in labels:
        return f"unknown label {quoted(shape.label)}"
    if shape.kind != "box":
        return f"unknown shape kind {quoted(shape.kind)}"
    pts = shape.points
    # unrolled, without generators: this runs for every shape of every push
    if len(pts) != 2:
        return "a box needs two points [[x1, y1], [x2, y2]]"
    p, q = pts
    if not (isinstance(p, list) and isinstance(q, list) and len(p) == 2 and len(q) == 2):
        return "a box needs two points [[x1, y1], [x2, y2]]"
    (x1, y1), (x2, y2) = p, q
    for v in (x1, y1, x2, y2):
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return "a box needs two points [[x1, y1], [x2, y2]]"
        if type(v) is int and not -_EXACT_INT <= v <= _EXACT_INT:
            # Python reads a 400-digit number; float() and other JSON readers cannot
            return "a box corner is a number past ±2^53"
    # JSON readers take NaN and Infinity; stored, one would pass every comparison below
    # and then break every feed page that carries it (JSON answers refuse them)
    if not (isfinite(x1) and isfinite(y1) and isfinite(x2) and isfinite(y2)):
        return "a box corner is not a finite number"
    if x2 <= x1 or y2 <= y1:
        return "box has zero or negative size"
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        return f"box lies outside the {width}×{height} image"
    return None
