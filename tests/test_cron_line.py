"""Cron-safe running: the README's cron line runs the project's Python with the polite ``prod``
profile and installs nothing; no make target used from cron installs; only ``make install`` does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from scrapy.settings import Settings

from tests.crawl import ROOT
from tests.test_demo_ports import free_port_base


def readme_cron_command() -> str:
    """The command of the README's cron line (the line without its five schedule fields)."""
    block = re.search(r"^```cron\n(.+?)\n```", (ROOT / "README.md").read_text(), re.M | re.S)
    assert block, "README has no cron block"
    (line,) = block.group(1).splitlines()
    return line.split(None, 5)[5]


def fresh_clone(dest: Path) -> Path:
    """The checkout's files as a fresh clone has them (tracked and new, not ignored), plus the
    installed ``.venv`` (what ``make install`` made)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (dest / ".venv").symlink_to((ROOT / ".venv").resolve())
    return dest


def test_readme_cron_line_runs_from_a_fresh_clone_without_installing(tmp_path: Path) -> None:
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.fail("no .venv: run make install first")
    command = readme_cron_command()
    assert "make" not in command.split() and "pip" not in command  # the project's Python, directly
    assert "SCRAPY_PROJECT=prod" in command.split()
    clone = fresh_clone(tmp_path / "newsdedup")
    site_packages = next((ROOT / ".venv" / "lib").glob("python*/site-packages"))
    before = [p.stat().st_mtime for p in (site_packages, ROOT / ".venv" / "bin")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh",  # what cron gives a job
           "NEWSDEDUP_DEMO_PORT_BASE": str(free_port_base())}  # the machine may serve other demos on 8701
    proc = subprocess.run(["/bin/sh", "-c", command.replace("/path/to/newsdedup", str(clone))], env=env,
                          capture_output=True, text=True, timeout=600)
    logs = clone / "data" / "logs"
    (cron_log,) = logs.glob("cron-*.log")
    assert proc.returncode == 0, (proc.stdout + proc.stderr + cron_log.read_text())[-3000:]
    assert re.fullmatch(r"cron-\d{8}\.log", cron_log.name)  # `\%` reached date as `%`
    out = cron_log.read_text()
    assert "total" in out and "Crawl log:" in out and "Pruned:" in out and "Traceback" not in out
    (run_log,) = logs.glob("crawlall-*.log")
    text = run_log.read_text()
    for polite in ("'AUTOTHROTTLE_ENABLED': True", "'CONCURRENT_REQUESTS_PER_DOMAIN': 2", "you@example.org"):
        assert polite in text, polite  # the prod profile, and the contact in the User-Agent
    assert text.count("Spider closed (finished)") == 5
    assert [p.stat().st_mtime for p in (site_packages, ROOT / ".venv" / "bin")] == before  # nothing installed


def fake_checkout(tmp: Path) -> tuple[Path, Path]:
    """The Makefile and pyproject.toml, a fake installed ``.venv`` whose python records its calls,
    and a fake interpreter to create venvs with: returns (folder, calls file)."""
    shutil.copy2(ROOT / "Makefile", tmp / "Makefile")
    shutil.copy2(ROOT / "pyproject.toml", tmp / "pyproject.toml")
    calls = tmp / "calls"
    for path, name in ((tmp / ".venv" / "bin" / "python", "venv-python"), (tmp / "python3", "PYTHON")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\n')
        path.chmod(0o755)
    marker = tmp / ".venv" / "bin" / ".installed"
    marker.touch()
    os.utime(marker, (1_000_000_000, 1_000_000_000))  # installed long before pyproject.toml changed (a git pull)
    return tmp, calls


def make(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", "-C", str(folder), f"PYTHON={folder / 'python3'}", *args],
                          env=env, capture_output=True, text=True, timeout=60)


def calls_of(calls: Path) -> list[str]:
    lines = calls.read_text().splitlines() if calls.exists() else []
    calls.unlink(missing_ok=True)
    return lines


def test_no_cron_target_installs_only_make_install_does(tmp_path: Path) -> None:
    folder, calls = fake_checkout(tmp_path)
    proc = make(folder, "crawl-all", "GROUP=demo")
    assert proc.returncode == 0, proc.stderr
    assert calls_of(calls) == ["venv-python -m scrapy crawlall --group demo"]
    assert make(folder, "crawl", "SPIDER=metro_daily").returncode == 0
    assert calls_of(calls) == ["venv-python -m scrapy crawl metro_daily"]
    proc = make(folder, "demo")  # interactive: says pyproject.toml changed, installs nothing
    assert proc.returncode == 0 and "run: make install" in proc.stderr
    assert calls_of(calls) == ["venv-python -m scrapy demo"]
    assert make(folder, "install").returncode == 0
    done = calls_of(calls)
    assert done[0] == "PYTHON -m venv .venv" and "venv-python -m pip install -q -e .[dev]" in done
    assert make(folder, "install").returncode == 0 and calls_of(calls) == []  # once
    (folder / ".venv" / "bin" / ".installed").unlink()
    proc = make(folder, "crawl-all")
    assert proc.returncode == 2 and calls_of(calls) == []
    assert proc.stderr.splitlines()[0] == f"{folder}: no installed .venv; run: make install"


def test_prod_is_polite_and_dev_says_it_is_not() -> None:
    import settings.dev
    from settings import base

    prod = Settings()
    prod.setmodule("settings.prod", priority="project")
    assert prod.getbool("AUTOTHROTTLE_ENABLED") and prod.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert prod.getbool("ROBOTSTXT_OBEY") and prod.getfloat("DOWNLOAD_DELAY") > 0
    assert base.CRAWLER_CONTACT in prod.get("USER_AGENT")
    assert "Not polite" in (settings.dev.__doc__ or "")
    cfg = (ROOT / "scrapy.cfg").read_text()
    assert re.search(r"^prod = settings\.prod$", cfg, re.M)
