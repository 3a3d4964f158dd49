"""Rejections can be resolved by review: ``review accept`` and ``review reextract`` record what
became of the page (``resolution``, ``resolved_at``, ``article_id``).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rejections") as batch:
        batch.add_column(sa.Column("resolution", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("article_id", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rejections") as batch:
        batch.drop_column("article_id")
        batch.drop_column("resolved_at")
        batch.drop_column("resolution")
