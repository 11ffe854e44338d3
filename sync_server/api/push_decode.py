"""A push body decoded by msgspec straight into the wire types: the fast path (ADR 0025).

``decode_push(raw)`` gives exactly the ``PushRequest`` that ``body.decode_json`` and
``from_wire`` give for the same bytes, or None, and then the caller takes today's way
(``body.decode_json``, the count checks, ``from_wire``), which gives every refusal in
its own words: a 400, 413 or 422, or a record rejected on its own (ADR 0001).

msgspec parses and checks types in C, into ``msgspec.Struct`` twins of the wire
dataclasses built here from their own fields (one definition: a field added to
``AnnotationRecord`` appears here by itself). The twins are *stricter* than
``from_wire``, never looser, so a body they take is one ``from_wire`` takes too:

- no unknown keys (``from_wire`` passes over them; refusing them bounds the depth, so
  the depth pre-scan has nothing to find);
- a float field (``ocr_cer``) and a shape's coordinates are ``int | float``: an int stays
  an int, as ``from_wire`` keeps it (msgspec's ``float`` would make ``1167`` ``1167.0``,
  and the stored shapes and feed texts would change), and anything else in a point (a
  string, a third level of lists) goes the slow way to be rejected per record;
- no bool where an int is wanted, no null where a value is wanted.

msgspec reads every number as ``json.loads`` does (an int of any length up to Python's
4,300 digits exactly, not as a float the way orjson reads those past 64 bits; a float
correctly rounded), so the slow path's 19-digit detour has no counterpart here. What it
reads differently goes the slow way: a ``\\u0000`` escape (ours refuses NUL), lists
longer than a push may carry (413 first), and every body msgspec refuses at all (a BOM,
NaN, ``1e400``, bad UTF-8, lone surrogates, wrong types, unknown keys).

msgspec is the server's dependency only: the desktop never imports this module.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import msgspec

from sync_server.protocol import MAX_PUSH_RECORDS, PushRequest

__all__ = ["decode_push"]

_NUL_ESCAPE = b"\\u0000"


def _twin_type(hint: Any, structs: dict[type, Any]) -> Any:
    """The msgspec type that takes what ``hint`` takes in ``from_wire``, or less."""
    if dataclasses.is_dataclass(hint):
        return _twin(hint, structs)
    if hint is float:  # an int stays an int, as from_wire keeps it
        return int | float
    if hint in (int, str, bool, type(None)):
        return hint
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and len(args) == 1:
        return list[_twin_type(args[0], structs)]
    if origin in (typing.Union, types.UnionType):
        parts = tuple(_twin_type(a, structs) for a in args)
        union = parts[0]
        for part in parts[1:]:
            union = union | part
        return union
    raise TypeError(f"push_decode: no fast twin for {hint!r}")  # a new kind of field: extend this, or go slow


def _twin(cls: type, structs: dict[type, Any]) -> Any:
    """The Struct twin of wire dataclass ``cls``: same field names, order and defaults."""
    if cls in structs:
        return structs[cls]
    hints = typing.get_type_hints(cls)
    fields = []
    for f in dataclasses.fields(cls):
        kind = _twin_type(hints[f.name], structs)
        if f.default is not dataclasses.MISSING:
            fields.append((f.name, kind, f.default))
        elif f.default_factory is not dataclasses.MISSING:
            fields.append((f.name, kind, msgspec.field(default_factory=f.default_factory)))
        else:
            fields.append((f.name, kind))
    # gc=False: a twin lives for one request and holds no cycles, so the collector may skip it
    structs[cls] = msgspec.defstruct(f"{cls.__name__}Twin", fields, forbid_unknown_fields=True, gc=False)
    return structs[cls]


def _converter(cls: type, converters: dict[type, Any]) -> Any:
    """Write and compile ``convert(twin) -> cls``: the dataclass built as ``from_wire`` builds it."""
    if cls in converters:
        return converters[cls]
    hints = typing.get_type_hints(cls)
    names: dict[str, Any] = {"cls": cls}
    args = []
    for k, f in enumerate(dataclasses.fields(cls)):
        hint = hints[f.name]
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is list else None
        if dataclasses.is_dataclass(hint):
            names[f"_c{k}"] = _converter(hint, converters)
            args.append(f"_c{k}(s.{f.name})")
        elif inner is not None and dataclasses.is_dataclass(inner):
            names[f"_c{k}"] = _converter(inner, converters)
            args.append(f"[_c{k}(o) for o in s.{f.name}]")
        else:
            args.append(f"s.{f.name}")
    source = f"def convert(s):\n    return cls({', '.join(args)})"
    exec(compile(source, f"<push_decode {cls.__name__}>", "exec"), names)  # noqa: S102 — our own text
    converters[cls] = names["convert"]
    return names["convert"]


_DECODER = msgspec.json.Decoder(_twin(PushRequest, {}))
_CONVERT = _converter(PushRequest, {})


def decode_push(raw: bytes) -> PushRequest | None:
    """The request ``from_wire(PushRequest, json.loads(raw))`` gives, when the fast path
    can tell it is that; None when the body needs the slow path's checks and words."""
    if _NUL_ESCAPE in raw:
        return None
    try:
        twin = _DECODER.decode(raw)
    except msgspec.MsgspecError:  # DecodeError and ValidationError: the slow path says why
        return None
    if len(twin.annotations) > MAX_PUSH_RECORDS or len(twin.reviews) > MAX_PUSH_RECORDS:
        return None  # the slow path's 413, worded as it words it
    return _CONVERT(twin)
