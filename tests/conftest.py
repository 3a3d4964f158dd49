"""Shared fixtures: a real Redis (server from REDIS_URL, else the embedded one) and a
real SQLite file; every test gets its own key prefix and database."""

from __future__ import annotations

import contextlib
import inspect
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Install Scrapy's asyncio reactor, the one every crawl runs on, before any test runs.
    Importing ``twisted.internet.reactor`` installs Twisted's default reactor when none is yet (a
    test firing the storage batcher's timer does), and every crawler built in this process after
    that would refuse it: which tests passed would depend on their order."""
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")


@pytest.fixture(scope="session")
def redis_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    """The Redis the suite runs against: ``REDIS_URL`` when set, else the project's embedded server
    (``crawler/embedded_redis.py``) in a temporary folder, stopped at the end of the session."""
    url = os.environ.get("REDIS_URL")
    if url:
        client = redis.Redis.from_url(url)
        client.ping()
        yield client
        return
    from scrapy.settings import Settings

    from crawler import embedded_redis
    from crawler.connection import get_redis

    db_path = tmp_path_factory.mktemp("redis") / "test.rdb"
    client = get_redis(Settings(project_settings(REDIS_URL=None, REDIS_EMBEDDED_PATH=str(db_path))))
    # nothing to keep: neither snapshots nor an append-only file (less disk work for the suite)
    client.config_set("save", "")
    client.config_set("appendonly", "no")
    client.ping()
    yield client
    client.close()
    embedded_redis.shutdown(db_path)


def redis_url(client: redis.Redis) -> str:
    """A ``REDIS_URL`` for subprocesses that reaches ``client``'s server (``REDIS_URL`` when set, else
    the embedded server's unix socket)."""
    return os.environ.get("REDIS_URL") or f"unix://{client.connection_pool.connection_kwargs['path']}"


@pytest.fixture
def key_prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A fresh key prefix; its keys are deleted afterwards."""
    prefix = f"t-{uuid.uuid4().hex[:10]}"
    yield prefix
    keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def redis_settings(redis_client: redis.Redis, tmp_path: Path) -> dict[str, str]:
    """Settings that point a crawl subprocess at the same Redis the fixture uses."""
    return {"REDIS_URL": redis_url(redis_client)}


def settled(result: Any) -> Any:
    """The value of a coroutine that completes without waiting (raising its error); other
    values unchanged."""
    if inspect.iscoroutine(result):
        try:
            result.send(None)
        except StopIteration as done:
            return done.value
        result.close()
        raise AssertionError("the coroutine is waiting for something")
    return result


def project_settings(**overrides: object) -> dict[str, object]:
    """The ``settings.test`` profile as a dict, with ``overrides`` (for ``get_crawler``)."""
    from scrapy.settings import BaseSettings

    settings = BaseSettings()  # the profile only, not Scrapy's defaults (get_crawler adds those)
    settings.setmodule("settings.test", priority="project")
    values = {k: v for k, v in settings.items() if k.isupper()}
    values.update(overrides)
    return values


@contextlib.contextmanager
def demo_network_settings(db_path: Path, redis_client: redis.Redis) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A running demo network and the ``-s`` settings that point a crawl at it, at the suite's
    Redis (fresh key prefix, deleted afterwards) and at the SQLite file ``db_path``."""
    from demo.network import DemoNetwork

    prefix = f"t-site-{uuid.uuid4().hex[:8]}"
    try:
        with DemoNetwork() as net:
            yield net, {
                "DEMO_SITE_URLS": net.urls(),
                "DATABASE_URL": f"sqlite:///{db_path}",
                "REDIS_URL": redis_url(redis_client),
                "DEDUP_KEY_PREFIX": prefix,
            }
    finally:
        keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            redis_client.delete(*keys)


@pytest.fixture(scope="session")
def demo_crawl(tmp_path_factory: pytest.TempPathFactory, redis_client: redis.Redis) -> Iterator[dict]:
    """One demo crawl (in-process demo network, own SQLite file and key prefix), read-only for its users.

    Yields ``{"tmp", "settings", "db_url", "truth"}``; ``settings`` are the ``-s`` settings of that crawl.
    """
    from tests.crawl import scrapy

    tmp = tmp_path_factory.mktemp("demo-crawl")
    with demo_network_settings(tmp / "demo.sqlite3", redis_client) as (net, settings):
        proc = scrapy(["demo"], tmp, settings)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
        truth = net.ground_truth()
        yield {"tmp": tmp, "settings": settings, "db_url": settings["DATABASE_URL"], "truth": truth,
               "stdout": proc.stdout}


@pytest.fixture
def demo_site(tmp_path: Path, redis_client: redis.Redis) -> Iterator[tuple[Any, dict[str, Any]]]:
    """``demo_network_settings`` for one test, with a fresh SQLite file: ``(network, settings)``."""
    with demo_network_settings(tmp_path / "site.sqlite3", redis_client) as site:
        yield site


PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL schema, as a ``DATABASE_URL``; dropped afterwards. Skipped when no
    server answers, except on CI."""
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))  # noqa: S608 (generated name, not input)
    except Exception as exc:  # no server here
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG}: {exc.__class__.__name__}")
    yield f"{PG}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))  # noqa: S608
    admin.dispose()
