"""An order's texts read from a file: JSONL, CSV or plain text (``aidou-server import-order FILE``).

Each record becomes a ``TextEntry``, or a ``FileProblem`` named by its line ("line 7: not
UTF-8 …"), read a line at a time so a file of a million texts is never held whole. The
text is kept exactly as the file has it: span offsets count its code points. What a
line may hold:

- ``.jsonl`` / ``.ndjson``: one JSON object a line with the text field (``text`` unless
  told otherwise), and optionally ``id`` (the item's name), ``meta`` (an object, given
  back on export), ``labels`` (label names: classification) and ``spans``
  (``[start, end, label]``, code points: NER; or ``{"start", "end", "label"}`` objects as the
  JSONL export writes them, so an export can come back in). Other keys are ignored; blank
  lines too.
- ``.csv``: a header row naming the text column; an ``id`` column names the items, the
  other columns become ``meta``. No pre-annotations.
- ``.txt``: one text a line (UTF-8; a trailing CR is dropped, blank lines are skipped).

Labels and spans are only read here; ``text_import`` checks them against the schema.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync_server.orders.importing import FileProblem
from sync_server.protocol import MAX_TEXT_LENGTH

TEXT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "txt"}
MAX_NAME_LENGTH = 500  # items.name
_BOM = "\ufeff"


@dataclass
class TextEntry:
    line: int  # where its record starts in the file, from 1
    name: str
    text: str
    meta: dict[str, Any] | None = None
    labels: list[str] | None = None
    spans: list[list[Any]] | None = None


def text_format(path: Path) -> str | None:
    """"jsonl", "csv" or "txt" by the file's suffix; None for anything else."""
    return TEXT_FORMATS.get(Path(path).suffix.lower())


def count_lines(path: Path) -> int:
    """Lines in the file (a last line without a newline counts): the import's progress total."""
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def read_texts(path: Path, text_field: str = "text") -> Iterator[TextEntry | FileProblem]:
    """The file's records in order: entries, and problems for the records that cannot be."""
    path = Path(path)
    kind = text_format(path)
    if kind == "jsonl":
        yield from _jsonl(path, text_field)
    elif kind == "csv":
        yield from _csv(path, text_field)
    elif kind == "txt":
        yield from _txt(path)
    else:
        raise ValueError(f"{path.name}: not a .jsonl, .ndjson, .csv or .txt file")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be an item's text, or None."""
    if not text.strip():
        return "empty text"
    if len(text) > MAX_TEXT_LENGTH:
        return f"the text is longer than {MAX_TEXT_LENGTH:,} characters"
    return _unstorable(text, "the text")


def _unstorable(text: str, what: str) -> str | None:
    """Why a database cannot store ``text`` as it is, or None."""
    if "\x00" in text:  # PostgreSQL refuses it; SQLite would count a length only up to it
        return f"{what} holds a NUL character (U+0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"{what} holds a lone surrogate (\\ud800–\\udfff): not valid Unicode"
    return None


def _lines(path: Path) -> Iterator[tuple[int, str | FileProblem]]:
    """(line number, its text without the line end) or a problem for a line that is not UTF-8."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            raw = raw.rstrip(b"\n").rstrip(b"\r")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start]
                yield number, _problem(number, f"not UTF-8 (byte 0x{bad:02x} at byte {exc.start + 1} of the line)")
                continue
            yield number, line[1:] if number == 1 and line.startswith(_BOM) else line


def _problem(line: int, reason: str) -> FileProblem:
    return FileProblem(f"line {line}", reason)


def _name(value: Any, path: Path, line: int) -> str | FileProblem:
    """The item's name: the record's id, else "<file>:<line>"."""
    if value is None:
        return f"{path.name}:{line}"
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return _problem(line, '"id" must be a string or a whole number')
    name = str(value)
    if not name.strip():
        return _problem(line, '"id" is empty')
    if len(name) > MAX_NAME_LENGTH:
        return _problem(line, f'"id" is longer than {MAX_NAME_LENGTH} characters')
    reason = _unstorable(name, '"id"')
    return _problem(line, reason) if reason else name


def _entry(line: int, name: str | FileProblem, text: Any, field: str, **extra: Any) -> TextEntry | FileProblem:
    if isinstance(name, FileProblem):
        return name
    if not isinstance(text, str):
        return _problem(line, f'"{field}" is not a string')
    reason = text_problem(text)
    return _problem(line, reason) if reason else TextEntry(line, name, text, **extra)


def _jsonl(path: Path, field: str) -> Iterator[TextEntry | FileProblem]:
    for number, line in _lines(path):
        if isinstance(line, FileProblem):
            yield line
        elif line.strip():
            yield _json_entry(path, number, line, field)


def _json_entry(path: Path, number: int, line: str, field: str) -> TextEntry | FileProblem:
    try:
        record = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return _problem(number, f"not JSON ({exc.msg} at column {exc.colno})")
    except ValueError as exc:  # NaN, or a number past Python's digit limit
        return _problem(number, f"not JSON ({exc})")
    except RecursionError:
        return _problem(number, "not JSON (nested too deeply)")
    if not isinstance(record, dict):
        return _problem(number, f"not a JSON object but {type(record).__name__}")
    if field not in record:
        return _problem(number, f'no "{field}" field')
    meta, labels, spans = record.get("meta"), record.get("labels"), record.get("spans")
    if meta is not None and not isinstance(meta, dict):
        return _problem(number, '"meta" must be a JSON object')
    if meta and (reason := _unstorable(json.dumps(meta, ensure_ascii=False), '"meta"')):
        return _problem(number, reason)
    if labels is not None and not (isinstance(labels, list) and all(isinstance(v, str) for v in labels)):
        return _problem(number, '"labels" must be a list of label names')
    if spans is not None:
        spans = [_span(v) for v in spans] if isinstance(spans, list) else [None]
        if None in spans:
            return _problem(number, '"spans" must be a list of [start, end, label], start and end whole numbers')
    name = _name(record.get("id"), path, number)
    return _entry(number, name, record[field], field, meta=meta, labels=labels, spans=spans)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _span(value: Any) -> list | None:
    """``[start, end, label]`` from either form, or None when it is neither."""
    if isinstance(value, dict):
        value = [value.get("start"), value.get("end"), value.get("label")]
    if not (isinstance(value, list) and len(value) == 3):
        return None
    start, end, label = value
    # type(): never True/False, never 3.0
    return value if type(start) is int and type(end) is int and isinstance(label, str) else None


def _txt(path: Path) -> Iterator[TextEntry | FileProblem]:
    for number, line in _lines(path):
        if isinstance(line, FileProblem):
            yield line
        elif line.strip():
            yield _entry(number, f"{path.name}:{number}", line, "text")


def _csv(path: Path, field: str) -> Iterator[TextEntry | FileProblem]:
    # every line is checked for UTF-8 first: the csv reader needs decoded text, and a file
    # saved as GBK (as Excel does on a Chinese Windows) fails on nearly every line
    bad = [line for _, line in _lines(path) if isinstance(line, FileProblem)]
    if bad:
        yield from bad
        return
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from _csv_rows(path, f, field)


def _csv_rows(path: Path, f: io.TextIOBase, field: str) -> Iterator[TextEntry | FileProblem]:
    reader = csv.reader(f)
    try:
        header = next(reader, None)
        if header is None:
            return
        if field not in header:
            yield _problem(1, f"no column {field!r} (the columns are {', '.join(map(repr, header))})")
            return
        at = header.index(field)
        id_at = header.index("id") if "id" in header and field != "id" else None
        start = reader.line_num + 1
        for row in reader:
            number, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != len(header):
                yield _problem(number, f"{len(row)} fields, but the header has {len(header)}")
                continue
            meta = {key: value for n, (key, value) in enumerate(zip(header, row)) if n not in (at, id_at)}
            name = _name(row[id_at] if id_at is not None else None, path, number)
            yield _entry(number, name, row[at], field, meta=meta or None)
    except csv.Error as exc:  # a field past the csv module's limit, a NUL byte
        yield _problem(reader.line_num, f"not readable as CSV ({exc}); nothing after it was read")


def gbk_hint(path: Path) -> str | None:
    """A hint for a file that is not UTF-8 but reads as GB18030 (GBK): what Excel and
    Notepad save on a Chinese Windows."""
    try:
        with open(path, "rb") as f:
            f.read(64 << 20).decode("gb18030")
    except (UnicodeDecodeError, OSError):
        return None
    return f"{path.name} looks like GBK (GB18030) text: save it as UTF-8 and import it again"
