"""slack-sdk's SQLAlchemy OAuth stores, every token in them encrypted (BUDDY_SECRET_KEY)."""

from __future__ import annotations

import copy
from typing import Any, Protocol, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, Text, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

# The columns that hold credentials: whoever reads the table must learn nothing from them.
SECRET_COLUMNS = {
    "slack_installations": (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}

Entity = TypeVar("Entity", Bot, Installation)


class SecretBox(Protocol):
    """Seals values with the current key and opens them with any (bot.store.secrets has one)."""

    def seal(self, value: str | None) -> str | None: ...

    def open(self, value: str | None) -> str | None: ...

    def is_current(self, value: str | None) -> bool: ...

    def reseal(self, value: str | None) -> str | None: ...


def _widened(table: Table) -> Table:
    # Ciphertext is longer than the token (a refresh token would overflow String(200) on
    # PostgreSQL): new tables get unbounded columns. Tables made before keep theirs, which
    # hold an encrypted bot token (79 characters fit).
    for name in SECRET_COLUMNS[table.name]:
        table.c[name].type = Text()
    return table


class EncryptedInstallationStore(AsyncSQLAlchemyInstallationStore):
    """Tokens are sealed on save and opened on find; the tables never hold them in plain text."""

    def __init__(self, *, client_id: str, engine: Any, secrets: SecretBox) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self._secrets = secrets

    @classmethod
    def build_installations_table(cls, metadata: MetaData, table_name: str) -> Table:
        return _widened(super().build_installations_table(metadata, table_name))

    @classmethod
    def build_bots_table(cls, metadata: MetaData, table_name: str) -> Table:
        return _widened(super().build_bots_table(metadata, table_name))

    def _map(self, entity: Entity, table: str, how: Any) -> Entity:
        changed = copy.copy(entity)
        for name in SECRET_COLUMNS[table]:
            if hasattr(changed, name):
                setattr(changed, name, how(getattr(changed, name)))
        return changed

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(self._map(installation, "slack_installations", self._secrets.seal))

    async def async_save_bot(self, bot: Bot) -> None:
        await super().async_save_bot(self._map(bot, "slack_bots", self._secrets.seal))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        bot = await super().async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if bot is None else self._map(bot, "slack_bots", self._secrets.open)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        installation = await super().async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if installation is None:
            return None
        return self._map(installation, "slack_installations", self._secrets.open)

    async def async_list_bots(self) -> list[Bot]:
        """The current bot of every installation (workspace, or organisation for org-wide)."""
        c = self.bots.c
        async with self.engine.connect() as conn:
            places = (
                await conn.execute(
                    select(c.enterprise_id, c.team_id, c.is_enterprise_install)
                    .where(c.client_id == self.client_id, c.bot_token.is_not(None))
                    .distinct()
                )
            ).all()
        bots = []
        for enterprise_id, team_id, org_wide in places:
            bot = await self.async_find_bot(
                enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
            )
            if bot is not None:
                bots.append(bot)
        return bots

    async def async_reseal(self) -> int:
        """Seal every stored secret under the first key: plaintext from before encryption, and
        ciphertext under an older key. Fails, changing nothing, if a value cannot be opened."""
        changed = 0
        async with self.engine.begin() as conn:
            for table in (self.installations, self.bots):
                names = SECRET_COLUMNS[table.name]
                rows = (await conn.execute(select(table.c.id, *(table.c[n] for n in names)))).all()
                for row in rows:
                    values = dict(zip(names, row[1:], strict=True))
                    stale = {
                        name: self._secrets.reseal(value)
                        for name, value in values.items()
                        if not self._secrets.is_current(value)
                    }
                    if stale:
                        await conn.execute(
                            update(table).where(table.c.id == row.id).values(**stale)
                        )
                        changed += 1
        return changed


async def slack_oauth_stores(
    engine: AsyncEngine, *, client_id: str, secrets: SecretBox
) -> tuple[EncryptedInstallationStore, AsyncSQLAlchemyOAuthStateStore]:
    """slack-sdk's installation store (tokens encrypted with `secrets`) and OAuth state store,
    their tables created if missing.

    Tokens stored in plain text before, or under an older key, are sealed under the first key
    now; a token no key opens stops the start (`SecretKeyError`), changing nothing.
    """
    installations = EncryptedInstallationStore(client_id=client_id, engine=engine, secrets=secrets)
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    await installations.create_tables()  # type: ignore[no-untyped-call]
    await states.create_tables()  # type: ignore[no-untyped-call]
    await installations.async_reseal()
    return installations, states
