"""The report's site health panel: one line per site, from its runs in the selection.

Each line sums the site's runs (the ``runs`` section's entries, built from each run's final
per-spider stats in the ``runs`` table): responses downloaded, errors, articles stored, pages
dropped as duplicates, pages refused by extraction. It also says whether the site's latest run
was healthy: it finished (Scrapy's finish reason ``finished``) and none of its run-health checks
(Spidermon, ``crawler/monitors.py``) failed. Unhealthy sites come first, then by name.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipelines.drops import DUPLICATE, RECRAWL, kinds

# drop kinds that are the dedup stage's: copies of stored articles (late merges included), and
# re-crawls of pages already stored or dropped; every other kind is a refusal
DUPLICATE_KINDS = kinds(DUPLICATE, RECRAWL)


def _failed_checks(run: dict[str, Any]) -> list[str]:
    return sorted(name for name, state in run["monitors"].items() if state == "failed")


def site_health(run_entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per site: ``runs``, ``responses``, ``errors``, ``stored``, ``dropped`` (duplicates),
    ``rejected`` (every other drop reason), the latest run (``last_run_id``, ``last_run_at``,
    ``last_finish_reason``), ``failed_runs`` (not finished), ``failed_checks`` ({check: runs in
    which it failed}) and ``healthy`` (the latest run finished and passed its checks).

    ``run_entries``: the report's runs, any order (the latest run of a site is its highest id)."""
    sites: dict[str, dict[str, Any]] = {}
    for run in sorted(run_entries, key=lambda r: r["id"], reverse=True):
        site = sites.get(run["spider"])
        if site is None:
            site = sites[run["spider"]] = {
                "site": run["spider"], "runs": 0, "responses": 0, "errors": 0, "stored": 0, "dropped": 0,
                "rejected": 0, "last_run_id": run["id"], "last_run_at": run["started_at"],
                "last_finish_reason": run["finish_reason"], "failed_runs": 0, "failed_checks": Counter(),
                "healthy": run["finish_reason"] == "finished" and not _failed_checks(run),
            }
        site["runs"] += 1
        site["responses"] += run["fetched"]
        site["errors"] += sum(run["errors"].values())
        site["stored"] += run["stored"]
        for kind, count in run["dropped"].items():
            site["dropped" if kind in DUPLICATE_KINDS else "rejected"] += count
        site["failed_runs"] += run["finish_reason"] != "finished"
        site["failed_checks"].update(_failed_checks(run))
    panel = [{**s, "failed_checks": dict(sorted(s["failed_checks"].items()))} for s in sites.values()]
    return sorted(panel, key=lambda s: (s["healthy"], s["site"]))
