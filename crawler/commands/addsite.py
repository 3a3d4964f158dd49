"""``scrapy addsite URL [NAME]``: a site spider from its home page, discovered through Scrapy.

The site is given as a host, ``host:port`` or URL (``genspider.site_address``: ``base_url``
keeps the port, ``allowed_domains`` gets the bare host). A discovery crawl
(``crawler.site_discovery.DiscoverySpider``, run in this process with the project's
User-Agent and robots.txt obeyed, writing nothing: no pipelines, extensions or cache) finds
feeds, sitemaps and section pages and samples article URLs; ``decide`` infers the
declaration. Then, in the same process, the inferred spider is checked with ``checksite``'s
pieces (``limited``, ``SiteReport``, ``CHECK_SETTINGS``: at most ``CHECK_PAGES`` article
pages, the real date window, extraction only) and its sources with their states, the pages
extracted and their word counts are printed with what was decided and why.

Nothing is written when the home page cannot be fetched, no article link was found or the
check finds the spider broken (what ``checksite`` calls a problem): one line with the reason,
exit code 2. ``--dry-run`` checks and prints the spider, writing nothing. Otherwise the spider
file is written to ``NEWSPIDER_MODULE`` (the ``news`` template's conventions), two checked
pages are recorded as ``savefixture`` records them (``SITE_FIXTURES_DIR``; the html the check
crawl decoded), and a test stub (``SITE_TESTS_DIR``) lists the sampled article URLs and the
listing pages and extracts the recorded pages again. An existing spider file is kept unless
``--force``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import re
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.commands.genspider import sanitize_module_name
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler.commands.checksite import CHECK_SETTINGS, MAX_PAGES, SiteReport, limited, problem, render
from crawler.commands.genspider import site_address, write_test_stub
from crawler.commands.savefixture import save_fixture
from crawler.items import ArticlePage
from crawler.page_input import spider_extractor

if TYPE_CHECKING:
    from crawler.site_discovery import SiteDecision

# Forced over the project's settings: discovery stores nothing and records no run
DISCOVERY_SETTINGS = {
    "ITEM_PIPELINES": {},
    "EXTENSIONS": {},
    "SPIDERMON_ENABLED": False,
    "SEEN_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "JOBDIR": None,
    "STATS_DUMP": False,
    "CLOSESPIDER_TIMEOUT": 120,
    "CLOSESPIDER_PAGECOUNT": 0,
}


CHECK_PAGES = MAX_PAGES  # article pages the check of the inferred spider fetches (checksite's default)
FIXTURE_PAGES = 2  # of those, recorded for the test stub


def then(handle: Any, callback: Any) -> Any:
    """Run ``callback()`` when the crawl ``handle`` (a Deferred or an asyncio Task, as the
    crawler process returns) ends; a crawl it returns is waited for by the process too."""
    if handle is None:
        return None
    if hasattr(handle, "addBoth"):
        return handle.addBoth(lambda _result: callback())
    handle.add_done_callback(lambda _task: callback())
    return handle


def load_spider_text(text: str, name: str) -> type:
    """The spider class defined by the module text ``text`` (not written anywhere)."""
    module = types.ModuleType(f"addsite_{sanitize_module_name(name)}")
    exec(compile(text, f"<addsite {name}>", "exec"), module.__dict__)  # noqa: S102 (text we generated)
    return next(v for k, v in vars(module).items() if k.endswith("Spider") and k != "NewsSpider")


def recording(spidercls: type, pages: dict[str, str]) -> type:
    """``spidercls`` keeping the html of each article page it yields in ``pages`` (url -> html)."""

    class Recording(spidercls):  # type: ignore[misc,valid-type]
        def parse_article(self, response: Any) -> Any:
            for item in super().parse_article(response) or ():
                if isinstance(item, ArticlePage):
                    pages[item.url] = item.html
                yield item

    Recording.__name__ = Recording.__qualname__ = spidercls.__name__
    return Recording


def _str(value: str) -> str:
    """A Python literal of ``value``: raw for a regex with backslashes, double-quoted."""
    return f'r"{value}"' if "\\" in value and '"' not in value else json.dumps(value)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_str(v) for v in values) + "]"


def spider_source(name: str, base_url: str, domain: str, decision: SiteDecision) -> str:
    """The spider module's text (the ``news`` template's conventions) for ``decision``."""
    classname = "".join(s.capitalize() for s in sanitize_module_name(name).split("_")) + "Spider"
    lines = [
        f'"""{name}: a news site ({domain}). Created by `scrapy addsite`; see docs/adding-a-site.md."""',
        "",
        "from crawler.spiders.base import NewsSpider",
        "",
        "",
        f"class {classname}(NewsSpider):",
        f"    name = {_str(name)}",
        f"    allowed_domains = [{_str(domain)}]  # bare host names (no scheme, no port); their subdomains pass too",
        f"    base_url = {_str(base_url)}  # scheme, host and port of the site; sources below are paths from its root",
        f"    feeds = {_list(decision.feeds)}",
        f"    sitemaps = {_list(decision.sitemaps)}",
        f"    sections = {_list(decision.sections)}",
    ]
    if decision.section_pagination:
        lines.append(f"    section_pagination = {_list(decision.section_pagination)}")
    if decision.max_entry_age_days is not None:
        lines.append(f"    max_entry_age_days = {decision.max_entry_age_days:g}  # see the reason printed by addsite")
    lines += [f"    article_patterns = {_list(decision.article_patterns)}",
              f"    deny_patterns = {_list(decision.deny_patterns)}", ""]
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] URL [NAME]"

    def short_desc(self) -> str:
        return "Discover a site's feeds, sitemaps, sections and article URL rules; write its spider"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--dry-run", action="store_true", help="print the spider, write nothing")
        parser.add_argument("--force", action="store_true", help="overwrite an existing spider and test stub")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not opts.loglevel and not opts.nolog:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")  # the decision is the output

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) not in (1, 2):
            raise UsageError("give the site's URL (host, host:port or URL) and optionally a spider name",
                             print_help=False)
        base_url, domain, _guessed = site_address(args[0])
        name = args[1] if len(args) == 2 else re.sub(r"\W+", "_", domain.split(".")[0] if not domain[0].isdigit()
                                                     else "site_" + domain).strip("_").lower()
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise UsageError(f"{name!r} is not a valid spider name (letters, digits, _)", print_help=False)
        assert self.crawler_process is not None and self.settings is not None
        target = self._spider_path(name)
        if target.exists() and not (opts.force or opts.dry_run):
            raise UsageError(f"{target} already exists (--force to overwrite)", print_help=False)
        from crawler.site_discovery import DiscoverySpider  # trafilatura: loaded by this command only

        logging.getLogger("scrapy").setLevel(logging.CRITICAL)  # failures are in the observations, said below
        logging.getLogger("crawler.sources").setLevel(logging.CRITICAL)  # the check lists the sources
        self._name, self._base_url, self._domain = name, base_url, domain
        self._outcome: dict[str, Any] = {}
        discovery_settings = self.settings.copy()
        discovery_settings.setdict(DISCOVERY_SETTINGS, priority="cmdline")
        crawler = Crawler(DiscoverySpider, discovery_settings)
        then(self.crawler_process.crawl(crawler, base_url=base_url), lambda: self._check(crawler))
        self.crawler_process.start()
        outcome = self._outcome
        if "refusal" in outcome or "report" not in outcome:
            print(f"addsite: {outcome.get('refusal', 'the check of the inferred spider did not run')}: "
                  "no spider written")
            self.exitcode = 2
            return
        result, pages = outcome["report"].as_dict(), outcome["pages"]
        if not result["healthy"]:
            print(f"addsite: the inferred spider would be broken ({problem(result)}): no spider written")
            self.exitcode = 2
            return
        for reason in outcome["decision"].reasons:
            print(f"# {reason}")
        print("\n".join(f"# {line}" for line in render(result).splitlines()))
        print(f"# word counts: {', '.join(map(str, result['word_counts']))}")
        if opts.dry_run:
            print(outcome["text"], end="")
            return
        self._write(target, outcome, pages, force=bool(opts.force))

    def _check(self, discovery: Crawler) -> Any:
        """After the discovery crawl: decide, and run the inferred spider as ``checksite`` does
        (returns that crawl's handle), or note why not in ``self._outcome``."""
        try:
            return self._start_check(discovery)
        except Exception as exc:  # in a crawl's callback: said as the refusal, never lost in the loop's log
            self._outcome["refusal"] = f"the inferred spider cannot run ({type(exc).__name__}: {exc})"[:300]
            return None

    def _start_check(self, discovery: Crawler) -> Any:
        from crawler.site_discovery import decide

        assert self.crawler_process is not None and self.settings is not None
        spider: Any = discovery.spider
        home = self._base_url + "/"
        if spider is None or (home in spider.observations.failed and home not in spider.observations.pages):
            why = spider.observations.failed.get(home, "?") if spider is not None else "the crawl did not start"
            self._outcome["refusal"] = f"the home page {home} could not be fetched ({why})"
            return None
        decision = decide(spider.observations, self.settings.getfloat("ENTRY_MAX_AGE_DAYS"))
        if not decision.article_patterns:
            self._outcome["refusal"] = (f"no article links found on {self._base_url} (home page, feeds, sitemaps, "
                                        "sections)")
            return None
        text = spider_source(self._name, self._base_url, self._domain, decision)
        spidercls = load_spider_text(text, self._name)
        spidercls.check_config()  # SpiderConfigError: refused, with every problem named
        report, pages = SiteReport(self._name), {}
        check_settings = self.settings.copy()
        check_settings.setdict(CHECK_SETTINGS, priority="cmdline")
        crawler = Crawler(recording(limited(spidercls, CHECK_PAGES), pages), check_settings)
        crawler.signals.connect(report.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(report.item_dropped, signal=signals.item_dropped)

        def done() -> None:
            report.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
            tracker = getattr(crawler.spider, "sources", None)
            if tracker is not None:
                report.sources, report.window_days = tracker.records(), tracker.window_days

        self._outcome.update(decision=decision, text=text, spidercls=spidercls, report=report, pages=pages)
        return then(self.crawler_process.crawl(crawler), done)

    def _write(self, target: Path, outcome: dict[str, Any], pages: dict[str, str], force: bool) -> None:
        """Write the spider, two recorded pages (as ``savefixture``) and the test stub reading them."""
        assert self.settings is not None
        name, spidercls = self._name, outcome["spidercls"]
        extractor = spider_extractor(self.settings, spidercls)
        root = Path(self.settings.get("SITE_FIXTURES_DIR"))
        recorded = []
        for article in outcome["report"].articles:
            if len(recorded) == FIXTURE_PAGES or article.url not in pages:
                continue
            result = extractor.analyse(pages[article.url], article.url)
            if result.drop is None:
                recorded.append(save_fixture(root, name, article.url, pages[article.url], result))
        target.write_text(outcome["text"], encoding="utf-8")
        print(f"Created spider {name!r} in {target}")
        for path in recorded:
            print(f"Recorded {path} (+ .html.gz)")
        decision = outcome["decision"]
        listings = [self._base_url + "/", *(self._base_url + s for s in decision.sections)]
        write_test_stub(self.settings, name, force=force, article_urls=decision.samples[:5], other_urls=listings,
                        fixtures=root, recorded=bool(recorded))
        print(f"Check it with: scrapy checksite {name}")

    def _spider_path(self, name: str) -> Path:
        assert self.settings is not None
        module = importlib.import_module(self.settings.get("NEWSPIDER_MODULE"))
        return Path(module.__path__[0]) / f"{sanitize_module_name(name)}.py"
