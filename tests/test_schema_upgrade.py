"""Schema migrations: a database made by the first release (its tables, no ``alembic_version``)
upgrades in place keeping every row, and the migrations build exactly the tables the code
declares — on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from pipelines.storage import schema
from pipelines.storage.models import metadata
from pipelines.storage.store import SchemaNotReady, open_store, prepare


def first_release_database(url: str) -> None:
    """The first release's tables with a row in each, as that release left them."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(schema._config(conn), schema.FIRST_RELEASE)
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text(
            "INSERT INTO articles (id, url, final_url, canonical_url, site, title, author, published, language, "
            "authors, updated, sitename, text, fetched_at, dedup_method) VALUES ('00000000000000aa', 'http://a/1', "
            "'http://a/1', 'http://a/1', 'a', 'T', '', '', '', '[]', '', '', 'body', '2026-11-01', 'new')"))
        conn.execute(text(
            "INSERT INTO duplicates (article_id, url, site, title, text, author, published, fetched_at, "
            "duplicate_of, method, jaccard, contained, contains, relation) VALUES ('00000000000000bb', "
            "'http://b/1', 'b', 'T', 'body', '', '', '2026-11-01', '00000000000000aa', 'near', 0.9, 0.9, 0.9, '')"))
        conn.execute(text("INSERT INTO reviews (action, a, b, note) VALUES ('distinct', 'x', 'y', '')"))
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_first_release_database_upgrades_keeping_rows(backend: str, tmp_path: Path, request) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    first_release_database(url)
    assert schema.current(create_engine(url)) == schema.FIRST_RELEASE
    prepare(url)
    store = open_store(url)
    with store.engine.connect() as conn:
        assert conn.execute(text("select id, index_seq from articles")).all() == [("00000000000000aa", None)]
        assert conn.execute(text("select article_id from duplicates")).scalar() == "00000000000000bb"
        assert conn.execute(text("select count(*) from reviews")).scalar() == 1
        assert conn.execute(text("select value from database_meta where name = 'database_id'")).scalar()
        assert inspect(conn).has_table("rejections")
        assert MigrationContext.configure(conn).get_current_revision() == schema.head()
    store.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_build_the_declared_tables(backend: str, tmp_path: Path, request) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    prepare(url)
    store = open_store(url)
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    store.engine.dispose()
    assert diffs == []


def test_a_reader_opens_no_ddl_and_names_a_missing_or_older_schema(tmp_path: Path) -> None:
    """``open_store`` creates nothing: a database without tables, or with the first release's,
    is refused in one line and left as it was; ``prepare`` (a writer) makes it current."""
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(SchemaNotReady, match=r"has no newsdedup tables yet") as missing:
        open_store(empty)
    assert "\n" not in str(missing.value)
    assert inspect(create_engine(empty)).get_table_names() == []

    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    first_release_database(old)
    with pytest.raises(SchemaNotReady, match=rf"schema revision {schema.FIRST_RELEASE}, not this release's"):
        open_store(old)
    assert schema.current(create_engine(old)) == schema.FIRST_RELEASE  # not migrated by the reader
    prepare(old)
    store = open_store(old)
    assert [a["id"] for a in store.articles()] == ["00000000000000aa"]
    store.engine.dispose()


NEWS_COLUMNS = {"image", "description", "tags", "section", "free_access", "word_count"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_0004_adds_the_news_metadata_columns_null_on_old_rows(backend: str, tmp_path: Path,
                                                                           request) -> None:
    url = f"sqlite:///{tmp_path / 'v4.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(schema._config(conn), "0004")
        assert not NEWS_COLUMNS & {c["name"] for c in inspect(conn).get_columns("articles")}
        conn.execute(text(
            "INSERT INTO articles (id, url, final_url, canonical_url, site, title, author, published, language, "
            "authors, updated, sitename, credits, text, fetched_at, dedup_method) VALUES ('00000000000000aa', "
            "'http://a/1', 'http://a/1', 'http://a/1', 'a', 'T', '', '', '', '[]', '', '', '[]', 'body', "
            "'2026-11-01', 'new')"))
    engine.dispose()
    prepare(url)
    store = open_store(url)
    with store.engine.connect() as conn:
        assert NEWS_COLUMNS <= {c["name"] for c in inspect(conn).get_columns("articles")}
        row = conn.execute(text("select image, description, tags, section, free_access, word_count "
                                "from articles")).one()
        assert tuple(row) == (None,) * 6
        assert MigrationContext.configure(conn).get_current_revision() == schema.head()
    store.engine.dispose()
