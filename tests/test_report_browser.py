"""The HTML report in headless Chromium: no console errors, the rendered page holds the clusters,
a diff and the plots; a ``<script>`` title renders as text. Skipped only when Chromium is
missing outside CI (``.ci/run`` installs the Debian packages chromium and chromium-driver)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.crawl import scrapy
from tests.test_report import XSS, XSS_ESCAPED, xss_html

# the page has no script: any console message at all (error, CSP violation, failed load) is a failure
CONSOLE_ERRORS = re.compile(r":CONSOLE|Uncaught|Refused to|Content Security Policy|Failed to load resource", re.I)


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("CI is set but Chromium is not installed (.ci/run installs chromium and chromium-driver)")
    pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver); CI runs this test")


def chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium on ``page`` with a throwaway profile, console messages logged to stderr."""
    cmd = [
        chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0", *args, page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE_ERRORS.search(line)]


@pytest.fixture(scope="module")
def demo_report(demo_crawl: dict) -> tuple[Path, dict]:
    """(HTML report file, JSON model) of the demo crawl."""
    page = demo_crawl["tmp"] / "browser" / "report.html"
    for args in (["-o", str(page)], ["--format", "json", "-o", str(page.with_suffix(".json"))]):
        proc = scrapy(["report", *args], demo_crawl["tmp"], demo_crawl["settings"])
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return page, json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def test_report_renders_in_chromium(demo_report: tuple[Path, dict], tmp_path: Path) -> None:
    page, model = demo_report
    proc = chromium(page, tmp_path, "--dump-dom")
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    dom = proc.stdout
    assert dom.count('<div class="cluster"') == len(model["clusters"]) > 0
    assert dom.count('<div class="copy"') == model["totals"]["dropped_copies"]
    assert '<div class="diff">' in dom and '<span class="eq">' in dom
    assert '<span class="del">' in dom or '<span class="ins">' in dom
    plots = re.findall(r'<img class="plot" id="(plot-\w+)"[^>]*src="data:image/svg\+xml;base64,([^"]+)"', dom)
    assert [p[0] for p in plots] == ["plot-scores", "plot-sites"]
    for _, data in plots:
        assert b"<svg" in base64.b64decode(data)
    assert dom.count('<tr class="borderline">') == len(model["borderline"])
    shot = Path(os.environ.get("REPORT_SCREENSHOT", str(tmp_path / "report.png")))
    proc = chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,4000", "--hide-scrollbars")
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")


def test_script_title_renders_as_text_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "xss.html"
    page.write_text(xss_html(tmp_path), encoding="utf-8")
    proc = chromium(page, tmp_path, "--dump-dom")
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    dom = proc.stdout
    assert "<script" not in dom.lower() and '<img src="x"' not in dom  # no element made from the text
    assert f"Kept {XSS_ESCAPED}" in dom  # the DOM's text is the literal string (serialised escaped)
    text = re.sub(r"<[^>]+>", "", dom)
    assert f"Kept {XSS_ESCAPED}" in text and XSS not in text
