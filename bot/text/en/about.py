"""English: what /about says about the running bot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    "about.title": "dramabot {version}",
    "about.version_unknown": "(version unknown)",
    "about.shard": "Shard",
    "about.shard_value": "{shard} of {total}",
    "about.servers": "Servers",
    "about.servers_value": {
        "one": "{count} server on this process",
        "other": "{count} servers on this process",
    },
    "about.storage": "Storage",
    "about.uptime": "Uptime",
    "about.uptime_value": "{uptime}",
}
