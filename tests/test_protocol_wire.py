"""The wire codec: round trips, defaults left out, and peers that send full objects."""

import dataclasses
import json

import pytest

from sync_server.protocol import (
    PROTOCOL_VERSION,
    AnnotationRecord,
    Batch,
    Change,
    ChangesResponse,
    Item,
    Label,
    LabelSchema,
    LoginResponse,
    Order,
    PushRequest,
    PushResponse,
    PushResult,
    Shape,
    UserInfo,
    WireError,
    from_wire,
    to_wire,
    uuid7,
)

USER = UserInfo(3, "anno1", "标注员一", "annotator", 1, "基地")
ORDER = Order(1, "订单", "bbox", LabelSchema(2, [Label("car", "轿车", "#e6194b")]), "规范", 12)
ITEM = Item(7, 1, 2, "a.jpg", 1920, 1080, "ab" * 32, 1234, 1280, 720)
BATCH = Batch(2, 1, "批次 1", 3, "2026-12-01T00:00:00Z", [7, 8])
RECORD = AnnotationRecord(uuid7(), 7, 2, None, [Shape("box", "car", [[1.5, 2.0], [30.0, 40.25]])], 1500)

EXAMPLES = [
    USER, ORDER, ITEM, BATCH, RECORD,
    PushRequest([RECORD, dataclasses.replace(RECORD, id=uuid7(), base_id=RECORD.id, client_time="2026-11-25T10:00:00Z")]),
    PushResponse([PushResult(RECORD.id, "accepted"), PushResult(uuid7(), "rejected", "shape 1: unknown label 'x'")]),
    LoginResponse("tok", USER, "2026-11-25T00:00:00Z"),
    ChangesResponse([Change(1, "item", to_wire(ITEM)), Change(2, "order", to_wire(ORDER))], "2", False),
]


@pytest.mark.parametrize("obj", EXAMPLES, ids=lambda o: type(o).__name__)
def test_round_trip_through_json(obj):
    text = json.dumps(to_wire(obj))
    assert from_wire(type(obj), json.loads(text)) == obj


@pytest.mark.parametrize("obj", EXAMPLES, ids=lambda o: type(o).__name__)
def test_full_objects_from_an_older_peer_are_still_read(obj):
    # an older client or server wrote every field, defaults included
    assert from_wire(type(obj), json.loads(json.dumps(dataclasses.asdict(obj)))) == obj


def test_fields_equal_to_their_default_are_left_out():
    wire = to_wire(RECORD)
    assert set(wire) == {"id", "item_id", "batch_id", "base_id", "shapes", "time_spent_ms"}
    assert wire["base_id"] is None  # no default: always sent, so an older reader finds it
    assert "reason" not in to_wire(PushResult(RECORD.id, "accepted"))
    assert "item_ids" not in to_wire(Batch(1, 1, "b", None, None))
    assert "text" not in to_wire(ITEM) and "due" not in to_wire(ORDER)
    assert to_wire(dataclasses.replace(RECORD, time_spent_ms=0)).get("time_spent_ms") is None


def test_protocol_version_is_always_sent():
    # the reader's default is its own version: leaving it out would hide a mismatch
    assert to_wire(PushRequest([]))["protocol_version"] == PROTOCOL_VERSION


def test_integral_floats_are_written_as_ints_and_others_kept():
    points = to_wire(RECORD)["shapes"][0]["points"]
    assert points == [[1.5, 2], [30, 40.25]]
    assert json.dumps(points) == "[[1.5, 2], [30, 40.25]]"
    assert type(to_wire(Shape("box", "car", [[1e300, 0.0]])).get("points")[0][0]) is float  # past 2**53: kept


def test_feed_entries_logged_as_full_dicts_are_compacted():
    full = dataclasses.asdict(dataclasses.replace(RECORD, annotator_id=3, received_at="2026-11-25T00:00:01Z"))
    data = to_wire(Change(5, "annotation", full))["data"]
    assert "client_time" not in data and "schema_version" not in data
    assert data["annotator_id"] == 3 and data["base_id"] is None
    unknown = {"whatever": None}
    assert to_wire(Change(6, "future_kind", unknown))["data"] == unknown  # kinds we do not know pass as they are


def test_wrong_types_and_missing_fields_are_still_refused():
    wire = to_wire(RECORD)
    with pytest.raises(WireError, match="missing field 'item_id'"):
        from_wire(AnnotationRecord, {k: v for k, v in wire.items() if k != "item_id"})
    with pytest.raises(WireError, match="'time_spent_ms' has the wrong type"):
        from_wire(AnnotationRecord, {**wire, "time_spent_ms": True})
    with pytest.raises(WireError, match=r"PushRequest.annotations\[0\]: missing field 'id'"):
        from_wire(PushRequest, {"annotations": [{}]})


# ---------------------------------------------------------------- the compiled codec (ADR 0020)
#
# ``from_wire`` and ``to_wire`` run per class as generated straight-line code, and
# ``check_shape`` takes a short path for plain boxes. The generic walks they replaced are
# kept below as the reference: on a few thousand mutated payloads, every answer (value,
# or exception type and message) must be the very same.

import enum
import math
import random

from sync_server.protocol import Shape, check_shape, quoted
from sync_server.protocol.codec import (
    _CHANGE_TYPES,
    _EXACT_INT,
    _NESTED,
    _NO_DEFAULT,
    _SIMPLE_TYPES,
    _default_of,
    _is_default,
)


def _reference_from_wire(cls, data, where=""):
    where = where or cls.__name__
    if not isinstance(data, dict):
        raise WireError(f"{where}: expected an object, got {type(data).__name__}")
    kwargs = {}
    for f in dataclasses.fields(cls):
        name, kind = f.name, str(f.type)
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        nested, expected, is_int = _NESTED.get((cls, name)), _SIMPLE_TYPES.get(kind), kind.startswith("int")
        if name not in data:
            if required:
                raise WireError(f"{where}: missing field '{name}'")
            continue
        value = data[name]
        if nested is not None:
            if kind.startswith("list["):
                if not isinstance(value, list):
                    raise WireError(f"{where}: field '{name}' should be a list, got {type(value).__name__}")
                value = [_reference_from_wire(nested, v, f"{where}.{name}[{i}]") for i, v in enumerate(value)]
            else:
                value = _reference_from_wire(nested, value, f"{where}.{name}")
        elif expected is not None and not isinstance(value, expected) or (isinstance(value, bool) and is_int):
            raise WireError(f"{where}: field '{name}' has the wrong type ({type(value).__name__})")
        kwargs[name] = value
    return cls(**kwargs)


def _reference_number(value):
    if type(value) is float and value.is_integer() and -_EXACT_INT <= value <= _EXACT_INT:
        return int(value)
    return _reference_plain(value) if type(value) in (list, dict) else value


def _reference_plain(value):
    kind = type(value)
    if kind is float:
        return _reference_number(value)
    if kind is list or kind is tuple:
        return [_reference_plain(v) for v in value]
    if kind is dict:
        return {k: _reference_plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _reference_encode(value)
    return value


def _reference_convert(cls, f, value):
    kind = str(f.type)
    if _NESTED.get((cls, f.name)) is not None:
        return [_reference_encode(o) for o in value] if kind.startswith("list[") else _reference_encode(value)
    if kind == "list[list[float]]":
        if type(value) is not list:
            return _reference_plain(value)
        return [[x if type(x) is int else _reference_number(x) for x in p] for p in value]
    if kind in ("int", "str", "bool", "int | None", "str | None"):
        return value
    return _reference_plain(value)


def _reference_encode(obj):
    cls, out = type(obj), {}
    for f in dataclasses.fields(cls):
        value, default = getattr(obj, f.name), _default_of(f)
        if default is _NO_DEFAULT or not _is_default(value, default):
            out[f.name] = value if value is None else _reference_convert(cls, f, value)
    if cls is Change:
        wire_type = _CHANGE_TYPES.get(obj.kind)
        data = out["data"]
        if wire_type is not None and type(data) is dict:
            defaults = {f.name: _default_of(f) for f in dataclasses.fields(wire_type)}
            out["data"] = {k: v for k, v in data.items() if not _is_default(v, defaults.get(k, _NO_DEFAULT))}
    return out


def _reference_check_shape(shape, width, height, labels):
    if shape.label not in labels:
        return f"unknown label {quoted(shape.label)}"
    if shape.kind != "box":
        return f"unknown shape kind {quoted(shape.kind)}"
    pts = shape.points
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
            return "a box corner is a number past ±2^53"
    if not (math.isfinite(x1) and math.isfinite(y1) and math.isfinite(x2) and math.isfinite(y2)):
        return "a box corner is not a finite number"
    if x2 <= x1 or y2 <= y1:
        return "box has zero or negative size"
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        return f"box lies outside the {width}×{height} image"
    return None


class _Small(enum.IntEnum):
    ZERO = 0
    ONE = 1


class _Text(str):
    pass


class _List(list):
    pass


class _Dict(dict):
    pass


class _Float(float):
    pass


ODD_VALUES = [
    None, True, False, 0, 0.0, 1, -5, 2.0, 2.5, -0.0, 1e300, float("nan"), float("inf"), 2**53 + 1, 10**30,
    "", "x", [], [1.0, 2], [[1.0, 2.5]], {}, {"a": 1.0}, (1.0, 2), _Small.ZERO, _Small.ONE, _Text("t"),
    _List([1]), _Dict(a=1), _Float(3.0), b"x",
]


def _outcome(fn, *args):
    try:
        return ("value", repr(fn(*args)))
    except Exception as exc:  # the exception's type and words are part of the contract
        return ("raised", type(exc).__name__, str(exc))


def _mutated(value, rng, rate):
    """``value`` with some fields dropped, replaced by odd values, or added."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            roll = rng.random()
            if roll < rate:
                continue
            out[k] = rng.choice(ODD_VALUES) if roll < 2 * rate else _mutated(v, rng, rate)
        if rng.random() < rate:
            out["not_a_field"] = 1
        return _Dict(out) if rng.random() < rate / 2 else out
    if isinstance(value, list):
        out = [_mutated(v, rng, rate) for v in value]
        if rng.random() < rate:
            out.append(rng.choice(ODD_VALUES))
        return _List(out) if rng.random() < rate / 2 else out
    return rng.choice(ODD_VALUES) if rng.random() < rate else value


@pytest.mark.parametrize("seed", range(4))
def test_from_wire_answers_as_the_generic_walk_did(seed):
    rng = random.Random(seed)
    for _ in range(1500):
        obj = rng.choice(EXAMPLES)
        wire = to_wire(obj) if rng.random() < 0.7 else dataclasses.asdict(obj)
        data = _mutated(wire, rng, rng.choice([0.0, 0.02, 0.1])) if rng.random() < 0.95 else rng.choice(ODD_VALUES)
        cls = type(obj)
        assert _outcome(from_wire, cls, data) == _outcome(_reference_from_wire, cls, data), data


def _mutated_object(obj, rng, depth=0):
    if not dataclasses.is_dataclass(obj) or depth > 3:
        return obj
    changes = {}
    for f in dataclasses.fields(obj):
        value, roll = getattr(obj, f.name), rng.random()
        if roll < 0.1:
            changes[f.name] = rng.choice([*ODD_VALUES, RECORD, USER, Shape("box", "car", [[1.0, 2]])])
        elif isinstance(value, list):
            changes[f.name] = [_mutated_object(v, rng, depth + 1) for v in value]
        elif dataclasses.is_dataclass(value):
            changes[f.name] = _mutated_object(value, rng, depth + 1)
    return dataclasses.replace(obj, **changes)


@pytest.mark.parametrize("seed", range(4))
def test_to_wire_writes_what_the_generic_walk_wrote(seed):
    rng = random.Random(seed)
    for _ in range(1500):
        obj = _mutated_object(rng.choice(EXAMPLES), rng)
        assert _outcome(to_wire, obj) == _outcome(_reference_plain, obj), obj


def test_points_are_written_as_the_generic_walk_wrote_them():
    rng = random.Random(7)
    numbers = [0, 1, -3, 2.0, 2.5, -0.0, 1e300, 2.0**60, float("nan"), float("inf"), 10**30, True, "7", None,
               _Float(4.0), [1.0], {"x": 2.0}]  # fmt: skip
    for _ in range(3000):
        points = [[rng.choice(numbers) for _ in range(rng.choice([2, 2, 2, 1, 3]))] for _ in range(rng.choice([2, 2, 1, 3]))]
        if rng.random() < 0.1:
            points = rng.choice([(1.0, 2.0), "xy", {"a": 1.0}, [(1.0, 2.0), [3.0, 4.5]]])
        shape = Shape("box", "car", points)
        assert _outcome(to_wire, shape) == _outcome(_reference_plain, shape), points


def _check_shape_text(*args):
    """``check_shape``'s answer as the English text it always gave (a Problem is that str)."""
    problem = check_shape(*args)
    return None if problem is None else str(problem)


def test_check_shape_says_what_every_check_said():
    rng = random.Random(11)
    labels = ["car", "bus"]
    coords = [0, 1, 5, 10, 60, 119, 120, 121, 0.5, 59.5, 119.5, 120.0, -1, -0.5, 2**53, 2**53 + 1, 10**30,
              float("nan"), float("inf"), -float("inf"), True, False, "3", None, _Float(5.0), _Small.ONE]  # fmt: skip
    for _ in range(20000):
        points = [[rng.choice(coords), rng.choice(coords)], [rng.choice(coords), rng.choice(coords)]]
        roll = rng.random()
        if roll < 0.03:
            points = rng.choice([[[1, 2]], [[1, 2], [3, 4], [5, 6]], [(1, 2), [3, 4]], [[1, 2, 3], [3, 4]], [_List([1, 2]), [30, 40]]])
        # "circle": a kind nobody knows (polygons have rules of their own: tests/test_polygon.py)
        shape = Shape(rng.choice(["box", "box", "box", "circle"]), rng.choice(["car", "car", "bus", "x"]), points)
        width, height = rng.choice([(120, 80), (60, 60), (2**60, 80)])
        assert _outcome(_check_shape_text, shape, width, height, labels) == _outcome(
            _reference_check_shape, shape, width, height, labels
        ), (shape, width, height)
