"""A fast, quiet command line: ``scrapy list`` / ``version`` / ``--help`` import none of the heavy
libraries (their start-up time is measured by ``make bench``, not asserted here); commands that
print data print no Scrapy banner; help headings are clean; an unknown spider is one line."""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.commands import ScrapyCommand, ScrapyHelpFormatter
from scrapy.utils.project import get_project_settings

import crawler.commands
from tests.crawl import ROOT, scrapy

# what a command that neither crawls, checks, stores nor draws must not import
HEAVY = ("scipy", "datasketch", "numpy", "sqlalchemy", "alembic", "matplotlib", "trafilatura", "jinja2", "redis",
         "scrapy_redis", "tqdm")
PROBE = """
import contextlib, io, json, runpy, sys
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["scrapy", *args]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        runpy.run_module("scrapy", run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""
BANNER = ("Scrapy 2.", "[scrapy.utils.log]", "'Twisted':", "Versions:")


def imported(args: list[str], tmp_path: Path) -> list[str]:
    """The ``HEAVY`` modules that ``scrapy ARGS`` imported (in a fresh process)."""
    env = {"PYTHONPATH": str(ROOT), "NEWSDEDUP_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["list"], ["version"], ["--help"], ["report", "--help"], ["dedup", "--help"]],
                         ids=" ".join)
def test_light_commands_import_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    assert imported(args, tmp_path) == []


def project_commands() -> dict[str, ScrapyCommand]:
    """Every command of ``COMMANDS_MODULE``, its settings set as ``scrapy.cmdline`` sets them."""
    settings = get_project_settings()
    found = {}
    for info in pkgutil.iter_modules(crawler.commands.__path__):
        command = importlib.import_module(f"crawler.commands.{info.name}").Command()
        command.settings = settings.copy()
        found[info.name] = command
    return found


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_help_headings_are_the_parsers_own(width: int) -> None:
    """Scrapy's help formatter turns any help line ending in ':' into an underlined heading."""
    headings = {"Usage", "Options", "Global Options", "Positional Arguments"}
    for name, command in project_commands().items():
        parser = argparse.ArgumentParser(
            prog=f"scrapy {name}", usage=f"scrapy {name} {command.syntax()}", conflict_handler="resolve",
            formatter_class=functools.partial(ScrapyHelpFormatter, width=width), description=command.long_desc())
        command.add_options(parser)
        lines = parser.format_help().splitlines()
        found = {lines[i - 1].strip() for i, line in enumerate(lines) if i and line and set(line) <= {"=", "-"}}
        assert found <= headings, f"scrapy {name} --help at width {width}: headings {sorted(found - headings)}"


def test_report_help_shows_the_output_option_plainly() -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "report", "--help"], cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "80"},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "-o FILE, --output FILE" in out and "Write Here" not in out
    assert out.count("=====") == 2  # Usage and Options


def test_extract_prints_its_data_without_a_banner(tmp_path: Path) -> None:
    proc = scrapy(["extract", str(ROOT / "tests" / "pages" / "article.html"), "--json"], tmp_path, {})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not any(marker in proc.stdout + proc.stderr for marker in BANNER), proc.stderr[:1000]
    [line] = proc.stdout.splitlines()
    assert json.loads(line)["title"]


def test_dedup_prints_no_banner(tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "1", "text": "one short text " * 20}) + "\n", encoding="utf-8")
    proc = scrapy(["dedup", str(src), "--index", key_prefix, "--dry-run"], tmp_path, redis_settings)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not any(marker in proc.stdout + proc.stderr for marker in BANNER), proc.stderr[:1000]
    assert json.loads(proc.stdout)["id"] == "1"


def test_crawl_of_an_unknown_spider_is_one_line(tmp_path: Path) -> None:
    proc = scrapy(["crawl", "nosuch"], tmp_path, {})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == ["crawl: no spider named 'nosuch' (see `scrapy list`)"]
