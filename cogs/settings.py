"""A server's settings for dramabot: /settings (Manage Server only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import BadValue
from bot.replies import in_time, send_private
from bot.rights import require_manage_server
from bot.store import Store
from bot.text import t

if TYPE_CHECKING:
    from bot.bot import DramaBot

ON_OFF = [app_commands.Choice(name=t(f"settings.choice.{v}"), value=v) for v in ("on", "off")]
SHOW_HIDE = [app_commands.Choice(name=t(f"settings.choice.{v}"), value=v) for v in ("show", "hide")]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ServerSettings(
    commands.GroupCog,
    group_name="settings",
    group_description="Server settings for dramabot (Manage Server)",
):
    """Settings only members with Manage Server may change; curators may not."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_manage_server(interaction)
        return True

    @app_commands.command(
        name="curator-role", description="Let a role manage shows (leave out role to clear)"
    )
    @app_commands.describe(role="Members with this role may add, edit, import and remove shows")
    async def curator_role(self, interaction: DramaInteraction, role: discord.Role | None = None) -> None:
        guild = guild_id(interaction)
        if role is not None and (
            not isinstance(role, discord.Role)
            or interaction.guild is None
            or interaction.guild.get_role(role.id) is None
        ):
            raise BadValue("option.unresolved", name="role")
        if role is not None and role.is_default():
            raise BadValue("settings.curator_everyone")
        await in_time(
            interaction,
            self.store.set_curator_role(guild, role.id if role else None),
            defer_now=self.store.writes_failing,
        )
        if role is None:
            await send_private(interaction, t("settings.curator_cleared"))
        else:
            await send_private(interaction, t("settings.curator_set", role=role.mention))

    @app_commands.command(
        name="spoiler-guard",
        description="Hide comments and summaries past each member's progress until asked",
    )
    @app_commands.describe(state="on (the default) or off")
    @app_commands.choices(state=ON_OFF)
    async def spoiler_guard(self, interaction: DramaInteraction, state: app_commands.Choice[str]) -> None:
        on = state.value == "on"
        await in_time(
            interaction,
            self.store.set_spoiler_guard(guild_id(interaction), on),
            defer_now=not self.store.writes_idle,
        )
        await send_private(
            interaction, t("settings.spoiler_guard_on" if on else "settings.spoiler_guard_off")
        )

    @app_commands.command(
        name="spoiler-titles", description="Hide episode titles past each member's progress in /score show"
    )
    @app_commands.describe(state="show (the default) or hide")
    @app_commands.choices(state=SHOW_HIDE)
    async def spoiler_titles(self, interaction: DramaInteraction, state: app_commands.Choice[str]) -> None:
        hide = state.value == "hide"
        await in_time(
            interaction,
            self.store.set_spoiler_titles(guild_id(interaction), hide),
            defer_now=not self.store.writes_idle,
        )
        await send_private(
            interaction, t("settings.spoiler_titles_hide" if hide else "settings.spoiler_titles_show")
        )


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(ServerSettings(bot.store))
