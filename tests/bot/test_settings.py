"""Settings: read once, and every mistake named with its fix."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.settings import DEFAULT_API_BASE, DEFAULT_GATEWAY_URL, Settings, SettingsError

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
        ({"DATABASE_URL": "postgres://db/bot"}, "DATABASE_URL", "only SQLite"),
        ({"DATABASE_URL": "sqlite:/data.db"}, "DATABASE_URL", "only SQLite"),
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
