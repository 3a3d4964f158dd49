"""The demo network on its port base: started in this process, or one already served there.

The demo's stored URLs name their ports (``http://127.0.0.1:8701/news/…``), so data that
persisted is only ever crawled again on the same ports: a crawl on other ports would fetch
every page again and drop each as a duplicate of itself. ``claim(port_base)`` therefore never
moves to other ports:

- every port of the base is free: it starts a ``DemoNetwork`` there, in this process;
- every port answers ``MARKER_PATH`` as the demo publisher of that port (a network served by
  another process, e.g. ``python -m demo.network serve --port-base 8701`` or a running
  ``make demo``): it returns a ``ServedNetwork`` handle on it and starts nothing;
- anything else (a port taken by another program, a network on another base overlapping this
  one, a network with some of its servers gone): it raises ``DemoPortsBusy`` with one line
  naming each port and what holds it.

Standard library only, like the rest of the ``demo`` package.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any

from demo.network import HOST, MARKER_NAME, MARKER_PATH, DemoNetwork, stable_ports

PROBE_TIMEOUT = 3.0  # seconds a port may take to answer the marker request
FREE = "free"
OTHER = "another program"


class DemoPortsBusy(RuntimeError):
    """The port base is neither free nor served by the demo network (a one-line message)."""


class ServedNetwork:
    """A demo network served by another process on ``ports`` ({slug: port}): the addressing
    part of ``DemoNetwork`` (``urls``, ``base_url``, ``ports``); ``stop`` does nothing."""

    def __init__(self, ports: dict[str, int]) -> None:
        self._ports = dict(ports)

    def base_url(self, slug: str) -> str:
        """``http://127.0.0.1:PORT`` of a publisher (no trailing slash)."""
        return f"http://{HOST}:{self._ports[slug]}"

    def urls(self) -> dict[str, str]:
        """{slug: base URL} for all publishers, in publisher order."""
        return {slug: self.base_url(slug) for slug in self._ports}

    def ports(self) -> dict[str, int]:
        return dict(self._ports)

    def stop(self) -> None:
        """Nothing: the network belongs to the process that serves it."""


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is fine
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def identify(port: int, timeout: float = PROBE_TIMEOUT) -> str:
    """What holds ``port`` on 127.0.0.1: ``FREE``, ``OTHER``, or the slug of the demo publisher
    served there (its answer at ``MARKER_PATH``)."""
    if _bindable(port):
        return FREE
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", MARKER_PATH)
        response = conn.getresponse()
        answer: Any = json.loads(response.read(4096)) if response.status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        return OTHER
    finally:
        conn.close()
    if isinstance(answer, dict) and answer.get("network") == MARKER_NAME and isinstance(answer.get("slug"), str):
        return answer["slug"]
    return OTHER


def survey(port_base: int) -> dict[str, tuple[int, str]]:
    """{slug: (its stable port, what holds that port)} for every publisher."""
    return {slug: (port, identify(port)) for slug, port in stable_ports(port_base).items()}


def _busy(port_base: int, found: dict[str, tuple[int, str]]) -> DemoPortsBusy:
    ports = [port for port, _ in found.values()]
    held = "; ".join(
        f"{port} {'free' if what == FREE else OTHER if what == OTHER else f'serves the demo {what}'}"
        for slug, (port, what) in found.items() if what != slug
    )
    return DemoPortsBusy(
        f"demo network: ports {min(ports)}-{max(ports)} are neither free nor the demo network ({held}); "
        f"free them, serve the demo there (python -m demo.network serve --port-base {port_base}) "
        "or set DEMO_PORT_BASE. The demo never moves to other ports: its stored URLs name these")


def claim(port_base: int) -> DemoNetwork | ServedNetwork:
    """The demo network on the stable ports from ``port_base``: started here when they are all
    free, the one already served there when they all serve it; else ``DemoPortsBusy``."""
    found = survey(port_base)
    if all(what == slug for slug, (_, what) in found.items()):
        return ServedNetwork({slug: port for slug, (port, _) in found.items()})
    if all(what == FREE for _, what in found.values()):
        try:
            return DemoNetwork(ports=stable_ports(port_base)).start()
        except OSError:  # another process took a port since the survey: maybe it serves the demo
            found = survey(port_base)
            if all(what == slug for slug, (_, what) in found.items()):
                return ServedNetwork({slug: port for slug, (port, _) in found.items()})
    raise _busy(port_base, found)
