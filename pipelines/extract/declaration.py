"""A site's extraction declaration and its stable hash.

The declaration is every option of the ``ArticleExtractor`` the crawl builds for a site: the
``EXTRACT_*`` settings, a spider's ``custom_settings`` and its ``EXTRACT_SITE_OVERRIDES`` entry
(where ``NewsSpider`` puts ``body_selector`` and ``boilerplate_lines``). Two settings objects
that build the same extractor for a site give the same hash, in any process; changing any
option that drives extraction changes it. The seen-store keeps it with a rejected URL so the
page is fetched again as soon as the declaration that rejected it changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any

from pipelines.extract.extractor import ArticleExtractor


def declaration(settings: Any, site: str) -> dict[str, Any]:
    """The options of ``site``'s extractor under ``settings``, as JSON values (patterns as strings)."""
    extractor = ArticleExtractor.from_settings(settings, site)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(extractor):
        value = getattr(extractor, f.name)
        if isinstance(value, list | tuple):
            value = [v.pattern if isinstance(v, re.Pattern) else v for v in value]
        out[f.name] = value
    return out


def declaration_hash(settings: Any, site: str) -> str:
    """16 hex characters naming ``declaration(settings, site)``."""
    blob = json.dumps(declaration(settings, site), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
