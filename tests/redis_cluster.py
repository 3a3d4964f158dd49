"""A throwaway Redis Cluster on loopback, for the cluster-mode tests.

``LocalCluster(folder, masters=3, replicas=0)`` starts ``masters * (1 + replicas)`` processes of
``redis-server --cluster-enabled yes`` on free loopback ports (each with its cluster bus on port +
10000, also free), joins them with ``redis-cli --cluster create … --cluster-yes`` and waits until
every node reports ``cluster_state:ok``. Every process is stopped by its pid. ``kill(port)``
SIGKILLs one node (a master killed mid-crawl); ``wait_failover(port)`` waits until its replica
has taken over its slots.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis
from redis.cluster import RedisCluster

from tests.redisproc import redis_server_binary


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_cluster_port(taken: set[int]) -> int:
    """A loopback port that is free, and whose cluster bus port (+10000) is free too."""
    for _ in range(1000):
        port = random.randint(20000, 45000)  # noqa: S311 (a port, not a secret)
        if port not in taken and port + 10000 not in taken and _bindable(port) and _bindable(port + 10000):
            return port
    raise RuntimeError("no free pair of loopback ports for a cluster node")


def _binary(name: str) -> str:
    if name == "redis-server":
        return shutil.which("redis-server") or redis_server_binary()
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found on PATH: the cluster tests need redis-cli (apt install redis-tools)")
    return found


class LocalCluster:
    """``masters`` masters (+ ``replicas`` replicas each) of a real Redis Cluster in ``folder``."""

    def __init__(self, folder: Path, masters: int = 3, replicas: int = 0, node_timeout_ms: int = 2000) -> None:
        self.folder, self.masters, self.replicas, self.node_timeout_ms = folder, masters, replicas, node_timeout_ms
        self.ports: list[int] = []
        self.procs: dict[int, subprocess.Popen] = {}

    @property
    def url(self) -> str:
        """The ``redis+cluster://`` URL the project's Redis factory takes (one seed node)."""
        return f"redis+cluster://127.0.0.1:{self.ports[0]}"

    @property
    def nodes(self) -> str:
        """The ``REDIS_CLUSTER_NODES`` value: every node as host:port, comma separated."""
        return ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def node(self, port: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)

    def client(self) -> RedisCluster:
        return RedisCluster(host="127.0.0.1", port=self.ports[0], socket_timeout=5)

    def _start_node(self, port: int) -> None:
        folder = self.folder / str(port)
        folder.mkdir(parents=True, exist_ok=True)
        args = [_binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", str(self.node_timeout_ms), "--save", "", "--appendonly", "yes",
                "--appendfsync", "everysec", "--repl-diskless-sync-delay", "0", "--daemonize", "no",
                "--logfile", str(folder / "redis.log")]
        self.procs[port] = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _wait_ping(self, port: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if self.node(port).ping():
                    return
            if self.procs[port].poll() is not None:
                log = (self.folder / str(port) / "redis.log").read_text()[-2000:]
                raise RuntimeError(f"redis-server on port {port} exited: {log}")
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {port} did not answer within {timeout} s")

    def start(self) -> LocalCluster:
        taken: set[int] = set()
        for _ in range(self.masters * (1 + self.replicas)):
            port = free_cluster_port(taken)
            taken.update((port, port + 10000))
            self.ports.append(port)
        try:
            for port in self.ports:
                self._start_node(port)
            for port in self.ports:
                self._wait_ping(port)
            create = [_binary("redis-cli"), "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
                      "--cluster-replicas", str(self.replicas), "--cluster-yes"]
            done = subprocess.run(create, capture_output=True, text=True, timeout=60, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"redis-cli --cluster create failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
            self.wait_ok()
            self.wait_replicas()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ok(self, timeout: float = 30.0, ports: list[int] | None = None) -> None:
        """Wait until every running node (or ``ports``) says ``cluster_state:ok`` and agrees on
        the slots' masters."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            alive = [p for p in (ports or self.ports) if self.procs[p].poll() is None]
            try:
                states = [self.node(p).execute_command("CLUSTER", "INFO").decode() for p in alive]
                slots = {repr(sorted((s[0], s[1], s[2][1]) for s in self.node(p).execute_command("CLUSTER", "SLOTS")))
                         for p in alive}
                if all("cluster_state:ok" in s for s in states) and len(slots) == 1:
                    return
                last = f"states {[s.split()[0] for s in states]}, {len(slots)} slot views"
            except redis.RedisError as exc:
                last = str(exc)
            time.sleep(0.1)
        raise RuntimeError(f"cluster not ok within {timeout} s: {last}")

    def wait_replicas(self, timeout: float = 30.0) -> None:
        """Wait until every replica has synchronised with its master (only then can it take over)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            infos = [self.node(p).info("replication") for p in self._alive()]
            if all(i.get("master_link_status", "up") == "up" for i in infos) and \
                    sum(i["role"] == "slave" for i in infos) == self.masters * self.replicas:
                return
            time.sleep(0.1)
        raise RuntimeError(f"replicas not in sync within {timeout} s")

    def master_of(self, key: str) -> int:
        """Port of the master serving ``key``'s slot now."""
        slot = int(self.node(self._alive()[0]).execute_command("CLUSTER", "KEYSLOT", key))
        for start, end, master, *_ in self.node(self._alive()[0]).execute_command("CLUSTER", "SLOTS"):
            if start <= slot <= end:
                return int(master[1])
        raise RuntimeError(f"no master serves slot {slot}")

    def _alive(self) -> list[int]:
        return [p for p in self.ports if self.procs[p].poll() is None]

    def kill(self, port: int) -> None:
        """SIGKILL one node: gone at once, its writes of the last second possibly lost."""
        proc = self.procs[port]
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)

    def wait_failover(self, dead: int, key: str, timeout: float = 30.0) -> int:
        """Wait until ``key``'s slot is served by a master other than ``dead`` and the cluster is
        ok again; returns the new master's port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError, RuntimeError):
                port = self.master_of(key)
                if port != dead:
                    self.wait_ok(max(1.0, deadline - time.monotonic()), self._alive())
                    return port
            time.sleep(0.1)
        raise RuntimeError(f"no replica took over from {dead} within {timeout} s")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
