"""Run a real crawl in a subprocess (``python -m scrapy …``) and return its stats and log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def scrapy_cmd(args: list[str], settings: dict[str, Any]) -> list[str]:
    """``python -m scrapy ARGS -s KEY=VALUE…`` (dicts and lists as JSON)."""
    cmd = [sys.executable, "-m", "scrapy", *args]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict | list) else value}"]
    return cmd


def scrapy_env(data_dir: Path) -> dict[str, str]:
    """The environment of a crawl subprocess: the checkout first, the test profile, its own data folder
    (``REDIS_URL`` comes through ``-s`` settings only)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_PROJECT": "test", "NEWSDEDUP_DATA_DIR": str(data_dir)}
    env.pop("REDIS_URL", None)
    return env


def scrapy(args: list[str], tmp: Path, settings: dict[str, Any], timeout: float = 240) -> subprocess.CompletedProcess:
    """``python -m scrapy ARGS`` from the checkout with the test profile and ``-s`` settings."""
    return subprocess.run(scrapy_cmd(args, settings), cwd=ROOT, env=scrapy_env(tmp / "data"),
                          capture_output=True, text=True, timeout=timeout)


def run_spider(spider: str, tmp: Path, settings: dict[str, Any], *extra: str) -> tuple[dict[str, Any], str]:
    """Crawl ``spider`` (a name, or a .py file for runspider); return (final stats, log)."""
    stats_file = tmp / f"stats-{Path(spider).stem}.json"
    verb = ["runspider", spider] if spider.endswith(".py") else ["crawl", spider]
    proc = scrapy([*verb, *extra], tmp, {**settings, "STATS_FILE": str(stats_file)})
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    return json.loads(stats_file.read_text()), log
