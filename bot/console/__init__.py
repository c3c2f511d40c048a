"""``dramabot console``: try every command of the real bot locally, as any member of any server.

The bot runs unchanged against the loopback Discord in :mod:`emulator`; the console plays
Discord's client: it reads a typed line against the schema the bot synced, delivers it as an
interaction, and draws the replies (embeds, spoilers, buttons, modals, files) in the terminal.
``bot.console.cli`` is the subcommand, ``app`` starts everything, ``session`` runs lines, ``parse``
reads them, ``render`` and ``markdown`` draw replies, ``complete`` completes, ``world`` holds who
is where.
"""
