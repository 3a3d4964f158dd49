"""Every reason an item is dropped: one ``DropItem`` subclass per reason, and the one place the
drop vocabulary is written (the report, the monitors, storage and the dedup stage derive theirs
from these classes).

A reason is its class name: Scrapy's CoreStats counts drops per class name
(``item_dropped_reasons_count/<ClassName>``) and an extraction drop's ``rejections.reason`` is it.
Each class also says, as class attributes:

- ``category``: ``DUPLICATE`` (a copy of a stored article, found now), ``RECRAWL`` (a page stored
  or dropped before, fetched again) or ``REJECTION`` (extraction refused the page);
- ``kind``: the name of its count in reports (``crawler/report/schema.json`` lists them); a class
  without a kind of its own counts under its parent's (``other`` for an extraction drop);
- ``label``: how a person reads that count;
- ``method`` (dedup drops): the dedup method that raises it (the index's reply), which its
  ``duplicates`` row records.

Adding a reason is one subclass here. Reasons not declared here (a ``DropItem`` of another
module) count as ``other``. This module imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, Protocol

from scrapy.exceptions import DropItem

DUPLICATE = "duplicate"
RECRAWL = "recrawl"
REJECTION = "rejection"

OTHER = "other"  # the count of a reason without a kind of its own
LATE_MERGE = "merged"
"""``duplicates.method`` and report count of a late merge: a stored article found later to be a
copy of another is moved into ``duplicates`` (storage's stat ``storage/late_merges``); no item is
dropped then, so no class stands for it."""
LATE_MERGE_LABEL = "late merge"


class CopyDecision(Protocol):
    """What the dedup stage decided about an article, as storage records it
    (``pipelines.dedup.engine.Decision`` is one)."""

    @property
    def verdict(self) -> str: ...  # duplicate | seen for a copy (new, update, self… for a kept article)

    @property
    def method(self) -> str: ...  # a dedup drop's ``method``

    @property
    def duplicate_of(self) -> str | None: ...  # the kept article's id

    @property
    def scores(self) -> Mapping[str, float]: ...  # jaccard, contained, contains against duplicate_of

    @property
    def relation(self) -> str: ...

    @property
    def merged(self) -> tuple[str, ...]: ...  # stored articles now known to be copies of duplicate_of

    @property
    def seq(self) -> int: ...  # number of the index record the check inserted (0: none)

    @property
    def entry(self) -> bytes: ...  # the index entry blob a rebuild replays

    @property
    def decided(self) -> Mapping[str, Any]: ...  # score, threshold and the record measured

    @property
    def replaces(self) -> str | None: ...  # an article this one replaced once (a re-crawl's decision)

    @property
    def rescore(self) -> Callable[[bytes, bytes], dict[str, float] | None] | None: ...


class Drop(DropItem):
    """A drop reason declared here (see the module docstring for the class attributes)."""

    category: ClassVar[str] = REJECTION
    kind: ClassVar[str] = OTHER
    label: ClassVar[str] = OTHER
    method: ClassVar[str] = ""


class ExtractionDrop(Drop):
    """The page did not yield a usable article.

    ``evidence``: what the rule decided on (counts, shares, limits, the marker it found), JSON
    values only; ``text``: the text extracted before the page was refused ("" when none). The
    storage stage records every ``ExtractionDrop`` (any subclass) in ``rejections`` with both.
    Both travel with the exception when it is pickled back from an extraction worker.
    """

    category = REJECTION

    def __init__(self, message: str, *, evidence: dict[str, Any] | None = None, text: str = "") -> None:
        super().__init__(message, log_level="INFO")
        self.evidence: dict[str, Any] = dict(evidence or {})
        self.text = text


class NoArticleText(ExtractionDrop):
    """Extraction returned no or too little text."""

    kind, label = "no_text", "no text"


class NotAnArticle(ExtractionDrop):
    """A listing, tag, search or other non-article page."""

    kind, label = "not_an_article", "not an article"


class PaywallTeaser(ExtractionDrop):
    """Only a teaser is readable: the rest is behind a paywall or registration wall."""

    kind, label = "paywall", "paywall"


class TextTooLong(ExtractionDrop):
    """The extracted text is longer than any article (``EXTRACT_MAX_TEXT_CHARS``): a dump, an archive…
    Counted as ``other`` in reports."""


class WrongLanguage(ExtractionDrop):
    """The article is not in a language the crawl allows (``LANGUAGES`` or the spider's ``languages``).
    Counted as ``other`` in reports."""


class ExtractionFailed(ExtractionDrop):
    """The extractor could not parse the page at all (malformed beyond repair, binary…)."""

    kind, label = "extraction_failed", "extraction failed"


class DuplicateDrop(Drop):
    """The article is a copy of a stored one; ``decision`` says which and why.

    The storage stage records every ``DuplicateDrop`` in its ``duplicates`` table.
    """

    category = DUPLICATE

    def __init__(self, article: Any, decision: CopyDecision) -> None:
        super().__init__(
            f"{decision.method} duplicate of {decision.duplicate_of}: {article.url}", log_level="INFO"
        )
        self.article = article
        self.decision = decision


class UrlDuplicate(DuplicateDrop):
    """Same normalised or canonical URL as an indexed article."""

    method, kind, label = "url", "url", "URL"


class ExactDuplicate(DuplicateDrop):
    """Same normalised text as an indexed article."""

    method, kind, label = "exact", "exact", "exact"


class NearDuplicate(DuplicateDrop):
    """MinHash-verified Jaccard similarity at or above the threshold."""

    method, kind, label = "near", "near", "near"


class ContainedDuplicate(DuplicateDrop):
    """Mostly contained in an indexed article (trimmed reprint), or contains one (fuller copy)."""

    method, kind, label = "containment", "containment", "containment"


class AlreadyDropped(DuplicateDrop):
    """This URL was dropped as a duplicate before (a re-crawl); recorded idempotently."""

    category, method, kind, label = RECRAWL, "seen", "already_dropped", "already dropped"


class AlreadyStored(Drop):
    """This article is already in storage (a re-crawl of a kept article)."""

    category, kind, label = RECRAWL, "already_stored", "already stored"

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


# --- what readers derive -----------------------------------------------------------------------------


def drop_classes() -> Iterator[type[Drop]]:
    """Every drop reason declared (``Drop`` and its subclasses, loaded ones included)."""
    todo: list[type[Drop]] = [Drop]
    while todo:
        cls = todo.pop()
        yield cls
        todo.extend(cls.__subclasses__())


def drop_class(reason: str) -> type[Drop] | None:
    """The class of drop reason ``reason`` (a class name, the stat key's last part), or None."""
    return next((cls for cls in drop_classes() if cls.__name__ == reason), None)


def drop_for(method: str) -> type[DuplicateDrop]:
    """The ``DuplicateDrop`` raised for dedup method ``method``; ``KeyError`` when none is."""
    for cls in drop_classes():
        if issubclass(cls, DuplicateDrop) and cls.method and cls.method == method:
            return cls
    raise KeyError(f"no drop for dedup method {method!r}")


def kind_of(reason: str) -> str:
    """The report count of drop reason ``reason``: its class's kind, ``other`` when undeclared."""
    cls = drop_class(reason)
    return cls.kind if cls is not None else OTHER


def kinds(*categories: str) -> frozenset[str]:
    """The report counts of the reasons in ``categories`` (late merges among duplicates; never
    ``other``)."""
    found = {cls.kind for cls in drop_classes() if cls.category in categories and cls.kind != OTHER}
    return frozenset(found | ({LATE_MERGE} if DUPLICATE in categories else set()))


def kind_labels() -> dict[str, str]:
    """Report count -> its label, for every kind (late merges and ``other`` included)."""
    labels = {cls.kind: cls.label for cls in drop_classes() if cls.kind != OTHER}
    return {**labels, LATE_MERGE: LATE_MERGE_LABEL, OTHER: OTHER}
