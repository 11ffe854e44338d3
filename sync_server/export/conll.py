"""NER results as CoNLL BIO (``results.conll``): one token a line, ``TOKEN TAG``.

Every code point of an item's text is a token, so token *k* is character *k* and a span's
offsets come back exactly from its tags (Chinese has no spaces to split words on, and
character tokens are how Chinese NER corpora are written). Tags are BIO: ``B-label`` on a
span's first character, ``I-label`` on the others, ``O`` outside any span. Each exported
item is one sequence, followed by a blank line; sequences come in item id order, as the
lines of a JSONL export with the same options (no ``-DOCSTART-`` lines).

A character that would break a line or a column (whitespace, control characters, line
and paragraph separators) is written as the token ``[U+XXXX]`` (a space is ``[U+0020]``),
so nothing is skipped and the count stays exact; it is tagged like any other character.
BIO cannot nest: of spans inside another span (orders with nested spans) only the
outermost are written, and the report says how many were left out (the JSONL export has
them all).
"""

from __future__ import annotations

import unicodedata
from typing import TextIO

from sync_server.export.errors import ExportError
from sync_server.export.report import ExportReport
from sync_server.export.results import spans
from sync_server.export.selection import ExportItem

CONLL_NAME = "results.conll"
_SEPARATORS = frozenset("\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines breaks on these too


def token(ch: str) -> str:
    """A character as its token: itself, or ``[U+XXXX]`` where it would break the format."""
    if ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Zs"):
        return f"[U+{ord(ch):04X}]"
    return ch


def bio_tags(length: int, found: list[dict]) -> tuple[list[str], int]:
    """The tags of a text of ``length`` characters and its spans (sorted, longest first at a
    start), and how many nested spans did not fit."""
    tags = ["O"] * length
    covered_to, left_out = 0, 0
    for span in found:
        start, end, label = span["start"], span["end"], span["label"]
        if start < covered_to:  # inside (or crossing) a span already written
            left_out += 1
            continue
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
        covered_to = end
    return tags, left_out


class ConllWriter:
    file_name = CONLL_NAME

    def __init__(self, task_kind: str) -> None:
        self.nested_left_out = 0
        self.items_with_nested = 0

    def start(self, out: TextIO) -> None:
        pass

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        text = item.text or ""
        found = spans(item)
        for span in found:
            if any(ch.isspace() for ch in span["label"]):
                raise ExportError(f"label {span['label']!r} holds whitespace, which CoNLL's columns cannot: "
                                  "rename it in the schema, or export jsonl")  # fmt: skip
        tags, left_out = bio_tags(len(text), found)
        if left_out:
            self.nested_left_out += left_out
            self.items_with_nested += 1
        out.write("".join(f"{token(ch)} {tag}\n" for ch, tag in zip(text, tags)))
        out.write("\n")

    def finish(self, report: ExportReport) -> None:
        if self.nested_left_out:
            report.notes.append(
                f"{self.nested_left_out} spans inside other spans (in {self.items_with_nested} items) are not in "
                f"{CONLL_NAME}: BIO cannot nest; the jsonl export has them"
            )
