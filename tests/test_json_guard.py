"""``json_guard``: orjson decodes (ADR 0020), and every text decodes to what ``json.loads``
gives, or is refused as before: a number orjson would read otherwise, a text it refuses
(then ``json.loads`` speaks), nesting, lone surrogates, NUL. Also the desktop's encoder."""

from __future__ import annotations

import gzip
import json
import random
import struct

import pytest

from aidou_desktop.sync.client import dumps, push_body
from sync_server.protocol import AnnotationRecord, Shape, to_wire, uuid7
from sync_server.protocol.json_guard import HostileJson, _brackets, _depth_over, loads, loads_bounded


def _outcome(fn, raw):
    try:
        return ("value", repr(fn(raw)))  # repr: 1 and 1.0 and True are three answers
    except RecursionError:
        return ("raised", "RecursionError")
    except ValueError as exc:
        return ("raised", "HostileJson" if isinstance(exc, HostileJson) else "ValueError")


NUMBERS = [
    2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1, -(2**63), -(2**63) - 1, -(2**64), 10**18, 10**19, 10**30,
    -(10**30), int("9" * 400), 0, -0, 12, 1.5, -0.0, 1e16, 1e300, 5e-324, 0.1, 123456789012345678901234567890.5,
]  # fmt: skip
TEXTS = [
    *(json.dumps(n).encode() for n in NUMBERS),
    *(json.dumps({"item_id": n, "points": [[n, 1], [2, n]]}).encode() for n in NUMBERS),
    b"-0", b"1E400", b"-1e400", b"1e-400", b"[NaN]", b"[Infinity, -Infinity]", b"\xef\xbb\xbf[1]",
    "[1, \"é\"]".encode("utf-16"), "[1]".encode("utf-32"), b'"\\ud83d\\ude00"', b'"\\u00e9"', b'"a\\/b"',
    b'{"a": 1, "a": 2}', b' \t\n[1]\r\n', b"", b"[", b"[1,]", b"{'a': 1}", b"01", b"[1]x", b'"\x00"', b'"\xff"',
    b'"\xed\xa0\x80"', b'"\\ud800"', b'"\\udc00x"', b'"\\ud800\\u0041"', b"[tru]", b'"\\u12"', b"[.5]",
    b'"' + b"9" * 30 + b'"', b'{"id": "01234567890123456789012345"}',
]  # fmt: skip


@pytest.mark.parametrize("raw", TEXTS, ids=lambda raw: repr(raw[:30]))
def test_loads_gives_what_json_loads_gives(raw):
    assert _outcome(loads, raw) == _outcome(json.loads, raw)


@pytest.mark.parametrize("raw", TEXTS, ids=lambda raw: repr(raw[:30]))
def test_loads_bounded_gives_json_loads_value_or_refuses(raw):
    expected = _outcome(json.loads, raw)
    got = _outcome(lambda r: loads_bounded(r, 64), raw)
    if b"\\ud800" in raw or b"\\udc00" in raw or b"\xed\xa0" in raw:
        assert got == ("raised", "HostileJson")  # lone surrogates: refused, escaped or raw
    elif b"\\u0000" in raw:
        assert got == ("raised", "HostileJson")
    else:
        assert got == expected


def test_integers_orjson_would_read_as_floats_stay_exact():
    # orjson reads 2**64 as 1.8446744073709552e+19: such a text goes to json.loads
    for n in (2**64, 2**64 + 1, -(2**63) - 1, 10**19 * 9, 10**30):
        assert loads_bounded(json.dumps({"n": n}).encode(), 64) == {"n": n}
        assert type(loads(json.dumps([n]).encode())[0]) is int


def test_floats_are_read_to_the_same_value():
    rng = random.Random(3)
    for _ in range(20000):
        value = struct.unpack("d", rng.randbytes(8))[0]
        for text in (repr(value), "%.17g" % value, "%.3e" % value, "%.25g" % value):
            raw = f"[{text}]".encode()
            assert _outcome(lambda r: loads_bounded(r, 64), raw) == _outcome(json.loads, raw), text


def test_error_messages_are_json_loads_words():
    for raw in (b'{"annotations": [', b"[1,]", b"[NaN", b"\xff"):
        with pytest.raises(ValueError) as ours:
            loads_bounded(raw, 64)
        with pytest.raises(ValueError) as theirs:
            json.loads(raw)
        assert str(ours.value) == str(theirs.value)[:200]


def test_lone_surrogates_and_nul_are_refused_but_pairs_pass():
    for raw in (b'["\\ud800"]', b'{"a": "x\\udfff"}', b'{"\\udc00": 1}', b'["\\ud800\\ud800"]'):
        with pytest.raises(HostileJson, match="surrogate"):
            loads_bounded(raw, 64)
    with pytest.raises(HostileJson, match="NUL"):
        loads_bounded(b'{"a": ["x\\u0000"]}', 64)
    assert loads_bounded(b'["\\\\u0000", "\\ud83d\\ude00"]', 64) == ["\\u0000", "😀"]


def _true_depth(text: str) -> int:
    """Nesting depth of brackets outside strings, by a plain scan (the reference)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _random_json(rng: random.Random, depth: int):
    roll = rng.random()
    if depth <= 0 or roll < 0.3:
        return rng.choice([1, -2.5, None, True, "x", '[{"', "]}\\", "a\\\"b", "中[文]", "", 10**20])
    if roll < 0.65:
        return [_random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["a", "[", '"}', "b\\"]): _random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))}


def test_depth_and_containers_are_counted_outside_strings():
    rng = random.Random(5)
    for _ in range(3000):
        text = json.dumps(_random_json(rng, rng.randint(0, 9)), ensure_ascii=rng.random() < 0.5)
        raw = text.encode()
        depth = _true_depth(text)
        brackets = _brackets(raw)
        assert len(brackets) == sum(text.count(c) for c in "[]{}") - sum(
            s.count("[") + s.count("]") + s.count("{") + s.count("}") for s in _strings_of(text)
        )
        for limit in (max(depth - 1, 0), depth, depth + 1):
            assert _depth_over(brackets, limit) == (depth > limit), (text, limit)
        assert loads_bounded(raw, max(depth, 1)) == json.loads(raw)


def _strings_of(text: str) -> list[str]:
    out, current, in_string, escaped = [], [], False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
                current.append(ch)
            elif ch == "\\":
                escaped = True
                current.append(ch)
            elif ch == '"':
                in_string = False
                out.append("".join(current))
                current = []
            else:
                current.append(ch)
        elif ch == '"':
            in_string = True
    return out


def test_each_pass_drops_one_level_whatever_the_bracket_kinds():
    for opener, closer in (("[", "]"), ("{", "}"), ("[{", "}]"), ("{[", "]}")):
        for depth in range(1, 12):
            reps = -(-depth // len(opener))
            brackets = ((opener * reps)[:depth] + (closer * reps)[-depth:]).encode()
            assert _depth_over(brackets, depth) is False
            assert _depth_over(brackets, depth - 1) is True


def test_hostile_nesting_and_containers_are_refused_before_decoding():
    with pytest.raises(HostileJson, match="deeper than 64"):
        loads_bounded(b"[" * 100_000 + b"]" * 100_000, 64)
    with pytest.raises(HostileJson, match="deeper than 4"):
        loads_bounded(b'{"a": [{"b": [[1]]}]}', 4)
    with pytest.raises(HostileJson, match="more than 10"):
        loads_bounded(b"[" + b",".join([b"[]"] * 11) + b"]", 64, 10)
    assert loads_bounded(b'["[[[[[[", "\\"[[[["]', 2) == ["[[[[[[", '"[[[[']


def test_mutated_texts_are_read_as_json_loads_reads_them():
    """Random byte edits of a real push: accepted ones decode to json.loads's value."""
    rng = random.Random(9)
    record = AnnotationRecord(uuid7(), 7, 2, None, [Shape("box", "car", [[1.5, 2], [30, 40.25]])], 1500, flag="看\"[清]")
    base = json.dumps({"annotations": [to_wire(record)] * 3}).encode()
    alphabet = b'[]{}",:\\0123456789.eE-+ ux\xff\xed'
    for _ in range(5000):
        raw = bytearray(base)
        for _ in range(rng.randint(1, 3)):
            raw[rng.randrange(len(raw))] = rng.choice(alphabet)
        raw = bytes(raw)
        got, expected = _outcome(lambda r: loads_bounded(r, 64), raw), _outcome(json.loads, raw)
        if got[0] == "value" or expected[0] == "value":
            assert got == expected or (got == ("raised", "HostileJson") and b"\\u" in raw), raw


# ---------------------------------------------------------------- the desktop's encoder


def test_dumps_writes_compact_json_and_falls_back_where_orjson_cannot():
    data = {"a": [1, 2.5, None, True], "b": "中文", "c": {"d": []}}
    assert dumps(data) == json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    for odd in ({"n": 2**70}, {"s": "x\ud800"}, {1: "int key"}):
        assert dumps(odd) == json.dumps(odd, separators=(",", ":")).encode()  # as the server always got it


def test_push_body_is_gzipped_to_wire_json():
    record = AnnotationRecord(uuid7(), 7, 2, None, [Shape("box", "car", [[1.5, 2.0], [30.0, 40.25]])], 1500)
    body = push_body([record])
    assert json.loads(gzip.decompress(body)) == {"annotations": [to_wire(record)], "protocol_version": 1}


def test_surrogates_json_loads_would_let_through_are_refused():
    # raw UTF-8 bytes of a surrogate (json.loads decodes bytes with "surrogatepass"), and
    # escapes in a UTF-16 text: orjson refuses both, json.loads reads both
    for raw in (b'["\xed\xa0\x80"]', b'{"a": "x\xed\xbf\xbf"}', '["\\ud800"]'.encode("utf-16"), '["\\u0000"]'.encode("utf-16")):
        with pytest.raises(HostileJson):
            loads_bounded(raw, 64)
    assert loads_bounded('["é", 1]'.encode("utf-16"), 64) == ["é", 1]
