"""Per-site run summaries from Scrapy stats (shared by ``scrapy demo`` and reports)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.health import error_count, error_kinds

DROP_PREFIX = "item_dropped_reasons_count/"


def crawler_stats(crawler: Any) -> dict[str, Any]:
    """The final stats of a Scrapy ``crawler``; empty (no ``finish_reason``: a failed run) when it
    never got as far as creating them (Scrapy then raises "Crawler.stats is not set yet")."""
    try:
        return dict(crawler.stats.get_stats())
    except RuntimeError:
        return {}


def site_row(site: str, stats: dict[str, Any]) -> dict[str, Any]:
    """One summary row: fetched, seen (not fetched again), stored, dropped by reason, error count
    (``crawler.health.error_count``) and notes by kind (HTTP statuses, non-HTML pages, download,
    item and spider errors)."""
    drops = {k[len(DROP_PREFIX):]: v for k, v in stats.items() if k.startswith(DROP_PREFIX)}
    notes = {
        f"http{k.rsplit('/', 1)[-1]}" if k.startswith("httperror/") else "not_html": v
        for k, v in stats.items()
        if k.startswith("httperror/response_ignored_status_count/") or k in ("page/not_html",)
    }
    notes.update(error_kinds(stats))  # its server errors include robots.txt, which never reaches the spider
    return {
        "site": site,
        "fetched": stats.get("downloader/response_count", 0),
        "seen": stats.get("incremental/skipped_seen", 0),  # article pages not fetched again: never errors
        "articles": stats.get("extract/articles", 0),
        "stored": stats.get("storage/articles", 0),
        "error_count": error_count(stats),
        "drops": drops,
        "errors": notes,
        "finish_reason": stats.get("finish_reason", ""),
    }


def format_site_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table: one line per site (its ``health`` when the row has one), drops and error
    notes as ``reason=count``."""
    header = (f"{'site':<18} {'fetched':>7} {'seen':>5} {'articles':>8} {'stored':>6} {'errors':>6}  {'health':<9}  "
              "dropped by reason / errors by kind")
    lines = [header, "-" * len(header)]
    for r in rows:
        drops = " ".join(f"{k}={v}" for k, v in sorted(r["drops"].items()))
        errors = " ".join(f"{k}={v}" for k, v in sorted(r["errors"].items()))
        counts = f"{r['fetched']:>7} {r['seen']:>5} {r['articles']:>8} {r['stored']:>6} {r['error_count']:>6}"
        notes = " ".join(part for part in (drops, errors) if part)
        lines.append(f"{r['site']:<18} {counts}  {r.get('health', ''):<9}  {notes}".rstrip())
    total = {k: sum(r[k] for r in rows) for k in ("fetched", "seen", "articles", "stored", "error_count")}
    lines.append(f"{'total':<18} {total['fetched']:>7} {total['seen']:>5} {total['articles']:>8} {total['stored']:>6}"
                 f" {total['error_count']:>6}")
    return "\n".join(lines)


def log_to_run_file(settings: Any, logfile: str | None, command: str) -> Path:
    """The log file of this run: ``logfile`` if given, else ``DATA_DIR/logs/<command>-<UTC>.log``
    (set as ``LOG_FILE``; Scrapy does not create its folder, so it is created here)."""
    if logfile:
        return Path(logfile)
    log_dir = Path(settings.get("DATA_DIR")) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{command}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    for n in itertools.count():
        path = log_dir / (f"{stamp}.log" if n == 0 else f"{stamp}-{n}.log")
        try:  # claimed atomically: runs started in the same second (a cron overlap) get files of their own
            path.open("x").close()
            break
        except FileExistsError:
            continue
    settings.set("LOG_FILE", str(path), priority="cmdline")
    return path
