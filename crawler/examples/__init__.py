"""Example spiders for well-known real news sites (``group = "examples"``).

Not in ``SPIDER_MODULES``, so ``scrapy crawlall`` never crawls them by accident. To use one,
copy it into ``crawler/spiders/`` (or add ``crawler.examples`` to ``SPIDER_MODULES``), check it
with ``scrapy checksite NAME`` and record pages with ``scrapy savefixture`` (see
docs/adding-a-site.md). They were written from the sites' published feed / sitemap structure
and tested only on pages written to follow it (``tests/sites/examples/``): they could not be
crawled where they were written. Respect each site's terms of use and robots.txt.
"""
