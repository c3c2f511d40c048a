"""Check REST traffic against Discord's official OpenAPI spec (tests/fixtures/discord-api-spec).

Usage from any test (run pytest from the repository root so ``tests`` is importable)::

    from tests.emulator.openapi_check import OpenAPIChecker

    checker = OpenAPIChecker.shared()
    checker.assert_requests_valid(emu.requests)           # every body the bot sent
    checker.assert_request_valid("PUT", "/applications/1/commands", payload)

    # or the module-level shortcuts: check_request(method, path, body), check_requests(emu.requests)

Two deliberate differences from validating against the raw spec:

* Requests: Discord accepts integer snowflakes where the spec says ``SnowflakeType`` (a decimal string),
  and discord.py relies on that (``attachments[].id`` is the file index, an int). Request schemas
  therefore accept both; responses keep the strict string form.
* Only the JSON schema is used, also for multipart requests: their ``payload_json`` part is what the
  spec describes (the emulator records it as ``RecordedRequest.json``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "discord-api-spec" / "openapi.json"
SPEC_URI = "urn:discord:openapi"
JSON = "application/json"


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class OpenAPIChecker:
    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        self.spec = spec
        self._strict = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, DRAFT202012))
        lenient = copy.deepcopy(spec)
        schemas = lenient["components"]["schemas"]
        schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
        self._lenient = Registry().with_resource(SPEC_URI, Resource.from_contents(lenient, DRAFT202012))
        # Literal segments first, so ".../messages/@original" wins over ".../messages/{message_id}".
        templates = sorted(spec["paths"], key=lambda t: (t.count("{"), -len(t)))
        self._paths = [
            (t, re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(t)) + "$")) for t in templates
        ]

    @classmethod
    @cache
    def shared(cls) -> OpenAPIChecker:
        """One parsed spec per test session (it is over a megabyte of JSON)."""
        return cls()

    def template_for(self, path: str) -> str | None:
        """The spec's template for a concrete path, e.g. "/applications/{application_id}/commands"."""
        path = path.split("?", 1)[0]
        return next((template for template, regex in self._paths if regex.match(path)), None)

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        template = self.template_for(path)
        if template is None:
            raise KeyError(f"{path} is not in Discord's OpenAPI spec")
        operation = self.spec["paths"][template].get(method.lower())
        if operation is None:
            raise KeyError(f"{method} {template} is not in Discord's OpenAPI spec")
        return template, operation

    def _errors(self, registry: Registry, pointer: str, instance: Any) -> list[str]:
        validator = Draft202012Validator({"$ref": f"{SPEC_URI}#/{pointer}"}, registry=registry)
        problems = []
        for error in validator.iter_errors(instance):
            detail = best_match([error]) if error.context else error
            problems.append(f"{detail.json_path}: {detail.message[:300]}")
        return problems

    def request_errors(
        self, method: str, path: str, body: Any, query: dict[str, str] | None = None
    ) -> list[str]:
        """Problems with one request (empty list when it matches the spec)."""
        try:
            template, operation = self.operation(method, path)
        except KeyError as exc:
            return [str(exc.args[0])]
        prefix = f"{method.upper()} {template}"
        problems = []
        known = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        problems += [
            f"{prefix}: unknown query parameter {name!r}" for name in query or {} if name not in known
        ]
        request_body = operation.get("requestBody")
        if request_body is None:
            if body is not None:
                problems.append(f"{prefix}: the spec defines no request body")
            return problems
        if body is None:
            if request_body.get("required"):
                problems.append(f"{prefix}: a request body is required")
            return problems
        if JSON not in request_body["content"]:
            return [*problems, f"{prefix}: the spec has no JSON body for this operation"]
        pointer = _pointer("paths", template, method.lower(), "requestBody", "content", JSON, "schema")
        return problems + [f"{prefix} {p}" for p in self._errors(self._lenient, pointer, body)]

    def response_errors(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Problems with a response body the emulator produced (strict snowflakes)."""
        template, operation = self.operation(method, path)
        response = operation["responses"].get(str(status))
        if response is None:
            return [f"{method.upper()} {template}: status {status} is not documented"]
        if JSON not in response.get("content", {}):
            return [] if body is None else [f"{method.upper()} {template}: {status} has no body in the spec"]
        pointer = _pointer(
            "paths", template, method.lower(), "responses", str(status), "content", JSON, "schema"
        )
        return [
            f"{method.upper()} {template} -> {status} {p}" for p in self._errors(self._strict, pointer, body)
        ]

    def schema_errors(self, schema_name: str, instance: Any) -> list[str]:
        """Validate against ``#/components/schemas/<schema_name>`` (strict)."""
        return self._errors(self._strict, _pointer("components", "schemas", schema_name), instance)

    def assert_request_valid(
        self, method: str, path: str, body: Any, query: dict[str, str] | None = None
    ) -> None:
        problems = self.request_errors(method, path, body, query)
        assert not problems, "\n".join(problems)

    def assert_requests_valid(self, requests: Iterable[Any]) -> None:
        """Check every recorded request (objects with method, path, query and json, like RecordedRequest)."""
        problems = []
        for request in requests:
            problems += self.request_errors(request.method, request.path, request.json, request.query)
        assert not problems, "requests do not match Discord's OpenAPI spec:\n" + "\n".join(problems)


def request_errors(method: str, path: str, body: Any, query: dict[str, str] | None = None) -> list[str]:
    """Module-level shortcut for ``OpenAPIChecker.shared().request_errors``."""
    return OpenAPIChecker.shared().request_errors(method, path, body, query)


def check_request(method: str, path: str, body: Any, query: dict[str, str] | None = None) -> None:
    """Raise AssertionError unless the request body (and query names) match the spec."""
    OpenAPIChecker.shared().assert_request_valid(method, path, body, query)


def check_requests(requests: Iterable[Any]) -> None:
    """Raise AssertionError listing every recorded request (``emu.requests``) that breaks the spec."""
    OpenAPIChecker.shared().assert_requests_valid(requests)
