"""The parts every button row and form shares: who may press, where errors go, what survives a restart.

Every button the bot sends is persistent: what a press needs (the kind of question or list, the
owner, a show id, a page) is in its ``custom_id``, and :class:`Question` (and
:class:`bot.pages.PageButton`) are ``DynamicItem`` templates registered at start-up. So a press
works in whichever process receives it, and after a restart: the owner and their rights are
checked at the press, and the state is re-read from the store. A question whose state cannot fit
in a ``custom_id`` (an import's parsed file) is held by the process that asked it, in
:class:`Buttons`; a press that reaches a process without it is told the question has expired.

:class:`Form` checks every text field as the boundary checks options and re-checks rights on submit.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import BadValue
from bot.option_checks import text_problem
from bot.replies import in_time, send_error, update_message
from bot.text import Message, t

if TYPE_CHECKING:
    from bot.pages import PageLoader
    from bot.spoilers import RevealLoader

log = logging.getLogger(__name__)

# Every custom_id the bot makes starts with this, so another bot's ids never match its templates.
PREFIX = "dramabot"
# Discord's limit for a custom_id.
MAX_CUSTOM_ID = 100

# A rights check run at press time; raises a UserFacingError (or returns False) to refuse.
RightsCheck = Callable[[discord.Interaction], Awaitable[object]]
# What a confirmed (or cancelled) question does, given its reference from the custom_id: the
# text the question's message then shows.
Answer = Callable[[discord.Interaction, int], Awaitable[str]]


async def _report(interaction: discord.Interaction, error: BaseException) -> None:
    # Imported here: the tree module imports this one's users, and a button's error goes the same way.
    from bot.tree import report_error

    await report_error(interaction, error)


class SentView(discord.ui.View):
    """A row of persistent buttons to send: this process never tracks the instance.

    Presses reach the templates registered at start-up, whichever process receives them. Were
    this instance tracked, discord.py would unregister those very templates when it stopped or
    timed out (``ViewStore.remove_view`` drops every dynamic pattern the view holds), breaking
    every other message's buttons; "finished" views are never tracked.
    """

    def __init__(self, *items: discord.ui.Item[Any]) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)

    def is_finished(self) -> bool:
        return True


def custom_id(*parts: object) -> str:
    made = ":".join((PREFIX, *(str(part) for part in parts)))
    if len(made) > MAX_CUSTOM_ID:
        raise ValueError(f"custom_id {made!r} is longer than Discord allows")
    return made


@dataclass
class Held:
    """A question only this process can answer: its state lives in memory."""

    kind: str
    owner_id: int
    on_confirm: Callable[[discord.Interaction], Awaitable[str]]
    cancelled: str
    expired: str
    rights: RightsCheck | None
    message: discord.InteractionMessage | discord.WebhookMessage | None = None
    timer: asyncio.TimerHandle | None = None


@dataclass(frozen=True)
class QuestionKind:
    """What a kind of question does when answered.

    ``confirm``/``cancel`` get the reference stored in the custom_id (a show id); a kind whose
    state is held in memory has neither and says ``gone`` when a press finds no state.
    """

    rights: RightsCheck | None = None
    confirm: Answer | None = None
    cancel: Answer | None = None
    gone: str = "ui.question_gone"
    not_yours: str = "ui.confirm_not_yours"


@dataclass
class Buttons:
    """This bot's persistent buttons by kind, and the questions whose state only this process holds.

    Cogs register their kinds in ``setup``; the templates find this through ``interaction.client``.
    """

    pagers: dict[str, PageLoader] = field(default_factory=dict)
    questions: dict[str, QuestionKind] = field(default_factory=dict)
    reveals: dict[str, RevealLoader] = field(default_factory=dict)
    held: dict[int, Held] = field(default_factory=dict)
    _expiring: set[asyncio.Task[None]] = field(default_factory=set)

    def add_pager(self, kind: str, load: PageLoader) -> None:
        self.pagers[kind] = load

    def add_question(self, kind: str, question: QuestionKind) -> None:
        self.questions[kind] = question

    def add_reveal(self, kind: str, reveal: RevealLoader) -> None:
        self.reveals[kind] = reveal

    def hold(self, held: Held, *, timeout: float) -> int:
        """Keep ``held`` for ``timeout`` seconds; the reference its buttons carry."""
        ref = secrets.randbits(63)
        self.held[ref] = held
        held.timer = asyncio.get_running_loop().call_later(timeout, self._expire, ref)
        return ref

    def take(self, ref: int) -> Held | None:
        held = self.held.pop(ref, None)
        if held is not None and held.timer is not None:
            held.timer.cancel()
        return held

    def _expire(self, ref: int) -> None:
        held = self.held.pop(ref, None)
        if held is not None and held.message is not None:
            task = asyncio.get_running_loop().create_task(_show_expired(held))
            self._expiring.add(task)
            task.add_done_callback(self._expiring.discard)

    def close(self) -> None:
        for held in self.held.values():
            if held.timer is not None:
                held.timer.cancel()
        self.held.clear()


async def _show_expired(held: Held) -> None:
    assert held.message is not None
    try:
        await held.message.edit(content=held.expired, embeds=[], view=None)
    except discord.HTTPException as exc:
        log.info("Could not mark question message %s as expired: %s", held.message.id, exc)


def buttons_of(interaction: discord.Interaction) -> Buttons:
    registry = getattr(interaction.client, "buttons", None)
    if not isinstance(registry, Buttons):
        raise RuntimeError("the client has no persistent-button registry")
    return registry


class Question(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:ask:(?P<kind>[a-z]{{1,12}}):(?P<owner>[0-9]{{1,20}}):(?P<ref>[0-9]{{1,20}}):(?P<answer>yes|no)",
):
    """Confirm or Cancel (or a single action button) of a question, answered by its owner only.

    Cancel or any other member's press writes nothing. Rights are checked again at the press.
    The buttons go when the question is settled either way.
    """

    def __init__(
        self,
        kind: str,
        owner_id: int,
        ref: int,
        answer: str,
        *,
        label: str = "",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=custom_id("ask", kind, owner_id, ref, answer)
            )
        )
        self.kind = kind
        self.owner_id = owner_id
        self.ref = ref
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Question:
        return cls(match["kind"], int(match["owner"]), int(match["ref"]), match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs what a dynamic item raises: every error gets its private answer here.
        try:
            await self._answer(interaction)
        except Exception as error:  # noqa: BLE001 - it is reported to the member and logged
            await _report(interaction, error)

    async def _answer(self, interaction: discord.Interaction) -> None:
        registry = buttons_of(interaction)
        kind = registry.questions.get(self.kind)
        if interaction.user.id != self.owner_id:
            await send_error(interaction, t(kind.not_yours if kind else "ui.confirm_not_yours"))
            return
        if kind is None:
            # A kind of question this version no longer asks.
            await update_message(interaction, content=t("ui.question_gone"), embeds=[], view=None)
            return
        held: Held | None = None
        if kind.confirm is None:
            held = registry.held.get(self.ref)
            if held is None or held.kind != self.kind or held.owner_id != self.owner_id:
                # Asked before a restart, or by another process: the state the answer needs is gone.
                await update_message(interaction, content=t(kind.gone), embeds=[], view=None)
                return
        rights = held.rights if held is not None else kind.rights
        if rights is not None and await rights(interaction) is False:
            await send_error(interaction, t("error.check_failed"))
            return
        if self.answer == "no":
            if held is not None:
                registry.take(self.ref)
                text = held.cancelled
            else:
                assert kind.cancel is not None
                text = await kind.cancel(interaction, self.ref)
            await update_message(interaction, content=text, embeds=[], view=None)
            return
        # Settled before the write: a second press in this process can no longer reach it.
        if held is not None:
            registry.take(self.ref)
            work = held.on_confirm(interaction)
        else:
            assert kind.confirm is not None
            work = kind.confirm(interaction, self.ref)
        try:
            outcome = await in_time(interaction, work, update=True)
        except Exception:
            # The question is settled: the buttons go and the error says what happened.
            await update_message(interaction, view=None)
            raise
        await update_message(interaction, content=outcome, embeds=[], view=None)


class StaleButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"(?!{PREFIX}:)[\s\S]{{1,{MAX_CUSTOM_ID}}}",
):
    """Any custom_id this bot does not make any more: a button sent by an older version.

    Every button the bot sends now matches one of the templates above, so nothing else is
    waiting for this press; without an answer the member would see "This interaction failed".
    """

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StaleButton:
        return cls(match.group(0))

    async def callback(self, interaction: discord.Interaction) -> None:
        await send_error(interaction, t("ui.unknown_button"))


def question_view(
    kind: str,
    owner_id: int,
    ref: int,
    *,
    confirm_label: str | None = None,
    style: discord.ButtonStyle = discord.ButtonStyle.danger,
    cancel: bool = True,
) -> SentView:
    """Confirm (labelled ``confirm_label``) and, unless ``cancel`` is False, Cancel."""
    items: list[discord.ui.Item[Any]] = [
        Question(kind, owner_id, ref, "yes", label=confirm_label or t("ui.confirm"), style=style)
    ]
    if cancel:
        items.append(Question(kind, owner_id, ref, "no", label=t("ui.cancel")))
    return SentView(*items)


def hold_question(
    interaction: discord.Interaction,
    kind: str,
    on_confirm: Callable[[discord.Interaction], Awaitable[str]],
    *,
    cancelled: str,
    expired: str,
    rights: RightsCheck | None = None,
    timeout: float = 180.0,
) -> tuple[SentView, Held]:
    """A question whose state stays in this process; set ``message`` on the Held once it is sent.

    After ``timeout`` seconds the message says ``expired`` and the state is dropped.
    """
    held = Held(kind, interaction.user.id, on_confirm, cancelled, expired, rights)
    ref = buttons_of(interaction).hold(held, timeout=timeout)
    return question_view(kind, interaction.user.id, ref), held


class Form(discord.ui.Modal):
    """A modal whose text fields are checked like options, and whose rights are checked on submit."""

    def __init__(self, *, title: str, rights: RightsCheck | None = None, timeout: float = 900.0) -> None:
        super().__init__(title=title, timeout=timeout)
        self.rights = rights
        self._names: dict[int, str] = {}

    def add_field(self, label: str, item: discord.ui.TextInput[Any] | discord.ui.Select[Any]) -> None:
        """A field with its label above it; the label also names the field in a refusal."""
        self._names[id(item)] = label
        self.add_item(discord.ui.Label(text=label, component=item))

    def name_of(self, item: discord.ui.Item[Any]) -> str:
        return self._names.get(id(item), getattr(item, "custom_id", "") or "")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        for child in self.walk_children():
            if isinstance(child, discord.ui.TextInput):
                value = child.value
                if not isinstance(value, str):
                    raise BadValue("form.malformed")
                problem = text_problem(value, multiline=child.style is discord.TextStyle.paragraph)
                if problem:
                    raise BadValue(f"option.text.{problem}", name=self.name_of(child))
                if child.max_length is not None and len(value) > child.max_length:
                    raise BadValue(
                        "option.too_long",
                        name=self.name_of(child),
                        length_count=len(value),
                        limit_count=child.max_length,
                    )
        if self.rights is not None and await self.rights(interaction) is False:
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await _report(interaction, error)


def label(key: str, /, **values: object) -> str:
    """A button or form label from the text layer."""
    return Message(key, values).render()
