"""English: what the show-file and review-page readers say about an upload or the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {}
