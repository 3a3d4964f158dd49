"""Many static news sites on loopback for the worker bench: site k at ``http://127.0.0.<k+2>:<port>``.

``build_sites(folder, multiply, n)`` spreads the article pages of ``bench_site.build_site`` (the
demo network's stories and reprints, dressed to real-page weight) round-robin over ``n`` sites,
each with its own ``/sitemap.xml``. Every site has its own host (a loopback address of
127.0.0.0/8, which Linux routes to ``lo``), so Scrapy keeps one download slot per site and the
``prod`` politeness (``DOWNLOAD_DELAY``, ``CONCURRENT_REQUESTS_PER_DOMAIN``, AutoThrottle) applies
per site, as on the web. ``serve_sites`` runs one Twisted process listening on every site's
address (``python -m benchmarks.bench_sites FOLDER PORT N``), the site chosen by the address a
request came in on.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_site import build_site, wait_serving

MAX_SITES = 64  # benchmarks/workers_spiders.py declares this many spiders


def site_host(k: int) -> str:
    """The loopback address of site ``k`` (0-based)."""
    return f"127.0.0.{k + 2}"


def build_sites(folder: Path, multiply: int, n_sites: int, weight: str = "real") -> list[tuple[str, str]]:
    """Write ``n_sites`` sites under ``folder`` (``s<k>/a/<i>.html``, ``s<k>/sitemap.tmpl``);
    returns every page as ``(path, html)`` (for extraction-alone)."""
    if not 1 <= n_sites <= MAX_SITES:
        raise ValueError(f"n_sites must be 1..{MAX_SITES}, got {n_sites}")
    pages = build_site(folder / "all", multiply, weight)
    per_site: list[list[str]] = [[] for _ in range(n_sites)]
    for i, (path, html) in enumerate(pages):
        k = i % n_sites
        site = folder / f"s{k}"
        (site / "a").mkdir(parents=True, exist_ok=True)
        (site / path.lstrip("/")).write_text(html, encoding="utf-8")
        per_site[k].append(path)
    for k, paths in enumerate(per_site):
        entries = "".join(f"<url><loc>{{base}}{p}</loc></url>" for p in paths)
        (folder / f"s{k}" / "sitemap.tmpl").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>", encoding="utf-8")
    return pages


def _free_port(hosts: list[str]) -> int:
    """A port free on every one of ``hosts``."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind((hosts[0], 0))
            port = sock.getsockname()[1]
        try:
            for host in hosts[1:]:
                with socket.socket() as probe:
                    probe.bind((host, port))
        except OSError:
            continue
        return port
    raise RuntimeError("no port free on every bench-site address")


def serve_sites(folder: Path, n_sites: int) -> tuple[subprocess.Popen, dict[int, str]]:
    """Serve the sites of ``folder`` in a subprocess; returns (process, {k: base URL})."""
    hosts = [site_host(k) for k in range(n_sites)]
    port = _free_port(hosts)
    bases = {k: f"http://{host}:{port}" for k, host in enumerate(hosts)}
    for k, base in bases.items():
        site = folder / f"s{k}"
        (site / "sitemap.xml").write_text((site / "sitemap.tmpl").read_text().replace("{base}", base))
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_sites", str(folder), str(port), str(n_sites)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_serving(proc, [bases[0] + "/sitemap.xml", bases[n_sites - 1] + "/sitemap.xml"],
                 f"the bench sites on port {port}")
    return proc, bases


def _run_server(folder: Path, port: int, n_sites: int) -> None:
    from twisted.internet import reactor
    from twisted.web.resource import Resource
    from twisted.web.server import Site
    from twisted.web.static import File

    class ByAddress(Resource):
        """The static folder of the site whose address the request came in on."""

        def __init__(self, sites: dict[str, File]) -> None:
            super().__init__()
            self.sites = sites

        def getChild(self, path: bytes, request):  # noqa: N802 (Twisted's name)
            site = self.sites[request.getHost().host]
            return site.getChildWithDefault(path, request)

    sites = {site_host(k): File(str(folder / f"s{k}")) for k in range(n_sites)}
    factory = Site(ByAddress(sites))
    factory.log = lambda request: None  # no access log: the bench measures the crawlers
    for host in sites:
        reactor.listenTCP(port, factory, interface=host)
    reactor.run()


if __name__ == "__main__":
    _run_server(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
