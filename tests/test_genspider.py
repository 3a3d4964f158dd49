"""``scrapy genspider``: the project's ``news`` template (spider + test stub), built-ins still there;
``scrapy savefixture`` records a page. Everything is written to a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawler.commands.savefixture import load_fixture
from tests.conftest import ROOT


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
