"""Storage: the only module with SQL. One long-lived aiosqlite connection, typed results.

Every write that matters runs in one `BEGIN IMMEDIATE` transaction under an asyncio lock, so
coroutines sharing the connection never interleave inside a transaction, and reads never see
another coroutine's half-done write.
"""

from __future__ import annotations

import asyncio
import enum
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SEEN_REFRESH_S = 3600  # last_seen_at is rewritten at most hourly: one write per update is waste


class DatabaseError(Exception):
    """The database cannot be used; the message says why in one line."""


class DuplicateError(Exception):
    """A row with that unique key exists already."""


@dataclass(frozen=True)
class Centre:
    id: int
    slug: str
    name: str
    city: str
    timezone: str


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    locale: str
    active: bool


@dataclass(frozen=True)
class Activity:
    id: int
    centre_id: int | None
    centre_name: str | None
    timezone: str | None  # the centre's; None for a national activity
    title: str
    description: str
    place: str
    starts_at: int
    ends_at: int | None
    capacity: int | None
    status: str


@dataclass(frozen=True)
class NewActivity:
    centre_id: int | None
    title: str
    starts_at: int
    ends_at: int | None = None
    place: str = ""
    capacity: int | None = None
    description: str = ""
    created_by: int | None = None


class SignupStatus(enum.StrEnum):
    NONE = "none"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ActivityView:
    """An activity as one user sees it: counts and that user's own place."""

    activity: Activity
    confirmed: int
    waitlisted: int
    my_status: SignupStatus
    my_position: int  # place on the waiting list, 0 if not waitlisted

    @property
    def seats_left(self) -> int | None:
        if self.activity.capacity is None:
            return None
        return max(self.activity.capacity - self.confirmed, 0)


class JoinOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_WAITLISTED = "already_waitlisted"
    UNAVAILABLE = "unavailable"  # unknown, cancelled or already started


@dataclass(frozen=True)
class JoinResult:
    outcome: JoinOutcome
    position: int = 0


class CancelOutcome(enum.Enum):
    CANCELLED = "cancelled"
    NOT_SIGNED_UP = "not_signed_up"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Promotion:
    user_id: int
    locale: str


@dataclass(frozen=True)
class CancelResult:
    outcome: CancelOutcome
    promoted: tuple[Promotion, ...] = ()


_ACTIVITY = """
    a.id, a.centre_id, c.name AS centre_name, c.timezone, a.title, a.description, a.place,
    a.starts_at, a.ends_at, a.capacity, a.status
"""
_ACTIVITY_FROM = "activity a LEFT JOIN centre c ON c.id = a.centre_id"
_POSITION = """
    (SELECT count(*) FROM signup w WHERE w.activity_id = s.activity_id
        AND w.status = 'waitlisted' AND w.queue_seq <= s.queue_seq)
"""


def _activity(row: sqlite3.Row) -> Activity:
    return Activity(**{name: row[name] for name in Activity.__dataclass_fields__})


def _centre(row: sqlite3.Row) -> Centre:
    return Centre(**{name: row[name] for name in Centre.__dataclass_fields__})


def _migrations() -> list[tuple[int, str]]:
    steps = []
    for entry in SCHEMA_DIR.glob("*.sql"):
        steps.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    steps.sort()
    if [n for n, _ in steps] != list(range(1, len(steps) + 1)):
        raise DatabaseError("schema migrations are not numbered 1, 2, 3, …")
    return steps


class Database:
    """The bot's state; create with `await Database.open(path)` and `await db.close()`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating with mode 0600) and migrate the database at `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await _migrate(conn, path)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise DatabaseError(f"cannot use database {path}: {exc}") from None
        except BaseException:
            await conn.close()
            raise
        return cls(conn)

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def _all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, params))

    async def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        rows = await self._all(sql, params)
        return rows[0] if rows else None

    # -- settings -------------------------------------------------------------------------

    async def get_setting(self, key: str) -> str | None:
        """The stored value of a setting, or None."""
        row = await self._one("SELECT value FROM setting WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        async with self._tx() as c:
            await c.execute(
                "INSERT INTO setting(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- centres --------------------------------------------------------------------------

    async def add_centre(self, slug: str, name: str, city: str, timezone: str) -> Centre:
        """Create a centre; raise DuplicateError if the slug is taken."""
        try:
            async with self._tx() as c:
                cur = await c.execute(
                    "INSERT INTO centre(slug, name, city, timezone) VALUES (?, ?, ?, ?)",
                    (slug, name, city, timezone),
                )
                centre_id = cur.lastrowid
        except sqlite3.IntegrityError:
            raise DuplicateError(slug) from None
        return Centre(int(centre_id or 0), slug, name, city, timezone)

    async def get_centre(self, centre_id: int) -> Centre | None:
        """The centre with that id, or None."""
        row = await self._one("SELECT * FROM centre WHERE id = ?", (centre_id,))
        return None if row is None else _centre(row)

    async def get_centre_by_slug(self, slug: str) -> Centre | None:
        """The centre with that slug, or None."""
        row = await self._one("SELECT * FROM centre WHERE slug = ?", (slug,))
        return None if row is None else _centre(row)

    async def list_centres(self, offset: int = 0, limit: int = -1) -> list[Centre]:
        """Centres in alphabetical order of name."""
        rows = await self._all(
            "SELECT * FROM centre ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_centre(r) for r in rows]

    async def count_centres(self) -> int:
        """How many centres there are."""
        return int((await self._one("SELECT count(*) AS n FROM centre"))["n"])

    # -- users and memberships ------------------------------------------------------------

    async def touch_user(self, user_id: int, first_name: str, locale: str, now: int) -> User:
        """Load the user, creating them on first contact; refresh name and last seen cheaply."""
        row = await self._one(
            "SELECT id, first_name, locale, active, last_seen_at FROM user WHERE id = ?",
            (user_id,),
        )
        if row is None:
            async with self._tx() as c:
                await c.execute(
                    "INSERT INTO user(id, first_name, locale, active, created_at, last_seen_at)"
                    " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT(id) DO NOTHING",
                    (user_id, first_name, locale, now, now),
                )
            return User(user_id, first_name, locale, True)
        stale = now - int(row["last_seen_at"]) >= SEEN_REFRESH_S
        if stale or row["first_name"] != first_name or not row["active"]:
            async with self._tx() as c:
                await c.execute(
                    "UPDATE user SET first_name = ?, last_seen_at = ?, active = 1 WHERE id = ?",
                    (first_name, now, user_id),
                )
        return User(user_id, first_name, str(row["locale"]), True)

    async def set_user_locale(self, user_id: int, locale: str) -> None:
        """Remember the user's language."""
        async with self._tx() as c:
            await c.execute("UPDATE user SET locale = ? WHERE id = ?", (locale, user_id))

    async def join_centre(self, user_id: int, centre_id: int, now: int) -> bool:
        """Make the user a member; False if they were one already."""
        async with self._tx() as c:
            cur = await c.execute(
                "INSERT INTO membership(user_id, centre_id, joined_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, centre_id, now),
            )
            return cur.rowcount == 1

    async def leave_centre(self, user_id: int, centre_id: int) -> bool:
        """End a membership; False if there was none."""
        async with self._tx() as c:
            cur = await c.execute(
                "DELETE FROM membership WHERE user_id = ? AND centre_id = ?", (user_id, centre_id)
            )
            return cur.rowcount == 1

    async def list_user_centres(self, user_id: int) -> list[Centre]:
        """The centres the user belongs to, alphabetically."""
        rows = await self._all(
            "SELECT c.* FROM centre c JOIN membership m ON m.centre_id = c.id"
            " WHERE m.user_id = ? ORDER BY c.name COLLATE NOCASE",
            (user_id,),
        )
        return [_centre(r) for r in rows]

    # -- activities -----------------------------------------------------------------------

    async def add_activities(self, items: Iterable[NewActivity], now: int) -> list[int]:
        """Create activities all together or not at all; return their ids."""
        ids = []
        async with self._tx() as c:
            for a in items:
                cur = await c.execute(
                    "INSERT INTO activity(centre_id, title, description, place, starts_at,"
                    " ends_at, capacity, created_by, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        a.centre_id, a.title, a.description, a.place, a.starts_at,
                        a.ends_at, a.capacity, a.created_by, now,
                    ),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    async def cancel_activity(self, activity_id: int, now: int) -> bool:
        """Mark an activity cancelled; False if it was not scheduled."""
        async with self._tx() as c:
            cur = await c.execute(
                "UPDATE activity SET status = 'cancelled', updated_at = ?"
                " WHERE id = ? AND status = 'scheduled'",
                (now, activity_id),
            )
            return cur.rowcount == 1

    async def get_activity(self, activity_id: int) -> Activity | None:
        """The activity with that id, or None."""
        row = await self._one(
            f"SELECT {_ACTIVITY} FROM {_ACTIVITY_FROM} WHERE a.id = ?", (activity_id,)
        )
        return None if row is None else _activity(row)

    async def list_activities(
        self, centre_id: int | None = None, *, since: int = 0
    ) -> list[tuple[Activity, int]]:
        """Activities from `since` on (of one centre, or all), with their confirmed count."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, (SELECT count(*) FROM signup s WHERE s.activity_id = a.id"
            f" AND s.status = 'confirmed') AS confirmed FROM {_ACTIVITY_FROM}"
            " WHERE a.starts_at >= ? AND (? IS NULL OR a.centre_id = ?)"
            " ORDER BY a.starts_at, a.id",
            (since, centre_id, centre_id),
        )
        return [(_activity(r), int(r["confirmed"])) for r in rows]

    async def list_upcoming_for_user(
        self, user_id: int, now: int, offset: int, limit: int
    ) -> list[tuple[Activity, SignupStatus]]:
        """Scheduled, not yet started activities of the user's centres and national ones."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, IFNULL(s.status, 'none') AS my_status FROM {_ACTIVITY_FROM}"
            " LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :user"
            " WHERE a.status = 'scheduled' AND a.starts_at > :now AND (a.centre_id IS NULL"
            "   OR a.centre_id IN (SELECT centre_id FROM membership WHERE user_id = :user))"
            " ORDER BY a.starts_at, a.id LIMIT :limit OFFSET :offset",
            {"user": user_id, "now": now, "limit": limit, "offset": offset},
        )
        return [(_activity(r), SignupStatus(r["my_status"])) for r in rows]

    async def get_activity_view(self, activity_id: int, user_id: int) -> ActivityView | None:
        """The activity with its counts and the user's own sign-up, or None if unknown."""
        row = await self._one(
            f"SELECT {_ACTIVITY},"
            " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
            "   AND x.status = 'confirmed') AS confirmed,"
            " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
            "   AND x.status = 'waitlisted') AS waitlisted,"
            f" IFNULL(s.status, 'none') AS my_status, IFNULL({_POSITION}, 0) AS position"
            f" FROM {_ACTIVITY_FROM}"
            " LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :user"
            " WHERE a.id = :activity",
            {"user": user_id, "activity": activity_id},
        )
        if row is None:
            return None
        status = SignupStatus(row["my_status"])
        return ActivityView(
            activity=_activity(row),
            confirmed=int(row["confirmed"]),
            waitlisted=int(row["waitlisted"]),
            my_status=status,
            my_position=int(row["position"]) if status is SignupStatus.WAITLISTED else 0,
        )

    async def list_user_signups(
        self, user_id: int, now: int
    ) -> list[tuple[Activity, SignupStatus, int]]:
        """The user's upcoming sign-ups and waiting-list places: (activity, status, position)."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, s.status AS my_status, {_POSITION} AS position"
            " FROM signup s JOIN activity a ON a.id = s.activity_id"
            " LEFT JOIN centre c ON c.id = a.centre_id"
            " WHERE s.user_id = ? AND s.status IN ('confirmed', 'waitlisted')"
            " AND a.status = 'scheduled' AND a.starts_at > ?"
            " ORDER BY a.starts_at, a.id",
            (user_id, now),
        )
        return [
            (_activity(r), SignupStatus(r["my_status"]), int(r["position"]))
            for r in rows
        ]

    # -- sign-ups -------------------------------------------------------------------------

    async def join_activity(self, activity_id: int, user_id: int, now: int) -> JoinResult:
        """Sign the user up, or put them on the waiting list when full. Never overbooks."""
        async with self._tx() as c:
            activity = await _fetchone(
                c, "SELECT capacity, status, starts_at FROM activity WHERE id = ?", (activity_id,)
            )
            if activity is None or activity["status"] != "scheduled" or activity["starts_at"] <= now:
                return JoinResult(JoinOutcome.UNAVAILABLE)
            mine = await _fetchone(
                c,
                f"SELECT s.status, {_POSITION} AS position FROM signup s"
                " WHERE s.activity_id = ? AND s.user_id = ?",
                (activity_id, user_id),
            )
            if mine is not None and mine["status"] == "confirmed":
                return JoinResult(JoinOutcome.ALREADY_CONFIRMED)
            if mine is not None and mine["status"] == "waitlisted":
                return JoinResult(JoinOutcome.ALREADY_WAITLISTED, int(mine["position"]))
            counts = await _fetchone(
                c,
                "SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed,"
                " count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted,"
                " IFNULL(max(queue_seq), 0) + 1 AS seq FROM signup WHERE activity_id = ?",
                (activity_id,),
            )
            capacity = activity["capacity"]
            full = capacity is not None and counts["confirmed"] >= capacity
            status = "waitlisted" if full else "confirmed"
            await c.execute(
                "INSERT INTO signup(activity_id, user_id, status, queue_seq, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(activity_id, user_id) DO UPDATE SET status = excluded.status,"
                " queue_seq = excluded.queue_seq, updated_at = excluded.updated_at",
                (activity_id, user_id, status, counts["seq"], now, now),
            )
        if full:
            return JoinResult(JoinOutcome.WAITLISTED, int(counts["waitlisted"]) + 1)
        return JoinResult(JoinOutcome.CONFIRMED)

    async def cancel_signup(self, activity_id: int, user_id: int, now: int) -> CancelResult:
        """Cancel the user's sign-up; a freed seat goes to the waiting list in the same breath."""
        async with self._tx() as c:
            activity = await _fetchone(
                c, "SELECT status, starts_at FROM activity WHERE id = ?", (activity_id,)
            )
            if activity is None or activity["status"] != "scheduled" or activity["starts_at"] <= now:
                return CancelResult(CancelOutcome.UNAVAILABLE)
            mine = await _fetchone(
                c,
                "SELECT id, status FROM signup WHERE activity_id = ? AND user_id = ?"
                " AND status IN ('confirmed', 'waitlisted')",
                (activity_id, user_id),
            )
            if mine is None:
                return CancelResult(CancelOutcome.NOT_SIGNED_UP)
            await c.execute(
                "UPDATE signup SET status = 'cancelled', updated_at = ? WHERE id = ?",
                (now, mine["id"]),
            )
            promoted = await _promote(c, activity_id, now)
        return CancelResult(CancelOutcome.CANCELLED, promoted)


async def _fetchone(c: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> Any:
    cur = await c.execute(sql, params)
    row = await cur.fetchone()
    await cur.close()
    return row


async def _promote(c: aiosqlite.Connection, activity_id: int, now: int) -> tuple[Promotion, ...]:
    """Fill free seats from the waiting list, first come first served."""
    rows = await c.execute_fetchall(
        "SELECT s.id, s.user_id, IFNULL(u.locale, '') AS locale FROM signup s"
        " LEFT JOIN user u ON u.id = s.user_id"
        " WHERE s.activity_id = :a AND s.status = 'waitlisted'"
        " ORDER BY s.queue_seq LIMIT (SELECT CASE WHEN a.capacity IS NULL THEN -1"
        "   ELSE max(a.capacity - (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "     AND x.status = 'confirmed'), 0) END FROM activity a WHERE a.id = :a)",
        {"a": activity_id},
    )
    rows = list(rows)
    await c.executemany(
        "UPDATE signup SET status = 'confirmed', updated_at = ? WHERE id = ?",
        [(now, r["id"]) for r in rows],
    )
    return tuple(Promotion(int(r["user_id"]), str(r["locale"])) for r in rows if r["user_id"])


async def _migrate(conn: aiosqlite.Connection, path: Path) -> None:
    steps = _migrations()
    cur = await conn.execute("PRAGMA user_version")
    row = await cur.fetchone()
    await cur.close()
    version = int(row[0]) if row else 0
    if version > len(steps):
        raise DatabaseError(
            f"database {path} was written by a newer vaerested-bot (schema version {version};"
            f" this version knows up to {len(steps)}): upgrade vaerested-bot before using it"
        )
    for number, sql in steps[version:]:
        try:
            await conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};")
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
