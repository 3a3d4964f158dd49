"""``scrapy checksite NAME`` against the offline demo network: discovery and extraction health,
and nothing written (no index, database, cache or seen-store)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader

from demo.network import DemoNetwork
from demo.publishers import PUBLISHERS
from tests.conftest import project_settings
from tests.crawl import scrapy

SPIDERS = tuple(sorted(p.slug for p in PUBLISHERS))  # one demo spider per publisher, same name


def declared_sources(spider: str) -> tuple[str, ...]:
    """The kinds of source (feed, sitemap, section) the spider declares: each must find article URLs."""
    cls = get_spider_loader(Settings(project_settings())).load(spider)
    kinds = (("feed", cls.feeds), ("sitemap", cls.sitemaps), ("section", cls.sections))
    return tuple(kind for kind, urls in kinds if urls)


@pytest.fixture(scope="module")
def network() -> Any:
    with DemoNetwork() as net:
        yield net


def checksite(tmp: Path, net: Any, *args: str) -> tuple[int, str, str]:
    proc = scrapy(["checksite", *args], tmp, {"DEMO_SITE_URLS": net.urls()}, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("spider", SPIDERS)
def test_demo_site_is_healthy(spider: str, network: Any, tmp_path: Path) -> None:
    code, out, err = checksite(tmp_path, network, spider, "--max-pages", "4", "--json")
    assert code == 0, out + err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["site"] == spider and report["healthy"]
    assert declared_sources(spider)
    for source in declared_sources(spider):
        assert report["article_urls_found"][source] > 0, report
    assert 1 <= report["pages_fetched"] <= 4 and report["pages_extracted"] >= 1
    assert report["median_words"] > 50
    assert set(report["missing"]) == {"title", "published", "author"}
    assert not (tmp_path / "data").exists()  # no database, index, cache or seen-store written


def test_section_pages_linked_without_rel_next(network: Any, tmp_path: Path) -> None:
    # lakeside_ledger's "Older stories" links carry no rel=next: its section_pagination follows them
    code, out, err = checksite(tmp_path, network, "lakeside_ledger", "--max-pages", "1", "--json")
    assert code == 0, out + err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    first_page = next(p for p in PUBLISHERS if p.slug == "lakeside_ledger").per_page
    assert report["article_urls_found"]["section"] > first_page, report


def test_text_report(network: Any, tmp_path: Path) -> None:
    code, out, _err = checksite(tmp_path, network, "northern_wire", "--max-pages", "2")
    assert code == 0
    assert "== northern_wire: OK" in out and "article URLs found: feed" in out
    assert "pages extracted:    2 of 2 fetched" in out


def test_broken_site_reports_problem_and_fails(network: Any, tmp_path: Path) -> None:
    # harbor_gazette pointed at another publisher: its feed and section are 404s, no article URL
    wrong = network.urls()["metro_daily"]
    code, out, _err = checksite(tmp_path, network, "harbor_gazette", "-a", f"base_url={wrong}", "--max-pages", "2")
    assert code == 1
    assert "PROBLEM" in out and "no article URL found" in out


def test_unknown_spider(network: Any, tmp_path: Path) -> None:
    code, _out, err = checksite(tmp_path, network, "no_such_site")
    assert code != 0 and "no spider named 'no_such_site'" in err
