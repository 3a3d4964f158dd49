"""``scrapy genspider``: the project's ``news`` template (spider + test stub), built-ins still there;
a site given as host, host:port or URL gets a consistent ``base_url`` and ``allowed_domains`` (a
generated spider crawls a loopback server with nothing offsite); ``scrapy savefixture`` records a
page. Everything is written to a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from crawler.commands.genspider import site_address
from crawler.commands.savefixture import load_fixture
from tests.conftest import ROOT
from tests.httpserver import RouteServer
from tests.test_bad_input import ARTICLE


def scrapy(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp}", "SCRAPY_PROJECT": "test",
           "NEWSDEDUP_DATA_DIR": str(tmp / "data")}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_list_shows_builtin_and_news_templates(tmp_path: Path) -> None:
    proc = scrapy(tmp_path, "genspider", "-l")
    assert proc.returncode == 0, proc.stderr
    assert {"basic", "crawl", "csvfeed", "xmlfeed", "news"} <= set(proc.stdout.split())


def test_news_template_writes_a_valid_spider_and_a_test_stub(tmp_path: Path) -> None:
    (tmp_path / "tmpsites").mkdir()
    (tmp_path / "tmpsites" / "__init__.py").write_text("")
    out = scrapy(tmp_path, "genspider", "-t", "news", "-s", "NEWSPIDER_MODULE=tmpsites",
                 "-s", f"SITE_TESTS_DIR={tmp_path / 'tests'}", "daily_planet", "news.planet.example")
    assert out.returncode == 0, out.stderr
    spider = tmp_path / "tmpsites" / "daily_planet.py"
    stub = tmp_path / "tests" / "test_daily_planet.py"
    assert spider.exists() and stub.exists(), out.stdout
    assert "savefixture daily_planet" in out.stdout
    check = subprocess.run(
        [sys.executable, "-c", "from tmpsites.daily_planet import DailyPlanetSpider as S; "
         "print(S.name, S.allowed_domains, S.config_problems())"],
        env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}, capture_output=True, text=True)
    assert check.stdout.split("\n")[0] == "daily_planet ['news.planet.example'] []", check.stderr
    # the stub runs; its only failure is the missing recorded page, with the command to record one
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(stub)], cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"},
                           capture_output=True, text=True, timeout=120)
    assert "1 failed, 1 passed" in tests.stdout, tests.stdout[-2000:]
    assert "scrapy savefixture daily_planet ARTICLE_URL" in tests.stdout
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(spider), str(stub)],
                          cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode in (0, 1) and "E501" not in lint.stdout, lint.stdout
    # an existing spider is not overwritten and gets no second stub
    again = scrapy(tmp_path, "genspider", "-t", "news", "-s", "NEWSPIDER_MODULE=tmpsites", "-s",
                   f"SITE_TESTS_DIR={tmp_path / 'tests2'}", "harbor_gazette", "harbor.example")
    assert "already exists" in again.stdout and not (tmp_path / "tests2").exists()


def test_builtin_template_still_works(tmp_path: Path) -> None:
    (tmp_path / "tmpsites").mkdir()
    (tmp_path / "tmpsites" / "__init__.py").write_text("")
    out = scrapy(tmp_path, "genspider", "-t", "basic", "-s", "NEWSPIDER_MODULE=tmpsites",
                 "-s", f"SITE_TESTS_DIR={tmp_path / 'tests'}", "plain", "plain.example")
    assert out.returncode == 0 and (tmp_path / "tmpsites" / "plain.py").exists(), out.stdout + out.stderr
    assert not (tmp_path / "tests").exists()  # no stub for non-news spiders


def test_savefixture_records_page_and_fields(tmp_path: Path) -> None:
    page = ROOT / "tests" / "pages" / "article.html"
    url = "https://news.example/2026/11/02/a-story"
    out = scrapy(tmp_path, "savefixture", "--file", str(page), "--dir", str(tmp_path / "fx"), "feed_site", url,
                 "-s", "SPIDER_MODULES=crawler.spiders,tests.spiders")
    assert out.returncode == 0, out.stdout + out.stderr
    record, html = load_fixture(tmp_path / "fx" / "feed_site" / "02-a-story.json")
    assert record["url"] == url and record["spider"] == "feed_site"
    assert set(record["fields"]) == {"title", "text", "authors", "published", "language", "canonical_url"}
    assert record["fields"]["title"] and len(record["fields"]["text"].split()) > 40
    assert html == page.read_text(encoding="utf-8") or "<html" in html.lower()


@pytest.mark.parametrize(("target", "base_url", "domain"), [
    ("127.0.0.2", "http://127.0.0.2", "127.0.0.2"),  # an IP address: plain HTTP
    ("127.0.0.2:8081", "http://127.0.0.2:8081", "127.0.0.2"),
    ("localhost:8000", "http://localhost:8000", "localhost"),
    ("news.planet.example", "https://news.planet.example", "news.planet.example"),  # a host name: HTTPS
    ("news.planet.example:8443", "http://news.planet.example:8443", "news.planet.example"),
    ("planet.example:443", "https://planet.example", "planet.example"),
    ("http://news.planet.example:8081/world/", "http://news.planet.example:8081", "news.planet.example"),
    ("https://www.Planet.example/", "https://www.planet.example", "planet.example"),  # www.: the site's domain
    ("http://planet.example:80", "http://planet.example", "planet.example"),
    ("[::1]:8080", "http://[::1]:8080", "::1"),
])
def test_site_address(target: str, base_url: str, domain: str) -> None:
    assert site_address(target)[:2] == (base_url, domain)


@pytest.mark.parametrize("target", ["ftp://planet.example", "http://", "planet.example:port", ""])
def test_site_address_refuses(target: str) -> None:
    with pytest.raises(UsageError):
        site_address(target)


def generate_and_check(tmp_path: Path, name: str, target: str, site: RouteServer) -> dict:
    """Generate spider ``name`` for ``target`` and run ``checksite`` on it against ``site``."""
    (tmp_path / "tmpsites").mkdir(exist_ok=True)
    (tmp_path / "tmpsites" / "__init__.py").write_text("")
    out = scrapy(tmp_path, "genspider", "-t", "news", "-s", "NEWSPIDER_MODULE=tmpsites",
                 "-s", f"SITE_TESTS_DIR={tmp_path / 'tests'}", name, target)
    assert out.returncode == 0, out.stdout + out.stderr
    check = scrapy(tmp_path, "checksite", name, "-s", "SPIDER_MODULES=tmpsites", "--max-pages", "1", "--json")
    assert check.returncode == 0, check.stdout + check.stderr[-2000:]
    return json.loads(check.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("form", ["host:port", "URL"])
def test_generated_spider_crawls_its_site(form: str, tmp_path: Path) -> None:
    story = "/2026/01/02/bridge-reopens"
    rss = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><link>{story}</link>"
           f"<pubDate>{format_datetime(datetime.now(UTC) - timedelta(hours=1))}</pubDate></item></channel></rss>")
    routes = {"/rss.xml": (200, "application/rss+xml", rss.encode()), story: (200, "text/html", ARTICLE)}
    with RouteServer(routes) as site:
        port = site.base_url.rsplit(":", 1)[1]
        target = f"127.0.0.1:{port}" if form == "host:port" else f"http://localhost:{port}/news/"
        report = generate_and_check(tmp_path, "port_site", target, site)
    spider = (tmp_path / "tmpsites" / "port_site.py").read_text()
    host = "127.0.0.1" if form == "host:port" else "localhost"
    assert f'allowed_domains = ["{host}"]' in spider and f'base_url = "http://{host}:{port}"' in spider
    assert report["healthy"] and report["offsite_articles"] == 0, report
    assert [s["description"] for s in report["sources"]] == ["ok (1 entries, 1 new)"]
    assert report["pages_extracted"] == 1
