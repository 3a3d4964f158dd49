"""``scrapy prune [--dry-run]``: delete what is past its retention (``crawler.retention``).

Run logs, reports, finished JOBDIRs and HTTP-cache entries under the data folder, and the
database's expired duplicates and old runs; never articles. Prints one line per kind (how
many, how old, the bytes of the files); ``--dry-run`` prints the same and deletes nothing.
``scrapy crawlall`` does the same at the end of each run. The database unreachable: one
line naming it, exit 2.
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import operator_errors
from crawler.commands import FollowsDataDir

AGE = {"logs": "not written to for {} days", "reports": "written more than {} days ago",
       "jobdirs": "finished more than {} days ago", "httpcache": "unused for {} days",
       "duplicates": "dropped more than {} days ago", "runs": "started more than {} days ago"}


def format_pruned(pruned: object) -> str:
    """One line per kind: ``logs        3  not written to for 30 days  (1.2 MB)``."""
    from crawler.retention import Pruned

    assert isinstance(pruned, Pruned)
    lines = []
    for kind, count in pruned.counts.items():
        days = pruned.days.get(kind, 0)
        age = AGE[kind].format(f"{days:g}") if days > 0 else "kept forever (retention 0)"
        size = pruned.sizes.get(kind)
        lines.append(f"{kind:<11} {count:>6}  {age}" + (f"  ({size / 1e6:.1f} MB)" if size else ""))
    return "\n".join(lines)


class Command(FollowsDataDir, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # files and the database only: no crawler, no Scrapy startup log
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--dry-run]"

    def short_desc(self) -> str:
        return "Delete logs, reports, finished JOBDIRs, HTTP-cache entries and database rows past their retention"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--dry-run", action="store_true", help="say what would be deleted; delete nothing")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("no positional arguments")
        assert self.settings is not None
        from crawler.preflight import EXIT_CONFIG, Preflight, report_problems
        from crawler.retention import prune

        preflight = Preflight(self.settings, {"database"})
        if preflight.run():
            report_problems("prune", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        pruned = prune(self.settings, dry_run=opts.dry_run)
        print("Would prune (dry run, nothing deleted):" if opts.dry_run else "Pruned:")
        print(format_pruned(pruned))
