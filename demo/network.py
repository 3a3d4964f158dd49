"""The offline demo news network: five fake publishers on 127.0.0.1, one port each.

Usage::

    from demo.network import DemoNetwork
    with DemoNetwork() as net:             # free ports; or DemoNetwork(ports=stable_ports())
        net.base_url("harbor_gazette")     # "http://127.0.0.1:PORT" (no trailing slash)
        net.ground_truth()                 # one dict per article-like URL, see demo.ground_truth
        net.publish_more(3)                # release held-back stories into feeds/sitemaps/sections

Command line: ``python -m demo.network serve [--port-base 8701] [--multiply K]`` serves in
the foreground and prints ``urls()`` as JSON.

Contracts: every response carries ``Last-Modified`` and ``ETag`` and honours
``If-None-Match`` / ``If-Modified-Since`` with 304 (200 responses only); requests are not
logged; ``stop()`` shuts every server down and closes its socket before returning.
Every server answers ``MARKER_PATH`` with ``{"network": MARKER_NAME, "slug": …, "multiply": …}``
(a request arriving while the network starts waits in the listen backlog; it is not in
``request_log``): how another process recognises a demo network already served on a port base
(``demo.served``).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from demo import ground_truth as gt
from demo.catalog import Catalog, build_catalog
from demo.publishers import PUBLISHERS, Publisher
from demo.site import Resource, Site

DEFAULT_PORT_BASE = 8701
HOST = "127.0.0.1"
MARKER_PATH = "/.well-known/newsdedup-demo"  # answered by every publisher server, see marker_body
MARKER_NAME = "newsdedup-demo"


def stable_ports(base: int = DEFAULT_PORT_BASE) -> dict[str, int]:
    """{slug: base + i} in publisher order (harbor_gazette gets ``base``)."""
    return {pub.slug: base + i for i, pub in enumerate(PUBLISHERS)}


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False

    def __init__(self, port: int, site: Site | None, record: Any = None, slug: str = "", multiply: int = 1) -> None:
        super().__init__((HOST, port), _Handler)
        self.site = site
        self.record = record  # called with (User-Agent, absolute URL) for every GET/HEAD answered
        self.slug = slug
        self.multiply = multiply


def marker_body(slug: str, multiply: int) -> bytes:
    """What a publisher server answers at ``MARKER_PATH`` (JSON)."""
    return json.dumps({"network": MARKER_NAME, "slug": slug, "multiply": multiply}).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "DemoNews/1.0"
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        if urlsplit(self.path).path == MARKER_PATH:
            self._marker(body)
            return
        if self.server.record is not None:
            self.server.record(self.headers.get("User-Agent", ""), f"http://{HOST}:{self.server.server_port}{self.path}")
        site = self.server.site
        if site is None:  # bound but not yet serving
            self.send_error(503)
            return
        parts = urlsplit(self.path)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        res = site.lookup(target)
        if res.status == 200 and _not_modified(self.headers, res):
            self.send_response(304)
            self._validators(res)
            self.end_headers()
            return
        self.send_response(res.status)
        self.send_header("Content-Type", res.content_type)
        self.send_header("Content-Length", str(len(res.body)))
        self._validators(res)
        self.end_headers()
        if body:
            self.wfile.write(res.body)

    def _marker(self, body: bool) -> None:
        data = marker_body(self.server.slug, self.server.multiply)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _validators(self, res: Resource) -> None:
        self.send_header("Last-Modified", format_datetime(res.last_modified, usegmt=True))
        self.send_header("ETag", res.etag)
        self.send_header("Cache-Control", "no-cache")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server API)
        pass


def _not_modified(headers: Any, res: Resource) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or res.etag in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            return False
        return res.last_modified <= since
    return False


class DemoNetwork:
    """The demo publishers as HTTP servers plus their ground truth.

    ``ports`` maps slugs to fixed ports; missing slugs (or ``None``) get free ports.
    ``multiply`` = K serves K copies of every story (copy k >= 2 has ``-kK`` in its slug,
    scrambled content words, and its own story ids ``<id>~kK``; see ``demo.multiply``).
    """

    def __init__(self, ports: dict[str, int] | None = None, multiply: int = 1) -> None:
        self._requested = dict(ports or {})
        unknown = set(self._requested) - {p.slug for p in PUBLISHERS}
        if unknown:
            raise ValueError(f"unknown publishers: {sorted(unknown)}")
        self.multiply = multiply
        self.catalog: Catalog = build_catalog(multiply)
        self.publishers: list[Publisher] = list(PUBLISHERS)
        self._families: set[str] = self.catalog.initial_families()
        self._held: list[str] = list(self.catalog.held_order)
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []
        self.sites: dict[str, Site] = {}
        self._lock = threading.Lock()
        self._log: list[tuple[str, str]] = []  # (User-Agent, URL) of every request answered
        self._log_lock = threading.Lock()

    def _record(self, user_agent: str, url: str) -> None:
        with self._log_lock:
            self._log.append((user_agent, url))

    def request_log(self, since: int = 0) -> list[tuple[str, str]]:
        """Every request answered so far, in arrival order: (User-Agent, absolute URL) from entry ``since``."""
        with self._log_lock:
            return self._log[since:]

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> DemoNetwork:
        """Bind every publisher, build its pages and serve in daemon threads; returns self."""
        if self._servers:
            return self
        try:
            for pub in self.publishers:
                self._servers[pub.slug] = _Server(self._requested.get(pub.slug, 0), None, self._record,
                                                  slug=pub.slug, multiply=self.multiply)
            for pub in self.publishers:
                server = self._servers[pub.slug]
                site = Site(pub, self.catalog, f"http://{HOST}:{server.server_port}")
                site.publish(self._families)
                self.sites[pub.slug] = site
                server.site = site
                thread = threading.Thread(
                    target=server.serve_forever, kwargs={"poll_interval": 0.05},
                    name=f"demo-{pub.slug}", daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Shut every server down, close its socket and join its thread (idempotent)."""
        servers, self._servers = self._servers, {}
        threads, self._threads = self._threads, []
        for server in servers.values():
            if any(t.is_alive() for t in threads):
                server.shutdown()
        for server in servers.values():
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)
        self.sites = {}

    def __enter__(self) -> DemoNetwork:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- addresses --------------------------------------------------------------------------
    def base_url(self, slug: str) -> str:
        """``http://127.0.0.1:PORT`` of a publisher (no trailing slash); requires ``start()``."""
        server = self._servers.get(slug)
        if server is None:
            if slug not in {p.slug for p in self.publishers}:
                raise KeyError(slug)
            raise RuntimeError("DemoNetwork is not running: call start() first")
        return f"http://{HOST}:{server.server_port}"

    def urls(self) -> dict[str, str]:
        """{slug: base URL} for all publishers, in publisher order."""
        return {p.slug: self.base_url(p.slug) for p in self.publishers}

    def ports(self) -> dict[str, int]:
        """{slug: port} of the running servers."""
        return {slug: s.server_port for slug, s in self._servers.items()}

    # --- content ----------------------------------------------------------------------------
    def ground_truth(self) -> list[dict[str, Any]]:
        """One dict per currently served article-like URL (see ``demo.ground_truth``)."""
        return gt.build(self.catalog, self._families, self.urls())

    def publish_more(self, n: int = 3) -> list[dict[str, Any]]:
        """Release the next ``n`` held-back stories (with their reprints and multiplied copies)
        into feeds, sitemaps, sections and home pages; return their ground-truth entries.

        Only listing pages change (new body, later ``Last-Modified``, new ``ETag``); already
        published articles are byte-identical. Returns [] when nothing is left to publish.
        """
        with self._lock:
            release, self._held = self._held[:n], self._held[n:]
            new = {p.family for p in self.catalog.pages if p.base_family in release}
            self._families |= new
            for site in self.sites.values():
                site.publish(self._families)
        return [g for g in self.ground_truth() if g["held"] and _family_of(self.catalog, g["url"]) in new]

    def held_remaining(self) -> list[str]:
        """Story ids still held back, in release order."""
        return list(self._held)


def _family_of(catalog: Catalog, url: str) -> str | None:
    path = urlsplit(url)
    target = path.path + (f"?{path.query}" if path.query else "")
    for p in catalog.pages:
        if p.path == target:
            return p.family
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m demo.network serve [--port-base N] [--multiply K]``."""
    parser = argparse.ArgumentParser(prog="python -m demo.network", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the demo network in the foreground")
    serve.add_argument("--port-base", type=int, default=None,
                       help=f"ports base, base+1, … in publisher order (e.g. {DEFAULT_PORT_BASE}); default: free ports")
    serve.add_argument("--multiply", type=int, default=1, help="serve K copies of every story")
    args = parser.parse_args(argv)
    ports = stable_ports(args.port_base) if args.port_base else None
    try:
        net = DemoNetwork(ports=ports, multiply=args.multiply).start()
    except OSError as exc:  # a port of the base is taken
        print(f"demo network: cannot serve on ports from {args.port_base}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(json.dumps(net.urls(), indent=2), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        net.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
