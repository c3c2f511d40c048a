"""One budget of writes per member per server, shared by every command that writes.

discord.py's cooldown decorators keep one bucket per command; members could then flood by
alternating /rate, /review and /unrate, so the writing commands share one
:class:`commands.Cooldown` per (server, member); idle buckets are forgotten now and then.

The buckets live in this process's memory. Under sharding that is still right: a server lives on
exactly one shard, and each process keeps the buckets of the servers on its shards.
"""

from __future__ import annotations

import time

import discord
from discord import app_commands
from discord.ext import commands


class WriteCooldown:
    """At most ``rate`` writes per ``per`` seconds for each (server, member)."""

    def __init__(self, rate: int, per: float) -> None:
        # Per process, and that is right under sharding too: a server lives on exactly one shard, and
        # a shard on exactly one process, so this process sees every interaction of its servers.
        # Not discord.py's CooldownMapping: it scans every bucket on every call to forget idle ones,
        # which made each /rate cost as much as the number of members who wrote in the last ``per``
        # seconds (the top of a /rate profile at concurrency 100). Idle buckets are forgotten here
        # at most once per ``per`` seconds, so a write costs the same however many members write.
        self._cooldown = commands.Cooldown(rate, per)
        self._buckets: dict[tuple[int | None, int], commands.Cooldown] = {}
        self._swept = time.time()

    def check(self, interaction: discord.Interaction) -> None:
        """Count one write; raises ``CommandOnCooldown`` (answered by the tree) when over budget."""
        now = time.time()
        if now - self._swept > self._cooldown.per:
            self._forget_idle(now)
        key = (interaction.guild_id, interaction.user.id)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = self._cooldown.copy()
        retry_after = bucket.update_rate_limit(now)
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)

    def _forget_idle(self, now: float) -> None:
        self._swept = now
        self._buckets = {k: b for k, b in self._buckets.items() if now <= b._last + b.per}
