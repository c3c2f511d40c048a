"""REST API v10: the endpoints a discord.py bot uses for login, commands and interaction responses.

Every request is recorded (``emu.requests``) before it is handled, including rejected ones, so tests
can assert on what the bot *tried* to do. Unknown endpoints answer 404 and are logged at WARNING so
that an unexpected call never goes unnoticed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import Message
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from emulator import permissions as perms
from emulator.errors import (
    DiscordHTTPError,
    already_acknowledged,
    field_error,
    invalid_form_body,
    not_found,
    unauthorized,
    unknown_interaction,
    unknown_message,
    unknown_webhook,
)
from emulator.messages import (
    UploadedFile,
    prepare_components,
    validate_autocomplete,
    validate_message_body,
    validate_modal,
)
from emulator.models import EmuMessage, InteractionResult, RecordedRequest
from emulator.protocol import InteractionCallbackType as Callback
from emulator.protocol import InteractionType, MessageFlag

if TYPE_CHECKING:
    from emulator.server import DiscordEmulator

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"

Handler = Callable[..., Awaitable[web.StreamResponse]]


@dataclass
class Route:
    method: str
    template: str  # uses the OpenAPI spec's parameter names
    handler: Handler
    auth: bool = True

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        self.regex = re.compile(f"^{pattern}$")


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses bodies whose Content-Type is exactly "application/json" (no charset).
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """``"text/plain; charset=utf-8"`` → ("text/plain", "utf-8"); anything unreadable is plain bytes.

    aiohttp takes the two apart (a charset inside ``content_type`` is refused), as HTTP does.
    """
    header = Message()
    header["Content-Type"] = content_type or ""
    if "/" not in (content_type or "").partition(";")[0]:
        return "application/octet-stream", None
    return header.get_content_type(), header.get_content_charset()


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


def _snapshot(message: EmuMessage) -> dict[str, Any]:
    """What an edit is merged onto when deciding whether the result would be empty."""
    return {
        "content": message.content,
        "embeds": message.embeds,
        "components": message.components,
        "attachments": [str(a.id) for a in message.attachments],
        "flags": message.flags,
    }


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or multipart ``payload_json`` + ``files[n]`` parts as discord.py sends them."""
    files: list[UploadedFile] = []
    if request.content_type == "multipart/form-data":
        body: Any = None
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if name == "payload_json":
                body = _parse_json(await part.text())
            elif match := re.fullmatch(r"files\[(\d+)\]", name):
                data = bytes(await part.read(decode=False))
                content_type = part.headers.get("Content-Type")
                files.append(UploadedFile(int(match.group(1)), part.filename or "file", data, content_type))
        return body, files
    if not request.can_read_body:
        return None, files
    text = await request.text()
    return (_parse_json(text) if text else None), files


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise DiscordHTTPError(400, 50109, "The request body contains invalid JSON.") from None


class RestAPI:
    def __init__(self, emu: DiscordEmulator) -> None:
        self.emu = emu
        commands, guild_commands = (
            "/applications/{application_id}/commands",
            ("/applications/{application_id}/guilds/{guild_id}/commands"),
        )
        webhook = "/webhooks/{webhook_id}/{webhook_token}"
        self.routes = [
            Route("GET", "/users/@me", self.get_me),
            Route("GET", "/oauth2/applications/@me", self.get_application),
            Route("GET", "/gateway", self.get_gateway, auth=False),
            Route("GET", "/gateway/bot", self.get_gateway_bot),
            Route("GET", commands, self.list_commands),
            Route("PUT", commands, self.bulk_commands),
            Route("POST", commands, self.create_command),
            Route("GET", commands + "/{command_id}", self.get_command),
            Route("PATCH", commands + "/{command_id}", self.edit_command),
            Route("DELETE", commands + "/{command_id}", self.delete_command),
            Route("GET", guild_commands, self.list_commands),
            Route("PUT", guild_commands, self.bulk_commands),
            Route("POST", guild_commands, self.create_command),
            Route("GET", guild_commands + "/permissions", self.list_command_permissions),
            Route("GET", guild_commands + "/{command_id}/permissions", self.get_command_permissions),
            Route("PUT", guild_commands + "/{command_id}/permissions", self.put_command_permissions),
            Route("GET", guild_commands + "/{command_id}", self.get_command),
            Route("PATCH", guild_commands + "/{command_id}", self.edit_command),
            Route("DELETE", guild_commands + "/{command_id}", self.delete_command),
            Route(
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self.callback,
                auth=False,
            ),
            Route("POST", webhook, self.execute_webhook, auth=False),
            Route("GET", webhook + "/messages/@original", self.get_webhook_message, auth=False),
            Route("PATCH", webhook + "/messages/@original", self.edit_webhook_message, auth=False),
            Route("DELETE", webhook + "/messages/@original", self.delete_webhook_message, auth=False),
            Route("GET", webhook + "/messages/{message_id}", self.get_webhook_message, auth=False),
            Route("PATCH", webhook + "/messages/{message_id}", self.edit_webhook_message, auth=False),
            Route("DELETE", webhook + "/messages/{message_id}", self.delete_webhook_message, auth=False),
            Route("POST", "/channels/{channel_id}/messages", self.create_channel_message),
        ]

    # -- dispatching -----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if request.method == "GET" and path.startswith("/attachments/"):
            try:
                return self.get_attachment(path)
            except Exception as exc:  # an emulator bug, like below
                log.exception("emulator: internal error on GET %s", path)
                self.emu.internal_errors.append(exc)
                return web.Response(status=500, text="Internal Server Error")
        if not path.startswith(API_PREFIX + "/"):
            log.warning("emulator: unhandled request %s %s", request.method, path)
            return json_response(not_found().body(), 404)
        record = RecordedRequest(request.method, path[len(API_PREFIX) :], None, dict(request.query))
        self.emu.requests.append(record)
        try:
            response = await self._route(request, record)
        except DiscordHTTPError as exc:
            log.debug("emulator: %s %s -> %s", record.method, record.path, exc)
            response = json_response(exc.body(), exc.status)
        except Exception as exc:  # an emulator bug: answer like Discord's 500s, but keep it visible
            log.exception("emulator: internal error on %s %s", record.method, record.path)
            self.emu.internal_errors.append(exc)
            response = json_response({"message": "500: Internal Server Error", "code": 0}, 500)
        record.status = response.status
        if (
            isinstance(response, web.Response)
            and response.content_type == "application/json"
            and response.body
        ):
            record.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
        return response

    async def _route(self, request: web.Request, record: RecordedRequest) -> web.StreamResponse:
        record.json, record.files = await read_body(request)
        path_matched = False
        for route in self.routes:
            match = route.regex.match(record.path)
            if match is None:
                continue
            path_matched = True
            if route.method != request.method:
                continue
            record.route = route.template
            if route.auth and request.headers.get("Authorization") != f"Bot {self.emu.token}":
                raise unauthorized()
            return await route.handler(record, **match.groupdict())
        if path_matched:
            log.warning("emulator: method not allowed: %s %s", record.method, record.path)
            raise DiscordHTTPError(405, 0, "405: Method Not Allowed")
        log.warning("emulator: unhandled request %s %s (json=%s)", record.method, record.path, record.json)
        raise not_found()

    def get_attachment(self, path: str) -> web.Response:
        parts = path.split("/")
        attachment_id = parts[3] if len(parts) > 4 else ""
        attachment = self.emu.attachments.get(int(attachment_id)) if attachment_id.isdigit() else None
        if attachment is None:
            log.warning("emulator: unknown attachment %s", path)
            return web.Response(status=404, text="Not Found")
        kind, charset = media_type(attachment.content_type)
        return web.Response(body=attachment.data, content_type=kind, charset=charset)

    # -- login / gateway -------------------------------------------------------------------------

    async def get_me(self, record: RecordedRequest) -> web.Response:
        return json_response(self.emu.bot_user_payload())

    async def get_application(self, record: RecordedRequest) -> web.Response:
        emu = self.emu
        return json_response(
            {
                "id": str(emu.application_id),
                "name": emu.bot_user.name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot": emu.bot_user.payload(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": emu.application_flags,
                "flags_new": str(emu.application_flags),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "owner": emu.app_owner.payload(),
                "approximate_guild_count": len(emu.guilds),
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "team": None,
                "eligible_oauth2_scopes": ["applications.commands", "bot"],
                "integration_types_config": {"0": {}},
                "tags": [],
            }
        )

    async def get_gateway(self, record: RecordedRequest) -> web.Response:
        return json_response({"url": self.emu.gateway_url})

    async def get_gateway_bot(self, record: RecordedRequest) -> web.Response:
        return json_response(self.emu.gateway_bot_payload())

    # -- application commands --------------------------------------------------------------------

    def _scope(self, application_id: str, guild_id: str | None) -> int | None:
        if application_id != str(self.emu.application_id):
            raise DiscordHTTPError(403, 50001, "Missing Access")
        if guild_id is None:
            return None
        if not guild_id.isdigit() or int(guild_id) not in self.emu.guilds:
            raise DiscordHTTPError(404, 10004, "Unknown Guild")
        return int(guild_id)

    @staticmethod
    def _command_id(command_id: str) -> int:
        if not command_id.isdigit():
            raise DiscordHTTPError(404, 10063, "Unknown application command")
        return int(command_id)

    async def list_commands(
        self, record: RecordedRequest, application_id: str, guild_id: str | None = None
    ) -> web.Response:
        return json_response(self.emu.commands.copies(self._scope(application_id, guild_id)))

    async def bulk_commands(
        self, record: RecordedRequest, application_id: str, guild_id: str | None = None
    ) -> web.Response:
        scope = self._scope(application_id, guild_id)
        stored = self.emu.commands.bulk_overwrite(scope, record.json)
        log.info(
            "emulator: %d command(s) overwritten for %s", len(stored), "global" if scope is None else scope
        )
        return json_response(stored)

    async def create_command(
        self, record: RecordedRequest, application_id: str, guild_id: str | None = None
    ) -> web.Response:
        stored, created = self.emu.commands.create(self._scope(application_id, guild_id), record.json)
        return json_response(stored, 201 if created else 200)

    async def get_command(
        self, record: RecordedRequest, application_id: str, command_id: str, guild_id: str | None = None
    ) -> web.Response:
        scope = self._scope(application_id, guild_id)
        return json_response(self.emu.commands.get(scope, self._command_id(command_id)))

    async def edit_command(
        self, record: RecordedRequest, application_id: str, command_id: str, guild_id: str | None = None
    ) -> web.Response:
        scope = self._scope(application_id, guild_id)
        return json_response(self.emu.commands.edit(scope, self._command_id(command_id), record.json))

    async def delete_command(
        self, record: RecordedRequest, application_id: str, command_id: str, guild_id: str | None = None
    ) -> web.Response:
        self.emu.commands.delete(self._scope(application_id, guild_id), self._command_id(command_id))
        return no_content()

    async def list_command_permissions(
        self, record: RecordedRequest, application_id: str, guild_id: str
    ) -> web.Response:
        guild = self.emu.guilds[self._scope(application_id, guild_id) or 0]
        return json_response(self.emu.command_permissions(guild))

    async def get_command_permissions(
        self, record: RecordedRequest, application_id: str, guild_id: str, command_id: str
    ) -> web.Response:
        guild = self.emu.guilds[self._scope(application_id, guild_id) or 0]
        wanted = self._command_id(command_id)
        found = next((p for p in self.emu.command_permissions(guild) if int(p["id"]) == wanted), None)
        if found is None:
            raise DiscordHTTPError(404, 10066, "Unknown application command permissions")
        return json_response(found)

    async def put_command_permissions(
        self, record: RecordedRequest, application_id: str, guild_id: str, command_id: str
    ) -> web.Response:
        # Only a server admin's OAuth2 Bearer token may change them (Server Settings › Integrations).
        self._scope(application_id, guild_id)
        raise DiscordHTTPError(403, 20001, "Bots cannot use this endpoint")

    # -- interaction responses -------------------------------------------------------------------

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    @staticmethod
    def _allowed_callbacks(result: InteractionResult) -> set[int]:
        answers: set[int] = {
            Callback.CHANNEL_MESSAGE_WITH_SOURCE,
            Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
        }
        updates: set[int] = {Callback.DEFERRED_UPDATE_MESSAGE, Callback.UPDATE_MESSAGE}
        if result.type == InteractionType.APPLICATION_COMMAND:
            return answers | {Callback.MODAL}
        if result.type == InteractionType.MESSAGE_COMPONENT:
            return answers | updates | {Callback.MODAL}
        if result.type == InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE:
            return {Callback.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT}
        if result.type == InteractionType.MODAL_SUBMIT:
            # A modal opened from a button may update that button's message instead of answering.
            return answers | updates if result.source_message is not None else answers
        return set()

    async def callback(
        self, record: RecordedRequest, interaction_id: str, interaction_token: str
    ) -> web.Response:
        emu = self.emu
        result = emu.interactions.get(int(interaction_id)) if interaction_id.isdigit() else None
        if result is None or result.token != interaction_token:
            raise unknown_interaction()
        try:
            callback_type = self._respond(result, record.json, record.files)
        except DiscordHTTPError as exc:
            result.errors.append(exc)
            result.touch()
            raise
        if not _truthy(record.query.get("with_response")):
            return no_content()
        return json_response(self._callback_response(result, callback_type))

    def _respond(self, result: InteractionResult, body: Any, files: list[UploadedFile]) -> int:
        """Validate and apply the first response to an interaction; everything here is synchronous so
        two concurrent callbacks cannot both pass the "already acknowledged" check."""
        emu = self.emu
        if result.response_type is not None:
            raise already_acknowledged()
        if self._now() - result.created_at > emu.response_deadline:
            raise unknown_interaction()
        if not isinstance(body, dict) or not isinstance(body.get("type"), int):
            raise invalid_form_body({"type": field_error("BASE_TYPE_REQUIRED", "This field is required")})
        callback_type = body["type"]
        if callback_type not in self._allowed_callbacks(result):
            raise invalid_form_body(
                {
                    "type": field_error(
                        "INTERACTION_CALLBACK_TYPE_INVALID",
                        f"Callback type {callback_type} is not valid for interaction type {result.type}",
                    )
                }
            )
        data = body.get("data")
        if callback_type == Callback.CHANNEL_MESSAGE_WITH_SOURCE:
            data = data if data is not None else {}
            validate_message_body(data, files=files, edit=False, prefix=["data"])
            message = emu.create_message(
                channel_id=result.channel.id,
                guild=result.guild,
                body=data,
                files=files,
                message_type=emu.message_type_for(result),
                interaction=result,
            )
            result.original = message
            result.messages.insert(0, message)
        elif callback_type == Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            data = data if data is not None else {}
            flags = (data.get("flags") or 0) if isinstance(data, dict) else None
            if not isinstance(flags, int) or flags & ~MessageFlag.EPHEMERAL:
                raise invalid_form_body(
                    {
                        "data": {
                            "flags": field_error(
                                "MESSAGE_FLAGS_INVALID", "Only EPHEMERAL is allowed when deferring"
                            )
                        }
                    }
                )
            message = emu.create_message(
                channel_id=result.channel.id,
                guild=result.guild,
                body={},
                files=[],
                message_type=emu.message_type_for(result),
                flags=flags | MessageFlag.LOADING,
                interaction=result,
                may_ping=False,
            )
            result.original = message
            result.messages.insert(0, message)
        elif callback_type in (Callback.DEFERRED_UPDATE_MESSAGE, Callback.UPDATE_MESSAGE):
            source = result.source_message
            if source is None or source.deleted:
                raise unknown_message()
            if callback_type == Callback.UPDATE_MESSAGE:
                data = data if data is not None else {}
                validate_message_body(
                    data, files=files, edit=True, prefix=["data"], current=_snapshot(source)
                )
                emu.edit_message(source, data, files, result.guild)
            result.original = source
            result.messages.insert(0, source)
        elif callback_type == Callback.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            result.choices = validate_autocomplete(data, result.focused_type)
        elif callback_type == Callback.MODAL:
            validate_modal(data)
            assert isinstance(data, dict)  # validate_modal refuses anything else
            result.modal = {**data, "components": prepare_components(data["components"])}
        result.response_type = callback_type
        result.touch()
        return callback_type

    @staticmethod
    def _callback_response(result: InteractionResult, callback_type: int) -> dict[str, Any]:
        interaction: dict[str, Any] = {"id": str(result.id), "type": result.type}
        body: dict[str, Any] = {"interaction": interaction}
        message = result.original
        if message is not None and callback_type in (
            Callback.CHANNEL_MESSAGE_WITH_SOURCE,
            Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
            Callback.UPDATE_MESSAGE,
        ):
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            if callback_type != Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
                body["resource"] = {"type": callback_type, "message": message.payload()}
        return body

    # -- webhooks (follow-ups and edits) ---------------------------------------------------------

    def _webhook_interaction(self, webhook_id: str, webhook_token: str) -> InteractionResult:
        if not webhook_id.isdigit():
            raise unknown_webhook()
        result = self.emu.interaction_by_token(int(webhook_id), webhook_token)
        if self._now() - result.created_at > self.emu.token_lifetime:
            raise DiscordHTTPError(401, 50027, "Invalid Webhook Token")
        return result

    def _webhook_message(self, result: InteractionResult, message_id: str) -> EmuMessage:
        if message_id == "@original":
            message = result.original
        else:
            message = self.emu.messages.get(int(message_id)) if message_id.isdigit() else None
            if message is not None and message is not result.original and message.interaction is not result:
                message = None
        if message is None or message.deleted:
            raise unknown_message()
        return message

    async def _recording(self, result: InteractionResult, action: Callable[[], web.Response]) -> web.Response:
        try:
            response = action()
        except DiscordHTTPError as exc:
            result.errors.append(exc)
            result.touch()
            raise
        result.touch()
        return response

    async def execute_webhook(
        self, record: RecordedRequest, webhook_id: str, webhook_token: str
    ) -> web.Response:
        result = self._webhook_interaction(webhook_id, webhook_token)
        emu = self.emu

        def follow_up() -> web.Response:
            if result.response_type not in (
                Callback.CHANNEL_MESSAGE_WITH_SOURCE,
                Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
                Callback.DEFERRED_UPDATE_MESSAGE,
                Callback.UPDATE_MESSAGE,
            ):
                raise unknown_webhook()
            body = record.json if record.json is not None else {}
            validate_message_body(body, files=record.files, edit=False)
            original = result.original
            if (
                result.response_type == Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
                and original is not None
                and original.loading
                and not original.deleted
            ):
                # Discord: the first follow-up after a thinking defer replaces the loading message and
                # keeps the defer's ephemerality, whatever flags the follow-up asks for.
                emu.edit_message(original, body, record.files, result.guild)
                message = original
            else:
                message = emu.create_message(
                    channel_id=result.channel.id,
                    guild=result.guild,
                    body=body,
                    files=record.files,
                    message_type=emu.message_type_for(result),
                    interaction=result,
                    is_original=False,
                )
                result.messages.append(message)
            if _truthy(record.query.get("wait")):
                return json_response(message.payload())
            return no_content()

        return await self._recording(result, follow_up)

    async def get_webhook_message(
        self, record: RecordedRequest, webhook_id: str, webhook_token: str, message_id: str = "@original"
    ) -> web.Response:
        result = self._webhook_interaction(webhook_id, webhook_token)
        return json_response(self._webhook_message(result, message_id).payload())

    async def edit_webhook_message(
        self, record: RecordedRequest, webhook_id: str, webhook_token: str, message_id: str = "@original"
    ) -> web.Response:
        result = self._webhook_interaction(webhook_id, webhook_token)

        def edit() -> web.Response:
            message = self._webhook_message(result, message_id)
            body = record.json if record.json is not None else {}
            validate_message_body(body, files=record.files, edit=True, current=_snapshot(message))
            self.emu.edit_message(message, body, record.files, result.guild)
            return json_response(message.payload())

        return await self._recording(result, edit)

    async def delete_webhook_message(
        self, record: RecordedRequest, webhook_id: str, webhook_token: str, message_id: str = "@original"
    ) -> web.Response:
        result = self._webhook_interaction(webhook_id, webhook_token)

        def delete() -> web.Response:
            message = self._webhook_message(result, message_id)
            self.emu.delete_message(message, result.guild)
            return no_content()

        return await self._recording(result, delete)

    # -- plain channel messages ------------------------------------------------------------------

    async def create_channel_message(self, record: RecordedRequest, channel_id: str) -> web.Response:
        emu = self.emu
        found = emu.find_channel(int(channel_id)) if channel_id.isdigit() else None
        if found is None:
            raise DiscordHTTPError(404, 10003, "Unknown Channel")
        channel, guild = found
        body = record.json if record.json is not None else {}
        if guild is not None:
            needed = perms.VIEW_CHANNEL | perms.SEND_MESSAGES
            if record.files:
                needed |= perms.ATTACH_FILES
            if emu.bot_member(guild).permissions & needed != needed:
                raise DiscordHTTPError(403, 50013, "Missing Permissions")
        validate_message_body(body, files=record.files, edit=False)
        if (body.get("flags") or 0) & MessageFlag.EPHEMERAL:
            raise invalid_form_body(
                {"flags": field_error("MESSAGE_FLAGS_INVALID", "Ephemeral needs an interaction")}
            )
        message = emu.create_message(channel_id=channel.id, guild=guild, body=body, files=record.files)
        return json_response(message.payload())
