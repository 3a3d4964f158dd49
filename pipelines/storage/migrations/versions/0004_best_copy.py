"""A dropped copy records what decided it and whether it was the kept copy once: the deciding
score, its threshold in force at the time and the index record it was measured against
(``decided_score``, ``decided_threshold``, ``decided_against``), and ``superseded_by`` when a
better copy replaced it as the story's stored member. An article keeps the publishers it credits
as its source (``credits``, a JSON list of name keys): what ranks it among copies of its story.
A replacement that waits in ``pending_merges`` (the replaced article not committed yet) keeps
its ``duplicates`` values there (``moved``, JSON) until it is applied.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("credits", sa.Text, nullable=False, server_default="[]"))
    with op.batch_alter_table("duplicates") as batch:
        batch.add_column(sa.Column("decided_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("decided_threshold", sa.Float, nullable=True))
        batch.add_column(sa.Column("decided_against", sa.String(16), nullable=True))
        batch.add_column(sa.Column("superseded_by", sa.String(16), nullable=True))
    with op.batch_alter_table("pending_merges") as batch:
        batch.add_column(sa.Column("moved", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_merges") as batch:
        batch.drop_column("moved")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("credits")
    with op.batch_alter_table("duplicates") as batch:
        for name in ("superseded_by", "decided_against", "decided_threshold", "decided_score"):
            batch.drop_column(name)
