"""Deploying to scrapyd: a real scrapyd on a free loopback port (in a temporary folder, stopped by
pid), the project deployed with ``scrapyd-deploy`` from a fresh clone (deleted before anything
runs, so the jobs run from the egg alone), the demo crawl scheduled through ``schedule.json``.

The egg carries its package data (Lua scripts, migrations, templates), the data folder and the
embedded Redis live where ``-s DATA_DIR=…`` says (by default ``newsdedup-data`` in the job's
working folder, never inside the egg) and the egg runs the profile it was built with
(``SCRAPY_PROJECT=test scrapyd-deploy``)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demo.network import DemoNetwork
from demo.publishers import PUBLISHERS
from tests.crawl import ROOT
from tests.groundtruth import ground_truth_problems, table
from tests.test_cron_line import fresh_clone

SPIDERS = tuple(sorted(p.slug for p in PUBLISHERS))  # the demo crawl: one spider per publisher
PROJECT = "newsdedup"
TARGET = "scrapydtest"
JOB_TIMEOUT = 300.0  # seconds for every scheduled job to finish (they run one at a time)
# What a scrapyd started by an operator would not have: the checkout on the path, a profile or data
# folder chosen by the environment. The jobs must get all of it from the egg and the job's settings.
PRIVATE_ENV = ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT", "NEWSDEDUP_DATA_DIR", "REDIS_URL",
               "DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A scrapyd API call: GET, or POST of ``data`` (form fields, repeatable); its JSON answer."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as reply:  # noqa: S310 (loopback http)
        return json.loads(reply.read())


def server_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}


@contextlib.contextmanager
def scrapyd(folder: Path) -> Iterator[str]:
    """scrapyd serving from ``folder`` on a free loopback port, one job at a time; its URL. Stopped
    (its pid) afterwards."""
    port = free_port()
    folder.mkdir()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = eggs\nlogs_dir = logs\n"
        "dbs_dir = dbs\nmax_proc = 1\npoll_interval = 0.5\n")
    url = f"http://127.0.0.1:{port}/"
    with (folder / "scrapyd.out").open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder, env=server_env(), stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(url + "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"scrapyd did not answer on {url} (exit {proc.poll()}): "
                            f"{(folder / 'scrapyd.out').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def deploy(clone: Path, url: str) -> dict[str, Any]:
    """``SCRAPY_PROJECT=test scrapyd-deploy`` from ``clone`` to ``url``; scrapyd's answer."""
    with (clone / "scrapy.cfg").open("a") as cfg:
        cfg.write(f"\n[deploy:{TARGET}]\nurl = {url}\n")
    deploy_script = Path(sys.executable).parent / "scrapyd-deploy"
    proc = subprocess.run([str(deploy_script), TARGET], cwd=clone, env={**server_env(), "SCRAPY_PROJECT": "test"},
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    return json.loads(proc.stdout)  # scrapyd's answer (the progress lines go to stderr)


def wait_finished(url: str, jobs: list[str]) -> list[dict[str, Any]]:
    """The finished entries of ``jobs`` once all of them finished."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        listed = call(f"{url}listjobs.json?project={PROJECT}")
        finished = [job for job in listed["finished"] if job["id"] in jobs]
        if len(finished) == len(jobs):
            return finished
        assert time.monotonic() < deadline, f"jobs not finished after {JOB_TIMEOUT} s: {listed}"
        time.sleep(0.5)


def schedule(url: str, spider: str, settings: dict[str, str]) -> str:
    answer = call(url + "schedule.json", [("project", PROJECT), ("spider", spider),
                                          *(("setting", f"{k}={v}") for k, v in settings.items())])
    assert answer["status"] == "ok", answer
    return answer["jobid"]


def job_log(server: Path, job: dict[str, Any]) -> str:
    return (server / "logs" / PROJECT / job["spider"] / f"{job['id']}.log").read_text()


@pytest.mark.timeout(900)
def test_deployed_egg_crawls_the_demo_into_the_configured_data_folder(tmp_path: Path) -> None:
    server, data, stats = tmp_path / "scrapyd", tmp_path / "data", tmp_path / "stats"
    with scrapyd(server) as url, DemoNetwork() as net:
        clone = fresh_clone(tmp_path / "newsdedup")
        answer = deploy(clone, url)
        assert answer["status"] == "ok" and answer["spiders"] == len(SPIDERS), answer
        shutil.rmtree(clone)  # the jobs have the egg only
        common = {"DEMO_SITE_URLS": json.dumps(net.urls()), "STATS_FILE": str(stats / "{spider}.json")}
        jobs = [schedule(url, spider, {**common, "DATA_DIR": str(data)}) for spider in SPIDERS]
        finished = wait_finished(url, jobs)
        logs = {job["spider"]: job_log(server, job) for job in finished}
        for spider, log in logs.items():
            assert "Spider closed (finished)" in log and "Traceback" not in log, f"{spider}: {log[-3000:]}"
            assert "'DOWNLOAD_TIMEOUT': 10" in log, f"{spider}: not the egg's test profile"
        db_url = f"sqlite:///{data / 'newsdedup.sqlite3'}"
        articles, duplicates = table(db_url, "articles"), table(db_url, "duplicates")
        assert {a["site"] for a in articles} == set(SPIDERS)
        assert ground_truth_problems(net.ground_truth(), articles, duplicates) == []
        crawled = [json.loads((stats / f"{s}.json").read_text()) for s in SPIDERS]
        total = {key: sum(s.get(f"storage/{key}", 0) for s in crawled) for key in
                 ("articles", "replaced", "duplicates", "rejections")}  # replaced: a stored copy demoted
        assert total["articles"] - total["replaced"] == len(articles)
        assert total["duplicates"] + total["replaced"] == len(duplicates)
        assert total["rejections"] == len(table(db_url, "rejections")) > 0
        assert (data / "redis").is_dir()  # the embedded Redis of the jobs, in the data folder
        assert not (server / "newsdedup-data").exists()  # DATA_DIR honoured: nothing in the default folder
        exported = subprocess.run(  # a command run from the checkout reads the same folder with -s DATA_DIR
            [sys.executable, "-m", "scrapy", "export", "--format", "jsonl", "-o", "-", "-s", f"DATA_DIR={data}"],
            cwd=ROOT, env={**server_env(), "PYTHONPATH": str(ROOT), "SCRAPY_PROJECT": "test"},
            capture_output=True, text=True, timeout=120)
        assert exported.returncode == 0, exported.stderr[-3000:]
        assert {a["id"] for a in articles} <= {json.loads(line)["id"] for line in exported.stdout.splitlines()}

        # Without DATA_DIR: the default data folder, in the job's working folder (scrapyd's), not in the egg.
        (default_job,) = wait_finished(url, [schedule(url, SPIDERS[0], common)])
        assert "Traceback" not in job_log(server, default_job)
        default_db = f"sqlite:///{server / 'newsdedup-data' / 'newsdedup.sqlite3'}"
        again = table(default_db, "articles")
        assert again and {a["site"] for a in again} == {SPIDERS[0]}


EGG_READS = """
import json, sys, urllib.request
from pathlib import Path
import crawler, settings.prod
egg = sys.argv[1]
assert crawler.__file__.startswith(egg), crawler.__file__  # imported from the zip
assert settings.prod.DATA_DIR == str(Path.cwd() / "newsdedup-data"), settings.prod.DATA_DIR
from pipelines.dedup import scripts
assert "redis.call" in scripts.CHECK_AND_INSERT
from sqlalchemy import create_engine
from pipelines.storage import schema
engine = create_engine("sqlite:///" + str(Path.cwd() / "egg.sqlite3"))
assert schema.upgrade(engine) == (None, schema.head()) and schema.head()
assert not str(schema.migrations_folder()).startswith(egg)  # Alembic reads a copy
from crawler.report import render
assert render._environment().get_template("report.html.j2")
assert json.loads(render.SCHEMA_PATH.read_text(encoding="utf-8"))["type"] == "object"
from demo.network import DemoNetwork
with DemoNetwork() as net, urllib.request.urlopen(net.base_url("harbor_gazette") + "/") as page:
    assert b"</html>" in page.read()
print("egg reads ok")
"""


def test_the_egg_reads_its_package_data_from_the_zip_and_names_the_profile(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path / "newsdedup")
    egg = tmp_path / "newsdedup.egg"
    proc = subprocess.run([str(Path(sys.executable).parent / "scrapyd-deploy"), "--build-egg", str(egg)], cwd=clone,
                          env={**server_env(), "SCRAPY_PROJECT": "prod", "TMPDIR": str(tmp_path)},  # --build-egg
                          capture_output=True, text=True, timeout=300)  # leaves its build folder in TMPDIR
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = settings.prod" in entry_points  # SCRAPY_PROJECT at build time
    assert {"pipelines/dedup/check_and_insert.lua", "pipelines/storage/migrations/env.py",
            "pipelines/storage/migrations/versions/0001_first_release.py", "crawler/report/schema.json",
            "crawler/report/templates/report.html.j2", "demo/templates/harbor_gazette/article.html"} <= names
    assert not {n for n in names if n.startswith(("tests/", "benchmarks/"))}
    shutil.rmtree(clone)
    run = tmp_path / "run"
    run.mkdir()
    proc = subprocess.run([sys.executable, "-c", EGG_READS, str(egg)], cwd=run,
                          env={**server_env(), "PYTHONPATH": str(egg)}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "egg reads ok", (proc.stdout + proc.stderr)[-3000:]
