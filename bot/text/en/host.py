"""English: what the host who runs the bot reads at start-up, on stderr and in the log.

Each start-up failure is one line that names the cause and the fix. The values come from the
exceptions' data (:class:`bot.settings.SettingsError`, :class:`bot.store.opening.StoreOpenError`,
:class:`bot.startup.DiscordUnreachable`); nothing here is composed anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

_SQLITE_FORMS = "sqlite:///relative/path.db or sqlite:////absolute/path.db"
_POSTGRESQL_FORM = "postgresql://user:password@host:5432/dbname"

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- counted units ---------------------------------------------------------------------------
    "host.n.seconds": {"one": "{count} second", "other": "{count} seconds"},
    "host.n.minutes": {"one": "{count} minute", "other": "{count} minutes"},
    "host.n.shards": {"one": "{count} shard", "other": "{count} shards"},
    "host.n.removals": {"one": "{count} comment removal", "other": "{count} comment removals"},
    # -- settings (each is prefixed with its key) ------------------------------------------------
    "host.settings.token_missing": (
        "DISCORD_TOKEN is not set. Create an application at https://discord.com/developers/applications, "
        "open Bot > Reset Token, copy the token, then run `cp .env.example .env` and put it after "
        "DISCORD_TOKEN= in .env (or export DISCORD_TOKEN in the environment)."
    ),
    "host.settings.token_prefix": "remove the 'Bot ' prefix; put only the token itself",
    "host.settings.token_shape": (
        "does not look like a bot token (three parts separated by dots). Copy it again from "
        "https://discord.com/developers/applications > your app > Bot > Reset Token"
    ),
    "host.settings.database_scheme": (
        "only SQLite and PostgreSQL are supported; use sqlite:///data/dramabot.db "
        "(relative), sqlite:////absolute/path.db or "
        + _POSTGRESQL_FORM
        + " (postgres:// too), not {scheme!r}"
    ),
    "host.settings.postgresql_form": "expected " + _POSTGRESQL_FORM + ", with a host and a database name",
    "host.settings.postgresql_fragment": "remove the #fragment: expected " + _POSTGRESQL_FORM,
    "host.settings.postgresql_port": "port {port!r} is not a port number (1-65535); expected "
    + _POSTGRESQL_FORM,
    "host.settings.postgresql_sslmode": "sslmode={value!r} is not one of {modes}",
    "host.settings.postgresql_option": (
        "?{option}= is not supported; a PostgreSQL DATABASE_URL takes only {options} after the '?'"
    ),
    "host.settings.pool_size": (
        "{value!r} is not a number of connections between 1 and {most}; use e.g. {default} (the default) "
        "or leave it empty"
    ),
    "host.settings.retention_days": (
        "{value!r} is not a number of days from 0 to {most}; use e.g. {default} (the default) or leave it empty"
    ),
    "host.settings.database_form": "expected " + _SQLITE_FORMS,
    "host.settings.database_not_a_file": (
        "{path!r} is not a database file path; end it with a file name, as in sqlite:///data/dramabot.db"
    ),
    "host.settings.database_options": (
        "remove {extra!r} from the end: a SQLite DATABASE_URL takes no query string or fragment, "
        "only " + _SQLITE_FORMS
    ),
    "host.settings.guild_id": (
        "{value!r} is not a server id. Turn on Developer Mode in Discord, right-click the "
        "server and Copy Server ID, or leave DEV_GUILD_ID empty"
    ),
    "host.settings.log_level": "{value!r} is not one of {levels}",
    "host.settings.url": "{value!r} is not a {schemes} URL",
    "host.settings.seconds": (
        "{value!r} is not a number of seconds between 1 and 86400; use e.g. {default} (the default) "
        "or leave it empty"
    ),
    "host.settings.shard_count": (
        "{value!r} is not a number of shards; use a whole number from 1 to {maximum}, auto (Discord's "
        "recommendation), or leave it empty for one connection without shards"
    ),
    "host.settings.shard_ids_without_count": (
        "{value!r} needs SHARD_COUNT: set SHARD_COUNT to the number of shards across all processes "
        "(e.g. SHARD_COUNT=8, with SHARD_IDS=0-3 here and 4-7 in the other process), or leave SHARD_IDS empty"
    ),
    "host.settings.shard_ids_with_auto": (
        "{value!r} needs a fixed SHARD_COUNT: with SHARD_COUNT=auto Discord could tell each process a "
        "different count. Set SHARD_COUNT to a number, or leave SHARD_IDS empty to run every shard here"
    ),
    "host.settings.shard_ids_form": (
        "{item!r} in {value!r} is not a shard id or range; write ids and ranges separated by commas, "
        "like 0-3, 4,5,6,7 or 0-1,4"
    ),
    "host.settings.shard_ids_backwards": "{item!r} runs backwards; write the lower id first ({last}-{first})",
    "host.settings.shard_id_outside": (
        "shard {id} is outside SHARD_COUNT={count}; shard ids go from 0 to {highest}"
    ),
    "host.settings.shard_ids_twice": (
        "shard {id} is listed twice in {value!r}; list each shard once (a range includes both ends)"
    ),
    "host.settings.shard_ids_sqlite": (
        "SHARD_IDS={value} runs only part of SHARD_COUNT={count}'s shards, so other processes would run "
        "the rest on the same SQLite file, which only one process can write safely. Leave SHARD_IDS "
        "empty to run every shard in this process, or point DATABASE_URL at a server database"
    ),
    # -- reaching Discord ------------------------------------------------------------------------
    "host.discord.token_refused": (
        "DISCORD_TOKEN was refused by Discord. Reset the token at "
        "https://discord.com/developers/applications > your app > Bot, and update .env"
    ),
    "host.discord.retrying": "cannot reach Discord at {url}: {cause}; retrying in {delay} s",
    "host.discord.gave_up": (
        "cannot reach Discord at {url} ({cause}); gave up after {waited}. Check the network "
        "connection, DNS, any firewall or proxy, and {key}, then start the bot again"
    ),
    "host.discord.lost": (
        "lost the connection to Discord at {url} while starting ({cause}); start the bot again"
    ),
    "host.discord.http_error": (
        "{url} answered HTTP {status} ({text}) while the bot was starting; check that DISCORD_API_BASE "
        "points at Discord's API (default https://discord.com/api/v10)"
    ),
    "host.discord.cause.refused": "connection refused",
    "host.discord.cause.dns": "the name {detail} does not resolve (DNS)",
    "host.discord.cause.tls": "the TLS handshake failed ({detail})",
    "host.discord.cause.timeout": "no answer within {detail} s",
    "host.discord.cause.dropped": "the connection was dropped",
    "host.discord.cause.no_route": "no route to the host ({detail})",
    "host.discord.cause.server_error": "Discord answered HTTP {detail}",
    "host.discord.cause.handshake": "answered HTTP {detail} instead of opening a websocket",
    "host.discord.cause.other": "{detail}",
    # -- running ---------------------------------------------------------------------------------
    "host.connected": "Connected as {user} to {servers}",
    "host.shards.ready": "This process runs {running} ({ids}) of {total}: {holds}",
    "host.shards.holds": "shard {id} holds {servers}",
    "host.shards.recommended": "Discord recommends {shards} (SHARD_COUNT=auto); running them all",
    "host.shards.not_syncing": (
        "Not syncing the application commands: the process that runs shard 0 does that for every shard"
    ),
    "host.dev_guild_missing": (
        "DEV_GUILD_ID {guild} is not a server this bot is in (Discord answered {status} {reason}), "
        "so no commands were synced there: invite the bot to that server with the applications.commands "
        "scope, or leave DEV_GUILD_ID empty. The global commands are synced and work everywhere"
    ),
    # -- opening the database --------------------------------------------------------------------
    "host.store.not_a_database": (
        "{path} is not a SQLite database ({detail}). Point DATABASE_URL at the bot's database, "
        "or move this file away and the bot starts with a new, empty one"
    ),
    "host.store.corrupt": (
        "the database {path} is damaged ({detail}). Restore it from a backup: stop the bot, copy the "
        "backup over {path}, remove {path}-wal and {path}-shm if they exist (only while the bot is "
        "stopped: they hold the damaged file's last writes), then start the bot"
    ),
    "host.store.folder_unwritable": (
        "cannot write in the folder {where}, which the database {path} needs for itself and for "
        "SQLite's -wal and -shm files beside it: {why}; {fix}"
    ),
    "host.store.file_unwritable": "cannot write the database file {where}: {why}; {fix}",
    "host.store.not_a_file": (
        "{path} is a folder, not a database file; end DATABASE_URL with a file name, "
        "as in sqlite:///data/dramabot.db"
    ),
    "host.store.not_a_folder": (
        "cannot create the database {path}: {where} is a file, not a folder; "
        "move it away or point DATABASE_URL elsewhere"
    ),
    "host.store.disk_full": (
        "the disk holding the database {path} is full ({detail}); SQLite rolled the unfinished write "
        "back. Free some space there (see `df -h {folder}`), then start the bot again"
    ),
    "host.store.locked": (
        "the database {path} is locked by another program ({detail}); stop the other dramabot or "
        "sqlite3 shell using it, then start the bot again"
    ),
    "host.store.io_error": (
        "reading or writing the database {path} failed ({detail}): the disk may be failing. "
        "Check the system log (dmesg), and restore the file from a backup if it is damaged"
    ),
    "host.store.newer_schema": (
        "the database {path} was written by a newer dramabot (schema version {found_version}; this "
        "one knows up to {known_version}). Upgrade dramabot, or point DATABASE_URL at another file"
    ),
    "host.store.migration_failed": (
        "could not upgrade the database {path}: migration {migration} failed ({detail}). The "
        "database is unchanged; reinstall dramabot, and report it if it happens again"
    ),
    "host.store.unknown": "cannot open the database {path}: {detail}",
    "host.store.postgresql": (
        "cannot open the PostgreSQL database {url}: {detail}. Check that the server runs and takes "
        "connections there, and the user, password and database name in DATABASE_URL"
    ),
    "host.store.why.permission_denied": "permission denied",
    "host.store.why.read_only_filesystem": "the filesystem is mounted read-only",
    "host.store.fix.permission_denied": (
        "give the user running the bot write access to it (for example with chown), "
        "or point DATABASE_URL at a place it can write"
    ),
    "host.store.fix.read_only_filesystem": (
        "remount it read-write, or point DATABASE_URL at a writable filesystem"
    ),
    # -- dramabot copy-db ---------------------------------------------------------------------------
    "host.settings.copy_url": "{problem}",
    "host.copy.same": "--from and --to are the same database ({url}); name two different ones",
    "host.copy.no_source": "{url} does not exist; --from must name the database to copy",
    "host.copy.not_empty": (
        "{url} already holds {shows} and {ratings}; nothing was written. Add --replace to empty it "
        "and copy over it, or name an empty database"
    ),
    "host.copy.mismatch": (
        "the copy in {url} did not match the source ({count} tables differ, first {table} of {server}); "
        "nothing was written"
    ),
    "host.copy.catalog": "the catalog",
    "host.copy.server": "server {id}",
    "host.copy.copying": "Copying",
    "host.copy.copying_table": "Copying {table}",
    "host.copy.done": (
        "Copied {shows}, {episodes}, {ratings} and {removals} of {servers} from {source} to {target}; "
        "every server's rows match."
    ),
}
