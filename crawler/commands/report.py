"""``scrapy report``: what deduplication dropped, per run and site, for review.

Scope: the last ``REPORT_DAYS`` days (``--days N`` another window, ``--all`` everything; ``--run``
or ``--since`` instead of a window), newest first, the site health panel before the clusters.
``--format html`` (default) writes one self-contained HTML file (default
``DATA_DIR/reports/report-<UTC time>.html``) and prints its path; ``json`` (see
``crawler/report/schema.json``) and ``csv`` (one row per dropped copy) go to stdout unless ``-o``.
The database unreachable: one line naming it, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import operator_errors
from crawler.commands import FollowsDataDir
from crawler.preflight import EXIT_CONFIG, Preflight, report_problems
from crawler.report.data import ReportQuery, parse_since
from crawler.report.render import FORMATS


def default_report_path(data_dir: str, now: datetime | None = None) -> Path:
    """``DATA_DIR/reports/report-<UTC time>.html``."""
    return Path(data_dir) / "reports" / f"report-{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}.html"


def write_report(settings: Any, query: ReportQuery, fmt: str, path: Path | None) -> str:
    """Build the report from ``settings``' database and render it; write it to ``path`` if given.
    A ``query`` without a run, a start time or ``days`` covers the last ``REPORT_DAYS`` days."""
    from crawler.report.data import Thresholds, build_report
    from crawler.report.render import render
    from pipelines.storage.store import open_store  # SQLAlchemy: imported when a report is built

    store = open_store(settings.get("DATABASE_URL"))
    model = build_report(store, query, Thresholds.from_settings(settings),
                         default_days=settings.getfloat("REPORT_DAYS"))
    output = render(model, fmt)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    return output


class Command(FollowsDataDir, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # reads storage only: no crawler, no Scrapy startup log
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Report what deduplication dropped (HTML, JSON or CSV)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        # Help texts hold no colon: Scrapy's help formatter takes a wrapped line ending in one for a heading.
        parser.add_argument("--run", help="a run id, or 'last' (the runs of the latest crawl process)")
        parser.add_argument("--since", help="only from this time on, an ISO date/time (UTC unless stated) or 36h, 7d")
        parser.add_argument("--days", type=float, metavar="N",
                            help="only the last N days (default REPORT_DAYS, 7); 0 means everything")
        parser.add_argument("--all", action="store_true", help="every run ever recorded (same as --days 0)")
        parser.add_argument("--site", help="only this site (as the copy's or the kept article's site)")
        parser.add_argument("--format", choices=FORMATS, default="html", help="html (default), json or csv")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="write the report to FILE ('-' for stdout); html goes to "
                                 "DATA_DIR/reports/report-<time>.html by default")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("no positional arguments")
        if opts.run and opts.run != "last" and not opts.run.isdigit():
            raise UsageError("--run takes a run id or 'last'")
        try:
            since = parse_since(opts.since) if opts.since else None
        except ValueError as exc:
            raise UsageError(f"--since: {exc}") from exc
        if opts.days is not None and opts.days < 0:
            raise UsageError("--days takes a number of days >= 0")
        if opts.all and opts.days:
            raise UsageError("give --all or --days, not both")
        assert self.settings is not None
        preflight = Preflight(self.settings, {"database"})
        if preflight.run():
            report_problems("report", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        query = ReportQuery(run=opts.run, since=since, site=opts.site, days=0.0 if opts.all else opts.days)
        path = Path(opts.output) if opts.output and opts.output != "-" else None
        if path is None and opts.format == "html" and opts.output != "-":
            path = default_report_path(self.settings.get("DATA_DIR"))
        output = write_report(self.settings, query, opts.format, path)
        if path is None:
            sys.stdout.write(output)
        else:
            print(f"Report written: {path}")
