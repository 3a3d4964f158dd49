"""The schema of the first release (tables created by ``metadata.create_all`` before migrations).

A database made by that release has these tables and no ``alembic_version``: it is stamped at
this revision, then upgraded (``pipelines.storage.schema.upgrade``).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("published", sa.String(40), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
        sa.Column("sitename", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("fetched_at", sa.String(40), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("dedup_method", sa.String(20), nullable=False),
        sa.Column("updates_id", sa.String(16), nullable=True),
        sa.Column("run_id", sa.Integer, nullable=True, index=True),
    )
    op.create_table(
        "duplicates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(16), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("published", sa.String(40), nullable=False),
        sa.Column("fetched_at", sa.String(40), nullable=False),
        sa.Column("duplicate_of", sa.String(16), nullable=False, index=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("jaccard", sa.Float, nullable=False),
        sa.Column("contained", sa.Float, nullable=False),
        sa.Column("contains", sa.Float, nullable=False),
        sa.Column("relation", sa.String(30), nullable=False),
        sa.Column("dropped_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("run_id", sa.Integer, nullable=True, index=True),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("spider", sa.String(100), nullable=False, index=True),
        sa.Column("session", sa.String(32), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finish_reason", sa.String(40), nullable=False),
        sa.Column("stats", sa.Text, nullable=False),
    )
    op.create_table(
        "pending_merges",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("into", sa.String(16), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("a", sa.String(16), nullable=False),
        sa.Column("b", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("reviews", "pending_merges", "runs", "duplicates", "articles"):
        op.drop_table(table)
