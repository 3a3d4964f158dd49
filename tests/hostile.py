"""Hostile inputs for tests: mislabelled charsets, a gzip bomb built without holding it in memory, a planted pickle."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

# One sentence per page that must come out of the crawl intact (the test looks for it in articles.text).
RUSSIAN = "Мост через реку Ладогу снова открыт после ремонта, сообщила инженер Ольга Брандт."
FRENCH = "L’église Saint-Étienne de Château-Lévêque a rouvert ses portes, a déclaré Hélène Brémond à Noël."
# Japanese news text has no spaces; this one is spaced between phrases (as in texts for children) so that
# the extraction stage, which counts whitespace-separated words, keeps the page as an article.
JAPANESE = "修理の 後、 ラーキン橋が 再び 開通したと 技術者の オラ・ブラント氏が 述べた。"


def article_html(title: str, lead: str, filler: str, lang: str, meta_charset: str = "") -> str:
    """An article page: ``lead`` as its first paragraph, then eight paragraphs built from ``filler``
    (``{i}`` is replaced by the paragraph number so that the paragraphs differ)."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    paragraphs = "".join(f"<p>{filler.replace('{i}', str(i + 2))}</p>" for i in range(8))
    return (f"<!DOCTYPE html><html lang='{lang}'><head>{meta}<title>{title}</title></head><body><article>"
            f"<h1>{title}</h1><p>{lead}</p>{paragraphs}</article></body></html>")


RUSSIAN_PAGE = article_html(
    "Мост снова открыт", RUSSIAN,
    "В день {i} по новому мосту проехали сотни грузовиков и автобусов, а жители города вышли на набережную, "
    "чтобы посмотреть на работу строителей и поблагодарить их за быстрый ремонт.", "ru")
FRENCH_PAGE = article_html(
    "Château-Lévêque : l’église rouvre", FRENCH,
    "Le jour {i}, les fidèles sont revenus nombreux, émus de retrouver les vitraux restaurés et l’orgue "
    "réparé grâce aux dons des habitants du village et de la région.", "fr")
JAPANESE_PAGE = article_html(
    "ラーキン橋が 再開通", JAPANESE,
    "開通から {i}日目の 正午までに 多くの トラックと バスが 新しい 橋を 渡り、 町の 人々は 川岸で 工事の "
    "完了を 祝った と 市の 担当者が 説明した。", "ja")

# name: (Content-Type header, body, sentence that must be stored)
CHARSET_PAGES: dict[str, tuple[str, bytes, str]] = {
    "cp1251-labelled-utf8": ("text/html; charset=utf-8", RUSSIAN_PAGE.encode("cp1251"), RUSSIAN),
    "utf8-labelled-latin1": ("text/html; charset=ISO-8859-1", FRENCH_PAGE.encode("utf-8"), FRENCH),
    "shift-jis-unlabelled": ("text/html", JAPANESE_PAGE.encode("shift_jis"), JAPANESE),
}


def gzip_stream(size: int, block: int = 1 << 20) -> Iterator[bytes]:
    """The gzip encoding of ``size`` zero bytes, produced ``block`` bytes of input at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    zeros = bytes(block)
    for _ in range(size // block):
        chunk = compressor.compress(zeros)
        if chunk:
            yield chunk
    yield compressor.compress(bytes(size % block)) + compressor.flush()


def gzip_bomb(size: int) -> bytes:
    """A gzip body (about ``size``/1000 bytes) that decompresses to ``size`` zero bytes."""
    return b"".join(gzip_stream(size))


class Planted:
    """A pickle whose loading creates ``marker`` (what an attacker would plant in the data folder)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (open, (str(self.marker), "w"))
