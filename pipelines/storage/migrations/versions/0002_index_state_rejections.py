"""The database as the dedup index's source of truth; recorded rejections.

Articles, duplicates and reviews keep the number their change got in the Redis index
(``index_seq``: the database's high-water mark); articles and duplicates keep the index entry
a rebuild replays (``index_entry``). ``index_state`` names the index build per key prefix,
``database_meta`` this database (a random ``database_id``). ``rejections`` records pages
refused before dedup, with their evidence.

Revision ID: 0002
Revises: 0001
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("articles", "duplicates"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("index_seq", sa.BigInteger, nullable=True))
            batch.add_column(sa.Column("index_entry", sa.LargeBinary, nullable=True))
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("index_seq", sa.BigInteger, nullable=True))
    op.create_index("ix_articles_dedup_method", "articles", ["dedup_method"])
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False, index=True),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("run_id", sa.Integer, nullable=True, index=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.LargeBinary, nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "index_state",
        sa.Column("prefix", sa.String(100), primary_key=True),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rebuilt_rows", sa.Integer, nullable=False),
    )
    meta = op.create_table(
        "database_meta",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"name": "database_id", "value": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("database_meta")
    op.drop_table("index_state")
    op.drop_table("rejections")
    op.drop_index("ix_articles_dedup_method", "articles")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("index_seq")
    for table in ("duplicates", "articles"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("index_entry")
            batch.drop_column("index_seq")
