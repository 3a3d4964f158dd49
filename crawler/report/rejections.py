"""The report's ``rejections`` section: pages refused before they became articles (extraction
drops, pages too large), counted per site and reason, and the latest pages with the evidence
behind each refusal. The same ``--run`` / ``--since`` / ``--site`` selection as the rest."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.storage.store import Store

MAX_PAGES = 200  # pages listed (newest first); the counts cover every selected row
MAX_TEXT_CHARS = 300  # of each page's extracted text shown


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="seconds")


def _evidence(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def rejection_section(store: Store, since: datetime | None, site: str | None,
                      run_ids: list[int] | None) -> dict[str, Any]:
    """``{"total", "by_site": [{site, reason, count, open}], "pages": [...]}`` (see ``schema.json``)."""
    from sqlalchemy import select

    from pipelines.storage.models import rejections

    columns = [c for c in rejections.c if c.name != "html"]
    stmt = select(*columns, rejections.c.html.is_not(None).label("html_kept")).order_by(rejections.c.id.desc())
    if since is not None:
        stmt = stmt.where(rejections.c.rejected_at >= since.astimezone(UTC).replace(tzinfo=None))
    if site:
        stmt = stmt.where(rejections.c.site == site)
    if run_ids is not None:
        stmt = stmt.where(rejections.c.run_id.in_(run_ids))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    counts: Counter[tuple[str, str]] = Counter((r["site"], r["reason"]) for r in rows)
    still: Counter[tuple[str, str]] = Counter((r["site"], r["reason"]) for r in rows if not r["resolution"])
    by_site = [{"site": s, "reason": reason, "count": n, "open": still[(s, reason)]}
               for (s, reason), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]
    pages = [
        {"id": r["id"], "site": r["site"], "reason": r["reason"], "url": r["url"], "message": r["message"],
         "evidence": {k: v for k, v in _evidence(r["evidence"]).items() if k != "fetched_at"},
         "text": (r["text"] or "")[:MAX_TEXT_CHARS], "rejected_at": _iso(r["rejected_at"]), "run_id": r["run_id"],
         "html_kept": bool(r["html_kept"]), "resolution": r["resolution"] or "", "article_id": r["article_id"]}
        for r in rows[:MAX_PAGES]
    ]
    return {"total": len(rows), "by_site": by_site, "pages": pages}
