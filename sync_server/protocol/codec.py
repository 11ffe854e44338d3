"""Encoding wire types for the network and checking what arrives: ``to_wire``, ``from_wire``,
``check_shape`` and ``check_payload`` (their answers are ``Problem``s: English text, code,
params), and ``to_json``. Standard library and orjson only (reading JSON text is ``json_guard``'s)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from math import isfinite
from typing import Any

import orjson

from sync_server.protocol.office import *  # noqa: F403 — the nested types below are registered by name
from sync_server.protocol.polygon import duplicate_vertex, polygon_area, self_intersection
from sync_server.protocol.shapes_text import ShapesText
from sync_server.protocol.training import *  # noqa: F403
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
        return _points
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


def _points(points: Any) -> Any:
    """A shape's points, each number as ``_number`` writes it. Unrolled for the usual pairs
    of ints and floats: most stored coordinates are whole pixels, the rest x.5 (a push
    encodes 120,000 of them for 10,000 records)."""
    if type(points) is not list:
        return _plain(points)
    out = []
    for p in points:
        if type(p) is list and len(p) == 2:
            x, y = p
            if type(x) is float:
                x = int(x) if x.is_integer() and -_EXACT_INT <= x <= _EXACT_INT else x
            elif type(x) is not int:
                x = _number(x)
            if type(y) is float:
                y = int(y) if y.is_integer() and -_EXACT_INT <= y <= _EXACT_INT else y
            elif type(y) is not int:
                y = _number(y)
            out.append([x, y])
        else:
            out.append([x if type(x) is int else _number(x) for x in p])
    return out


def _plain(value: Any, raw: bool = False) -> Any:
    """JSON-ready copy of anything (dataclasses, lists, dicts, numbers); ``raw``: shapes kept
    as text (``ShapesText``) go as that text, for orjson (``to_json``), not as its data."""
    kind = type(value)
    if kind is float:
        return _number(value)
    if kind is list or kind is tuple:
        return [_plain(v, raw) for v in value]
    if kind is dict:
        return {k: _plain(v, raw) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode(value, raw)
    if kind is ShapesText:
        return orjson.Fragment(value.text) if raw else value.plain()
    return value


def _encode(obj: Any, raw: bool = False) -> dict[str, Any]:
    """A dataclass as a dict, fields equal to their defaults left out (``_encoder``)."""
    return (_ENCODERS.get(type(obj)) or _encoder(type(obj)))(obj, raw)


_ENCODERS: dict[type, Any] = {}


def _encoder(cls: type) -> Any:
    """Write, compile and keep the encoder of ``cls``: its ``_encode_spec`` as straight-line
    code, one test per field (a loop over the spec was most of encoding a push; ADR 0020).
    A field is left out when ``_is_default`` says so, and converted as its spec says."""
    names: dict[str, Any] = {"_encode": _encode}
    lines = ["def encode(obj, raw=False):", "    out = {}"]
    for k, (name, default, convert) in enumerate(_encode_spec(cls)):
        nested = _NESTED.get((cls, name))
        lines.append(f"    v = obj.{name}")
        value = "v"
        if nested is not None:  # its own encoder straight away when it is of the declared type
            names[f"_N{k}"], names[f"_n{k}"] = nested, _ENCODERS.get(nested) or _encoder(nested)
            if str(dataclasses.fields(cls)[k].type).startswith("list["):
                value = f"[_n{k}(o, raw) if type(o) is _N{k} else _encode(o, raw) for o in v]"
                if nested is Shape:  # shapes kept as their wire text: that text (raw), or its data
                    names["_ShapesText"], names["_Fragment"] = ShapesText, orjson.Fragment
                    value = f"((_Fragment(v.text) if raw else v.plain()) if type(v) is _ShapesText else {value})"
            else:
                value = f"_n{k}(v, raw) if type(v) is _N{k} else _encode(v, raw)"
        elif convert is not None:
            names[f"_c{k}"] = convert
            value = f"_c{k}(v)"
        if default is _NO_DEFAULT:
            lines.append(f"    out[{name!r}] = {value if value == 'v' else f'v if v is None else {value}'}")
            continue
        if default is None:  # _is_default(v, None) is ``v is None``
            lines.append("    if v is not None:")
        elif default is _EMPTY_FACTORY:
            lines.append("    if not ((type(v) is list or type(v) is dict) and not v):")
            value = value if value == "v" else f"v if v is None else {value}"
        else:
            names[f"_d{k}"], names[f"_t{k}"] = default, type(default)
            lines.append(f"    if v is not _d{k} and not (type(v) is _t{k} and v == _d{k}):")
            value = value if value == "v" else f"v if v is None else {value}"
        lines.append(f"        out[{name!r}] = {value}")
    if cls is Change:
        names["_compact_change_data"] = _compact_change_data
        lines.append('    out["data"] = _compact_change_data(obj.kind, out["data"])')
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<to_wire {cls.__name__}>", "exec"), names)  # noqa: S102 — our own text
    _ENCODERS[cls] = names["encode"]
    return names["encode"]


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


def to_json(obj: Any) -> bytes:
    """``to_wire(obj)`` as compact JSON (orjson, ADR 0020). Shapes kept as their wire text
    (the desktop's outbox) go in as that text, neither parsed nor written again: that was
    most of the client's side of a push. What orjson cannot write (an int past 64 bits, a
    lone surrogate) goes as the standard library writes it, for the server to answer as ever."""
    try:
        return orjson.dumps(_plain(obj, raw=True))
    except TypeError:
        return json.dumps(to_wire(obj), separators=(",", ":")).encode()


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
            (CourseItem, "item"): Item,
            (CourseItem, "expected"): Shape,
            (Course, "order"): Order,
            (Course, "items"): CourseItem,
            (CoursesResponse, "courses"): Course,
            (CoursesResponse, "certificates"): Certificate,
            (AttemptAnswer, "shapes"): Shape,
            (TrainingAttempt, "answers"): AttemptAnswer,
            (AttemptsRequest, "attempts"): TrainingAttempt,
            (AttemptResult, "certificate"): Certificate,
            (AttemptsResponse, "results"): AttemptResult,
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
    "float | None": (float, int, type(None)),
    "dict[str, Any]": dict,
    "dict[str, Any] | None": (dict, type(None)),
}


def from_wire(cls: type, data: Any, where: str = "") -> Any:
    """Build ``cls`` from decoded JSON, checking field names and simple types.
    A missing field with a default gets it (``to_wire`` leaves such fields out)."""
    decode = _DECODERS.get(cls) or _decoder(cls)
    return decode(data, where or cls.__name__)


# ---------------------------------------------------------------- decoders
#
# ``from_wire`` runs for every record and shape of every push (40,000 objects in a
# 10,000-record push), so each class gets a decoder of its own, written out once as
# straight-line code: the field loop, the per-field spec lookups and the path text of
# every nested object ("PushRequest.annotations[12].shapes[0]") were most of its
# time. The checks and messages are those of the generic walk it replaced, field by
# field: a missing required field, a nested object or list of them, a simple type
# (never a bool for an int). The path is kept as (parent, name, index) and only
# written out when a message needs it.

_DECODERS: dict[type, Any] = {}
_MISSING = object()


def _place(where: Any) -> str:
    """The path text of ``where``: a str, or (parent, field name, list index or None)."""
    if type(where) is str:
        return where
    parent, name, index = where
    return f"{_place(parent)}.{name}" if index is None else f"{_place(parent)}.{name}[{index}]"


def _type_check(expected: Any, is_int: bool, value: str, k: int, names: dict[str, Any]) -> str | None:
    """The condition (as code) under which ``value`` has the wrong type, or None for no check."""
    checks = [f"not isinstance({value}, _e{k})"] if expected is not None else []
    if is_int:
        checks.append(f"isinstance({value}, bool)")  # True is an int to isinstance, never to us
    if not checks:
        return None
    wrong = " or ".join(checks)
    if expected is None:
        return wrong
    names[f"_e{k}"] = expected
    # the exact type JSON decodes to passes: checking it first skips the isinstance calls
    optional = isinstance(expected, tuple)
    names[f"_t{k}"] = expected[0] if optional else expected
    fast = f"type({value}) is not _t{k}"
    if optional:  # (T, NoneType)
        fast = f"{value} is not None and {fast}"
    return f"{fast} and ({wrong})"


def _decoder(cls: type) -> Any:
    """Write, compile and keep the decoder of ``cls``: ``decode(data, where) -> cls``."""
    fields = dataclasses.fields(cls)
    names: dict[str, Any] = {"WireError": WireError, "_place": _place, "_MISSING": _MISSING, "cls": cls}
    lines = [
        "def decode(data, where):",
        "    if not isinstance(data, dict):",
        '        raise WireError(f"{_place(where)}: expected an object, got {type(data).__name__}")',
        "    get = data.get",
    ]
    args = []
    for k, f in enumerate(fields):
        if not f.init or f.kw_only:
            raise TypeError(f"from_wire: {cls.__name__}.{f.name} must be an init field")
        v = f"a{k}"
        args.append(v)
        kind = str(f.type)
        nested = _NESTED.get((cls, f.name))
        lines.append(f"    {v} = get({f.name!r}, _MISSING)")
        lines.append(f"    if {v} is _MISSING:")
        if f.default is not dataclasses.MISSING:
            names[f"_d{k}"] = f.default
            lines.append(f"        {v} = _d{k}")
        elif f.default_factory is not dataclasses.MISSING:
            names[f"_d{k}"] = f.default_factory
            lines.append(f"        {v} = _d{k}()")
        else:
            lines.append(f"""        raise WireError(f"{{_place(where)}}: missing field '{f.name}'")""")
        if nested is not None:
            names[f"_n{k}"] = _DECODERS.get(nested) or _decoder(nested)
            if kind.startswith("list["):
                lines += [
                    # else one object would pass as a list of one
                    f"    elif type({v}) is not list and not isinstance({v}, list):",
                    f"""        raise WireError(f"{{_place(where)}}: field '{f.name}' should be a list, got {{type({v}).__name__}}")""",
                    "    else:",
                    f"        {v} = [_n{k}(o, (where, {f.name!r}, i)) for i, o in enumerate({v})]",
                ]
            else:
                lines += ["    else:", f"        {v} = _n{k}({v}, (where, {f.name!r}, None))"]
            continue
        wrong = _type_check(_SIMPLE_TYPES.get(kind), kind.startswith("int"), v, k, names)
        if wrong is not None:
            lines += [
                f"    elif {wrong}:",
                f"""        raise WireError(f"{{_place(where)}}: field '{f.name}' has the wrong type ({{type({v}).__name__}})")""",
            ]
    lines.append(f"    return cls({', '.join(args)})")
    exec(compile("\n".join(lines), f"<from_wire {cls.__name__}>", "exec"), names)  # noqa: S102 — our own text
    _DECODERS[cls] = names["decode"]
    return names["decode"]


def check_shape(shape: Shape, width: int, height: int, labels: Collection[str], text_length: int = 0) -> Problem | None:
    """Why ``shape`` is invalid for an item of this image size, text length (code points)
    and label set, or None. Rules that look at all of a record's shapes together (one
    class only, overlapping spans) are ``check_payload``'s."""
    if shape.kind != SHAPE_BOX:
        return _other_shape_problem(shape, width, height, labels, text_length)
    if shape.label not in labels:
        return _unknown_label(shape.label)
    pts = shape.points
    # the common case first, at a few comparisons (this runs for every shape of every push):
    # two pairs of plain numbers, inside the image with a positive size. Anything else,
    # NaN included (it fails every comparison), goes through every check for its reason.
    if len(pts) == 2:
        p, q = pts
        if type(p) is list and type(q) is list and len(p) == 2 and len(q) == 2:
            (x1, y1), (x2, y2) = p, q
            if (
                (type(x1) is float or type(x1) is int)
                and (type(y1) is float or type(y1) is int)
                and (type(x2) is float or type(x2) is int)
                and (type(y2) is float or type(y2) is int)
                and 0 <= x1 < x2 <= width <= _EXACT_INT
                and 0 <= y1 < y2 <= height <= _EXACT_INT
            ):
                return None
    return _box_problem(pts, width, height)


def _unknown_label(label: Any) -> Problem:
    return Problem(REJECT_UNKNOWN_LABEL, f"unknown label {quoted(label)}", label=label)


_TWO_POINTS = "a box needs two points [[x1, y1], [x2, y2]]"


def _box_problem(pts: Any, width: int, height: int) -> Problem | None:
    """``check_shape``'s every check of a box's points, in order, for the first that fails."""
    if len(pts) != 2:
        return Problem(REJECT_BOX_INVALID, _TWO_POINTS)
    p, q = pts
    if not (isinstance(p, list) and isinstance(q, list) and len(p) == 2 and len(q) == 2):
        return Problem(REJECT_BOX_INVALID, _TWO_POINTS)
    (x1, y1), (x2, y2) = p, q
    for v in (x1, y1, x2, y2):
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return Problem(REJECT_BOX_INVALID, _TWO_POINTS)
        if type(v) is int and not -_EXACT_INT <= v <= _EXACT_INT:
            # Python reads a 400-digit number; float() and other JSON readers cannot
            return Problem(REJECT_BOX_INVALID, "a box corner is a number past ±2^53")
    # JSON readers take NaN and Infinity; stored, one would pass every comparison below
    # and then break every feed page that carries it (JSON answers refuse them)
    if not (isfinite(x1) and isfinite(y1) and isfinite(x2) and isfinite(y2)):
        return Problem(REJECT_BOX_INVALID, "a box corner is not a finite number")
    if x2 <= x1 or y2 <= y1:
        return Problem(REJECT_BOX_EMPTY, "box has zero or negative size")
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        return Problem(REJECT_BOX_OUTSIDE, f"box lies outside the {width}×{height} image", width=width, height=height)
    return None


def _polygon_problem(pts: Any, width: int, height: int) -> Problem | None:
    """Why a polygon's points are not a simple outline inside the image (docs/interfaces.md,
    "Payloads"), or None. Cheap checks first; the self-intersection test last."""
    if type(pts) is not list:
        return Problem(REJECT_POLYGON_INVALID, "a polygon needs a list of points [[x, y], …]")
    count = len(pts)
    if count < 3:
        return Problem(REJECT_POLYGON_TOO_FEW_POINTS, f"a polygon needs three or more points, not {count}", count=count)
    if count > MAX_POLYGON_POINTS:
        return Problem(REJECT_POLYGON_TOO_MANY_POINTS,
                       f"a polygon may have at most {MAX_POLYGON_POINTS} points, not {count}",
                       count=count, max=MAX_POLYGON_POINTS)  # fmt: skip
    inside = width <= _EXACT_INT and height <= _EXACT_INT
    for index, p in enumerate(pts):
        # the usual vertex at a few comparisons: a pair of plain numbers in the image (which
        # also rules out NaN, infinities and numbers past ±2^53)
        if type(p) is list and len(p) == 2:
            x, y = p
            if (type(x) is float or type(x) is int) and (type(y) is float or type(y) is int) and inside \
                    and 0 <= x <= width and 0 <= y <= height:  # fmt: skip
                continue
        problem = _vertex_problem(p, index, width, height)
        if problem is not None:
            return problem
    duplicate = duplicate_vertex(pts)
    if duplicate is not None:
        return Problem(REJECT_POLYGON_DUPLICATE_POINT,
                       f"polygon point {duplicate + 1} is the same as the next one", vertex=duplicate + 1)  # fmt: skip
    # all on one line: said as such (its outline also folds back on itself); a bow-tie's
    # two lobes can cancel to zero area too, and is said to cross itself
    flat = polygon_area(pts) == 0
    if flat and _on_one_line(pts):
        return Problem(REJECT_POLYGON_ZERO_AREA, "a polygon has zero area")
    crossing = self_intersection(pts)
    if crossing is not None:
        edge, other = crossing[0] + 1, crossing[1] + 1
        return Problem(REJECT_POLYGON_SELF_INTERSECTS,
                       f"a polygon's outline crosses or touches itself (edges {edge} and {other})",
                       edge=edge, other=other)  # fmt: skip
    if flat:  # a simple outline too small for floats to hold its area
        return Problem(REJECT_POLYGON_ZERO_AREA, "a polygon has zero area")
    return None


def _on_one_line(pts: list[list[float]]) -> bool:
    """Whether every vertex lies on the line through the first two (which differ)."""
    (ax, ay), (bx, by) = pts[0], pts[1]
    return all((bx - ax) * (y - ay) == (by - ay) * (x - ax) for x, y in pts)


def _vertex_problem(p: Any, index: int, width: int, height: int) -> Problem | None:
    """What is wrong with one polygon vertex (the box's checks, in their order), or None."""
    if not (isinstance(p, list) and len(p) == 2):
        return Problem(REJECT_POLYGON_INVALID, f"polygon point {index + 1} is not a pair [x, y]", vertex=index + 1)
    for v in p:
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return Problem(REJECT_POLYGON_INVALID, f"polygon point {index + 1} is not a pair of numbers",
                           vertex=index + 1)  # fmt: skip
        if type(v) is int and not -_EXACT_INT <= v <= _EXACT_INT:
            return Problem(REJECT_POLYGON_INVALID, f"polygon point {index + 1} has a number past ±2^53",
                           vertex=index + 1)  # fmt: skip
        if not isfinite(v):
            return Problem(REJECT_POLYGON_INVALID, f"polygon point {index + 1} is not a finite number",
                           vertex=index + 1)  # fmt: skip
    x, y = p
    if not (0 <= x <= width and 0 <= y <= height):
        return Problem(REJECT_POLYGON_OUTSIDE, f"polygon point {index + 1} lies outside the {width}×{height} image",
                       vertex=index + 1, width=width, height=height)  # fmt: skip
    return None


def _other_shape_problem(
    shape: Shape, width: int, height: int, labels: Collection[str], text_length: int
) -> Problem | None:
    kind, pts = shape.kind, shape.points
    if kind == SHAPE_TEXT:
        if shape.label and shape.label not in labels:
            return _unknown_label(shape.label)
        if not isinstance(shape.text, str):
            return Problem(REJECT_TEXT_MISSING, "a transcribed line needs its text")
        if len(shape.text) > MAX_TEXT_LENGTH:
            return Problem(REJECT_TEXT_TOO_LONG, f"a transcribed line is longer than {MAX_TEXT_LENGTH:,} characters",
                           max=MAX_TEXT_LENGTH)  # fmt: skip
        return None if pts == [] else _box_problem(pts, width, height)
    if shape.label not in labels:
        return _unknown_label(shape.label)
    if kind == SHAPE_POLYGON:
        return _polygon_problem(pts, width, height)
    if kind == SHAPE_CLASS:
        return None if pts == [] else Problem(REJECT_CLASS_POINTS, "a class takes no points")
    if kind == SHAPE_SPAN:
        if not (type(pts) is list and len(pts) == 1 and type(pts[0]) is list and len(pts[0]) == 2
                and all(type(v) is int for v in pts[0])):  # fmt: skip
            return Problem(REJECT_SPAN_INVALID, "a span needs one pair of whole numbers [[start, end]]")
        start, end = pts[0]
        if not 0 <= start < end <= text_length:
            return Problem(REJECT_SPAN_OUTSIDE,
                           f"span [{start}, {end}) lies outside the text ({text_length} characters)",
                           start=start, end=end, length=text_length)  # fmt: skip
        return None
    return Problem(REJECT_UNKNOWN_SHAPE_KIND, f"unknown shape kind {quoted(kind)}", kind=kind)


def wrong_shape_kind(index: int, kind: Any, task_kind: str) -> Problem:
    """Shape ``index`` (0-based) is of a kind an order of ``task_kind`` does not take."""
    return Problem(REJECT_WRONG_SHAPE_KIND, f"shape {index + 1}: a {quoted(kind)} has no place in a {task_kind} order",
                   shape=index + 1, kind=kind, task=task_kind)  # fmt: skip


def check_payload(
    task_kind: str, shapes: list[Shape], options: dict[str, Any], flag: str | None = None
) -> Problem | None:
    """Why these shapes, each valid on its own, cannot be one answer for an item of an
    order of ``task_kind`` whose label schema has these ``options`` (its wire dict, or
    ``to_wire(schema)``: missing keys are the LabelSchema defaults), or None."""
    allowed = TASK_SHAPES.get(task_kind, ())
    for index, shape in enumerate(shapes):
        if shape.kind not in allowed:
            return wrong_shape_kind(index, shape.kind, task_kind)
    if task_kind in (TASK_IMAGE_CLASS, TASK_TEXT_CLASS):
        chosen = [shape.label for shape in shapes]
        if len(set(chosen)) != len(chosen):
            return Problem(REJECT_CLASS_TWICE, "a class is chosen twice")
        if len(chosen) > 1 and not options.get("multi_label", False):
            return Problem(REJECT_ONE_CLASS_ONLY, f"only one class may be chosen in this order, not {len(chosen)}",
                           count=len(chosen))  # fmt: skip
    elif task_kind == TASK_NER:
        return _span_problem(shapes, options.get("nested_spans", False))
    elif task_kind == TASK_TRANSCRIPTION and options.get("text_required", True) and flag is None:
        if not any((shape.text or "").strip() for shape in shapes):
            return Problem(REJECT_TRANSCRIPTION_EMPTY,
                           "the transcription is empty; type the text, or flag the item with a reason")  # fmt: skip
    return None


def _span_problem(shapes: list[Shape], nested: bool) -> Problem | None:
    """Overlapping spans: always refused when they cross, and unless ``nested`` when one
    holds another; the same span with the same label twice is always refused."""
    spans = sorted((s.points[0][0], -s.points[0][1], s.label) for s in shapes)
    open_ends: list[int] = []  # ends of the spans that hold the current one, innermost last
    previous = None
    for start, neg_end, label in spans:
        end = -neg_end
        if previous == (start, end, label):
            return Problem(REJECT_SPAN_TWICE, f"span [{start}, {end}) is marked twice as {quoted(label)}",
                           start=start, end=end, label=label)  # fmt: skip
        previous = (start, end, label)
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends:
            if not nested:
                return Problem(REJECT_SPAN_OVERLAP,
                               f"span [{start}, {end}) overlaps another; this order does not allow nested spans",
                               start=start, end=end)  # fmt: skip
            if end > open_ends[-1]:
                return Problem(REJECT_SPAN_CROSSES,
                               f"span [{start}, {end}) crosses another span's end ({open_ends[-1]})",
                               start=start, end=end, other_end=open_ends[-1])  # fmt: skip
        open_ends.append(end)
    return None
