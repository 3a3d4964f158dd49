"""Base for the offline demo publishers: where their base URL comes from.

In order: the ``base_url`` spider argument, the ``DEMO_SITE_URLS`` setting (a network started
elsewhere, e.g. by a test), or the demo network on the stable ports from ``DEMO_PORT_BASE``:
started in this process when they are free, reused when another process already serves the
demo there (``demo.served.claim``). It never moves to other ports (the stored demo URLs name
them): when the ports are held by anything else, ``DemoPortsBusy`` says so in one line, and
``demo_network_problem`` turns that into a preflight problem before a crawl starts.
``DEMO_PORT_BASE = 0`` serves on free ports chosen by the OS (a throwaway network).
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from crawler.spiders.base import NewsSpider

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_network: Any = None
_failure: Exception | None = None


class DemoPortsBusy(RuntimeError):
    """The demo port base is held by something that is not the demo network (one-line message)."""


def shared_network(port_base: int) -> Any:
    """The demo network of this process (started or reused on first use, stopped at exit if
    started here); raises ``DemoPortsBusy``, on every call, when the port base is unusable."""
    global _network, _failure
    with _lock:
        if _failure is not None:
            raise DemoPortsBusy(str(_failure))
        if _network is None:
            from demo.network import DemoNetwork
            from demo.served import DemoPortsBusy as Busy
            from demo.served import ServedNetwork, claim

            try:
                _network = claim(port_base) if port_base else DemoNetwork().start()
            except Busy as exc:
                _failure = exc
                raise DemoPortsBusy(str(exc)) from None
            if isinstance(_network, ServedNetwork):
                logger.info("Demo network already served on its ports: reusing it: %s", _network.urls())
            else:
                atexit.register(_network.stop)
                logger.info("Demo network started: %s", _network.urls())
        return _network


def demo_network_problem(settings: Any, spidercls: Any) -> str | None:
    """Why ``spidercls`` (a demo spider taking its URL from the shared network) cannot crawl:
    the ``DemoPortsBusy`` line, or None (also for any other spider). Claims the network."""
    if not (isinstance(spidercls, type) and issubclass(spidercls, DemoNewsSpider)):
        return None
    if settings.getdict("DEMO_SITE_URLS").get(spidercls.name):
        return None
    try:
        shared_network(settings.getint("DEMO_PORT_BASE"))
    except DemoPortsBusy as exc:
        return str(exc)
    return None


class DemoNewsSpider(NewsSpider):
    """A publisher of the offline demo network (``demo`` package)."""

    group = "demo"  # `scrapy crawlall --group demo`
    max_entry_age_days = 0  # the demo stories have fixed dates: never too old

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DemoNewsSpider:
        if not kwargs.get("base_url"):
            urls = crawler.settings.getdict("DEMO_SITE_URLS")
            kwargs["base_url"] = urls.get(cls.name) or shared_network(
                crawler.settings.getint("DEMO_PORT_BASE")
            ).base_url(cls.name)
        return super().from_crawler(crawler, *args, **kwargs)
