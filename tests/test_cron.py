"""The cron runner: overlapping invocations, exit status, log file per run."""

from __future__ import annotations

import subprocess
import sys
import time

from crawler.runlock import AlreadyRunning, RunLock
from crawler.summary import read_summaries
from demo.publishers import PUBLISHERS
from tests.crawl import ROOT, scrapy_cmd, scrapy_env


def test_overlapping_runs_one_crawls_the_other_exits(tmp_path, demo_site) -> None:
    _net, settings = demo_site
    data = tmp_path / "data"
    env = scrapy_env(data)
    cmd = scrapy_cmd(["crawlall", "--group", "demo"], settings)
    # the first run crawls slowly, so that it still holds the lock when the second has started
    # (on a fast machine the demo crawl used to finish before the second process was up)
    slow = scrapy_cmd(["crawlall", "--group", "demo"], {**settings, "DOWNLOAD_DELAY": 1.0})
    first = subprocess.Popen(slow, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock_file = data / "crawlall.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the first run holds the lock
        if lock_file.exists() and lock_file.read_text().strip() == str(first.pid):
            break
        time.sleep(0.05)
    second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    out, err = first.communicate(timeout=240)
    assert second.returncode == 75, second.stderr[-2000:]
    assert f"held by pid {first.pid}" in second.stderr and "exiting without crawling" in second.stderr
    assert first.returncode == 0, (out + err)[-3000:]
    assert "total" in out and "Crawl log:" in out
    logs = [p.read_text() for p in (data / "logs").glob("crawlall-*.log")]  # one per invocation
    closed = sum(log.count("Spider closed (finished)") for log in logs)
    assert len(logs) == 2 and closed == len(PUBLISHERS)  # one demo spider per publisher
    # each run's log ends with its summary: the locked one says so, with its exit code
    summaries = sorted((s for log in logs for s in read_summaries(log)), key=lambda s: s["exit_code"])
    assert [s["exit_code"] for s in summaries] == [0, 75]
    assert f"held by pid {first.pid}" in summaries[1]["error"] and summaries[1]["sites"] == {}
    assert len(summaries[0]["sites"]) == len(PUBLISHERS) and summaries[0]["unhealthy"] == {}


def test_lock_is_released_when_the_holder_dies(tmp_path) -> None:
    path = tmp_path / "x.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from crawler.runlock import RunLock; "
        f"lock = RunLock({str(path)!r}); lock.acquire(); print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    try:
        RunLock(path).acquire()
        raise AssertionError("lock should be held")
    except AlreadyRunning:
        pass
    holder.kill()
    holder.wait()
    with RunLock(path):
        pass


def test_job_dir_resumes_a_killed_run_and_never_reuses_a_finished_one(tmp_path) -> None:
    from crawler.runlock import FINISHED_MARKER, job_dir

    first = job_dir(tmp_path, "site", "20260101T000000Z")
    assert first == tmp_path / "site" / "20260101T000000Z"
    first.mkdir(parents=True)  # a run that was killed: no marker
    assert job_dir(tmp_path, "site", "20260102T000000Z") == first
    (first / FINISHED_MARKER).write_text("finished")
    assert job_dir(tmp_path, "site", "20260102T000000Z") == tmp_path / "site" / "20260102T000000Z"


def test_runs_started_in_the_same_second_log_to_two_files(tmp_path) -> None:
    from scrapy.settings import Settings

    from crawler.runstats import log_to_run_file

    paths = [log_to_run_file(Settings({"DATA_DIR": str(tmp_path)}), None, "crawlall") for _ in range(3)]
    assert len(set(paths)) == 3 and all(p.parent == tmp_path / "logs" for p in paths)
