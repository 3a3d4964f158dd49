"""The demo network stays on its port base: started there, reused when another process already
serves it there, refused in one line when anything else holds a port; never moved to other ports
(the stored demo URLs name them)."""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.network import MARKER_PATH, DemoNetwork, stable_ports
from demo.served import FREE, DemoPortsBusy, ServedNetwork, claim, identify
from tests.crawl import scrapy


def free_port_base() -> int:
    """A base whose five ports are free now."""
    rnd = random.Random()
    for _ in range(200):
        base = rnd.randrange(20000, 40000)
        if all(identify(port) == FREE for port in stable_ports(base).values()):
            return base
    raise AssertionError("no free port range found")


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening TCP socket that is not the demo network (accepts, never answers), whose four
    neighbours on each side are free (tried again on other ports until they are)."""
    for _ in range(50):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        if 1028 < port < 65530 and all(identify(p) == FREE for p in range(port - 4, port + 5) if p != port):
            break
        sock.close()
    else:
        raise AssertionError("no port with four free neighbours in 50 tries")
    with sock:
        sock.listen()
        yield sock


def test_claim_starts_then_reuses_the_served_network() -> None:
    base = free_port_base()
    started = claim(base)
    try:
        assert isinstance(started, DemoNetwork) and started.ports() == stable_ports(base)
        with urllib.request.urlopen(started.base_url("metro_daily") + MARKER_PATH, timeout=5) as resp:
            assert json.loads(resp.read()) == {"network": "newsdedup-demo", "slug": "metro_daily", "multiply": 1}
        again = claim(base)
        assert isinstance(again, ServedNetwork) and again.urls() == started.urls()
        assert started.request_log() == []  # marker probes are not crawl traffic
    finally:
        started.stop()
    assert all(identify(port) == FREE for port in stable_ports(base).values())


def test_claim_refuses_a_port_held_by_another_program(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    base = port - 2  # the third publisher's port is taken
    with pytest.raises(DemoPortsBusy, match=rf"^demo network: ports {base}-{base + 4} .*{port} another program"):
        claim(base)
    assert all(identify(p) == FREE for p in stable_ports(base).values() if p != port)  # nothing started


def test_claim_refuses_a_network_served_on_an_overlapping_base() -> None:
    base = free_port_base()
    with DemoNetwork(ports=stable_ports(base)):
        with pytest.raises(DemoPortsBusy, match=rf"{base + 1} serves the demo valley_courier"):
            claim(base + 1)


def crawl_counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("select count(*) from articles").fetchone()[0],
                conn.execute("select count(*) from duplicates").fetchone()[0])


def test_demo_reuses_the_network_served_on_its_port_base(tmp_path: Path, redis_settings: dict,
                                                          key_prefix: str) -> None:
    base = free_port_base()
    db = tmp_path / "demo.sqlite3"
    settings = {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "DATABASE_URL": f"sqlite:///{db}",
                "DEMO_PORT_BASE": base}
    with DemoNetwork(ports=stable_ports(base)) as net:
        first = scrapy(["demo"], tmp_path, settings)
        assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
        fetched = len(net.request_log())
        articles, copies = crawl_counts(db)
        second = scrapy(["demo"], tmp_path, settings)
        assert second.returncode == 0, (second.stdout + second.stderr)[-3000:]
        refetched = len(net.request_log()) - fetched
    assert fetched > 50 and articles > 40  # the first run crawled the served network
    assert crawl_counts(db) == (articles, copies)  # nothing stored, nothing dropped as a copy of itself
    assert refetched < fetched / 2  # article pages were skipped as seen, listings revalidated
    logs = sorted((tmp_path / "data" / "logs").glob("demo-*.log"))
    assert len(logs) == 2 and all("reusing it" in log.read_text() for log in logs)
    assert "Demo network started" not in "".join(log.read_text() for log in logs)


@pytest.mark.parametrize("command", [["demo"], ["crawlall", "--group", "demo"], ["crawl", "harbor_gazette"]])
def test_a_busy_port_base_is_one_line_and_exit_2(tmp_path: Path, redis_settings: dict, key_prefix: str,
                                                 listener: socket.socket, command: list[str]) -> None:
    port = listener.getsockname()[1]
    base = port - 4  # the fifth publisher's port is taken
    settings = {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
                "DEMO_PORT_BASE": base}
    proc = scrapy(command, tmp_path, settings)
    lines = [line for line in proc.stderr.splitlines() if line.startswith(f"{command[0]}: ")]  # not the log
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert len(lines) == 1 and lines[0].startswith(f"{command[0]}: demo network: ports {base}-{port} "), lines
    assert f"{port} another program" in lines[0] and "Traceback" not in proc.stderr
    assert all(identify(p) == FREE for p in range(base, port))  # no network was started on the base
