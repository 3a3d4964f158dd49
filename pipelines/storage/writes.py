"""The writes storage applies (``Store.write_batch``), one frozen dataclass per kind of write.

- ``StoreArticle``: a kept article into ``articles``; an article whose ``dedup`` names one it
  ``replaces`` moves that one into ``duplicates`` in the same transaction.
- ``RecordDuplicate``: a dropped copy into ``duplicates``, with the dedup decision about it.
- ``LateMerge``: a stored article found to be a copy of another moves into ``duplicates``
  (or waits in ``pending_merges`` until it is stored).
- ``RecordRejection``: a page refused before it became an article, into ``rejections``.

Each write names the article ids it stores, moves or points a copy at (``ids``): what
``write_batch`` locks before applying a batch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from crawler.items import Article
from pipelines.drops import CopyDecision
from pipelines.storage.moves import Rescore, decided_values


@dataclass(frozen=True)
class StoreArticle:
    """Store ``article`` (kept by the dedup stage), recorded as stored by run ``run_id``."""

    article: Article
    run_id: int | None = None

    def ids(self) -> list[str]:
        replaces = self.article.dedup.get("replaces")
        return [self.article.id, *([replaces] if replaces else [])]

    def row(self) -> dict[str, Any]:
        """The ``articles`` row."""
        article = self.article
        row = {k: v for k, v in asdict(article).items() if k != "dedup"}
        row["authors"] = json.dumps(row.get("authors") or [], ensure_ascii=False)
        row["credits"] = json.dumps(row.get("credits") or [], ensure_ascii=False)
        row["tags"] = json.dumps(row.get("tags") or [], ensure_ascii=False)
        row["dedup_method"] = article.dedup.get("method", "new")
        row["updates_id"] = article.dedup.get("updates")
        row["run_id"] = self.run_id
        row["index_seq"] = article.dedup.get("seq") or None
        row["index_entry"] = article.dedup.get("entry") or None
        row["warc_file"] = article.warc_file or None
        return row


@dataclass(frozen=True)
class RecordDuplicate:
    """Record ``article`` as a dropped copy, as the dedup stage's ``decision`` says."""

    article: Article
    decision: CopyDecision
    run_id: int | None = None

    def ids(self) -> list[str]:
        return [self.article.id, *([self.decision.duplicate_of] if self.decision.duplicate_of else [])]

    def row(self) -> dict[str, Any]:
        """The ``duplicates`` row (``decided_*``: what decided the drop, ``moves.decided_values``)."""
        article, decision = self.article, self.decision
        return {
            "run_id": self.run_id,
            "article_id": article.id,
            "url": article.url,
            "site": article.site,
            "title": article.title,
            "text": article.text,
            "author": article.author,
            "published": article.published,
            "fetched_at": article.fetched_at,
            "duplicate_of": decision.duplicate_of,
            "method": decision.method,
            "jaccard": decision.scores.get("jaccard", 0.0),
            "contained": decision.scores.get("contained", 0.0),
            "contains": decision.scores.get("contains", 0.0),
            "relation": decision.relation,
            "index_seq": decision.seq or None,
            "index_entry": decision.entry or None,
            "warc_file": article.warc_file or None,
            "warc_offset": article.warc_offset,
            **decided_values(dict(decision.decided)),
        }


@dataclass(frozen=True)
class LateMerge:
    """Stored article ``article_id`` is a copy of ``into``; ``rescore`` gives the scores of the pair."""

    article_id: str
    into: str
    run_id: int | None = None
    rescore: Rescore | None = None

    def ids(self) -> list[str]:
        return [self.article_id, self.into]


@dataclass(frozen=True)
class RecordRejection:
    """A ``rejections`` row: a page refused before it became an article (``reason``: the drop's
    class name), with the evidence as JSON, the extracted text and the html (zlib) when kept."""

    url: str
    final_url: str
    site: str
    reason: str
    message: str = ""
    evidence: str = "{}"
    text: str = ""
    html: bytes | None = None
    run_id: int | None = None
    warc_file: str | None = None  # where the page is archived (None: not archived)
    warc_offset: int | None = None

    def ids(self) -> list[str]:
        return []

    def row(self) -> dict[str, Any]:
        return asdict(self)


Write = StoreArticle | RecordDuplicate | LateMerge | RecordRejection
