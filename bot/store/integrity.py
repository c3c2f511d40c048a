"""Which constraint a refused write broke, the same for SQLite and PostgreSQL.

The schema refuses bad rows (CHECKs, unique indexes, foreign keys, triggers with a message); the
store turns a few of those refusals into its own exceptions (:class:`ShowTitleTaken`, …) and lets
the rest through as the engine's integrity error. PostgreSQL is recognised by its SQLSTATE, so
nothing here imports asyncpg.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# SQLite's extended constraint codes and PostgreSQL's class-23 SQLSTATEs, by the same kinds. The
# PostgreSQL triggers raise 23000 (integrity_constraint_violation), as SQLite's RAISE(ABORT) in a
# trigger is SQLITE_CONSTRAINT_TRIGGER.
_SQLITE_KINDS = {
    "SQLITE_CONSTRAINT_UNIQUE": "unique",
    "SQLITE_CONSTRAINT_PRIMARYKEY": "unique",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign_key",
    "SQLITE_CONSTRAINT_TRIGGER": "trigger",
    "SQLITE_CONSTRAINT_CHECK": "check",
    "SQLITE_CONSTRAINT_NOTNULL": "not_null",
}
_POSTGRESQL_KINDS = {
    "23505": "unique",
    "23503": "foreign_key",
    "23000": "trigger",
    "23514": "check",
    "23502": "not_null",
}


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str  # "unique" | "foreign_key" | "trigger" | "check" | "not_null" | "other"
    # The engine's words and, for PostgreSQL, the constraint's name: what the store matches on.
    text: str


def violation(exc: BaseException) -> Violation | None:
    """The constraint behind a refused write, or None when the exception is something else."""
    if isinstance(exc, sqlite3.IntegrityError):
        return Violation(_SQLITE_KINDS.get(getattr(exc, "sqlite_errorname", ""), "other"), str(exc))
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith("23"):
        constraint = getattr(exc, "constraint_name", None) or ""
        return Violation(_POSTGRESQL_KINDS.get(sqlstate, "other"), f"{exc} {constraint}".strip())
    return None
