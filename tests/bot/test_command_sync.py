"""Comparing the local command tree with what Discord has stored."""

from __future__ import annotations

from bot.command_sync import canonical

LOCAL = {
    "name": "verdict",
    "description": "The critic's verdict",
    "type": 1,
    "options": [
        {"type": 3, "name": "show", "description": "The show", "required": False, "autocomplete": True}
    ],
    "nsfw": False,
    "dm_permission": False,
    "default_member_permissions": 32,
    "contexts": [0],
    "integration_types": [0],
}

# The same command as Discord hands it back: ids, version, defaults filled in or left out.
REMOTE = {
    "id": "1100",
    "application_id": "1000",
    "version": "1200",
    "name": "verdict",
    "description": "The critic's verdict",
    "options": [{"type": 3, "name": "show", "description": "The show", "autocomplete": True}],
    "default_member_permissions": "32",
    "dm_permission": False,
    "contexts": [0],
    "integration_types": [0],
    "nsfw": False,
    "name_localizations": None,
    "description_localizations": {},
}


def test_the_same_command_as_discord_returns_it_compares_equal() -> None:
    assert canonical([LOCAL]) == canonical([REMOTE])


def test_order_of_commands_does_not_matter() -> None:
    other = {**LOCAL, "name": "summary"}
    assert canonical([LOCAL, other]) == canonical([other, REMOTE])


def test_a_changed_description_option_or_permission_is_a_difference() -> None:
    changes = [
        {"description": "Something else"},
        {"options": []},
        {"default_member_permissions": None},
        {"contexts": [0, 1]},
        {"options": [{**LOCAL["options"][0], "required": True}]},  # type: ignore[index]
    ]
    for change in changes:
        assert canonical([{**LOCAL, **change}]) != canonical([REMOTE]), change
    assert canonical([LOCAL]) != canonical([])


def test_no_options_is_the_same_as_an_empty_option_list() -> None:
    bare = {"name": "shows", "description": "The shows", "type": 1}
    assert canonical([{**bare, "options": []}]) == canonical([bare])
