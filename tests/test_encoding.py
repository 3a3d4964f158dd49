"""``decode_body``: the declared charset first, detection when the bytes contradict it."""

from __future__ import annotations

import codecs
import logging
import random

import pytest
from scrapy.http import HtmlResponse

from crawler.encoding import UndecodableBody, decode_body
from tests.hostile import CHARSET_PAGES, FRENCH, FRENCH_PAGE, RUSSIAN, RUSSIAN_PAGE


def response(body: bytes, content_type: str = "text/html") -> HtmlResponse:
    return HtmlResponse(url="https://news.example/a/1", body=body, headers={"Content-Type": content_type})


@pytest.mark.parametrize("name", sorted(CHARSET_PAGES))
def test_contradicted_or_missing_labels_are_decoded_by_the_bytes(name: str, caplog) -> None:
    content_type, body, sentence = CHARSET_PAGES[name]
    if "charset=" in content_type:  # Scrapy trusts the label and garbles the text…
        assert sentence not in response(body, content_type).text
    with caplog.at_level(logging.DEBUG, logger="crawler.encoding"):
        html, note = decode_body(response(body, content_type))
    assert sentence in html and "\ufffd" not in html  # …ours does not
    assert note and f"Charset of https://news.example/a/1: {note}" in caplog.text


def test_cp1251_labelled_utf8_is_detected() -> None:
    html, note = decode_body(response(RUSSIAN_PAGE.encode("cp1251"), "text/html; charset=UTF-8"))
    assert RUSSIAN in html and note == "declared utf-8 (header), detected cp1251"


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin-1", "windows-1252", "us-ascii"])
def test_utf8_bytes_labelled_with_a_legacy_charset_are_utf8(label: str) -> None:
    html, note = decode_body(response(FRENCH_PAGE.encode("utf-8"), f"text/html; charset={label}"))
    assert FRENCH in html and note.endswith("bytes are valid UTF-8")


def test_utf8_bytes_labelled_in_meta_only() -> None:
    body = FRENCH_PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').encode("utf-8")
    html, note = decode_body(response(body))
    assert FRENCH in html and note.startswith("declared cp1252 (meta)")


@pytest.mark.parametrize(
    ("text", "charset"),
    [(FRENCH_PAGE, "windows-1252"), (FRENCH_PAGE.replace("’", "'"), "iso-8859-1"), (RUSSIAN_PAGE, "windows-1251"),
     (RUSSIAN_PAGE, "koi8-r"), (FRENCH_PAGE, "utf-8")],
)
def test_a_right_label_is_used_as_is(text: str, charset: str) -> None:
    html, note = decode_body(response(text.encode(charset), f"text/html; charset={charset}"))
    assert html == text and note == ""


def test_the_header_wins_over_meta() -> None:
    body = FRENCH_PAGE.replace("<head>", '<head><meta charset="windows-1251">').encode("utf-8")
    html, note = decode_body(response(body, "text/html; charset=utf-8"))
    assert FRENCH in html and note == ""


def test_unlabelled_utf8_and_ascii_need_no_detection() -> None:
    assert decode_body(response(FRENCH_PAGE.encode("utf-8"))) == (FRENCH_PAGE, "")
    ascii_page = "<html><body><p>Plain ASCII.</p></body></html>"
    assert decode_body(response(ascii_page.encode())) == (ascii_page, "")


def test_an_unknown_label_counts_as_none() -> None:
    html, note = decode_body(response(RUSSIAN_PAGE.encode("utf-8"), "text/html; charset=x-no-such-charset"))
    assert html == RUSSIAN_PAGE and note == ""


def test_a_byte_order_mark_wins() -> None:
    html, note = decode_body(response(codecs.BOM_UTF8 + FRENCH_PAGE.encode("utf-8"), "text/html; charset=cp1251"))
    assert html == FRENCH_PAGE and note == ""


def test_bytes_no_charset_decodes_plausibly_raise() -> None:
    noise = random.Random(1).randbytes(20_000)  # binary data served as a page
    with pytest.raises(UndecodableBody, match=r"https://news.example/a/1: declared utf-8 \(header\), and no charset"):
        decode_body(response(b"<html><body>" + noise, "text/html; charset=utf-8"))
