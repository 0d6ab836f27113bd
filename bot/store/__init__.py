"""The SQLAlchemy store: models, repositories and the unit of work behind `bot.core.ports`."""
