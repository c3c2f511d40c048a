"""Reading typed lines against a synced schema, without a bot: the schema is plain data here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.console.parse import (
    ParseError,
    convert_options,
    load_file,
    parse_options,
    split_command,
    typing_at_end,
)
from emulator import EmuChannel, EmuFile, EmuRole, EmuUser
from emulator.protocol import OptionType

STRING, INTEGER, NUMBER = OptionType.STRING, OptionType.INTEGER, OptionType.NUMBER
BOOLEAN, USER, ROLE, ATTACHMENT = OptionType.BOOLEAN, OptionType.USER, OptionType.ROLE, OptionType.ATTACHMENT

SHOW = {"name": "show", "type": STRING, "autocomplete": True}
SCORE_EPISODE = [{"name": "number", "type": INTEGER, "required": True}, SHOW]
RATE = [
    {"name": "episode", "type": INTEGER, "required": True},
    {"name": "score", "type": NUMBER, "required": True},
    {"name": "comment", "type": STRING},
    SHOW,
]
COMMANDS: list[dict[str, Any]] = [
    {
        "name": "score",
        "options": [
            {"name": "episode", "type": OptionType.SUB_COMMAND, "options": SCORE_EPISODE},
            {"name": "show", "type": OptionType.SUB_COMMAND, "options": [SHOW]},
        ],
    },
    {"name": "rate", "options": RATE},
    {"name": "verdict", "options": [SHOW]},
]


def test_the_path_follows_the_schema_and_the_rest_is_options() -> None:
    typed = split_command("/score episode 16 show:Run On", COMMANDS)
    assert typed.words == ["score", "episode"]
    assert typed.rest == " 16 show:Run On"
    assert typed.option_defs == SCORE_EPISODE
    assert not typed.needs_subcommand


def test_a_command_that_needs_a_subcommand_says_so() -> None:
    typed = split_command("/score 16", COMMANDS)
    assert typed.words == ["score"] and typed.needs_subcommand and typed.option_defs == []


def test_an_unknown_command_is_kept_for_the_client_to_refuse() -> None:
    typed = split_command("/nope a b", COMMANDS)
    assert typed.command is None and typed.words == ["nope"]


def test_a_line_without_a_slash_is_refused() -> None:
    with pytest.raises(ParseError, match="start with /"):
        split_command("score episode 16", COMMANDS)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("16", SCORE_EPISODE, {"number": "16"}),
        ("number:16", SCORE_EPISODE, {"number": "16"}),
        ("16 show:Run On", SCORE_EPISODE, {"number": "16", "show": "Run On"}),
        ('16 show:"Run On"', SCORE_EPISODE, {"number": "16", "show": "Run On"}),
        ("show:Run On number:16", SCORE_EPISODE, {"number": "16", "show": "Run On"}),
        (
            "episode:16 score:4.5 comment:loved it",
            RATE,
            {"episode": "16", "score": "4.5", "comment": "loved it"},
        ),
        ('16 4.5 comment:"loved it"', RATE, {"episode": "16", "score": "4.5", "comment": "loved it"}),
        (
            "16 4.5 comment:note: see ep 3, https://x.example/a show:Run On",
            RATE,
            {
                "episode": "16",
                "score": "4.5",
                "comment": "note: see ep 3, https://x.example/a",
                "show": "Run On",
            },
        ),
        (
            r'16 4 comment:"she said \"run\""',
            RATE,
            {"episode": "16", "score": "4", "comment": 'she said "run"'},
        ),
        ("", SCORE_EPISODE, {}),
        ("comment:", RATE, {"comment": ""}),
    ],
)
def test_options_by_position_by_name_and_quoted(
    text: str, options: list[dict[str, Any]], expected: dict[str, str]
) -> None:
    assert parse_options(text, options) == expected


def test_unknown_names_are_kept_so_the_client_refuses_them() -> None:
    assert parse_options("16 4 foo:bar", RATE) == {"episode": "16", "score": "4", "foo": "bar"}
    # A number stops at any name: the score is "4", not "4 foo:bar".
    assert parse_options("episode:16 score:4 foo:bar", RATE) == {"episode": "16", "score": "4", "foo": "bar"}


def test_the_last_required_text_option_takes_the_rest_like_discords_text_box() -> None:
    options = [{"name": "query", "type": STRING, "required": True}]
    assert parse_options("Run On season 1", options) == {"query": "Run On season 1"}


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("16 17", SCORE_EPISODE, "too many values: '17'"),
        ("Run On", [SHOW], "has no option name"),
        ("number:1 number:2", SCORE_EPISODE, "given twice"),
        ('16 show:"Run On', SCORE_EPISODE, "never closed"),
        ('16 show:"Run"On', SCORE_EPISODE, "leave a space"),
        ('show:"Run On" 16', SCORE_EPISODE, "has no option name"),
    ],
)
def test_lines_that_cannot_be_read(text: str, options: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_options(text, options)


@pytest.mark.parametrize(
    ("text", "option", "value", "start", "named"),
    [
        ("", "episode", "", 0, False),
        (" 1", "episode", "1", 1, False),
        (" 16 ", "score", "", 4, False),
        (" 16 4 ", None, "", 6, False),
        (" 16 4 com", None, "com", 6, False),
        (" 16 4 show:Ru", "show", "Ru", 11, True),
        (" 16 4 show:Run O", "show", "Run O", 11, True),
        (' 16 4 show:"Run O', "show", "Run O", 11, True),
        (" episode:16 ", None, "", 12, False),
        (" episode:16 score:4 comment:so good", "comment", "so good", 28, True),
    ],
)
def test_where_completion_stands(text: str, option: str | None, value: str, start: int, named: bool) -> None:
    where = typing_at_end(text, RATE)
    assert (where.option, where.value, where.start, where.named) == (option, value, start, named)


class World:
    alice = EmuUser(1, "alice")
    curators = EmuRole(2, 9, "Curators", 0)

    def find_user(self, name: str) -> EmuUser | None:
        return self.alice if name in ("alice", "1") else None

    def find_role(self, name: str) -> EmuRole | None:
        return self.curators if name.casefold() == "curators" else None

    def find_channel(self, name: str) -> EmuChannel | None:
        return None


def test_values_are_converted_to_the_option_types() -> None:
    options = [
        {"name": "n", "type": INTEGER},
        {"name": "x", "type": NUMBER},
        {"name": "whole", "type": NUMBER},
        {"name": "flag", "type": BOOLEAN},
        {"name": "who", "type": USER},
        {"name": "mention", "type": USER},
        {"name": "role", "type": ROLE},
        {"name": "kind", "type": STRING, "choices": [{"name": "Korean drama", "value": "kdrama"}]},
    ]
    raw = {
        "n": "16",
        "x": "4.5",
        "whole": "5",
        "flag": "yes",
        "who": "@alice",
        "mention": "<@1>",
        "role": "curators",
        "kind": "korean drama",
    }
    converted = convert_options(raw, options, World())
    assert converted == {
        "n": 16,
        "x": 4.5,
        "whole": 5,
        "flag": True,
        "who": World.alice,
        "mention": World.alice,
        "role": World.curators,
        "kind": "kdrama",
    }


def test_values_that_do_not_fit_are_passed_on_for_the_client_to_refuse() -> None:
    options = [{"name": "n", "type": INTEGER}, {"name": "who", "type": USER}, {"name": "x", "type": NUMBER}]
    assert convert_options({"n": "sixteen", "who": "zed", "x": "nan"}, options, World()) == {
        "n": "sixteen",
        "who": "zed",
        "x": "nan",
    }


def test_attachment_options_read_a_local_file(tmp_path: Path) -> None:
    review = tmp_path / "moving.txt"
    review.write_text("Run On\nEpisode 1: 3.5\n", encoding="utf-8")
    options = [{"name": "file", "type": ATTACHMENT, "required": True}]
    converted = convert_options({"file": str(review)}, options, World())
    assert isinstance(converted["file"], EmuFile)
    assert converted["file"].filename == "moving.txt"
    assert converted["file"].data == review.read_bytes()
    assert converted["file"].content_type == "text/plain; charset=utf-8"
    with pytest.raises(ParseError, match="cannot read"):
        load_file(str(tmp_path / "missing.txt"))
