"""Per-site health from the site's own crawl events, never from the process's log counts.

Scrapy counts every log line of the process into each running crawler's ``log_count/*``: in a
``crawlall`` run a 500 on one site, and each Spidermon FAIL line, lands in every site's
``log_count/ERROR``. Those counts therefore say nothing about one site and are not used here.

``HealthMiddleware`` (a downloader middleware just outside Scrapy's ``RetryMiddleware``, so it sees
the final outcome of each request, after its retries) counts into the crawler's own stats:

- ``health/responses``: final responses; ``health/http_errors`` and ``health/http_error/<status>``:
  those with a server-side failure status (``SERVER_ERROR_STATUSES``: 5xx, 408, 429). A 404 is
  the site's answer about one page, not a failure of the site.
- ``health/download_errors`` and ``health/download_error/<exception class>``: requests that ended
  without a response (refused connection, DNS failure, timeout…). ``IgnoreRequest`` is a
  decision, never an error: the seen-filter's skips (``incremental/skipped_seen``, shown as
  *seen*), robots.txt, offsite, a page over ``DOWNLOAD_MAXSIZE``.
- ``health/sources`` and ``health/sources_ok``: listing requests (feeds, sitemaps, sections:
  ``meta["source"]``, not ``meta["article"]``) and how many were answered with 2xx/3xx.
- ``health/item_errors``: the ``item_error`` signal (an exception in an item pipeline);
  ``health/spider_errors``: the ``spider_error`` signal (an exception in a spider callback).

``assess(stats, max_error_rate, min_requests)`` judges one site's final stats (``Health``).
A site is unhealthy, each with a one-line reason, when:

- its crawl did not start, or did not finish (``finish_reason`` other than ``finished``);
  Redis unavailable (``crawler.redis_health.FINISH_REASON``) is a service error (``service``);
- every request failed (no answer but server errors and download errors), when they include
  its sources or number ``min_requests`` (a worker's share of a site may be one bad page);
- none of its listing sources answered;
- with at least ``min_requests`` requests, its errors (``health/http_errors`` +
  ``health/download_errors`` + ``health/spider_errors`` + ``health/item_errors``) per request
  passed ``max_error_rate``;
- one of its Spidermon checks failed (``crawler.monitors``: ``health/check_failed/<name>``
  holds the check's message), other than the error-rate check, which applies the rule above.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:  # light at import: command modules load this when Scrapy lists its commands
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

SERVER_ERROR_STATUSES = frozenset({408, 429})  # besides 5xx: the site failed to answer
ERROR_RATE_CHECK = "error rate"  # the Spidermon check that applies this module's error rule
FAILED_CHECK_PREFIX = "health/check_failed/"
REDIS_STOP = "redis_unavailable"  # crawler.redis_health.FINISH_REASON (that module imports Redis)


def is_server_error(status: int) -> bool:
    """True for statuses that say the site failed to answer (5xx, 408, 429)."""
    return status >= 500 or status in SERVER_ERROR_STATUSES


class HealthMiddleware:
    """Downloader middleware counting a crawler's final responses and download errors, and
    (through its signals) its item and spider errors, under ``health/*`` in its own stats."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthMiddleware:
        mw = cls(crawler.stats)
        crawler.signals.connect(mw.item_error, signal=signals.item_error)
        crawler.signals.connect(mw.spider_error, signal=signals.spider_error)
        return mw

    @staticmethod
    def _is_source(request: Request) -> bool:
        return bool(request.meta.get("source")) and not request.meta.get("article")

    def process_response(self, request: Request, response: Response) -> Response:
        self.stats.inc_value("health/responses")
        if is_server_error(response.status):
            self.stats.inc_value("health/http_errors")
            self.stats.inc_value(f"health/http_error/{response.status}")
        if self._is_source(request):
            self.stats.inc_value("health/sources")
            if response.status < 400:
                self.stats.inc_value("health/sources_ok")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):  # a decision (seen, robots, offsite, too large)
            return None
        self.stats.inc_value("health/download_errors")
        self.stats.inc_value(f"health/download_error/{exception.__class__.__name__}")
        if self._is_source(request):
            self.stats.inc_value("health/sources")
        return None

    def item_error(self, item: Any, response: Any, failure: Any, spider: Any = None) -> None:
        self.stats.inc_value("health/item_errors")

    def spider_error(self, failure: Any, response: Any, spider: Any = None) -> None:
        self.stats.inc_value("health/spider_errors")


def _n(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def error_kinds(stats: Mapping[str, Any]) -> dict[str, int]:
    """This site's errors by kind: ``http500``, ``download:ConnectionRefusedError``, ``item``, ``spider``."""
    kinds: dict[str, int] = {}
    for key, value in stats.items():
        if not isinstance(value, int) or not value:
            continue
        if key.startswith("health/http_error/"):
            kinds[f"http{key.rsplit('/', 1)[-1]}"] = value
        elif key.startswith("health/download_error/"):
            kinds[f"download:{key.rsplit('/', 1)[-1]}"] = value
    for kind in ("item", "spider"):
        if _n(stats, f"health/{kind}_errors"):
            kinds[kind] = _n(stats, f"health/{kind}_errors")
    return dict(sorted(kinds.items()))


def error_count(stats: Mapping[str, Any]) -> int:
    """Errors of this site's run: server-error responses, download errors, item and spider errors."""
    return sum(_n(stats, f"health/{k}") for k in ("http_errors", "download_errors", "item_errors", "spider_errors"))


def requests_made(stats: Mapping[str, Any]) -> int:
    """Requests that got a final answer or a final download error (seen-skips are not requests)."""
    return _n(stats, "health/responses") + _n(stats, "health/download_errors")


def error_problem(stats: Mapping[str, Any], max_error_rate: float, min_requests: int) -> str | None:
    """Why this site's errors make it unhealthy (one line), or None."""
    made, errors = requests_made(stats), error_count(stats)
    kinds = ", ".join(f"{k}={v}" for k, v in error_kinds(stats).items())
    sources = _n(stats, "health/sources")
    answered = _n(stats, "health/responses") - _n(stats, "health/http_errors")
    if made and not answered and (sources or made >= min_requests):  # a worker's share may be 1 bad page
        return f"every request failed: {made} of {made} ({kinds})"
    if sources and not _n(stats, "health/sources_ok"):
        return f"no source answered: {sources} feed/sitemap/section requests failed ({kinds or 'HTTP 4xx'})"
    if made >= max(1, min_requests) and errors / made > max_error_rate:
        return f"{errors} errors in {made} requests, over {max_error_rate:.0%} ({kinds})"
    return None


@dataclass(frozen=True)
class Health:
    """One site's verdict: ``healthy``, the reasons when not, and ``service`` when the cause is a
    service the run depends on (Redis), not the site."""

    healthy: bool
    reasons: list[str] = field(default_factory=list)
    service: bool = False


def failed_checks(stats: Mapping[str, Any]) -> dict[str, str]:
    """{check name: message} of the Spidermon checks that failed (``crawler.monitors.ResultsToStats``)."""
    return {k[len(FAILED_CHECK_PREFIX):]: str(v) for k, v in sorted(stats.items()) if k.startswith(FAILED_CHECK_PREFIX)}


def assess(stats: Mapping[str, Any], max_error_rate: float, min_requests: int) -> Health:
    """The health of one site from its run's final stats (see the module's rules)."""
    reason = stats.get("finish_reason")
    if not reason:
        return Health(False, ["did not start"])
    if reason == REDIS_STOP:
        return Health(False, [f"stopped: Redis unavailable ({stats.get('redis/unavailable', '?')})"], service=True)
    reasons = [] if reason == "finished" else [f"did not finish ({reason})"]
    problem = error_problem(stats, max_error_rate, min_requests)
    if problem:
        reasons.append(problem)
    reasons += [f"check failed: {name}: {message}" for name, message in failed_checks(stats).items()
                if name != ERROR_RATE_CHECK]
    return Health(not reasons, reasons)


def assess_with(stats: Mapping[str, Any], settings: Any) -> Health:
    """``assess`` with the limits of ``settings`` (``CRAWLALL_MAX_ERROR_RATE``, ``HEALTH_MIN_REQUESTS``)."""
    return assess(stats, settings.getfloat("CRAWLALL_MAX_ERROR_RATE"), settings.getint("HEALTH_MIN_REQUESTS"))
