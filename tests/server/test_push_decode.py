"""The push's msgspec fast path (ADR 0025) against the slow path it stands in for.

For every body: ``decode_push`` either gives up (None: the route takes the slow path,
which answers as it always did) or gives exactly what ``decode_json`` + the count checks
+ ``from_wire`` give: the same classes, the same values, an int where the slow path has
an int and a float where it has a float. It never takes a body the slow path refuses.
"""

from __future__ import annotations

import dataclasses
import json
import random

import orjson
import pytest

from sync_server.api.body import decode_json
from sync_server.api.errors import ApiError
from sync_server.api.push_decode import decode_push
from sync_server.protocol import (
    MAX_PUSH_RECORDS,
    AnnotationRecord,
    PushRequest,
    ReviewRecord,
    Shape,
    WireError,
    from_wire,
    to_wire,
    uuid7,
)


def _typed(value):
    """``value`` with every type spelled out: ``==`` takes 1 for 1.0 and True for 1, this does not."""
    if dataclasses.is_dataclass(value):
        return type(value).__name__, tuple((f.name, _typed(getattr(value, f.name))) for f in dataclasses.fields(value))
    if type(value) is list:
        return "list", tuple(_typed(v) for v in value)
    if type(value) is dict:
        return "dict", tuple((k, _typed(v)) for k, v in value.items())
    if type(value) is float:
        return "float", repr(value)  # -0.0 is not 0.0
    return type(value).__name__, value


def _slow(raw: bytes):
    """What the route's slow path makes of ``raw``: the request, or the refusal's (status, message)."""
    try:
        body = decode_json(raw)
        for key in ("annotations", "reviews"):
            values = body.get(key) if isinstance(body, dict) else None
            if isinstance(values, list) and len(values) > MAX_PUSH_RECORDS:
                return ("413", key)
        return from_wire(PushRequest, body)
    except ApiError as exc:
        return (exc.status, exc.message)
    except WireError as exc:
        return ("422", str(exc))


def _check(raw: bytes, fast_expected: bool | None = None) -> None:
    fast = decode_push(raw)
    slow = _slow(raw)
    if fast is not None:
        assert isinstance(slow, PushRequest), (raw[:300], slow)
        assert _typed(fast) == _typed(slow), raw[:300]
    if fast_expected is not None:
        assert (fast is not None) == fast_expected, (raw[:300], slow)


# ---------------------------------------------------------------- varied valid bodies

_TEXTS = ["", "a", "轿车", "line\nbreak", 'quote " and \\ back', "emoji 😀", "tab\t", "é", "\u2028", "x" * 300]
_NUMBERS = [0, 1, -1, 7, 1920, 2**53, -(2**53), 10**17, 0.5, 1.5, 724.5, -0.0, 0.0, 1e-7, 3.141592653589793,
            1.7976931348623157e308, 5e-324, 123456.789, 1e20, 2.5e-10, 100.0]  # fmt: skip


def _number(rng: random.Random):
    if rng.random() < 0.5:
        return rng.choice(_NUMBERS)
    return rng.uniform(-1e6, 1e6) if rng.random() < 0.5 else rng.randint(-(10**15), 10**15)


def _shape(rng: random.Random) -> dict:
    kind = rng.choice(["box", "polygon", "class", "span", "text", "odd-kind"])
    points = {
        "box": lambda: [[_number(rng), _number(rng)], [_number(rng), _number(rng)]],
        "polygon": lambda: [[_number(rng), _number(rng)] for _ in range(rng.randint(0, 8))],
        "class": lambda: [],
        "span": lambda: [[rng.randint(0, 50), rng.randint(0, 80)]],
        "text": lambda: rng.choice([[], [[1, 2], [30.5, 40]]]),
        "odd-kind": lambda: [[_number(rng)] * rng.randint(0, 3) for _ in range(rng.randint(0, 3))],
    }[kind]()
    shape = {"kind": kind, "label": rng.choice(_TEXTS), "points": points}
    if kind == "text" or rng.random() < 0.2:
        shape["text"] = rng.choice([*_TEXTS, None])
    return shape


def _optional(rng: random.Random, out: dict, name: str, make) -> None:
    roll = rng.random()
    if roll < 0.4:
        return  # absent: the default
    out[name] = None if roll < 0.6 else make()


def _record(rng: random.Random) -> dict:
    out = {"id": rng.choice([uuid7(), uuid7().upper(), "not-a-uuid", ""]), "item_id": rng.randint(-5, 10**12),
           "batch_id": rng.choice([None, rng.randint(1, 99)]), "base_id": rng.choice([None, uuid7()]),
           "shapes": [_shape(rng) for _ in range(rng.randint(0, 4))]}  # fmt: skip
    if rng.random() < 0.7:
        out["time_spent_ms"] = rng.choice([0, 1500, -1, 2**40])
    for name, make in (
        ("client_time", lambda: "2026-11-25T10:00:00Z"),
        ("annotator_id", lambda: rng.randint(1, 9)),
        ("received_at", lambda: "2026-11-25T10:00:01Z"),
        ("schema_version", lambda: rng.randint(0, 5)),
        ("device_id", lambda: rng.choice(_TEXTS)),
        ("status", lambda: "conflict"),
        ("flag", lambda: rng.choice(_TEXTS)),
        ("ocr_cer", lambda: rng.choice([0, 1, 0.25, 1.0, 3, 1e6])),
    ):
        _optional(rng, out, name, make)
    return out


def _review(rng: random.Random) -> dict:
    out = {"id": uuid7(), "annotation_id": uuid7(), "item_id": rng.randint(1, 99),
           "verdict": rng.choice(["accept", "reject", "maybe"])}  # fmt: skip
    for name, make in (
        ("comment", lambda: rng.choice(_TEXTS)),
        ("client_time", lambda: "2026-11-25T10:00:00Z"),
        ("device_id", lambda: "pc-1"),
        ("reviewer_id", lambda: 4),
        ("received_at", lambda: "2026-11-25T10:00:01Z"),
    ):
        _optional(rng, out, name, make)
    return out


def _body(rng: random.Random) -> dict:
    body = {"annotations": [_record(rng) for _ in range(rng.randint(0, 6))]}
    if rng.random() < 0.6:
        body["protocol_version"] = rng.choice([1, 0, 2, 99])
    if rng.random() < 0.5:
        body["reviews"] = [_review(rng) for _ in range(rng.randint(0, 3))]
    return body


def _shuffled(rng: random.Random, value):
    """The same JSON with every object's keys in another order."""
    if type(value) is dict:
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(rng, value[k]) for k in keys}
    if type(value) is list:
        return [_shuffled(rng, v) for v in value]
    return value


def _text(rng: random.Random, body) -> bytes:
    """One of the ways a peer may write ``body``: orjson's, or json.dumps's, escaped or not."""
    body = _shuffled(rng, body) if rng.random() < 0.5 else body
    style = rng.randrange(4)
    if style == 0:
        return orjson.dumps(body)
    if style == 1:
        return json.dumps(body).encode()  # ASCII: \\uXXXX escapes, emoji as a surrogate pair
    if style == 2:
        return json.dumps(body, ensure_ascii=False, indent=rng.choice([None, 1, 2])).encode()
    return b" \n\t" + json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode() + b"\r\n"


@pytest.mark.parametrize("seed", range(8))
def test_valid_bodies_decode_to_exactly_what_from_wire_gives(seed):
    rng = random.Random(seed)
    for _ in range(250):
        _check(_text(rng, _body(rng)), fast_expected=True)


def test_what_the_desktop_sends_takes_the_fast_path():
    record = AnnotationRecord(uuid7(), 7, 2, None, [Shape("box", "car", [[1, 2.5], [30, 40.25]]),
                                                    Shape("text", "", [], "第一行")], 1500, flag="看不清", ocr_cer=0.0)  # fmt: skip
    review = ReviewRecord(uuid7(), record.id, 7, "reject", comment="框小了")
    raw = orjson.dumps(to_wire(PushRequest([record] * 3, reviews=[review])))
    decoded = decode_push(raw)
    assert decoded is not None
    assert _typed(decoded) == _typed(from_wire(PushRequest, orjson.loads(raw)))
    assert type(decoded.annotations[0].shapes[0].points[0][0]) is int  # stays an int: stored and fed as "1"


def test_defaults_are_fresh_objects_per_request():
    first = decode_push(b'{"annotations": []}')
    first.reviews.append("x")
    assert decode_push(b'{"annotations": []}').reviews == []


# ---------------------------------------------------------------- bodies the fast path must not take

_VALID = {"annotations": [{"id": "0190d6a0-0000-7000-8000-000000000001", "item_id": 7, "batch_id": 2,
                           "base_id": None, "shapes": [{"kind": "box", "label": "car",
                                                        "points": [[1, 2], [30, 40.5]]}]}]}  # fmt: skip

_REFUSED_OR_SLOW = [
    # refused by the slow path: 400, 422, 413 (the fast path must give up on each)
    b"",
    b"[]",
    b"null",
    b'{"annotations": {}}',
    b'{"annotations": [1]}',
    b'{"reviews": []}',
    b'{"annotations": [], "protocol_version": "1"}',
    b'{"annotations": [], "protocol_version": true}',
    b'{"annotations": [], "protocol_version": 1.0}',
    b'{"annotations": [], "protocol_version": null}',
    b'{"annotations": [], "reviews": null}',
    b'{"annotations": [{"id": "a", "item_id": true, "batch_id": null, "base_id": null, "shapes": []}]}',
    b'{"annotations": [{"id": "a", "item_id": 1.0, "batch_id": null, "base_id": null, "shapes": []}]}',
    b'{"annotations": [{"id": 5, "item_id": 1, "batch_id": null, "base_id": null, "shapes": []}]}',
    b'{"annotations": [{"id": "a", "item_id": 1, "base_id": null, "shapes": []}]}',
    b'{"annotations": [{"id": "a", "item_id": 1, "batch_id": null, "base_id": null, "shapes": [{}]}]}',
    b'{"annotations": [{"id": "a", "item_id": 1, "batch_id": null, "base_id": null, "shapes": [], "time_spent_ms": null}]}',
    b'{"annotations": [{"id": "a", "item_id": 1, "batch_id": null, "base_id": null, "shapes": [], "ocr_cer": true}]}',
    b'{"annotations": [{"id": "a", "item_id": 1, "batch_id": null, "base_id": null, "shapes": [], "ocr_cer": "0"}]}',
    b'{"annotations": [{"id": "a", "item_id": 1, "batch_id": false, "base_id": null, "shapes": []}]}',
    b'{"annotations": [], "reviews": [{"id": "a", "annotation_id": "b", "item_id": 1}]}',
    b'{"annotations": [], "reviews": [{"id": "a", "annotation_id": "b", "item_id": 1, "verdict": "accept", "comment": 3}]}',
    b'{"annotations": []} x',
    b'\xef\xbb\xbf{"annotations": []}',
    b'{"annotations": [], "x": "\\ud800"}',
    b'{"annotations": [], "x": "\xed\xa0\x80"}',
    '{"annotations": []}'.encode("utf-16"),
    b'{"annotations": [], "x": "\\u0000"}',
    b'{"annotations": [], "deep": ' + b"[" * 100 + b"]" * 100 + b"}",
    # taken by the slow path, passed over by the fast one (unknown keys, odd points)
    b'{"annotations": [], "extra": {"a": [1, 2]}}',
    b'{"annotations": [], "protocol_version": 1, "reviews": [], "x": null}',
]


@pytest.mark.parametrize("raw", _REFUSED_OR_SLOW, ids=lambda r: r[:40].decode("latin-1"))
def test_bodies_the_fast_path_gives_up_on(raw):
    _check(raw, fast_expected=False)


def _record_text(**changes) -> bytes:
    record = {**_VALID["annotations"][0], **changes}
    return orjson.dumps({"annotations": [record]})


@pytest.mark.parametrize(
    "points",
    ['[["1", 2], [3, 4]]', "[[1, [2]], [3, 4]]", "[[1, 2], 7]", "[[1, 2], [true, 4]]", "[[1, 2], [null, 4]]",
     "[[NaN, 2], [3, 4]]", "[[Infinity, 2], [3, 4]]", "[[1e400, 2], [3, 4]]", "[[" + "9" * 5000 + ", 2], [3, 4]]",
     '{"x": 1}', "null", "[[{}, 2]]"],
)  # fmt: skip
def test_points_the_slow_path_rejects_per_record_are_left_to_it(points):
    raw = _record_text(shapes=[{"kind": "box", "label": "car", "points": "@"}]).replace(b'"@"', points.encode())
    _check(raw, fast_expected=False)


@pytest.mark.parametrize("number", [str(2**64), str(-(2**63) - 1), "9" * 400, "1" + "0" * 30 + ".5", "-0", "1E+2"])
def test_long_numbers_read_as_json_loads_reads_them(number):
    # orjson would read an int past 64 bits as a float, so the slow path reads such a text
    # with json.loads; msgspec reads it exactly as json.loads does, in a point or an id
    raw = _record_text(shapes=[{"kind": "box", "label": "car", "points": "@"}]).replace(b'"@"', f"[[{number}, 2], [3, 4]]".encode())
    _check(raw, fast_expected=True)
    _check(_record_text(item_id="@").replace(b'"@"', number.encode()), fast_expected="." not in number and "E" not in number)


def test_extra_keys_in_a_record_or_shape_go_the_slow_way():
    _check(_record_text(extra=1), fast_expected=False)
    _check(_record_text(shapes=[{"kind": "box", "label": "car", "points": [], "colour": "red"}]), fast_expected=False)


def test_too_many_records_go_the_slow_way_for_its_413():
    records = [_VALID["annotations"][0]] * (MAX_PUSH_RECORDS + 1)
    _check(orjson.dumps({"annotations": records}), fast_expected=False)
    _check(orjson.dumps({"annotations": [], "reviews": [{"id": "a"}] * (MAX_PUSH_RECORDS + 1)}), fast_expected=False)
    assert decode_push(orjson.dumps({"annotations": records[:MAX_PUSH_RECORDS]})) is not None


def test_duplicate_keys_read_as_the_slow_path_reads_them():
    _check(b'{"annotations": [], "protocol_version": 1, "protocol_version": 2}', fast_expected=True)


_MUTATIONS = [
    lambda t: t.replace(b'"item_id": ', b'"item_id": "', 1),
    lambda t: t.replace(b"null", b"0", 1),
    lambda t: t.replace(b"1", b"1.0", 1),
    lambda t: t.replace(b"1", b"true", 1),
    lambda t: t.replace(b"[", b"{", 1),
    lambda t: t.replace(b"]", b"", 1),
    lambda t: t.replace(b'"shapes"', b'"shapez"', 1),
    lambda t: t.replace(b'"kind"', b'"kind2"', 1),
    lambda t: t.replace(b"2", b"18446744073709551617", 1),
    lambda t: t.replace(b"5", b"5e999", 1),
    lambda t: t.replace(b'"', b"'", 1),
    lambda t: t.replace(b", ", b", , ", 1),
    lambda t: t.replace(b"a", b"\\u0000", 1),
    lambda t: t.replace(b"a", b"\\ud83d\\ude00", 1),
    lambda t: t.replace(b"a", b"\\udc00", 1),
    lambda t: t.replace(b"[]", b"[[]]", 1),
    lambda t: t.replace(b"[]", b"[[[]]]", 1),
    lambda t: t.replace(b": null", b": []", 1),
    lambda t: t.replace(b": 0", b": -0", 1),
    lambda t: t.replace(b'"text": ', b'"text": 1 or ', 1),
    lambda t: t[: len(t) // 2],
    lambda t: t + b"\x00",
]


@pytest.mark.parametrize("seed", range(4))
def test_mutated_bodies_are_refused_alike_or_decoded_alike(seed):
    rng = random.Random(1000 + seed)
    for _ in range(300):
        text = json.dumps(_body(rng)).encode()
        for mutate in rng.sample(_MUTATIONS, rng.randint(1, 2)):
            text = mutate(text)
        _check(text)


def test_the_protocol_package_does_not_need_msgspec():
    # the desktop imports sync_server.protocol; msgspec is the server's dependency only
    import subprocess
    import sys

    code = "import sys, sync_server.protocol, aidou_desktop.sync.client; sys.exit('msgspec' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
