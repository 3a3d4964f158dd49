"""The JSONL records ``scrapy dedup`` reads, validated in a pass of their own.

``scan`` reads the whole file once and finds every bad line before anything is indexed or
written; ``records`` then yields the good records, skipping the bad lines by number. Memory
stays bounded on a big file: a line is read at most ``max_line_bytes`` at a time, and only the
numbers of the bad lines are kept.

A line is bad (``BadRecord``, with a reason that is also its count's key) when it is longer
than ``max_line_bytes`` (``too_long``); not JSON (``invalid_json``); not a JSON object
(``not_object``); nested deeper than ``max_depth`` objects/arrays (``too_deep``); has no ``id``
(``no_id``) or one that is not a non-empty string or an integer (``bad_id``); a ``text`` that is
not a string (``bad_text``); a ``url``, ``site`` or ``published`` that is present, not null and not a
string (``bad_url`` …), or a ``url`` that cannot be parsed; or a string holding a lone UTF-16
surrogate (``\\ud800`` escapes), which no encoder accepts. Blank lines are ignored.

A file that is not UTF-8 text — an invalid UTF-8 sequence or a NUL byte on any line — is refused
as a whole (``UnreadableFile``): it is the wrong file (gzip, UTF-16) or the wrong encoding
(Latin-1), and skipping such lines one by one would drop its records silently. A UTF-8 byte
order mark at the start is accepted.
"""

from __future__ import annotations

import codecs
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from crawler.urls import normalize_url

SKIP_CHUNK = 1 << 16  # the rest of a too-long line is read (and checked) this much at a time
OPTIONAL_STRINGS = ("url", "site", "published")


class UnreadableFile(ValueError):
    """The file is not UTF-8 text; the message says where."""


class BadRecord(ValueError):
    """One bad line: ``reason`` (a count key such as ``invalid_json``) and a one-line ``detail``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class InputLimits:
    """Bounds on one input line (``DEDUP_INPUT_MAX_LINE_BYTES``, ``DEDUP_INPUT_MAX_DEPTH``)."""

    max_line_bytes: int
    max_depth: int

    @classmethod
    def from_settings(cls, settings: Any) -> InputLimits:
        return cls(settings.getint("DEDUP_INPUT_MAX_LINE_BYTES"), settings.getint("DEDUP_INPUT_MAX_DEPTH"))


@dataclass
class ScanResult:
    """What ``scan`` found: the numbers of the bad lines, their count per reason, the good lines."""

    bad: set[int] = field(default_factory=set)
    reasons: Counter[str] = field(default_factory=Counter)
    good: int = 0


def _decode(data: bytes, number: int, decoder: Any, final: bool) -> str:
    """``data`` decoded by the incremental UTF-8 ``decoder``; raises ``UnreadableFile`` unless it
    continues valid UTF-8 text without NUL bytes."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(f"binary data, not UTF-8 text (a NUL byte on line {number})")
    try:
        return str(decoder.decode(data, final))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {number}); "
                             "convert it to UTF-8 first (e.g. iconv -f latin1 -t utf-8)") from None


def read_lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """``(number, text)`` of each line of ``fh``, newline stripped; ``text`` is None for a line
    longer than ``max_bytes`` (read and checked in bounded pieces, never held whole). Raises
    ``UnreadableFile`` at the first byte that is not UTF-8 text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    number = 0
    while True:
        chunk = fh.readline(max_bytes + 1)
        if not chunk:
            return
        number += 1
        whole = len(chunk) <= max_bytes or chunk.endswith(b"\n")
        if number == 1 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8):]
        if whole:
            text = _decode(chunk, number, decoder, final=True)
            decoder.reset()
            yield number, text.rstrip("\r\n")
            continue
        while chunk and not chunk.endswith(b"\n"):  # too long: check the rest, keep none of it
            _decode(chunk, number, decoder, final=False)
            chunk = fh.readline(SKIP_CHUNK)
        _decode(chunk, number, decoder, final=True)
        decoder.reset()
        yield number, None


def _depth_over(value: Any, limit: int) -> bool:
    """True when ``value`` nests objects/arrays more than ``limit`` deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_record(text: str, max_depth: int) -> dict[str, Any]:
    """The record on one (non-blank) line; raises ``BadRecord`` saying why it cannot be used."""
    deep = BadRecord("too_deep", f"nested deeper than {max_depth} levels")
    try:
        record = json.loads(text)
    except RecursionError:  # deeper than the json module itself can go
        raise deep from None
    except ValueError as exc:  # JSONDecodeError, or an integer too long to convert
        where = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BadRecord("invalid_json", f"invalid JSON: {getattr(exc, 'msg', exc)}{where}") from None
    if not isinstance(record, dict):
        raise BadRecord("not_object", f"not a JSON object but {_json_type(record)}")
    if _depth_over(record, max_depth):
        raise deep
    if "id" not in record:
        raise BadRecord("no_id", "no id")
    rid = record["id"]
    if isinstance(rid, bool) or not isinstance(rid, str | int) or rid == "":
        raise BadRecord("bad_id", f"id must be a non-empty string or an integer, not {_json_type(rid)}")
    if not isinstance(record.get("text"), str):
        raise BadRecord("bad_text", "no text" if "text" not in record else
                        f"text must be a string, not {_json_type(record['text'])}")
    for name in OPTIONAL_STRINGS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise BadRecord(f"bad_{name}", f"{name} must be a string, not {_json_type(value)}")
    for name in ("id", "text", *OPTIONAL_STRINGS):
        if isinstance(record.get(name), str) and not _encodable(record[name]):
            raise BadRecord(f"bad_{name}", f"{name} holds a lone UTF-16 surrogate, not text")
    if record.get("url"):
        try:
            normalize_url(record["url"])
        except ValueError as exc:
            raise BadRecord("bad_url", f"url cannot be parsed ({exc})") from None
    return record


def scan(path: Path, limits: InputLimits, on_bad: Callable[[int, BadRecord], None]) -> ScanResult:
    """Check every line of ``path``; ``on_bad(number, error)`` is called for each bad one as it is
    found. Raises ``UnreadableFile`` (nothing else of the file matters then)."""
    result = ScanResult()
    with path.open("rb") as fh:
        for number, text in read_lines(fh, limits.max_line_bytes):
            try:
                if text is None:
                    raise BadRecord("too_long", f"longer than {limits.max_line_bytes} bytes")
                if not text.strip():
                    continue
                parse_record(text, limits.max_depth)
            except BadRecord as bad:
                result.bad.add(number)
                result.reasons[bad.reason] += 1
                on_bad(number, bad)
                continue
            result.good += 1
    return result


def records(path: Path, limits: InputLimits, skip: set[int]) -> Iterator[dict[str, Any]]:
    """The record of each good line of ``path`` (``skip``: the bad lines ``scan`` found). A line
    that turns bad now raises ``BadRecord`` (naming the line) or ``UnreadableFile``: the file changed."""
    with path.open("rb") as fh:
        for number, text in read_lines(fh, limits.max_line_bytes):
            if number in skip or (text is not None and not text.strip()):
                continue
            try:
                if text is None:
                    raise BadRecord("too_long", f"longer than {limits.max_line_bytes} bytes")
                record = parse_record(text, limits.max_depth)
            except BadRecord as bad:
                raise BadRecord(bad.reason, f"line {number}: {bad.detail}") from None
            yield record
