"""Base for the offline demo publishers: where their base URL comes from.

In order: the ``base_url`` spider argument, the ``DEMO_SITE_URLS`` setting (a network
started elsewhere, e.g. by a test), or the demo network started in this process on the
stable ports from ``DEMO_PORT_BASE`` (falling back to free ports when those are taken).
"""

from __future__ import annotations

import atexit
import logging
import socket
import threading
from typing import Any

from crawler.spiders.base import NewsSpider

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_network: Any = None


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is fine
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def shared_network(port_base: int) -> Any:
    """The demo network of this process, started on first use and stopped at exit."""
    global _network
    with _lock:
        if _network is None:
            from demo.network import DemoNetwork, stable_ports

            ports = {}
            if port_base:  # 0 = free ports chosen by the OS
                ports = {slug: port for slug, port in stable_ports(port_base).items() if _port_free(port)}
            _network = DemoNetwork(ports=ports).start()
            atexit.register(_network.stop)
            logger.info("Demo network started: %s", _network.urls())
        return _network


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
