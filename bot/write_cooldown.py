"""One budget of writes per member per server, shared by every command that writes."""

from __future__ import annotations

import time

import discord
from discord import app_commands


class WriteCooldown:
    """At most ``rate`` writes per ``per`` seconds for each (server, member).

    discord.py's cooldown decorators keep one bucket per command; members could then
    flood by alternating /rate, /review and /unrate, so the writing commands share this.
    """

    def __init__(self, rate: int, per: float) -> None:
        self.rate = rate
        self.per = per
        self._buckets: dict[tuple[int | None, int], app_commands.Cooldown] = {}

    def check(self, interaction: discord.Interaction) -> None:
        """Count one write; raises ``CommandOnCooldown`` (answered by the tree) when over budget."""
        now = time.time()  # the clock discord.py's Cooldown uses
        if len(self._buckets) > 10_000:
            self._forget_idle(now)
        key = (interaction.guild_id, interaction.user.id)
        bucket = self._buckets.setdefault(key, app_commands.Cooldown(self.rate, self.per))
        retry_after = bucket.update_rate_limit(now)
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)

    def _forget_idle(self, now: float) -> None:
        # A process that runs for months must not keep one bucket per member forever.
        self._buckets = {
            key: bucket for key, bucket in self._buckets.items() if now - bucket._last <= self.per
        }
