"""One ``DropItem`` subclass per reason, so Scrapy's CoreStats counts drops per reason
(``item_dropped_reasons_count/<ClassName>``) and reports can group them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from pipelines.dedup.engine import Decision


class ExtractionDrop(DropItem):
    """The page did not yield a usable article.

    ``evidence``: what the rule decided on (counts, shares, limits, the marker it found), JSON
    values only; ``text``: the text extracted before the page was refused ("" when none). The
    storage stage records every ``ExtractionDrop`` (any subclass) in ``rejections`` with both.
    Both travel with the exception when it is pickled back from an extraction worker.
    """

    def __init__(self, message: str, *, evidence: dict[str, Any] | None = None, text: str = "") -> None:
        super().__init__(message, log_level="INFO")
        self.evidence: dict[str, Any] = dict(evidence or {})
        self.text = text


class NoArticleText(ExtractionDrop):
    """Extraction returned no or too little text."""


class NotAnArticle(ExtractionDrop):
    """A listing, tag, search or other non-article page."""


class PaywallTeaser(ExtractionDrop):
    """Only a teaser is readable: the rest is behind a paywall or registration wall."""


class TextTooLong(ExtractionDrop):
    """The extracted text is longer than any article (``EXTRACT_MAX_TEXT_CHARS``): a dump, an archive…"""


class WrongLanguage(ExtractionDrop):
    """The article is not in a language the crawl allows (``LANGUAGES`` or the spider's ``languages``)."""


class ExtractionFailed(ExtractionDrop):
    """The extractor could not parse the page at all (malformed beyond repair, binary…)."""


class DuplicateDrop(DropItem):
    """The article is a copy of a stored one; ``decision`` says which and why.

    The storage stage records every ``DuplicateDrop`` in its ``duplicates`` table.
    """

    def __init__(self, article: Any, decision: Decision) -> None:
        super().__init__(
            f"{decision.method} duplicate of {decision.duplicate_of}: {article.url}", log_level="INFO"
        )
        self.article = article
        self.decision = decision


class UrlDuplicate(DuplicateDrop):
    """Same normalised or canonical URL as an indexed article."""


class ExactDuplicate(DuplicateDrop):
    """Same normalised text as an indexed article."""


class NearDuplicate(DuplicateDrop):
    """MinHash-verified Jaccard similarity at or above the threshold."""


class ContainedDuplicate(DuplicateDrop):
    """Mostly contained in an indexed article (trimmed reprint), or contains one (fuller copy)."""


class AlreadyDropped(DuplicateDrop):
    """This URL was dropped as a duplicate before (a re-crawl); recorded idempotently."""


class AlreadyStored(DropItem):
    """This article is already in storage (a re-crawl of a kept article)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


DUPLICATE_DROPS: dict[str, type[DuplicateDrop]] = {
    "url": UrlDuplicate,
    "exact": ExactDuplicate,
    "near": NearDuplicate,
    "containment": ContainedDuplicate,
    "seen": AlreadyDropped,
}
