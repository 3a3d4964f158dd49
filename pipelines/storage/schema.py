"""Creating and upgrading the database schema, only through Alembic migrations.

``upgrade(engine)`` brings any database to the newest schema, keeping every row: a new
database gets every migration; one made by the first release (its tables, no
``alembic_version``) is stamped at revision ``0001`` first. It runs once per database URL
per process, under a cross-process lock (PostgreSQL: an advisory lock; SQLite: a file lock
beside the database file), so crawlers, workers and commands may all call it at start
(``pipelines.storage.store.prepare``: the writers).

``require_current(engine)`` is what a reader checks instead: it changes nothing and raises
``SchemaNotReady`` (its message one line) when the database has no tables or an older schema.

The migrations are package data (``migrations/``), read through ``importlib.resources``. Alembic
reads its scripts from a folder: imported from a zip file (an egg under scrapyd) they are copied
once per process into a temporary folder, removed at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import shutil
import tempfile
import threading
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import Engine, inspect, text

FIRST_RELEASE = "0001"
_LOCK_KEY = 0x6E657773  # PostgreSQL advisory lock id held while migrating ("news")
_done: set[str] = set()
_lock = threading.Lock()
_copied: list[Path] = []  # the copy of the migrations of a zipped package (made once)
_copy_lock = threading.Lock()  # not _lock: upgrade() holds that one while it reads the migrations


def _copy_tree(source: Traversable, dest: Path) -> None:
    # importlib.resources.as_file takes a directory only from Python 3.12 on; this runs on 3.11
    dest.mkdir()
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, dest / entry.name)
        else:
            (dest / entry.name).write_bytes(entry.read_bytes())


def migrations_folder() -> Path:
    """The folder of the Alembic scripts: the package's own, or a copy when the package is zipped."""
    found = resources.files(__package__).joinpath("migrations")
    if isinstance(found, Path):
        return found
    with _copy_lock:
        if not _copied:
            temp = Path(tempfile.mkdtemp(prefix="newsdedup-migrations-"))
            atexit.register(shutil.rmtree, temp, ignore_errors=True)
            _copy_tree(found, temp / "migrations")
            _copied.append(temp / "migrations")
        return _copied[0]


def _config(connection: object):  # noqa: ANN202 (alembic.config.Config, imported lazily)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head() -> str:
    """The newest revision (of this release's migration scripts: read once per process; alembic
    executes every script to find it, ~10 ms, which a worker opening 48 spiders did 200 times)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(None)).get_current_head() or ""


def current(engine: Engine) -> str | None:
    """The database's revision (None: no ``alembic_version``; ``FIRST_RELEASE`` tables count as it)."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision is None and inspect(conn).has_table("articles"):
            return FIRST_RELEASE
        return revision


def _add_run_ids(conn: object) -> None:
    """First-release databases older than its ``run_id`` columns got them on first use: do it now."""
    found = inspect(conn)
    for table in ("articles", "duplicates"):
        if "run_id" not in {c["name"] for c in found.get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN run_id INTEGER"))  # noqa: S608 (fixed names)


@contextlib.contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations between processes: a PostgreSQL advisory lock (on its own
    connection, held across the migration's transaction), or a file lock beside an SQLite file."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
                conn.commit()
    elif engine.dialect.name == "sqlite" and engine.url.database and engine.url.database != ":memory:":
        path = Path(engine.url.database + ".schema-lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    else:
        yield


class SchemaNotReady(RuntimeError):
    """The database has no tables yet, or a schema older (or newer) than this code's; one line."""


def _known_current(engine: Engine) -> bool:
    with _lock:
        return engine.url.render_as_string(hide_password=False) in _done


def require_current(engine: Engine) -> None:
    """Nothing when ``engine``'s database has the newest schema (checked once per process);
    else ``SchemaNotReady`` naming the database (password masked) and what a writer does."""
    if _known_current(engine):
        return
    found, wanted = current(engine), head()
    where = engine.url.render_as_string(hide_password=True)
    if found is None:
        raise SchemaNotReady(f"database {where} has no newsdedup tables yet: a crawl creates them")
    if found != wanted:
        raise SchemaNotReady(f"database {where} has schema revision {found}, not this release's {wanted}: "
                             "a crawl (or scrapy prune) of this release upgrades an older one")
    with _lock:
        _done.add(engine.url.render_as_string(hide_password=False))


def upgrade(engine: Engine, force: bool = False) -> tuple[str | None, str]:
    """Migrate ``engine``'s database to the newest schema; returns (revision before, after)."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key in _done and not force:
            return head(), head()
        from alembic import command
        from alembic.migration import MigrationContext

        with _schema_lock(engine), engine.begin() as conn:
            before = MigrationContext.configure(conn).get_current_revision()
            config = _config(conn)
            if before is None and inspect(conn).has_table("articles"):
                _add_run_ids(conn)
                command.stamp(config, FIRST_RELEASE)
                before = FIRST_RELEASE
            command.upgrade(config, "head")
        _done.add(key)
        return before, head()
