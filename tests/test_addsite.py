"""``scrapy addsite``: from a demo publisher's home page (each with its own URL scheme and
sources, served on loopback) a spider whose ``article_patterns`` accept every article URL the
hand-written demo spider accepts (its ground truth less the pages that are no article) and no
listing page, with two recorded pages and a test stub that passes as written (metro_daily and
lakeside_ledger have no feed); ``--dry-run`` checks and writes nothing; a host:port keeps its
port in ``base_url`` only; a site whose only source is a section page; a site without article
links gets one line and exit code 2, and no file (more in test_addsite_sources.py)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from crawler.site_discovery import infer_patterns
from crawler.spiders.harbor_gazette import HarborGazetteSpider
from crawler.spiders.lakeside_ledger import LakesideLedgerSpider
from crawler.spiders.metro_daily import MetroDailySpider
from crawler.spiders.northern_wire import NorthernWireSpider
from crawler.spiders.valley_courier import ValleyCourierSpider
from demo.network import DemoNetwork
from tests.conftest import ROOT, demo_network_settings
from tests.crawl import run_spider
from tests.groundtruth import table
from tests.httpserver import RouteServer

HAND_WRITTEN = {spider.name: spider for spider in (HarborGazetteSpider, MetroDailySpider, ValleyCourierSpider,
                                                    NorthernWireSpider, LakesideLedgerSpider)}


@pytest.fixture(scope="module")
def net() -> Iterator[DemoNetwork]:
    with DemoNetwork() as network:
        yield network


NOW = datetime.now(UTC).replace(microsecond=0)


def article(title: str) -> bytes:
    """An article page the extraction stage keeps (a title, a date and a few paragraphs)."""
    words = title.replace("-", " ")
    paragraphs = "".join(
        f"<p>Paragraph {n} of the report on {words}: residents, officials and local traders described what "
        f"changed this week, what it will cost the town over the coming years and who decided it.</p>"
        for n in range(1, 6))
    return (f'<html><head><title>{words}</title><meta property="article:published_time" content="{NOW.isoformat()}">'
            f'</head><body><article><h1>{words}</h1>{paragraphs}</article></body></html>').encode()


def addsite(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp / "tmpsites").mkdir(exist_ok=True)
    (tmp / "tmpsites" / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp}", "SCRAPY_PROJECT": "test",
           "NEWSDEDUP_DATA_DIR": str(tmp / "data")}
    return subprocess.run([sys.executable, "-m", "scrapy", "addsite", "-s", "NEWSPIDER_MODULE=tmpsites",
                           "-s", f"SITE_TESTS_DIR={tmp / 'tests'}",
                           "-s", f"SITE_FIXTURES_DIR={tmp / 'tests' / 'fixtures'}", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def run_stub(tmp: Path, name: str) -> subprocess.CompletedProcess:
    """pytest on the test stub addsite wrote (``tmp/tests/test_<name>.py``), as written."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp}"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                           str(tmp / "tests" / f"test_{name}.py")], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=180)


def load_spider(path: Path) -> type:
    spec = importlib.util.spec_from_file_location(f"generated_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(v for k, v in vars(module).items() if k.endswith("Spider") and k != "NewsSpider")


@pytest.mark.parametrize("slug", sorted(HAND_WRITTEN))
def test_generated_patterns_match_the_articles_and_no_listing(slug: str, net: DemoNetwork, tmp_path: Path) -> None:
    base = net.base_url(slug)
    out = addsite(tmp_path, base, f"gen_{slug}")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    spider = load_spider(tmp_path / "tmpsites" / f"gen_{slug}.py")
    assert spider.config_problems() == []
    assert spider.base_url == base and spider.allowed_domains == ["127.0.0.1"]
    recorded = sorted((tmp_path / "tests" / "fixtures" / f"gen_{slug}").glob("*.json"))
    assert len(recorded) == 2, out.stdout
    stub = run_stub(tmp_path, f"gen_{slug}")
    assert stub.returncode == 0 and "passed" in stub.stdout, stub.stdout + stub.stderr
    hand = HAND_WRITTEN[slug]
    articles = [page["url"] for page in net.ground_truth() if page["site"] == slug
                and page["expect"] != "drop_not_article" and hand.article_pattern_match(page["url"])]
    assert len(articles) >= 5
    missed = [url for url in articles if not spider.article_pattern_match(url)]
    assert not missed, (spider.article_patterns, missed)
    not_articles = [page["url"] for page in net.ground_truth() if page["site"] == slug
                    and page["expect"] == "drop_not_article"]
    listings = [base + "/", *(base + s for s in (*hand.sections, *hand.feeds, *hand.sitemaps, *spider.sections)),
                *not_articles]
    wrong = [url for url in listings if spider.article_pattern_match(url)]
    assert not wrong, (spider.article_patterns, wrong)
    assert spider.feeds or spider.sitemaps or spider.sections


def test_dry_run_prints_the_spider_and_writes_nothing(net: DemoNetwork, tmp_path: Path) -> None:
    out = addsite(tmp_path, "--dry-run", net.base_url("valley_courier"), "courier")
    assert out.returncode == 0, out.stderr
    assert "class CourierSpider(NewsSpider):" in out.stdout and 'feeds = ["/atom.xml"]' in out.stdout
    assert "# sitemap /sitemap-news.xml" in out.stdout  # why: the sitemap robots.txt announces
    assert sorted(p.name for p in (tmp_path / "tmpsites").iterdir()) == ["__init__.py"]
    assert not (tmp_path / "tests").exists()


def test_host_and_port_keep_the_port_in_base_url_only(net: DemoNetwork, tmp_path: Path) -> None:
    port = net.base_url("northern_wire").rsplit(":", 1)[1]
    out = addsite(tmp_path, f"127.0.0.1:{port}", "wire")
    assert out.returncode == 0, out.stdout + out.stderr
    spider = load_spider(tmp_path / "tmpsites" / "wire.py")
    assert spider.base_url == f"http://127.0.0.1:{port}" and spider.allowed_domains == ["127.0.0.1"]
    assert spider.feeds == ["/rss"] and spider.sections == ["/latest"]


def test_refuses_a_site_without_article_links(tmp_path: Path) -> None:
    home = b"<html><head><title>Hi</title></head><body><p>Nothing to read here.</p></body></html>"
    with RouteServer({"/": (200, "text/html", home)}) as server:
        out = addsite(tmp_path, server.base_url, "empty")
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stdout.strip().count("\n") == 0 and "no article links found" in out.stdout
    assert "Traceback" not in out.stderr
    assert sorted(p.name for p in (tmp_path / "tmpsites").iterdir()) == ["__init__.py"]
    assert not (tmp_path / "tests").exists()


@pytest.mark.parametrize("slug", sorted(HAND_WRITTEN))
def test_generated_spider_stores_what_the_hand_written_one_stores(slug: str, tmp_path: Path,
                                                                   redis_client: redis.Redis) -> None:
    stored = {}
    with demo_network_settings(tmp_path / "hand.sqlite3", redis_client) as (net, settings):
        out = addsite(tmp_path, net.base_url(slug), f"gen_{slug}")
        assert out.returncode == 0, out.stdout + out.stderr
        for label, spider in (("hand", slug), ("gen", str(tmp_path / "tmpsites" / f"gen_{slug}.py"))):
            run_settings = {**settings, "DATABASE_URL": f"sqlite:///{tmp_path / label}.sqlite3",
                            "DEDUP_KEY_PREFIX": f"{settings['DEDUP_KEY_PREFIX']}-{label}"}
            run_spider(spider, tmp_path / label, run_settings)
            stored[label] = {row["url"] for row in table(run_settings["DATABASE_URL"], "articles")}
            clear_prefix(redis_client, run_settings["DEDUP_KEY_PREFIX"])
    assert stored["hand"], "the hand-written spider stored nothing"
    assert stored["gen"] == stored["hand"], (stored["gen"] - stored["hand"], stored["hand"] - stored["gen"])


def clear_prefix(client: redis.Redis, prefix: str) -> None:
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def test_a_site_whose_only_source_is_a_section_page(tmp_path: Path) -> None:
    slugs = ["mayor-opens-the-new-bridge", "school-board-votes-on-budget", "storm-closes-the-coast-road",
             "library-extends-its-hours"]
    listing = "".join(f'<li><a href="/local/2026/11/{i + 10}/{s}">{s}</a></li>' for i, s in enumerate(slugs))
    nav = '<nav><a href="/local/">Local</a> <a href="/about">About</a></nav>'
    extra = '<a href="/video/harbour-fireworks-in-slow-motion">Video</a> <a href="/tag/harbour">Harbour</a>'
    routes = {"/": (200, "text/html", f"<html><body>{nav}<p>Welcome</p></body></html>".encode()),
              **{f"/local/2026/11/{i + 10}/{s}": (200, "text/html", article(s)) for i, s in enumerate(slugs)},
              "/local/": (200, "text/html", f"<html><body>{nav}<ul>{listing}</ul>{extra}</body></html>".encode()),
              "/about": (200, "text/html", f"<html><body>{nav}<p>About us</p></body></html>".encode())}
    with RouteServer(routes) as server:
        out = addsite(tmp_path, "--dry-run", server.base_url, "local")
        agents = {headers.get("User-Agent", "") for _path, headers in server.requests}
    assert out.returncode == 0, out.stdout + out.stderr
    assert agents and all(agent.startswith("newsdedup/") for agent in agents), agents  # the project's User-Agent
    assert 'sections = ["/local/"]' in out.stdout and "feeds = []" in out.stdout and "sitemaps = []" in out.stdout
    assert r'article_patterns = [r"/local/\d{4}/\d{2}/\d{2}/[^/]+$"]' in out.stdout
    assert r'deny_patterns = ["/tag/", "/video/"]' in out.stdout
    assert "# section /local/: lists 4 article links" in out.stdout
    assert "/local/  ok (" in out.stdout and "# pages extracted:    4 of 4 fetched" in out.stdout  # checked

    # robots.txt is obeyed: with the section disallowed, it is never fetched and no spider is written
    routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nDisallow: /local/\n")
    with RouteServer(routes) as server:
        out = addsite(tmp_path, server.base_url, "local")
        assert "/local/" not in server.hits
    assert out.returncode == 2 and "no article links found" in out.stdout, out.stdout + out.stderr


def test_bad_input_gets_one_line_and_no_file(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = addsite(tmp_path, f"127.0.0.1:{port}", "nowhere")
    assert out.returncode == 2 and "could not be fetched" in out.stdout, out.stdout + out.stderr
    assert out.stdout.strip().count("\n") == 0 and "Traceback" not in out.stderr
    for args, message in (("ftp://x.example", "must start with http"), ("x.example 9bad", "not a valid spider name")):
        out = addsite(tmp_path, *args.split())
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert sorted(p.name for p in (tmp_path / "tmpsites").iterdir()) == ["__init__.py"]


def test_inferred_patterns_keep_fixed_segments_and_avoid_listing_pages() -> None:
    base = "https://news.example"
    samples = [f"{base}/news/2026/11/0{d}/story-number-{d}-here.html" for d in range(1, 6)]
    # a day archive with the same shape: the free slug would match it, the hyphenated one does not
    assert infer_patterns(samples, [f"{base}/news/2026/11/01/index.html"]) == [
        r"/news/\d{4}/\d{2}/\d{2}/[^/]*-[^/]*\.html$"]
    assert infer_patterns(samples, []) == [r"/news/\d{4}/\d{2}/\d{2}/[^/]+\.html$"]
    ids = [f"{base}/articles/some-long-title-{n}" for n in (58334, 58378, 501)]
    assert infer_patterns(ids, [f"{base}/articles/"]) == [r"/articles/[\w-]+-\d+$"]
    assert infer_patterns([f"{base}/about"], []) == []  # one URL is no pattern
