"""The structured summary of a crawling command's run (``crawl``, ``crawlall``, ``worker``, ``demo``).

A ``RunSummary`` holds each site's final stats and health (``crawler.health``), the spiders
that were not run and why (preflight problems), and the run's exit code:

- ``EXIT_OK`` (0): every site healthy;
- ``EXIT_UNHEALTHY`` (1): one or more sites unhealthy;
- ``EXIT_CONFIG`` (2): a configuration or service error — a misconfigured spider, the
  database, Redis or the dedup index unusable, Redis lost during the run; it wins over 1;
- ``EXIT_LOCKED`` (75, ``crawlall``): another run holds the lock; nothing was crawled.

``emit()`` prints the per-site table (with each site's error count and health) on stdout, then
one line per unhealthy site, ``<command>: unhealthy <site>: <reason>; <reason>``, and logs the
summary as one JSON line in the run log: logger ``crawler.summary``, message
``run summary {…}`` (``read_summaries`` parses them back). Its keys: ``command``, ``exit_code``,
``started_at``, ``finished_at``, ``log``, ``sites`` (per site: ``healthy``, ``reasons``,
``finish_reason``, ``fetched``, ``seen``, ``articles``, ``stored``, ``errors``, ``error_kinds``,
``dropped``), ``unhealthy`` ({site: reasons}), ``not_run`` ({spider: problems}), ``error``
(a run-level failure line or null) and whatever was put in ``extra`` (other parts of the run,
each under its own key).
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from crawler.health import Health, assess_with, error_count, error_kinds
from crawler.runstats import crawler_stats, format_site_table, site_row

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_UNHEALTHY, EXIT_CONFIG, EXIT_LOCKED = 0, 1, 2, 75
MARKER = "run summary "  # the JSON line's prefix in the log message


@dataclass
class SiteResult:
    """One site of the run: its final stats and its verdict."""

    site: str
    stats: dict[str, Any]
    health: Health

    def row(self) -> dict[str, Any]:
        """The table row (``crawler.runstats.site_row``) with the site's health."""
        return {**site_row(self.site, self.stats), "health": "ok" if self.health.healthy else "UNHEALTHY"}

    def as_json(self) -> dict[str, Any]:
        row = site_row(self.site, self.stats)
        return {
            "healthy": self.health.healthy, "reasons": self.health.reasons, "finish_reason": row["finish_reason"],
            "fetched": row["fetched"], "seen": row["seen"], "articles": row["articles"], "stored": row["stored"],
            "errors": error_count(self.stats), "error_kinds": error_kinds(self.stats), "dropped": row["drops"],
        }


@dataclass
class RunSummary:
    """What one run did and how it ends (see the module docstring)."""

    command: str
    settings: Any
    log_file: Path | str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    sites: list[SiteResult] = field(default_factory=list)
    not_run: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None  # a run-level failure (not a site's): exit EXIT_CONFIG unless error_code says
    error_code: int = EXIT_CONFIG
    extra: dict[str, Any] = field(default_factory=dict)

    def add_crawlers(self, crawlers: list[Any]) -> None:
        """Add each Scrapy crawler's site (its spider's name, final stats, health)."""
        for crawler in crawlers:
            self.add_site(crawler.spidercls.name, crawler_stats(crawler))

    def add_site(self, site: str, stats: dict[str, Any]) -> None:
        self.sites.append(SiteResult(site, stats, assess_with(stats, self.settings)))

    @property
    def unhealthy(self) -> list[SiteResult]:
        return [s for s in self.sites if not s.health.healthy]

    @property
    def exit_code(self) -> int:
        if self.error:
            return self.error_code
        if self.not_run or any(s.health.service for s in self.sites):
            return EXIT_CONFIG
        return EXIT_UNHEALTHY if self.unhealthy else EXIT_OK

    def table(self) -> str:
        """The per-site table (``crawler.runstats.format_site_table``)."""
        return format_site_table([s.row() for s in self.sites])

    def unhealthy_lines(self) -> list[str]:
        """One line per unhealthy site, naming it and its reasons."""
        return [f"{self.command}: unhealthy {s.site}: {'; '.join(s.health.reasons)}" for s in self.unhealthy]

    def as_json(self) -> dict[str, Any]:
        return {
            "command": self.command, "exit_code": self.exit_code,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "log": str(self.log_file) if self.log_file else None,
            "sites": {s.site: s.as_json() for s in self.sites},
            "unhealthy": {s.site: s.health.reasons for s in self.unhealthy},
            "not_run": self.not_run, "error": self.error, **self.extra,
        }

    def log_json(self) -> dict[str, Any]:
        """Log the summary as one JSON line (INFO, logger ``crawler.summary``); return it."""
        summary = self.as_json()
        logger.info("%s%s", MARKER, json.dumps(summary, sort_keys=True, default=str))
        return summary

    def emit(self, out: IO[str] | None = None) -> int:
        """Print the table and the unhealthy sites, log the JSON line; return the exit code."""
        out = out or sys.stdout
        if self.sites:
            print(self.table(), file=out)
        lines = self.unhealthy_lines()
        if lines:
            print("", *lines, sep="\n", file=out)
        self.log_json()
        return self.exit_code


def read_summaries(log_text: str) -> list[dict[str, Any]]:
    """The run summaries logged in ``log_text`` (a run log), oldest first."""
    found = []
    for line in log_text.splitlines():
        at = line.find(f"[{__name__}] INFO: {MARKER}")
        if at >= 0:
            found.append(json.loads(line[line.index(MARKER, at) + len(MARKER):]))
    return found
