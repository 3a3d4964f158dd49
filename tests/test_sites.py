"""Every site against its recorded pages, offline: one test per site and page.

A page is recorded with ``scrapy savefixture SPIDER URL`` (tests/sites/fixtures/<spider>/);
here it is extracted again with the site's current spider declaration and settings and
compared with what was recorded (``tests.sites.recorded.recorded_mismatches``): same title and
publication date, text at least 95 % similar (word sequence), still an article URL. A failure
means the extraction changed, or the site's layout did (then look at the live page and re-record)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader

from tests.conftest import project_settings
from tests.sites.recorded import recorded_mismatches, recorded_pages

PAGES = recorded_pages()


def test_every_demo_site_has_a_recorded_page() -> None:
    sites = {path.parent.name for path in PAGES}
    assert {"harbor_gazette", "metro_daily", "northern_wire", "valley_courier"} <= sites


@pytest.mark.parametrize("path", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_recorded_page(path: Path) -> None:
    spider = json.loads(path.read_text(encoding="utf-8"))["spider"]
    assert not recorded_mismatches(path, get_spider_loader(Settings(project_settings())).load(spider))
