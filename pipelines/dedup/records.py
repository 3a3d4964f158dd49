"""The dedup engine on plain records (offline command, scorer adapter).

Records carry their own ids (any string); the index wants 16-hex article ids, so a
record's index id is derived from its URL when it has one (the crawler's id for that page)
and from its record id otherwise. Decisions are mapped back to record ids for records seen
in this run; a match on an article indexed earlier (e.g. by a crawl) reports that id.
"""

from __future__ import annotations

import hashlib
from typing import Any

from crawler.urls import article_id, normalize_url
from pipelines.dedup.engine import Deduper


def record_index_id(record: dict[str, Any]) -> str:
    url = record.get("url")
    if url:
        return article_id(url)
    return hashlib.blake2b(str(record["id"]).encode("utf-8"), digest_size=8).hexdigest()


class RecordDeduper:
    """Checks ``{id, text, url?, site?}`` records; returns ``{id, duplicate_of, method, scores}``."""

    def __init__(self, deduper: Deduper) -> None:
        self.deduper = deduper
        self._external: dict[str, str] = {}

    def check(self, record: dict[str, Any]) -> dict[str, Any]:
        text = record["text"]
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        index_id = record_index_id(record)
        self._external.setdefault(index_id, str(record["id"]))
        urls = (normalize_url(record["url"]),) if record.get("url") else ()
        decision = self.deduper.check(index_id, text, str(record.get("site") or ""), urls)
        target = decision.duplicate_of if decision.is_duplicate else None
        return {
            "id": record["id"],
            "duplicate_of": self._external.get(target, target) if target else None,
            "method": decision.method,
            "scores": decision.scores,
            **({"updates": self._external.get(decision.updates, decision.updates)} if decision.updates else {}),
        }
