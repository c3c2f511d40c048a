"""One budget of writes per member per server, shared by every command that writes.

discord.py's cooldown decorators keep one bucket per command; members could then flood by
alternating /rate, /review and /unrate, so the writing commands share one
:class:`commands.CooldownMapping`, which also forgets idle buckets by itself.

The buckets live in this process's memory. Under sharding that is still right: a server lives on
exactly one shard, and each process keeps the buckets of the servers on its shards.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands


def _member_in_server(interaction: discord.Interaction) -> tuple[int | None, int]:
    return (interaction.guild_id, interaction.user.id)


class WriteCooldown:
    """At most ``rate`` writes per ``per`` seconds for each (server, member)."""

    def __init__(self, rate: int, per: float) -> None:
        # Per process, and that is right under sharding too: a server lives on exactly one shard, and
        # a shard on exactly one process, so this process sees every interaction of its servers.
        self._mapping: commands.CooldownMapping[discord.Interaction] = commands.CooldownMapping(
            commands.Cooldown(rate, per), _member_in_server
        )

    def check(self, interaction: discord.Interaction) -> None:
        """Count one write; raises ``CommandOnCooldown`` (answered by the tree) when over budget."""
        bucket = self._mapping.get_bucket(interaction)
        if bucket is None:
            return
        retry_after = bucket.update_rate_limit()
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)
