"""A static site of N article pages for the throughput bench, served from its own process.

Pages are the demo network's article pages (``DemoNetwork(multiply=K)``: distinct stories with
the demo's reprint structure). Demo pages are small (≈ 7 KB, ≈ 4 ms to extract) while real
news pages weigh ≈ 100 KB of HTML and cost ≈ 30 ms (``make eval`` measures the dev
corpus). With ``weight="real"`` each page is dressed in the chrome real pages carry — mega-menu
navigation, inline scripts and styles, a "most read" rail, related teasers, a comment thread
and a link-heavy footer — so extraction costs what it costs on real pages. The article body
is untouched: the text extracted from a dressed page is the demo page's text.

``/sitemap.xml`` lists every page; ``serve(folder)`` runs Twisted's static file server
(keep-alive, sendfile-free but cheap) in a subprocess on a free loopback port.
"""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WORDS = (
    "council river budget school harbor police market weather transit housing election league museum "
    "festival hospital bridge library court airport energy water farm college union tourism ferry road "
    "storm tax park health climate rail port jobs business culture opinion sport science travel food"
).split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _links(rng: random.Random, n: int, words: int = 2) -> str:
    return "".join(f'<li><a href="/section/{rng.choice(WORDS)}/{i}">{_words(rng, words).title()}</a></li>'
                   for i in range(n))


def dress(html: str, seed: int) -> str:
    """``html`` with real-page chrome around its content (deterministic per ``seed``)."""
    rng = random.Random(seed)
    style = "<style>" + "".join(f".c{i}{{margin:{i % 7}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
                                for i in range(400)) + "</style>"
    script = ("<script>window.__STATE__=" + "{" + ",".join(
        f'"k{i}":"{_words(rng, 6)}"' for i in range(600)) + "};</script>")
    analytics = "<script>" + ";".join(
        f"dl.push({{e:'v{i}',p:'{rng.choice(WORDS)}'}})" for i in range(150)) + "</script>"
    menu = "<header><nav class='mega-menu'>" + "".join(
        f"<div class='menu-col'><h4>{w.title()}</h4><ul>{_links(rng, 15)}</ul></div>" for w in WORDS[:18]
    ) + "</nav><div class='cookie-banner'>We use cookies to improve your experience. Accept all</div></header>"
    rail = "<aside class='most-read'><h3>Most read</h3><ol>" + "".join(
        f"<li><a href='/a/mr{i}'><img src='/i/{i}.jpg' alt=''><span>{_words(rng, 9).capitalize()}</span></a>"
        f"<p class='teaser'>{_words(rng, 22).capitalize()}.</p></li>" for i in range(12)
    ) + "</ol></aside>"
    related = "<section class='related'><h3>Related stories</h3><ul>" + "".join(
        f"<li class='card'><a href='/a/rel{i}'><h4>{_words(rng, 8).capitalize()}</h4>"
        f"<span>{_words(rng, 12).capitalize()}</span></a></li>" for i in range(10)
    ) + "</ul></section>"
    comments = "<section id='comments'><h3>Comments</h3>" + "".join(
        f"<div class='comment'><b>reader{rng.randint(1, 999)}</b><p>{_words(rng, rng.randint(15, 50)).capitalize()}."
        f"</p><a href='#reply'>Reply</a></div>" for _ in range(20)
    ) + "<form><textarea name='c'></textarea><button>Post</button></form></section>"
    footer = "<footer>" + "".join(f"<ul class='footer-col'>{_links(rng, 20)}</ul>" for _ in range(5)) + (
        "<p>© 2026 All rights reserved.</p></footer>")
    head_extra = style + script
    body_start = menu
    body_end = rail + related + comments + footer + analytics
    html = html.replace("</head>", head_extra + "</head>", 1) if "</head>" in html else head_extra + html
    if "<body" in html:
        at = html.index(">", html.index("<body")) + 1
        html = html[:at] + body_start + html[at:]
    else:
        html = body_start + html
    return html.replace("</body>", body_end + "</body>", 1) if "</body>" in html else html + body_end


def build_site(folder: Path, multiply: int, weight: str = "real") -> list[tuple[str, str]]:
    """Write the article pages and ``sitemap.xml`` under ``folder``; returns ``[(path, html)]``."""
    from demo.network import DemoNetwork

    if weight not in ("real", "demo"):
        raise ValueError(f"weight must be 'real' or 'demo', not {weight!r}")
    pages: list[tuple[str, str]] = []
    with DemoNetwork(multiply=multiply) as net:
        urls = [p["url"] for p in net.ground_truth()]
        for url in urls:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if "html" not in response.headers.get("Content-Type", ""):
                        continue
                    html = response.read().decode("utf-8", "replace")
            except OSError:  # the demo's broken pages (500, 404) are not part of a throughput site
                continue
            pages.append((f"/a/{len(pages) + 1}.html", dress(html, len(pages)) if weight == "real" else html))
    (folder / "a").mkdir(parents=True, exist_ok=True)
    for path, html in pages:
        (folder / path.lstrip("/")).write_text(html, encoding="utf-8")
    entries = "".join(f"<url><loc>{{base}}{path}</loc></url>" for path, _ in pages)
    (folder / "sitemap.tmpl").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>", encoding="utf-8")
    return pages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(folder: Path) -> tuple[subprocess.Popen, str]:
    """Serve ``folder`` on a free loopback port in a subprocess; returns (process, base URL)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    (folder / "sitemap.xml").write_text((folder / "sitemap.tmpl").read_text().replace("{base}", base))
    proc = subprocess.Popen(
        [sys.executable, "-m", "twisted", "web", "--listen", f"tcp:{port}:interface=127.0.0.1", "--path",
         str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_serving(proc, [base + "/sitemap.xml"], f"the static bench site on {base}")
    return proc, base


def wait_serving(proc: subprocess.Popen, urls: list[str], what: str, seconds: float = 20) -> None:
    """Return once every one of ``urls`` answers; else kill ``proc`` and raise naming ``what``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            for url in urls:
                urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{what} did not come up")
