"""Decode a response body when the declared charset may be wrong.

Scrapy decodes with the declared charset and silently replaces bytes that do not fit;
a page whose header says UTF-8 but whose bytes are cp1252 would lose every accent and
quote. We decode strictly first and fall back to the BOM/meta and then to detection
(``charset_normalizer``, already a dependency of trafilatura) only when that fails.
"""

from __future__ import annotations

from scrapy.http import TextResponse


def decode_body(response: TextResponse) -> tuple[str, str]:
    """Return ``(html, note)``; ``note`` is empty when the declared charset was right."""
    body = response.body
    declared = response.encoding or "utf-8"
    try:
        return body.decode(declared), ""
    except (UnicodeDecodeError, LookupError):
        pass
    for candidate in ("utf-8", "cp1252"):
        if candidate == declared.lower():
            continue
        try:
            text = body.decode(candidate)
        except UnicodeDecodeError:
            continue
        return text, f"declared {declared}, decoded {candidate}"
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None:
        return str(best), f"declared {declared}, detected {best.encoding}"
    return body.decode(declared, errors="replace"), f"declared {declared}, undecodable bytes replaced"
