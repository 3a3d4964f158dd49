"""Adapter for ``../shared/corpus/dedup/score.py``: ``is_duplicate(doc_id, text, site)``.

Runs the real engine against Redis (``REDIS_URL``, else an embedded server in a temporary
folder) under a fresh key prefix that is deleted at exit.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import uuid

from scrapy.settings import Settings

from crawler.connection import get_redis
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.records import RecordDeduper


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule(os.environ.get("NEWSDEDUP_SETTINGS", "settings.dev"), priority="project")
    return settings


class Detector:
    """A fresh detector per call of the class (score.py instantiates it once)."""

    def __init__(self, **overrides: object) -> None:
        settings = project_settings()
        if not os.environ.get("REDIS_URL"):
            settings.set("REDIS_EMBEDDED_PATH", os.path.join(tempfile.mkdtemp(), "eval.rdb"))
        settings.set("DEDUP_KEY_PREFIX", f"eval-{uuid.uuid4().hex[:8]}")
        for key, value in overrides.items():
            settings.set(key, value)
        self.client = get_redis(settings)
        if not os.environ.get("REDIS_URL"):
            self.client.config_set("save", "")  # a throwaway server: let it exit without saving
        self.prefix = settings.get("DEDUP_KEY_PREFIX")
        self.records = RecordDeduper(Deduper(self.client, DedupConfig.from_settings(settings)))
        atexit.register(self.cleanup)

    def __call__(self, doc_id: str, text: str, site: str | None = None) -> str | None:
        return self.records.check({"id": doc_id, "text": text, "site": site or ""})["duplicate_of"]

    def cleanup(self) -> None:
        keys = list(self.client.scan_iter(f"{self.prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start : start + 1000])
