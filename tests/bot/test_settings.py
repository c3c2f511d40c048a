"""Settings: read once, and every mistake named with its fix."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_API_BASE,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_GATEWAY_URL,
    DatabaseUrl,
    Settings,
    SettingsError,
    Shards,
    shard_ranges,
)

TOKEN = "MTIz.NDU2.Nzg5"


def test_defaults_need_only_a_token() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert settings.database_path == Path("data/dramabot.db")
    assert settings.dev_guild_id is None
    assert settings.log_level == logging.INFO
    assert (settings.api_base, settings.gateway_url) == (DEFAULT_API_BASE, DEFAULT_GATEWAY_URL)


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    with pytest.raises(AttributeError):
        settings.discord_token = "other"  # type: ignore[misc]


def test_every_key_is_read() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": f"  {TOKEN}\n",
            "DATABASE_URL": "sqlite:////var/lib/dramabot/bot.db",
            "DEV_GUILD_ID": "1234567890",
            "LOG_LEVEL": "debug",
            "DISCORD_API_BASE": "http://127.0.0.1:9999/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9999/gateway",
        }
    )
    assert settings.discord_token == TOKEN
    assert settings.database_path == Path("/var/lib/dramabot/bot.db")
    assert settings.dev_guild_id == 1234567890
    assert settings.log_level == logging.DEBUG
    assert settings.api_base == "http://127.0.0.1:9999/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:9999/gateway"


@pytest.mark.parametrize(
    ("env", "key", "hint"),
    [
        ({"DISCORD_TOKEN": ""}, "DISCORD_TOKEN", "discord.com/developers/applications"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN", "cp .env.example .env"),
        ({"DISCORD_TOKEN": f"Bot {TOKEN}"}, "DISCORD_TOKEN", "remove the 'Bot ' prefix"),
        ({"DISCORD_TOKEN": "paste-your-token-here"}, "DISCORD_TOKEN", "three parts"),
        ({"DATABASE_URL": "mysql://db/bot"}, "DATABASE_URL", "only SQLite and PostgreSQL"),
        ({"DATABASE_URL": "sqlite:/data.db"}, "DATABASE_URL", "only SQLite and PostgreSQL"),
        ({"DATABASE_URL": "postgresql://db"}, "DATABASE_URL", "with a host and a database name"),
        ({"DATABASE_URL": "postgresql:///bot"}, "DATABASE_URL", "with a host and a database name"),
        ({"DATABASE_URL": "postgresql://db:port/bot"}, "DATABASE_URL", "'port' is not a port number"),
        ({"DATABASE_URL": "postgresql://db:99999/bot"}, "DATABASE_URL", "is not a port number"),
        ({"DATABASE_URL": "postgresql://db/bot?sslmode=maybe"}, "DATABASE_URL", "not one of disable"),
        ({"DATABASE_URL": "postgresql://db/bot?pool=3"}, "DATABASE_URL", "?pool= is not supported"),
        ({"DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE", "between 1 and 100"),
        ({"DATABASE_POOL_SIZE": "101"}, "DATABASE_POOL_SIZE", "between 1 and 100"),
        ({"DATABASE_POOL_SIZE": "ten"}, "DATABASE_POOL_SIZE", "between 1 and 100"),
        ({"RETENTION_DAYS": "-1"}, "RETENTION_DAYS", "from 0 to 3650"),
        ({"RETENTION_DAYS": "3651"}, "RETENTION_DAYS", "from 0 to 3650"),
        ({"RETENTION_DAYS": "30d"}, "RETENTION_DAYS", "from 0 to 3650"),
        ({"RETENTION_DAYS": "３０"}, "RETENTION_DAYS", "from 0 to 3650"),
        ({"DATABASE_URL": "sqlite:///"}, "DATABASE_URL", "expected sqlite:///"),
        ({"DATABASE_URL": "sqlite:///:memory:"}, "DATABASE_URL", "not a database file"),
        ({"DEV_GUILD_ID": "my server"}, "DEV_GUILD_ID", "Copy Server ID"),
        ({"DEV_GUILD_ID": "-5"}, "DEV_GUILD_ID", "not a server id"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "DEBUG, INFO"),
        ({"DISCORD_API_BASE": "discord.com/api"}, "DISCORD_API_BASE", "http:// or https://"),
        ({"DISCORD_GATEWAY_URL": "https://gateway.discord.gg"}, "DISCORD_GATEWAY_URL", "ws:// or wss://"),
    ],
)
def test_a_bad_value_names_its_key_and_the_fix(env: dict[str, str], key: str, hint: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, **env})
    assert caught.value.key == key
    message = str(caught.value)
    assert message.startswith(key) and hint in message
    assert "\n" not in message


def test_the_token_never_shows_in_the_settings_repr() -> None:
    assert TOKEN not in repr(Settings.from_env({"DISCORD_TOKEN": TOKEN}))


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///data/dramabot.db", Path("data/dramabot.db")),
        ("sqlite:////var/lib/dramabot/bot.db", Path("/var/lib/dramabot/bot.db")),
        # A URL scheme is case-insensitive (RFC 3986), so a host's SQLITE:// works as well.
        ("SQLITE:///data/dramabot.db", Path("data/dramabot.db")),
        ("SQLite:////srv/bot.db", Path("/srv/bot.db")),
        ("  sqlite:///data/my drama.db \n", Path("data/my drama.db")),
    ],
)
def test_database_url_forms(url: str, path: Path) -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": url})
    assert settings.database_url == DatabaseUrl("sqlite", path)
    assert settings.database_path == path
    assert settings.database_url.redacted() == f"sqlite:///{path.as_posix()}"


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("sqlite:///data/x.db?mode=ro", "?mode=ro"),
        ("sqlite:////srv/x.db?cache=shared&mode=rwc", "?cache=shared&mode=rwc"),
        ("sqlite:///data/x.db#backup", "#backup"),
        ("SQLITE:///data/x.db?", "?"),
    ],
)
def test_a_query_string_or_fragment_is_refused_with_what_to_remove(url: str, extra: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": url})
    message = str(caught.value)
    assert message.startswith(f"DATABASE_URL: remove {extra!r} from the end")
    assert "sqlite:///relative/path.db or sqlite:////absolute/path.db" in message
    assert "\n" not in message


def test_an_unsupported_database_names_the_supported_forms() -> None:
    with pytest.raises(SettingsError) as caught:
        DatabaseUrl.parse("mysql://bot:s3cret@db/dramabot")
    message = str(caught.value)
    assert "only SQLite and PostgreSQL are supported" in message and "sqlite:////absolute/path.db" in message
    assert "postgresql://user:password@host:5432/dbname" in message
    assert "not 'mysql'" in message and "s3cret" not in message


@pytest.mark.parametrize(
    ("url", "expected", "redacted"),
    [
        (
            "postgresql://bot:s3cret@db.example:6432/dramabot",
            DatabaseUrl("postgresql", Path("dramabot"), "bot", "s3cret", "db.example", 6432),
            "postgresql://bot:***@db.example:6432/dramabot",
        ),
        (
            # postgres:// is libpq's alias; the port defaults to 5432; the scheme is any case.
            "Postgres://bot@db/dramabot",
            DatabaseUrl("postgresql", Path("dramabot"), "bot", None, "db", 5432),
            "postgresql://bot@db:5432/dramabot",
        ),
        (
            # A password with URL characters is percent-encoded, and decoded for connecting.
            "postgresql://bot:p%40ss%2Fw%3Ard@127.0.0.1/drama%20bot?sslmode=require",
            DatabaseUrl("postgresql", Path("drama bot"), "bot", "p@ss/w:rd", "127.0.0.1", 5432, "require"),
            "postgresql://bot:***@127.0.0.1:5432/drama bot?sslmode=require",
        ),
        (
            "postgresql://bot@/dramabot?host=/run/postgresql",
            DatabaseUrl("postgresql", Path("dramabot"), "bot", None, "/run/postgresql", 5432),
            "postgresql://bot@:5432/dramabot?host=/run/postgresql",
        ),
    ],
)
def test_postgresql_url_forms(url: str, expected: DatabaseUrl, redacted: str) -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": url, "DATABASE_POOL_SIZE": "25"})
    assert settings.database_url == expected
    assert settings.database_url.is_postgresql
    assert settings.database_pool_size == 25
    assert settings.database_url.redacted() == redacted == str(settings.database_url)


def test_the_pool_size_defaults_to_ten() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN}).database_pool_size == 10


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bot:s3cret@db:99999/dramabot",
        "postgresql://bot:s3cret@db:nope/dramabot",
        "postgresql://bot:s3cret@db/dramabot?sslmode=s3cret",
        "postgresql://bot:s3cret@db/dramabot?s3cret=1",
        "postgresql://bot:s3cret@db/",
        "postgresql://bot:s3cret@db/dramabot#s3cret",
    ],
)
def test_a_password_never_shows_in_a_settings_error(url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        DatabaseUrl.parse(url.replace("s3cret@", "hunter2@"))
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value.facts)


def test_a_server_database_url_is_redacted_without_its_password() -> None:
    url = DatabaseUrl("postgresql", Path("dramabot"), username="bot", password="s3cret", host="db", port=5432)
    assert url.redacted() == "postgresql://bot:***@db:5432/dramabot"
    assert "s3cret" not in repr(url) and "s3cret" not in str(url)
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "postgresql://bot:s3cret@db/x"})
    assert "s3cret" not in repr(settings)


def test_how_long_to_keep_trying_discord_is_a_number_of_seconds() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN}).connect_timeout == DEFAULT_CONNECT_TIMEOUT == 120
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "DISCORD_CONNECT_TIMEOUT": " 2.5 "})
    assert settings.connect_timeout == 2.5
    for value in ("two minutes", "0", "-5", "nan", "inf", "1e9"):
        with pytest.raises(SettingsError) as caught:
            Settings.from_env({"DISCORD_TOKEN": TOKEN, "DISCORD_CONNECT_TIMEOUT": value})
        assert str(caught.value).startswith(f"DISCORD_CONNECT_TIMEOUT: {value!r} is not a number of seconds")
        assert "120" in str(caught.value)


# -- shards ----------------------------------------------------------------------------------------


def test_without_shard_count_the_bot_is_one_unsharded_connection() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN}).shards is None
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "  ", "SHARD_IDS": ""}).shards is None


@pytest.mark.parametrize(
    ("count", "ids", "shards"),
    [
        ("1", "", Shards(1)),
        ("4", "", Shards(4)),
        (" 10000 ", "", Shards(10_000)),
        ("auto", "", Shards(None)),
        ("AUTO", "", Shards(None)),
        # Every shard of the count, in any form, is one process running them all: fine on SQLite.
        ("4", "0-3", Shards(4, (0, 1, 2, 3))),
        ("4", "3,2,1,0", Shards(4, (0, 1, 2, 3))),
        ("4", " 0 - 1 , 2,3 ", Shards(4, (0, 1, 2, 3))),
        ("1", "0", Shards(1, (0,))),
    ],
)
def test_shard_count_and_ids_forms(count: str, ids: str, shards: Shards) -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": count, "SHARD_IDS": ids})
    assert settings.shards == shards
    assert settings.shards.runs_shard_zero and not settings.shards.partial


@pytest.mark.parametrize(
    ("count", "ids", "key", "problem"),
    [
        (
            "two",
            "",
            "SHARD_COUNT",
            "SHARD_COUNT: 'two' is not a number of shards; use a whole number from 1 to 10000",
        ),
        ("0", "", "SHARD_COUNT", "'0' is not a number of shards"),
        ("10001", "", "SHARD_COUNT", "'10001' is not a number of shards"),
        ("-2", "", "SHARD_COUNT", "'-2' is not a number of shards"),
        ("2.5", "", "SHARD_COUNT", "'2.5' is not a number of shards"),
        ("\u0663", "", "SHARD_COUNT", "is not a number of shards"),  # an Arabic-Indic three
        (
            "",
            "0-3",
            "SHARD_IDS",
            "SHARD_IDS: '0-3' needs SHARD_COUNT: set SHARD_COUNT to the number of shards",
        ),
        ("auto", "0", "SHARD_IDS", "'0' needs a fixed SHARD_COUNT: with SHARD_COUNT=auto"),
        ("4", "4", "SHARD_IDS", "SHARD_IDS: shard 4 is outside SHARD_COUNT=4; shard ids go from 0 to 3"),
        ("4", "2-7", "SHARD_IDS", "shard 7 is outside SHARD_COUNT=4"),
        ("4", "0-999999999999", "SHARD_IDS", "shard 999999999999 is outside SHARD_COUNT=4"),
        ("4", "0-3,2", "SHARD_IDS", "SHARD_IDS: shard 2 is listed twice in '0-3,2'; list each shard once"),
        ("4", "1,1", "SHARD_IDS", "shard 1 is listed twice in '1,1'"),
        ("4", "0-1,1-2", "SHARD_IDS", "shard 1 is listed twice"),
        ("4", "3-1", "SHARD_IDS", "SHARD_IDS: '3-1' runs backwards; write the lower id first (1-3)"),
        ("4", "0,,1", "SHARD_IDS", "'' in '0,,1' is not a shard id or range"),
        ("4", "0-3,", "SHARD_IDS", "'' in '0-3,' is not a shard id or range"),
        ("4", "0..3", "SHARD_IDS", "'0..3' in '0..3' is not a shard id or range; write ids and ranges"),
        ("4", "-1", "SHARD_IDS", "'-1' in '-1' is not a shard id or range"),
        ("4", "0-1-2", "SHARD_IDS", "'0-1-2' in '0-1-2' is not a shard id or range"),
        ("4", "all", "SHARD_IDS", "like 0-3, 4,5,6,7 or 0-1,4"),
    ],
)
def test_a_bad_shard_setting_names_its_key_and_the_fix(count: str, ids: str, key: str, problem: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": count, "SHARD_IDS": ids})
    assert caught.value.key == key
    message = str(caught.value)
    assert message.startswith(key) and problem in message
    assert "\n" not in message


@pytest.mark.parametrize(("ids", "shown"), [("1", "1"), ("0-1,4", "0-1,4"), ("4,5,6,7", "4-7")])
def test_part_of_the_shards_on_sqlite_is_refused(ids: str, shown: str) -> None:
    # Other processes would run the other shards on the same file.
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "8", "SHARD_IDS": ids})
    assert caught.value.key == "SHARD_IDS"
    message = str(caught.value)
    assert message.startswith(f"SHARD_IDS={shown} runs only part of SHARD_COUNT=8's shards")
    assert "same SQLite file" in message and "Leave SHARD_IDS empty" in message
    assert "\n" not in message


def test_which_process_syncs_the_commands() -> None:
    assert Shards(None).runs_shard_zero and Shards(4).runs_shard_zero
    assert Shards(4, (0, 1)).runs_shard_zero and Shards(4, (0, 1)).partial
    assert not Shards(4, (2, 3)).runs_shard_zero and Shards(4, (2, 3)).partial


def test_shard_ids_are_written_back_as_ranges() -> None:
    assert shard_ranges([7, 0, 1, 2, 3, 10, 8]) == "0-3,7-8,10"
    assert shard_ranges([5]) == "5"


def test_server_data_is_kept_thirty_days_after_the_bot_is_removed_unless_configured() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN}).retention == timedelta(days=30)
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN, "RETENTION_DAYS": " 7 "}).retention == timedelta(days=7)
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN, "RETENTION_DAYS": "0"}).retention == timedelta(0)
