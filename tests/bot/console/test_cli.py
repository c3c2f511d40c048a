"""``dramabot console`` as a user runs it: a real process, the real bot, the emulator inside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import clean_env

# The console as `dramabot console` runs it, after the bot's setup has logged an error.
SETUP_LOGS_AN_ERROR = """
import logging, sys
from bot.__main__ import main
from bot.bot import DramaBot

setup = DramaBot.setup_hook

async def setup_hook(self):
    await setup(self)
    logging.getLogger("bot.bot").error("something the bot did not expect")

DramaBot.setup_hook = setup_hook
sys.exit(main(sys.argv[1:]))
"""


def console(
    cwd: Path, *lines: str, stdin: str | None = None, program: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, *(["-c", program] if program else ["-m", "bot"]), "console"]
    for line in lines:
        args += ["-c", line]
    return subprocess.run(
        args,
        cwd=cwd,
        env=clean_env(COLUMNS="100", **env),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_score_episode_16_prints_run_ons_5_of_5(tmp_path: Path) -> None:
    run = console(tmp_path, "/score episode 16")
    assert run.returncode == 0, run.stderr
    assert "› /score episode 16" in run.stdout
    assert "╭─ Run On · Episode 16 " in run.stdout
    assert "│ Critic: 5/5  ★★★★★" in run.stdout
    assert "Traceback" not in run.stderr
    assert (tmp_path / "data" / "console.db").exists()


def test_a_missing_or_unknown_option_gets_the_clients_message_and_a_failing_status(tmp_path: Path) -> None:
    run = console(tmp_path, "/rate episode:16", "/rate 16 4 foo:bar", "/score episode 16")
    assert run.returncode == 1
    assert "✗ /rate: missing required option 'score'" in run.stdout
    assert "✗ /rate: unknown option 'foo' (options: episode, score, comment, show)" in run.stdout
    assert "Critic: 5/5" in run.stdout  # the lines after a failure still run


def test_piped_lines_run_as_members_and_what_they_do_persists(tmp_path: Path) -> None:
    script = "/rate episode:16 score:4.5 comment:loved it\n:as bob\n# a comment line\n\n/rate 16 4\n"
    first = console(tmp_path, stdin=script)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Only you can see this" in first.stdout
    assert "Saved your rating of 4.5/5 for Run On episode 16." in first.stdout
    assert "You are bob in Drama Club" in first.stdout
    assert "Members: 4.25/5 from 2 ratings in this server." in first.stdout

    again = console(tmp_path, "/score episode 16", ":as alice", "/myratings")
    assert again.returncode == 0, again.stderr
    assert "Members: 4.25/5 from 2 ratings" in again.stdout
    assert "Run On · Ep 16 · 4.5/5" in again.stdout
    assert "loved it" in again.stdout


def test_database_url_chooses_the_file(tmp_path: Path) -> None:
    run = console(tmp_path, "/verdict", DATABASE_URL="sqlite:///elsewhere/mine.db")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "elsewhere" / "mine.db").exists()
    assert not (tmp_path / "data").exists()


def test_a_modal_is_answered_field_by_field_from_the_following_lines(tmp_path: Path) -> None:
    run = console(tmp_path, "/review 16", "4.5", "Best finale", "2", "/comments 16", ":reveal")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Review: Run On ep. 16" in run.stdout
    assert "Score (0.5 to 5, in half steps)" in run.stdout
    assert "Saved your rating of 4.5/5 for Run On episode 16." in run.stdout
    assert "marked as containing spoilers" in run.stdout
    _, comments = run.stdout.split("› /comments 16")
    hidden, revealed = comments.split("› :reveal")
    assert "Best finale" not in hidden and "1 spoiler hidden" in hidden
    assert "Best finale" in revealed


def test_an_unanswered_modal_fails(tmp_path: Path) -> None:
    run = console(tmp_path, "/review 16")
    assert run.returncode == 1
    assert "the form needs an answer for each field" in run.stdout


def test_permissions_switch_the_admin_path_on_and_files_are_saved(tmp_path: Path) -> None:
    run = console(
        tmp_path,
        "/moderate log",
        ":grant manage-messages",
        "/moderate log",
        ":help",
    )
    assert run.returncode == 1  # the first /moderate is refused like Discord's client hides it
    assert "✗ You do not have permission to use /moderate" in run.stdout
    assert "No comments have been removed here." in run.stdout
    assert ":as NAME" in run.stdout and ":grant PERMISSION" in run.stdout


def test_attachments_the_bot_sends_are_saved_to_a_folder(tmp_path: Path) -> None:
    run = console(tmp_path, ":grant manage-server", "/show export show:Run On")
    if "is not a registered command" in run.stdout:
        return  # the admin commands are not in this build
    assert run.returncode == 0, run.stdout + run.stderr
    saved = tmp_path / "data" / "console-files" / "run-on.json"
    assert saved.exists() and '"Run On"' in saved.read_text(encoding="utf-8")
    assert "saved to data/console-files/run-on.json" in run.stdout.replace("\n", "")


def test_a_script_that_ends_on_a_reply_with_buttons_exits_quietly(tmp_path: Path) -> None:
    rate = [line for n in range(6) for line in (f":as member{n}", f"/rate 16 4 comment:comment {n}")]
    run = console(tmp_path, *rate, ":as alice", "/comments 16")
    assert "[1] Prev (disabled)  [2] 1/2 (disabled)  [3] Next" in run.stdout
    # The page buttons still wait for a press when the script ends; closing must not disturb them.
    assert (run.returncode, run.stderr) == (0, "")


def test_an_error_the_bot_logs_fails_the_run_even_if_every_line_worked(tmp_path: Path) -> None:
    run = console(tmp_path, "/verdict", program=SETUP_LOGS_AN_ERROR)
    assert "✗" not in run.stdout and "8.5/10" in run.stdout
    assert "something the bot did not expect" in run.stderr
    assert "the bot logged an error during the run" in run.stderr
    assert run.returncode == 1
