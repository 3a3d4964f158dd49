"""Decode a page's bytes: the declared charset first, detection when the bytes contradict it.

Scrapy decodes with the declared charset and silently replaces bytes that do not fit, and
guesses UTF-8 then cp1252 for a page that declares nothing. Neither is safe: a cp1251 page
labelled UTF-8 loses every letter, a UTF-8 page labelled Latin-1 becomes mojibake (Latin-1 and
cp1252 decode nearly any byte, so "the strict decode succeeded" proves nothing) and an
unlabelled Shift_JIS page becomes cp1252 gibberish. ``decode_body`` decides, in this order:

1. A byte-order mark wins (as in browsers).
2. The declared charset — the HTTP ``Content-Type`` header, else the page's ``<meta>`` — is used
   when the bytes fit it. They contradict it when a strict decode fails, or when the bytes are
   valid UTF-8 with multi-byte sequences but the label names another charset: text in a legacy
   charset is practically never valid UTF-8, so such bytes are UTF-8.
3. Contradicted, unknown or missing label: UTF-8 when the bytes are valid UTF-8, else the
   charset ``charset_normalizer`` detects (only the non-UTF-8 path pays for detection).
4. Detection finds no plausible charset (binary data, a mix of charsets): ``UndecodableBody``.

``decode_body`` logs every decision other than "the label was right" at DEBUG level. The labels
are read with w3lib, the library Scrapy itself reads them with.
"""

from __future__ import annotations

import codecs
import logging

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

logger = logging.getLogger(__name__)

UTF8 = "utf-8"


class UndecodableBody(ValueError):
    """No charset decodes the page plausibly (the message says what was declared)."""


def _codec(name: str | None) -> str | None:
    """Python's canonical name of charset ``name`` (w3lib already mapped WHATWG labels), or None."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf8(body: bytes) -> str | None:
    """``body`` decoded as UTF-8, or None when it is not valid UTF-8."""
    try:
        return body.decode(UTF8)
    except UnicodeDecodeError:
        return None


def declared_charset(response: TextResponse) -> tuple[str | None, str]:
    """(Python codec name or None, where it was declared: "header" / "meta" / "") of ``response``.

    A label naming no known charset counts as no label.
    """
    header = response.headers.get(b"Content-Type")
    from_header = _codec(http_content_type_encoding(header.decode("latin-1"))) if header else None
    if from_header:
        return from_header, "header"
    from_meta = _codec(html_body_declared_encoding(response.body))
    return (from_meta, "meta") if from_meta else (None, "")


def decode_bytes(body: bytes, declared: str | None, where: str = "") -> tuple[str, str]:
    """``(text, note)`` of ``body`` whose declared charset is ``declared`` (a codec name or None).

    ``note`` is empty when the BOM or the declared charset decoded the bytes (or UTF-8, with
    nothing declared), else it says what was declared and what decoded the bytes instead.
    Raises ``UndecodableBody`` when no charset decodes them plausibly.
    """
    bom, mark = read_bom(body)
    if bom and mark:
        return body[len(mark):].decode(bom, errors="replace"), ""
    label = f"declared {declared}" + (f" ({where})" if where else "") if declared else "no charset declared"
    if declared:
        wide = declared.startswith(("utf-16", "utf-32"))
        if declared != UTF8 and not wide and not body.isascii():
            text = _utf8(body)
            if text is not None:  # valid multi-byte UTF-8: the label is wrong
                return text, f"{label}, bytes are valid UTF-8"
        try:
            return body.decode(declared), ""
        except UnicodeDecodeError:
            pass
    else:
        text = _utf8(body)
        if text is not None:
            return text, ""
    from charset_normalizer import from_bytes  # only pages whose label failed pay for the import

    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        raise UndecodableBody(f"{label}, and no charset decodes the bytes plausibly")
    return str(best), f"{label}, detected {best.encoding}"


def decode_body(response: TextResponse) -> tuple[str, str]:
    """``(html, note)`` of ``response`` (see the module docstring and ``decode_bytes``).

    Raises ``UndecodableBody`` when no charset decodes the body plausibly.
    """
    declared, where = declared_charset(response)
    try:
        html, note = decode_bytes(response.body, declared, where)
    except UndecodableBody as exc:
        raise UndecodableBody(f"{response.url}: {exc}") from None
    if note:
        logger.debug("Charset of %s: %s", response.url, note)
    return html, note
