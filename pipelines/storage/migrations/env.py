"""Alembic environment: migrations run on the connection ``pipelines.storage.schema`` hands in
(``config.attributes["connection"]``); there is no alembic.ini and no URL here."""

from alembic import context

from pipelines.storage.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
