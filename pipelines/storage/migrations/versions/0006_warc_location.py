"""Articles, duplicates and rejections record where their page is archived: the WARC file
(``warc_file``: a name under ``WARC_DIR`` or an absolute path) and the byte offset of its
response record (``warc_offset``). Rows stored before, and pages not archived, keep NULL.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TABLES = ("articles", "duplicates", "rejections")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("warc_file", sa.Text, nullable=True))
            batch.add_column(sa.Column("warc_offset", sa.BigInteger, nullable=True))


def downgrade() -> None:
    for table in reversed(_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("warc_offset")
            batch.drop_column("warc_file")
