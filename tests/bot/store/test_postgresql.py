"""What only PostgreSQL has: a server shared by several dramabots, a URL with a password, server faults.

Everything else about the store runs on both engines (the ``store`` fixture); these tests open
PostgreSQL databases themselves, on the test server of ``tests/postgresql.py``.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.scores import Score
from bot.settings import DatabaseUrl
from bot.store import Outage, ReadUnavailable, Store, WriteUnavailable
from bot.store.migrate import migrations
from bot.store.opening import StoreOpenError
from bot.store.postgres import translate
from bot.store.writer import outage_of
from tests.helpers import query, run_on

GUILD = 1001
ALICE = 501


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = parts.username or "dramabot"
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port}"))


async def rate(store: Store, show_id: int, user_id: int = ALICE) -> None:
    await store.save_rating(
        guild_id=GUILD,
        show_id=show_id,
        episode=1,
        user_id=user_id,
        author_name="Alice",
        score=Score(7),
        comment=None,
        spoiler=False,
    )


async def test_three_dramabots_starting_together_migrate_the_database_once(
    postgresql_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    url = DatabaseUrl.parse(postgresql_url)
    stores = await asyncio.gather(*(Store.open_url(url, pool_size=2) for _ in range(3)))
    try:
        assert [await store.schema_version() for store in stores] == [len(migrations("postgresql"))] * 3
        applied = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Applying migration")]
        assert applied == [f"Applying migration postgresql/{name}" for _, name, _ in migrations("postgresql")]
        # Each sees what another wrote, at once.
        show_id = await stores[0].save_catalog_show(run_on())
        await rate(stores[1], show_id)
        assert (await stores[2].episode_tally(GUILD, show_id, 1)).ratings == 1
    finally:
        for store in stores:
            await store.close()


async def test_reopening_applies_no_migration_again(
    postgresql_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = DatabaseUrl.parse(postgresql_url)
    first = await Store.open_url(url)
    show_id = await first.save_catalog_show(run_on())
    await first.close()
    caplog.set_level(logging.INFO, logger="bot.store")
    second = await Store.open_url(url)
    try:
        assert not [r for r in caplog.records if r.getMessage().startswith("Applying migration")]
        assert await second.visible_show(GUILD, show_id) is not None
        assert second.backend == "PostgreSQL"
    finally:
        await second.close()


async def test_a_database_from_a_newer_dramabot_is_refused(postgresql_url: str) -> None:
    url = DatabaseUrl.parse(postgresql_url)
    await (await Store.open_url(url)).close()
    connection = await asyncpg.connect(postgresql_url)
    try:
        await connection.execute("UPDATE dramabot_schema SET version = 999")
    finally:
        await connection.close()
    with pytest.raises(StoreOpenError) as refused:
        await Store.open_url(url)
    assert (refused.value.reason, refused.value.found_version) == ("newer_schema", 999)


async def test_the_password_never_shows_in_a_log_line_or_an_error(
    postgresql_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # The throwaway test server asks for its password; a server given by TEST_DATABASE_URL
    # without one trusts the connection, so any password opens it.
    secret = urlsplit(postgresql_url).password or "hunter2-S3cret"
    opened = await Store.open_url(DatabaseUrl.parse(with_password(postgresql_url, secret)))
    assert secret not in opened.location and "***" in opened.location
    await opened.close()
    # Nothing listens on port 1: the open fails, and says so without the password.
    parts = urlsplit(with_password(postgresql_url, secret))
    unreachable = urlunsplit(parts._replace(netloc=f"dramabot:{secret}@127.0.0.1:1"))
    with pytest.raises(StoreOpenError) as failed:
        await Store.open_url(DatabaseUrl.parse(unreachable))
    assert secret not in str(failed.value) and secret not in failed.value.detail
    assert secret not in str(failed.value.path)
    assert all(secret not in record.getMessage() for record in caplog.records)


async def test_a_read_only_server_refuses_writes_as_read_only_and_keeps_serving_reads(
    postgresql_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = DatabaseUrl.parse(postgresql_url)
    store = await Store.open_url(url)
    show_id = await store.save_catalog_show(run_on())
    await store.close()
    admin = await asyncpg.connect(postgresql_url)
    try:
        # What a hot standby, or a host who made the database read-only, looks like to the bot.
        await admin.execute(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        store = await Store.open_url(url)
        caplog.set_level(logging.WARNING, logger="bot.store")
        for user_id in (ALICE, ALICE + 1):
            with pytest.raises(WriteUnavailable) as refused:
                await rate(store, show_id, user_id)
            assert refused.value.outage is Outage.READ_ONLY
        assert (await store.visible_show(GUILD, show_id)) is not None  # reads still work
        assert (await store.episode_tally(GUILD, show_id, 1)).ratings == 0
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "read_only" in errors[0].getMessage()  # once per episode
        await store.close()
    finally:
        await admin.execute(f'ALTER DATABASE "{url.database}" RESET default_transaction_read_only')
        await admin.close()


@pytest.mark.parametrize(
    ("fault", "outage"),
    [
        (asyncpg.exceptions.DiskFullError("could not extend file"), Outage.FULL),
        (asyncpg.exceptions.ReadOnlySQLTransactionError("read-only transaction"), Outage.READ_ONLY),
        (asyncpg.exceptions.AdminShutdownError("terminating connection"), Outage.IO),
        (asyncpg.exceptions.TooManyConnectionsError("too many clients"), Outage.BUSY),
        (asyncpg.exceptions.QueryCanceledError("statement timeout"), Outage.BUSY),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), Outage.IO),
        (TimeoutError(), Outage.BUSY),
        (ConnectionRefusedError(111, "Connection refused"), Outage.IO),
    ],
)
def test_postgresql_faults_are_the_same_outages_as_sqlite_faults(
    fault: BaseException, outage: Outage
) -> None:
    assert outage_of(fault) is outage


def test_a_refused_row_is_no_outage() -> None:
    assert outage_of(asyncpg.exceptions.UniqueViolationError("duplicate key")) is None
    assert outage_of(asyncpg.exceptions.UndefinedColumnError("no such column")) is None


def test_placeholders_are_translated_once_and_leave_text_casts_and_comments_alone() -> None:
    positional = "SELECT ':not', '?', x::text FROM t -- a comment?\nWHERE a = ? AND d = ?"
    assert translate(positional) == (
        "SELECT ':not', '?', x::text FROM t -- a comment?\nWHERE a = $1 AND d = $2",
        (0, 1),
    )
    named = "SELECT 1 FROM t WHERE b = :b AND c = :c AND e = :b AND f = 'it''s :c'"
    assert translate(named) == (
        "SELECT 1 FROM t WHERE b = $1 AND c = $2 AND e = $1 AND f = 'it''s :c'",
        ("b", "c"),
    )
    assert translate(named) is translate(named)  # translated once per statement


async def test_connections_killed_by_the_server_become_outages_and_the_pool_recovers(
    postgresql_url: str,
) -> None:
    store = await Store.open_url(DatabaseUrl.parse(postgresql_url), pool_size=3)
    try:
        show_id = await store.save_catalog_show(run_on())
        await asyncio.gather(*(rate(store, show_id, user_id) for user_id in range(1, 4)))  # fill the pool
        admin = await asyncpg.connect(postgresql_url)
        try:
            # What an administrator's pg_terminate_backend, or a server restart, does to the bot.
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'dramabot'"
            )
        finally:
            await admin.close()
        assert killed >= 1
        # A write on a killed connection is "nothing was saved", never a raw driver error; asyncpg
        # may also notice first and reconnect, and then the write simply works.
        for _ in range(3):
            try:
                assert await store.visible_show(GUILD, show_id) is not None
            except ReadUnavailable:
                pass  # that read met a killed connection: the member is told to try again
        saved = 0
        for user_id in range(10, 16):
            try:
                await rate(store, show_id, user_id)
            except WriteUnavailable as refused:
                assert refused.outage is Outage.IO
            else:
                saved += 1
        assert saved >= 1  # the pool replaced its dead connections
        tally = await store.episode_tally(GUILD, show_id, 1)
        assert tally.ratings == 3 + saved  # exactly the confirmed ratings, none half-written
    finally:
        await store.close()


async def test_commits_are_synchronous_and_the_pool_keeps_to_its_size(postgresql_url: str) -> None:
    store = await Store.open_url(DatabaseUrl.parse(postgresql_url), pool_size=2)
    try:
        async with store.transaction() as tx:
            row = await tx.one("SHOW synchronous_commit")
        assert row is not None and row[0] == "on"
        show_id = await store.save_catalog_show(run_on())
        await asyncio.gather(
            *(rate(store, show_id, user_id) for user_id in range(1, 21)),
            *(store.visible_shows(GUILD) for _ in range(20)),
        )
        [(connections,)] = await query(
            store,
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'dramabot'",
        )
        assert 1 <= connections <= 2
        assert (await store.episode_tally(GUILD, show_id, 1)).ratings == 20
    finally:
        await store.close()
