"""The worker bench's spiders: ``bench_site_00`` … one per site of ``benchmarks.bench_sites``.

Each reads every article of its site from ``/sitemap.xml``; its base URL comes from
``DEMO_SITE_URLS`` (``DemoNewsSpider``), given by ``benchmarks/bench_workers.py``, which adds this
module to ``SPIDER_MODULES``. Group ``bench_workers``: never run by ``--group demo`` or a plain
``crawlall``, which load ``crawler.spiders`` only.
"""

from __future__ import annotations

from benchmarks.bench_sites import MAX_SITES, site_host
from crawler.spiders.demo_base import DemoNewsSpider


def spider_name(k: int) -> str:
    return f"bench_site_{k:02d}"


def _spider(k: int) -> type[DemoNewsSpider]:
    return type(f"BenchSite{k:02d}Spider", (DemoNewsSpider,), {
        "__module__": __name__, "__doc__": f"Bench site {k} (sitemap of dressed demo articles).",
        "name": spider_name(k), "group": "bench_workers", "allowed_domains": [site_host(k)],
        "sitemaps": ["/sitemap.xml"], "article_patterns": [r"/a/\d+\.html$"],
    })


for _k in range(MAX_SITES):
    globals()[f"BenchSite{_k:02d}Spider"] = _spider(_k)
