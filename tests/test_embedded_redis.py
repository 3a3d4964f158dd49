"""The embedded Redis (``crawler/embedded_redis.py`` through ``get_redis``): it survives a crash of
the crawler with its data, never outlives the process that started it, is shared by processes on
one data folder, and ``python -m crawler.stop_embedded_redis`` stops it before data is deleted.

Processes are real (``tests/embedded_owner.py``, ``scrapy demo``) and are killed with SIGKILL.
Leftover servers are found independently of the module: ``/proc/<pid>/comm`` is ``redis-server``
and its working directory (redis chdirs to its ``dir``) is inside the test's folder.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from scrapy.settings import Settings

from crawler import embedded_redis
from crawler.connection import describe, get_redis
from demo.network import DemoNetwork
from tests.conftest import project_settings
from tests.crawl import ROOT, scrapy_cmd, scrapy_env
from tests.redisproc import RedisProcess


def servers_in(folder: Path) -> list[int]:
    """Live redis-server processes whose working directory is ``folder`` or below it."""
    root = str(folder.resolve())
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "comm").read_text().strip() != "redis-server":
                continue
            cwd = os.readlink(proc / "cwd").removesuffix(" (deleted)")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (cwd == root or cwd.startswith(root + "/")):
            found.append(int(proc.name))
    return found


def wait_gone(pids: set[int] | list[int], folder: Path, seconds: float = 15.0) -> list[int]:
    """Wait (bounded) until none of ``pids`` is a live server of ``folder``; return those left."""
    deadline = time.monotonic() + seconds
    while (left := [p for p in servers_in(folder) if p in set(pids)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def owner_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    return env


class Owner:
    """A ``tests/embedded_owner.py`` process on ``db_path``, driven one command at a time."""

    def __init__(self, db_path: Path, tmp: Path) -> None:
        self.stderr = tmp / f"owner-{time.monotonic_ns()}.err"
        with self.stderr.open("w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.embedded_owner", str(db_path)], cwd=ROOT,
                                         env=owner_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                         text=True)
        self.server_pid = int(self._line().split()[1])

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"owner process ended: {self.stderr.read_text()[-2000:]}"
        return line.strip()

    def __call__(self, command: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._line()

    def exit(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write("exit\n")
        self.proc.stdin.close()
        return self.proc.wait(60)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def mset(owner: Owner, prefix: str, n: int) -> None:
    assert owner("MSET " + " ".join(f"{prefix}{i} v{i}" for i in range(n))) == "True"


def present(owner: Owner, prefix: str, n: int) -> int:
    """How many of the keys ``mset`` wrote are there."""
    return int(owner("EXISTS " + " ".join(f"{prefix}{i}" for i in range(n))))


def test_keys_survive_sigkill_of_owner_and_server_together(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "redis"
    owner = Owner(folder / "index.rdb", tmp_path)
    mset(owner, "early:", 200)
    time.sleep(2.0)  # appendfsync everysec: what was written this long ago is in the append-only file
    mset(owner, "late:", 200)
    server = owner.server_pid
    os.kill(server, signal.SIGKILL)
    owner.kill()
    assert wait_gone([server], folder) == []
    assert (folder / "redis.sock").exists() and (folder / "redis.pid").exists()  # stale files of the killed pair

    again = Owner(folder / "index.rdb", tmp_path)
    assert again.server_pid != server
    assert present(again, "early:", 200) == 200
    assert again.exit() == 0
    assert servers_in(folder) == []  # a clean exit waits for its server


def test_server_dies_with_its_owner_and_keeps_the_data(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "redis"
    owner = Owner(folder / "index.rdb", tmp_path)
    mset(owner, "k:", 50)
    server = owner.server_pid
    owner.kill()  # SIGKILL of the owner only: PDEATHSIG sends the server SIGTERM, it saves and exits
    assert wait_gone([server], folder) == [], "the embedded redis-server outlived the process that started it"
    again = Owner(folder / "index.rdb", tmp_path)
    assert present(again, "k:", 50) == 50
    assert again.exit() == 0


def test_ten_crawls_killed_mid_run_leave_no_server(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rnd = random.Random(seed)
    data = tmp_path / "data"
    folder = data / "redis"
    killed_with_server = 0
    with DemoNetwork() as net:
        settings = {"DEMO_SITE_URLS": net.urls(), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
                    "DOWNLOAD_DELAY": 0.05, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}  # no REDIS_URL: embedded
        for run in range(10):
            # the server of the run killed before goes by itself; waiting for it here also means the
            # loop below sees this run's server, not the previous one on its way out
            left = wait_gone(set(servers_in(folder)), folder)
            assert left == [], f"run {run}: the previous run's redis-server still running: {left} (seed {seed})"
            output = tmp_path / f"run{run}.txt"
            with output.open("w") as sink:
                crawl = subprocess.Popen(scrapy_cmd(["demo"], settings), cwd=ROOT, env=scrapy_env(data),
                                         stdout=sink, stderr=subprocess.STDOUT)
            if run % 2:  # a random moment once the server is up…
                start = time.monotonic()
                while not servers_in(folder) and crawl.poll() is None and time.monotonic() < start + 60:
                    time.sleep(0.02)
                assert servers_in(folder), (
                    f"run {run}: no embedded server after {time.monotonic() - start:.1f} s, crawl exit code "
                    f"{crawl.poll()} (seed {seed}); its output:\n{output.read_text()[-3000:]}")
                time.sleep(rnd.uniform(0.0, 1.5))
            else:  # …or any moment from the start (importing, starting the server, crawling)
                time.sleep(rnd.uniform(0.2, 3.0))
            killed_with_server += bool(servers_in(folder))
            crawl.send_signal(signal.SIGKILL)
            crawl.wait()
        left = wait_gone(set(servers_in(folder)), folder)
        assert left == [], f"redis-server left running after SIGKILLed crawls: {left} (seed {seed})"
        assert killed_with_server >= 5  # the odd runs at least were killed with their server running
        final = subprocess.run(scrapy_cmd(["demo"], settings), cwd=ROOT, env=scrapy_env(data), capture_output=True,
                               text=True, timeout=240)  # the index the killed runs left loads and works
    assert final.returncode == 0, (final.stdout + final.stderr)[-3000:]
    assert servers_in(folder) == []


def test_clean_demo_run_is_quiet_and_leaves_no_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with DemoNetwork() as net:
        settings = {"DEMO_SITE_URLS": net.urls(), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
        proc = subprocess.run(scrapy_cmd(["demo"], settings), cwd=ROOT, env=scrapy_env(data), capture_output=True,
                              text=True, timeout=240)
    output = proc.stdout + proc.stderr + "".join(p.read_text() for p in (data / "logs").glob("*.log"))
    assert proc.returncode == 0, output[-3000:]
    assert "embedded redis (" in proc.stdout  # describe(): where the index is
    for word in ("shutdown failed", "sigterm", "killing"):
        assert word not in output.lower(), f"{word!r} in the output of a clean run"
    assert servers_in(data) == []
    assert (data / "redis" / "appendonly.aof").stat().st_size > 0


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_processes_on_one_folder_share_one_server(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "redis"
    with ThreadPoolExecutor(4) as pool:  # four processes starting at the same time
        owners = list(pool.map(lambda _: Owner(folder / "index.rdb", tmp_path), range(4)))
    server = owners[0].server_pid
    assert {o.server_pid for o in owners} == {server}
    assert servers_in(tmp_path) == [server]
    owner = next(o for o in owners if o.proc.pid == parent_of(server))
    others = [o for o in owners if o is not owner]
    assert others[0]("SET shared yes") == "True"
    assert owner("GET shared") == "yes"
    assert owner.exit() == 0  # the owner's server stops with it…
    assert server not in servers_in(tmp_path)
    assert others[0]("GET shared") == "yes"  # …another process starts a new one from the saved data…
    new = int(others[0]("serverpid"))
    assert new != server
    assert [int(o("serverpid")) for o in others[1:]] == [new, new]  # …and the rest use that one
    assert servers_in(tmp_path) == [new]
    for other in others:
        assert other.exit() == 0
    assert servers_in(tmp_path) == []


def test_a_folder_with_only_an_rdb_file_is_loaded_then_kept_append_only(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "redis"
    owner = Owner(folder / "index.rdb", tmp_path)
    mset(owner, "old:", 100)
    assert owner.exit() == 0  # saved to index.rdb at shutdown
    (folder / "appendonly.aof").unlink()  # a folder from before the append-only file

    owner = Owner(folder / "index.rdb", tmp_path)
    assert present(owner, "old:", 100) == 100
    assert owner("CONFIG GET appendonly") == str({b"appendonly": b"yes"})
    server = owner.server_pid
    os.kill(server, signal.SIGKILL)
    owner.kill()
    assert wait_gone([server], folder) == []
    assert (folder / "appendonly.aof").stat().st_size > 0
    owner = Owner(folder / "index.rdb", tmp_path)
    assert present(owner, "old:", 100) == 100
    assert owner.exit() == 0


def test_stop_command_stops_the_servers_of_one_folder_only(tmp_path: Path) -> None:
    doomed = Owner(tmp_path / "a" / "data" / "redis" / "index.rdb", tmp_path)
    kept = Owner(tmp_path / "b" / "data" / "redis" / "index.rdb", tmp_path)
    proc = subprocess.run([sys.executable, "-m", "crawler.stop_embedded_redis", str(tmp_path / "a" / "data")],
                          cwd=ROOT, env=owner_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"pid {doomed.server_pid}" in proc.stdout
    assert servers_in(tmp_path / "a") == []
    assert servers_in(tmp_path / "b") == [kept.server_pid]
    doomed.kill()
    assert kept.exit() == 0
    bad = subprocess.run([sys.executable, "-m", "crawler.stop_embedded_redis"], cwd=ROOT, env=owner_env(),
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def embedded_settings(db_path: Path, **overrides: object) -> Settings:
    return Settings(project_settings(REDIS_URL=None, REDIS_EMBEDDED_PATH=str(db_path), **overrides))


def test_a_too_long_folder_gets_a_short_private_socket(tmp_path: Path) -> None:
    db_path = tmp_path / ("x" * 60) / ("y" * 60) / "index.rdb"
    client = get_redis(embedded_settings(db_path))
    try:
        sock = Path(client.connection_pool.connection_kwargs["path"])
        assert sock.parent == Path(f"/tmp/newsdedup-redis-{os.getuid()}")
        assert len(os.fsencode(sock)) <= 107
        assert client.set("k", "v") and client.get("k") == b"v"
        assert str(db_path) in describe(client)
    finally:
        client.close()
        embedded_redis.shutdown(db_path)
    assert servers_in(tmp_path) == []


def test_every_call_is_bounded_by_redis_socket_timeout(tmp_path: Path) -> None:
    db_path = tmp_path / "redis" / "index.rdb"
    client = get_redis(embedded_settings(db_path, REDIS_SOCKET_TIMEOUT=0.5))
    kw = client.connection_pool.connection_kwargs
    assert kw["socket_timeout"] == kw["socket_connect_timeout"] == 0.5
    server = int(client.info("server")["process_id"])
    os.kill(server, signal.SIGSTOP)  # a hung server: calls fail instead of waiting forever
    try:
        with pytest.raises(redis.TimeoutError):
            client.get("k")
    finally:
        os.kill(server, signal.SIGCONT)
        client.close()
        embedded_redis.shutdown(db_path)
    with RedisProcess(tmp_path / "server") as server_proc:
        client = get_redis(Settings(project_settings(REDIS_URL=server_proc.url, REDIS_SOCKET_TIMEOUT=0.5)))
        kw = client.connection_pool.connection_kwargs
        assert kw["socket_timeout"] == kw["socket_connect_timeout"] == 0.5
        server_proc.pause()
        try:
            with pytest.raises(redis.TimeoutError):
                client.get("k")
        finally:
            server_proc.resume()
            client.close()


def test_a_server_started_from_a_short_lived_thread_outlives_that_thread(tmp_path: Path) -> None:
    db_path = tmp_path / "redis" / "index.rdb"
    clients: list[redis.Redis] = []
    thread = threading.Thread(target=lambda: clients.append(get_redis(embedded_settings(db_path))))
    thread.start()
    thread.join()  # PDEATHSIG follows the thread that forked: it must not have been this one
    try:
        server = servers_in(tmp_path)
        assert len(server) == 1
        time.sleep(1.0)  # a SIGTERM would have been handled by now (redis checks it 10 times a second)
        assert "SIGTERM" not in (db_path.parent / "redis.log").read_text()
        assert servers_in(tmp_path) == server
        assert int(clients[0].info("server")["process_id"]) == server[0]
    finally:
        for client in clients:
            client.close()
        embedded_redis.shutdown(db_path)
    assert servers_in(tmp_path) == []
