"""Alembic environment: runs migrations on the URL that ``regiozorg.migrate`` passes in."""

from alembic import context

from regiozorg.db import make_engine
from regiozorg.schema import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "regiozorg.migrate sets sqlalchemy.url"
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
