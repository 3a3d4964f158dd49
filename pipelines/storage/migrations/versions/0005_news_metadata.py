"""An article keeps the metadata a news user expects beside its text: the lead image URL
(``image``), the page's description, its tags (``tags``, a JSON list), its section, whether it
is free to read (``free_access``: false when its JSON-LD says ``isAccessibleForFree`` false or
its text ends on a paywall notice) and its word count. Rows stored before keep NULL in each.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COLUMNS = ("image", "description", "tags", "section", "free_access", "word_count")


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("image", sa.Text, nullable=True))
        batch.add_column(sa.Column("description", sa.Text, nullable=True))
        batch.add_column(sa.Column("tags", sa.Text, nullable=True))
        batch.add_column(sa.Column("section", sa.Text, nullable=True))
        batch.add_column(sa.Column("free_access", sa.Boolean, nullable=True))
        batch.add_column(sa.Column("word_count", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
