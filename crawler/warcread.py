"""WARC in: the pages of WARC files written by anyone (this project, CC-NEWS, Heritrix,
Browsertrix), read with warcio: WARC 1.0 and 1.1, gzipped per record or not.

``read_file`` yields, for each record, either a ``WarcPage`` (an HTTP 200 ``response`` record
with an HTML body, complete) or a ``Skipped`` saying why the record is not a page, one
``reason`` per record, each a stat key:

- ``revisit``: a revisit record (the page is in another record: nothing new to read);
- ``not_html``: a response whose Content-Type is not HTML (PDF, image, feed, JSON…);
- ``status``: a response other than 200 (a redirect, an error; see ``WarcPage.redirect``);
- ``truncated``: a record cut short (``WARC-Truncated``, fewer bytes than its length says, or
  the file ends inside it); a file that ends inside a record yields that and stops;
- ``too_large``: a payload over the size bound (``DOWNLOAD_MAXSIZE``), not read into memory;
- ``unreadable``: a payload whose Content-Encoding cannot be decoded, or a file that is not a
  WARC at all (one ``unreadable`` for the file, then it stops);
- ``other``: warcinfo, request, metadata, resource and conversion records, non-HTTP responses.

Nothing raises for bad input: ``read_file`` never lets a warcio or gzip error out.
``read_page(path, offset)`` reads the one page at ``offset`` (what ``warc_offset`` names).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# framing of the archived bytes, undone here: a served page carries neither
_FRAMING = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class WarcPage:
    """One page: the target URL, the WARC-Date (ISO 8601 UTC), the HTTP headers without their
    framing, the decoded body, and where the record is (``file`` as given, ``offset``)."""

    url: str
    date: str
    headers: list[tuple[str, str]]
    body: bytes
    file: str
    offset: int


@dataclass
class Skipped:
    """A record that is not a page, and why (``reason``: see the module); a redirect's target in
    ``redirect`` (a 3xx ``status`` record with a Location)."""

    reason: str
    url: str = ""
    offset: int = 0
    detail: str = ""
    redirect: str = field(default="")


def warc_path(warc_dir: str | Path, name: str) -> Path:
    """The file a stored ``warc_file`` names: a name relative to ``WARC_DIR``, or an absolute path."""
    path = Path(name)
    return path if path.is_absolute() else Path(warc_dir) / path


def warc_name(warc_dir: str | Path, path: Path) -> str:
    """What ``warc_file`` records for ``path``: its name relative to ``WARC_DIR`` when it is inside
    it, else its absolute path."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path(warc_dir).resolve()))
    except ValueError:
        return str(absolute)


def warc_files(sources: list[str]) -> tuple[list[Path], list[str]]:
    """The WARC files named by ``sources`` (files, or folders searched for ``*.warc(.gz)``),
    sorted within each folder; and one line per source that is neither."""
    files: list[Path] = []
    problems: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
            if not found:
                problems.append(f"{source}: no *.warc or *.warc.gz file in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{source}: no such file or folder")
    return files, problems


def _iso(date: str) -> str:
    """A WARC-Date as the ISO 8601 form pages carry (``2026-12-06T18:20:12+00:00``); '' if unreadable."""
    try:
        when = datetime.fromisoformat(date.strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _decode(raw: bytes, http_headers: Any, max_bytes: int) -> bytes:
    """The payload with its transfer and content encoding undone (as warcio's ``content_stream``
    does); raises ``ValueError`` when it cannot be decoded or decodes to more than ``max_bytes``."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    encoding = (http_headers.get_header("content-encoding") or "").lower().strip() or None
    if encoding == "identity":
        encoding = None
    if encoding is not None and encoding not in BufferedReader.get_supported_decompressors():
        raise ValueError(f"unsupported Content-Encoding {encoding!r}")
    chunked = (http_headers.get_header("transfer-encoding") or "").lower() == "chunked"
    if not chunked and encoding is None:
        return raw
    reader = (ChunkedDataReader if chunked else BufferedReader)(BytesIO(raw), decomp_type=encoding)
    try:
        body = reader.read(max_bytes + 1) if max_bytes else reader.read()
    except (zlib.error, OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{encoding or 'chunked'} body does not decode ({exc})") from None
    except Exception as exc:  # brotli and other decompressors raise their own errors
        raise ValueError(f"{encoding or 'chunked'} body does not decode ({exc.__class__.__name__})") from None
    if max_bytes and len(body) > max_bytes:
        raise OverflowError
    return body


def _record(record: Any, name: str, offset_of: Any, max_bytes: int) -> WarcPage | Skipped:
    """One record as a page or a skip; ``offset_of()`` gives the record's offset once read."""
    rtype = record.rec_type
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if rtype == "revisit":
        return Skipped("revisit", url, offset_of())
    if rtype != "response" or record.http_headers is None or not url.startswith(("http://", "https://")):
        return Skipped("other", url, offset_of(), rtype)
    cut = record.rec_headers.get_header("WARC-Truncated")
    if cut:
        return Skipped("truncated", url, offset_of(), f"WARC-Truncated: {cut}")
    http = record.http_headers
    status = http.get_statuscode() or ""
    if status != "200":
        location = http.get_header("location") or ""
        return Skipped("status", url, offset_of(), status, redirect=location if status.startswith("3") else "")
    ctype = (http.get_header("content-type") or "text/html").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        return Skipped("not_html", url, offset_of(), ctype)
    raw = record.raw_stream.read(max_bytes + 1) if max_bytes else record.raw_stream.read()
    if max_bytes and len(raw) > max_bytes:
        return Skipped("too_large", url, offset_of(), f"more than {max_bytes} bytes")
    if 0 <= record.payload_length and len(raw) < record.payload_length:
        return Skipped("truncated", url, offset_of(), f"{len(raw)} of {record.payload_length} bytes")
    try:
        body = _decode(raw, http, max_bytes)
    except OverflowError:
        return Skipped("too_large", url, offset_of(), f"more than {max_bytes} bytes decoded")
    except ValueError as exc:
        return Skipped("unreadable", url, offset_of(), str(exc))
    headers = [(k, v) for k, v in http.headers if k.lower() not in _FRAMING]
    date = _iso(record.rec_headers.get_header("WARC-Date") or "")
    return WarcPage(url, date, headers, body, name, offset_of())


def read_stream(stream: BinaryIO, name: str, max_bytes: int = 0) -> Iterator[WarcPage | Skipped]:
    """Each record of the WARC ``stream`` (named ``name`` in the pages) as a page or a skip."""
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(stream)
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # not a WARC, a gzip member cut short, garbage between records
            offset = _safe_offset(iterator)
            cut = isinstance(exc, EOFError | zlib.error) or "gzip" in str(exc).lower() or offset > 0
            yield Skipped("truncated" if cut else "unreadable", "", offset, f"{exc.__class__.__name__}: {exc}"[:200])
            return
        try:
            yield _record(record, name, lambda: _safe_offset(iterator), max_bytes)
        except Exception as exc:  # the record's stream failed while being read
            yield Skipped("truncated", "", _safe_offset(iterator), f"{exc.__class__.__name__}: {exc}"[:200])
            return


def _safe_offset(iterator: Any) -> int:
    try:
        return int(iterator.get_record_offset())
    except Exception:
        return int(getattr(iterator, "offset", 0) or 0)


def read_file(path: Path, name: str = "", max_bytes: int = 0) -> Iterator[WarcPage | Skipped]:
    """Each record of the WARC file ``path`` (see ``read_stream``); pages name it ``name`` (default: the path)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Skipped("unreadable", "", 0, f"{path}: {exc.strerror or exc}")
        return
    with fh:
        yield from read_stream(fh, name or str(path), max_bytes)


def read_page(path: Path, offset: int, max_bytes: int = 0) -> WarcPage | Skipped:
    """The record at ``offset`` of ``path`` (a ``warc_file`` / ``warc_offset`` pair) as a page or a skip."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        return Skipped("unreadable", "", offset, f"{path}: {exc.strerror or exc}")
    with fh:
        fh.seek(offset)
        for outcome in read_stream(fh, str(path), max_bytes):
            if isinstance(outcome, WarcPage):
                outcome.offset = offset
            else:
                outcome.offset = offset
            return outcome
    return Skipped("unreadable", "", offset, "no record at this offset")
