"""``scrapy addsite URL [NAME]``: a site spider from its home page, discovered through Scrapy.

The site is given as a host, ``host:port`` or URL (``genspider.site_address``: ``base_url``
keeps the port, ``allowed_domains`` gets the bare host). A discovery crawl
(``crawler.site_discovery.DiscoverySpider``, run in this process with the project's
User-Agent and robots.txt obeyed, writing nothing: no pipelines, extensions or cache) finds
feeds, sitemaps and section pages and samples article URLs; ``decide`` infers the
declaration. The spider file is written to ``NEWSPIDER_MODULE`` with the ``news`` template's
conventions, with its test stub (``SITE_TESTS_DIR``) listing the sampled article URLs and the
listing pages; what was decided and why is printed. ``--dry-run`` prints the spider and
writes nothing. When no article link was found, nothing is written: one line, exit code 2.
An existing spider file is kept unless ``--force``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.commands.genspider import sanitize_module_name
from scrapy.exceptions import UsageError

from crawler.commands.genspider import site_address, write_test_stub

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
        self.settings.setdict(DISCOVERY_SETTINGS, priority="cmdline")
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
        from crawler.site_discovery import DiscoverySpider, decide  # trafilatura: loaded by this command only

        logging.getLogger("scrapy").setLevel(logging.CRITICAL)  # failures are in the observations, said below
        crawler = self.crawler_process.create_crawler(DiscoverySpider)
        self.crawler_process.crawl(crawler, base_url=base_url)
        self.crawler_process.start()
        spider: Any = crawler.spider
        home = spider.observations.failed.get(base_url + "/")
        if home is not None and base_url + "/" not in spider.observations.pages:
            print(f"addsite: the home page {base_url}/ could not be fetched ({home}): no spider written")
            self.exitcode = 2
            return
        decision = decide(spider.observations, self.settings.getfloat("ENTRY_MAX_AGE_DAYS"))
        if not decision.article_patterns:
            print(f"addsite: no article links found on {base_url} (home page, feeds, sitemaps, sections): "
                  "no spider written")
            self.exitcode = 2
            return
        text = spider_source(name, base_url, domain, decision)
        for reason in decision.reasons:
            print(f"# {reason}")
        if opts.dry_run:
            print(text, end="")
            return
        target.write_text(text, encoding="utf-8")
        print(f"Created spider {name!r} in {target}")
        listings = [base_url + "/", *(base_url + s for s in decision.sections)]
        write_test_stub(self.settings, name, force=bool(opts.force), article_urls=decision.samples[:5],
                        other_urls=listings)
        print(f"Check it with: scrapy checksite {name}")

    def _spider_path(self, name: str) -> Path:
        assert self.settings is not None
        module = importlib.import_module(self.settings.get("NEWSPIDER_MODULE"))
        return Path(module.__path__[0]) / f"{sanitize_module_name(name)}.py"
