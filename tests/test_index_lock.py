"""The index lock (``crawler/index_lock.py``): one holder at a time, kept by a live holder past its
expiry, and freed soon after its holder is killed (a killed run never blocks the next one)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import redis

from crawler import index_lock as lock_module
from crawler.index_lock import index_lock
from tests.conftest import redis_url
from tests.crawl import ROOT

HOLDER = """
import sys, time, redis
from crawler import index_lock as m
m.LOCK_SECONDS = float(sys.argv[3])
client = redis.Redis.from_url(sys.argv[1])
with m.index_lock(client, sys.argv[2]):
    print("held", flush=True)
    time.sleep(3600)
"""


def test_a_live_holder_keeps_the_lock_past_its_expiry(redis_client: redis.Redis, key_prefix: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_module, "LOCK_SECONDS", 0.6)
    events: list[str] = []
    held = threading.Event()

    def first() -> None:
        with index_lock(redis_client, key_prefix):
            events.append("first in")
            held.set()
            time.sleep(2.0)  # over three expiries: only the renewals keep it
            events.append("first out")

    def second() -> None:
        held.wait()
        with index_lock(redis_client, key_prefix):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert events == ["first in", "first out", "second in"]
    assert redis_client.exists(f"{key_prefix}:rebuild-lock") == 0  # released on the way out


def test_a_killed_holder_does_not_block_the_next_process(redis_client: redis.Redis, key_prefix: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url(redis_client), key_prefix, "2"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        key = f"{key_prefix}:rebuild-lock"
        assert f":{holder.pid}:" in redis_client.get(key).decode()  # the token names its holder
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert 0 < redis_client.pttl(key) <= 2000  # a dead holder's lock lapses by itself, soon
        done = threading.Event()

        def take() -> None:
            with index_lock(redis_client, key_prefix):
                done.set()

        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        assert done.wait(60), "the lock of a killed holder was never freed"
    finally:
        if holder.poll() is None:
            holder.kill()
