"""Storage: the only module with SQL. One long-lived aiosqlite connection, typed results.

Every write that matters runs in one `BEGIN IMMEDIATE` transaction under an asyncio lock, so
coroutines sharing the connection never interleave inside a transaction, and reads never see
another coroutine's half-done write.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

T = TypeVar("T")
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
USER_CACHE_MAX = 100_000
DRAFT_TTL_S = 86400  # a dialog left alone for a day is forgotten
# A cancel at most this soon (ms) after the person's own change of the same sign-up is held
# back as a double tap ("Tilmeld" became "Afmeld" under the finger); the toast says tap again.
DOUBLE_TAP_MS = 1000
LINE_QUOTA_S = 3600  # messages to staff are counted per hour
SEEN_REFRESH_S = 3600  # last_seen_at is rewritten at most hourly: one write per update is waste
CHANGE_BURST_S = 600  # changes this soon after the first reach a person as one message
CHANGE_LEAD_S = 3600  # ... unless the activity is this close: then they are told at once


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
    onboarded: bool = False  # has chosen a centre, or "national", at least once


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
    FULL = "full"  # no place free, and the waiting list was not wanted (nothing changed)


@dataclass(frozen=True)
class JoinResult:
    outcome: JoinOutcome
    position: int = 0
    view: ActivityView | None = None  # the activity as the user sees it afterwards


class CancelOutcome(enum.Enum):
    CANCELLED = "cancelled"
    NOT_SIGNED_UP = "not_signed_up"
    UNAVAILABLE = "unavailable"
    TOO_SOON = "too_soon"  # right after the person's own change of it: held back, tap again


@dataclass(frozen=True)
class Promotion:
    user_id: int
    locale: str


@dataclass(frozen=True)
class CancelResult:
    outcome: CancelOutcome
    promoted: tuple[Promotion, ...] = ()
    view: ActivityView | None = None  # the activity as the user sees it afterwards
    was: SignupStatus = SignupStatus.NONE  # what the user gave up


class Planner(Protocol):
    """Decides when the reminders of a sign-up go out (see bot/reminders.py)."""

    def plan(self, starts_at: int, timezone: str | None, now: int) -> list[tuple[int, int]]:
        """(offset before the start, due instant) of each reminder still worth sending."""
        ...


class NoticeKind(enum.StrEnum):
    REMINDER = "reminder"
    PROMOTED = "promoted"  # moved up from the waiting list
    CHANGED = "changed"  # the activity's time or place changed
    CANCELLED = "cancelled"  # the activity was cancelled


class Outcome(enum.StrEnum):
    """How a delivery ended."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    FAILED = "failed"  # Telegram refused it for good
    UNKNOWN = "unknown"  # it may or may not have arrived: never sent again

    @property
    def state(self) -> str:
        """The notification state this outcome leaves."""
        return "failed" if self is Outcome.BLOCKED else self.value


class RoleName(enum.StrEnum):
    STAFF = "staff"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Role:
    role: RoleName
    centre_id: int | None  # None: national


class InvitationOutcome(enum.Enum):
    ACCEPTED = "accepted"
    USED = "used"  # used once already: for ever, also after the person who used it is erased
    EXPIRED = "expired"
    INVALID = "invalid"  # unknown, withdrawn, or its maker is no admin any more (or erased)


@dataclass(frozen=True)
class InvitationResult:
    outcome: InvitationOutcome
    centre: Centre | None = None  # set when accepted


@dataclass(frozen=True)
class Invitation:
    """An open (unused, unexpired) staff invitation."""

    token: str
    centre: Centre
    created_by: int | None  # None: the admin who made it has been erased
    expires_at: int


@dataclass(frozen=True)
class Draft:
    """A dialog in progress: what kind, which step, what is filled in so far."""

    kind: str
    step: str
    data: dict[str, Any]


@dataclass(frozen=True)
class LineMessage:
    """A person's message to a centre's staff that no staff member has had yet."""

    id: int
    user_id: int
    first_name: str
    centre: str
    timezone: str  # the centre's
    text: str  # a voice message's caption, or ""
    voice: str | None  # Telegram's file_id of a voice message
    created_at: int


@dataclass(frozen=True)
class BroadcastJob:
    """A claimed delivery of an announcement to one person."""

    broadcast_id: int
    user_id: int
    text: str
    media_kind: str | None
    media_id: str | None
    sender: str | None  # the centre's name; None for a national announcement


@dataclass(frozen=True)
class BroadcastStatus:
    id: int
    state: str
    author_id: int
    author_locale: str
    total: int
    counts: dict[str, int]
    report_chat: int | None
    report_msg: int | None
    reported_at: int

    @property
    def open(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)


@dataclass(frozen=True)
class ActivityCounts:
    """An activity with its numbers, for coordinators."""

    activity: Activity
    confirmed: int  # people with a place, those signed up at the counter (no phone) included
    waitlisted: int
    guests: int  # of `confirmed`, those signed up at the counter (no phone)
    attended: int  # marked present, walk-ins included
    walk_ins: int = 0  # of `attended`, those who came without signing up


@dataclass(frozen=True)
class Participant:
    signup_id: int
    name: str
    guest: bool  # signed up at the counter
    waitlisted: bool
    attended: bool


@dataclass(frozen=True)
class Summary:
    """A period's figures for funders."""

    held: int  # activities that took place
    signups: int  # places taken at them
    attended: int
    cancellations: int  # places given back
    unique: int  # different people with a place


@dataclass(frozen=True)
class Notice:
    """A claimed notification, with what it takes to write it."""

    id: int
    kind: NoticeKind
    offset_s: int
    user_id: int
    locale: str
    activity: Activity
    # A 'changed' notice: the time and place before the first change and now (None: that part
    # did not change; all None on rows written before notices said what changed).
    old_starts_at: int | None = None
    new_starts_at: int | None = None
    old_place: str | None = None
    new_place: str | None = None


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


def fold(text: str) -> str:
    """Text made comparable for a search: case and accents gone, and the Danish letters the way
    people write them without a Danish keyboard ("kobenhavn", "koebenhavn", "aarhus", "arhus"
    all find København or Århus)."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = "".join(
        ch if ch.isalnum() else " "
        for ch in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(ch)
    )
    return " ".join(text.replace("aa", "a").replace("oe", "o").split())


def _is_admin(c: sqlite3.Connection, user_id: int | None, admins: Sequence[int]) -> bool:
    """A national admin now: in the config's `admins`, or with a national admin role (as
    bot.access.load_access decides). None (an erased person) is nobody."""
    if user_id is None:
        return False
    if user_id in admins:
        return True
    row = c.execute(
        "SELECT 1 FROM role WHERE user_id = ? AND role = 'admin' AND centre_id IS NULL",
        (user_id,),
    ).fetchone()
    return row is not None


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
        # Every update needs its user; this process is the only writer of user rows, so a
        # cache of (user, last_seen_at written) saves a database trip per update.
        self._users: dict[int, tuple[User, int]] = {}
        # The key of the hash that counts messages to staff per person (line_quota). It lives
        # only in this process: the file alone never tells whose messages were counted.
        self._line_key = secrets.token_bytes(32)

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating with mode 0600) and migrate the database at `path`."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise DatabaseError(f"cannot create database {path}: {exc.strerror}") from None
        if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
            raise DatabaseError(
                f"cannot write to database {path} (or its folder): check the owner and permissions"
            )
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten with zeros, whatever this SQLite was built with:
            # an erased person's name must not linger in free pages of the file.
            await conn.execute("PRAGMA secure_delete = ON")
            await _check(conn, path)
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

    async def backup(self, target: Path) -> None:
        """A consistent copy (SQLite's online backup), safe while the bot runs; mode 0600."""
        if target.exists():
            raise DatabaseError(f"{target} exists already: choose a new file name")
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
        copy = await aiosqlite.connect(target)
        try:
            await self._conn.backup(copy)
        finally:
            await copy.close()

    async def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` as one `BEGIN IMMEDIATE … COMMIT` transaction in the connection's thread.

        aiosqlite runs the calls on its one thread one after the other, so a transaction done in
        a single call can never interleave with another coroutine's statements, and it costs
        one thread round trip instead of one per statement (measured: 0.25 ms against 0.8 ms).
        aiosqlite has no public call for this; `_execute` and `_conn` are used here only.
        """

        def transaction(c: sqlite3.Connection) -> T:
            c.execute("BEGIN IMMEDIATE")
            try:
                result = work(c)
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")
            return result

        return await self._run(transaction)

    async def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` (reads only) in the connection's thread: one round trip."""
        return await self._run(work)

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        # aiosqlite has no public call for "run this function on your thread"; this is the one
        # place that reaches into it (checked against aiosqlite 0.20-0.22).
        execute: Callable[..., Awaitable[T]] = self._conn._execute
        return await execute(work, self._conn._conn)

    async def _all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
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
        await self._write(
            lambda c: c.execute(
                "INSERT INTO setting(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )

    # -- centres --------------------------------------------------------------------------

    async def add_centre(self, slug: str, name: str, city: str, timezone: str) -> Centre:
        """Create a centre; raise DuplicateError if the slug is taken."""
        try:
            cur = await self._write(
                lambda c: c.execute(
                    "INSERT INTO centre(slug, name, city, timezone) VALUES (?, ?, ?, ?)",
                    (slug, name, city, timezone),
                )
            )
        except sqlite3.IntegrityError:
            raise DuplicateError(slug) from None
        return Centre(int(cur.lastrowid or 0), slug, name, city, timezone)

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

    async def search_centres(self, text: str) -> list[Centre]:
        """Centres whose name, town or link name holds every word of `text` (as `fold` reads
        them: "reden", "odense", "kobenhavn"), alphabetically; none for an empty text."""
        words = fold(text).split()
        if not words:
            return []
        found = []
        for centre in await self.list_centres():
            haystack = fold(f"{centre.name} {centre.city} {centre.slug}")
            if all(word in haystack for word in words):
                found.append(centre)
        return found

    # -- users and memberships ------------------------------------------------------------

    async def find_user(self, user_id: int) -> User | None:
        """The user if the bot knows them; never creates anyone (and writes nothing)."""
        cached = self._users.get(user_id)
        if cached:
            return cached[0]
        row = await self._one(
            "SELECT first_name, locale, active, onboarded FROM user WHERE id = ?", (user_id,)
        )
        if row is None:
            return None
        return User(
            user_id,
            str(row["first_name"]),
            str(row["locale"]),
            bool(row["active"]),
            bool(row["onboarded"]),
        )

    async def touch_user(self, user_id: int, first_name: str, locale: str, now: int) -> User:
        """Load the user, creating them on first contact; refresh name and last seen cheaply."""
        cached = self._users.get(user_id)
        if cached and cached[0].first_name == first_name and now - cached[1] < SEEN_REFRESH_S:
            return cached[0]

        def work(c: sqlite3.Connection) -> User:
            c.execute(
                "INSERT INTO user(id, first_name, locale, active, created_at, last_seen_at)"
                " VALUES (:id, :name, :locale, 1, :now, :now) ON CONFLICT(id) DO UPDATE"
                " SET first_name = :name, last_seen_at = :now, active = 1",
                {"id": user_id, "name": first_name, "locale": locale, "now": now},
            )
            row = c.execute(
                "SELECT locale, onboarded FROM user WHERE id = ?", (user_id,)
            ).fetchone()
            return User(user_id, first_name, str(row["locale"]), True, bool(row["onboarded"]))

        user = await self._write(work)
        self._remember(user, now)
        return user

    def _remember(self, user: User, seen: int) -> None:
        if len(self._users) >= USER_CACHE_MAX:
            self._users.clear()
        self._users[user.id] = (user, seen)

    async def get_locale(self, user_id: int) -> str | None:
        """The user's language, or None if they are not known."""
        row = await self._one("SELECT locale FROM user WHERE id = ?", (user_id,))
        return None if row is None else str(row["locale"])

    async def set_user_locale(self, user_id: int, locale: str) -> None:
        """Remember the user's language."""
        await self._write(
            lambda c: c.execute("UPDATE user SET locale = ? WHERE id = ?", (locale, user_id))
        )
        self._users.pop(user_id, None)

    async def join_centre(self, user_id: int, centre_id: int, now: int) -> bool:
        """Make the user a member; False if they were one already."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "INSERT INTO membership(user_id, centre_id, joined_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, centre_id, now),
            )
            c.execute("UPDATE user SET onboarded = 1 WHERE id = ?", (user_id,))
            return cur.rowcount == 1

        joined = await self._write(work)
        self._users.pop(user_id, None)
        return joined

    async def choose_national(self, user_id: int) -> None:
        """Remember that the user chose national activities (so /start skips the picker)."""
        await self._write(
            lambda c: c.execute("UPDATE user SET onboarded = 1 WHERE id = ?", (user_id,))
        )
        self._users.pop(user_id, None)

    async def leave_centre(self, user_id: int, centre_id: int) -> bool:
        """End a membership; False if there was none. Leaving the last centre leaves no centre
        chosen (the activity list then offers the picker), even after an earlier "national"."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "DELETE FROM membership WHERE user_id = ? AND centre_id = ?", (user_id, centre_id)
            )
            c.execute(
                "UPDATE user SET onboarded = 0 WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM membership WHERE user_id = ?)",
                (user_id, user_id),
            )
            return cur.rowcount == 1

        left = await self._write(work)
        self._users.pop(user_id, None)
        return left

    async def has_chosen_centre(self, user_id: int) -> bool:
        """Whether the user has chosen a centre, or "national": read now, not from the cache
        (a choice made earlier in the same update counts)."""
        row = await self._one("SELECT onboarded FROM user WHERE id = ?", (user_id,))
        return row is not None and bool(row["onboarded"])

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
        rows = [
            (
                a.centre_id,
                a.title,
                a.description,
                a.place,
                a.starts_at,
                a.ends_at,
                a.capacity,
                a.created_by,
                now,
            )
            for a in items
        ]

        def work(c: sqlite3.Connection) -> list[int]:
            sql = (
                "INSERT INTO activity(centre_id, title, description, place, starts_at, ends_at,"
                " capacity, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
            return [int(c.execute(sql, row).lastrowid or 0) for row in rows]

        return await self._write(work)

    async def cancel_activity(self, activity_id: int, now: int) -> bool:
        """Cancel an activity and tell everyone signed up, once; False if not scheduled."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "UPDATE activity SET status = 'cancelled', updated_at = ?"
                " WHERE id = ? AND status = 'scheduled' AND starts_at > ?",
                (now, activity_id, now),
            )
            if cur.rowcount != 1:
                return False
            c.execute(
                "UPDATE notification SET state = 'skipped' WHERE state = 'pending' AND signup_id"
                " IN (SELECT id FROM signup WHERE activity_id = ?)",
                (activity_id,),
            )
            _notify_signups(c, activity_id, NoticeKind.CANCELLED, now)
            return True

        return await self._write(work)

    async def change_activity(
        self,
        activity_id: int,
        now: int,
        planner: Planner,
        *,
        starts_at: int | None = None,
        place: str | None = None,
    ) -> bool:
        """Move an activity or change its place; participants are told and reminders follow."""

        def work(c: sqlite3.Connection) -> bool:
            before = c.execute(
                "SELECT starts_at, place FROM activity WHERE id = ? AND status = 'scheduled'"
                " AND starts_at > ?",
                (activity_id, now),
            ).fetchone()
            if before is None:
                return False
            old = (int(before["starts_at"]), str(before["place"]))
            new = (starts_at or old[0], old[1] if place is None else place)
            if new == old:
                return True  # nothing changed: nobody needs a message
            c.execute(
                "UPDATE activity SET starts_at = IFNULL(?, starts_at), place = IFNULL(?, place),"
                " updated_at = ? WHERE id = ?",
                (starts_at, place, now, activity_id),
            )
            confirmed = c.execute(
                "SELECT id FROM signup WHERE activity_id = ? AND status = 'confirmed'",
                (activity_id,),
            ).fetchall()
            for row in confirmed:
                _plan_reminders(c, row["id"], now, planner)
            _notify_change(c, activity_id, old, new, now)
            return True

        return await self._write(work)

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
            "   OR a.centre_id IN (SELECT centre_id FROM membership WHERE user_id = :user"
            "     UNION SELECT centre_id FROM role WHERE user_id = :user))"
            " ORDER BY a.starts_at, a.id LIMIT :limit OFFSET :offset",
            {"user": user_id, "now": now, "limit": limit, "offset": offset},
        )
        return [(_activity(r), SignupStatus(r["my_status"])) for r in rows]

    async def get_activity_view(self, activity_id: int, user_id: int) -> ActivityView | None:
        """The activity with its counts and the user's own sign-up, or None if unknown."""
        return await self._read(lambda c: _view(c, activity_id, user_id))

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
        return [(_activity(r), SignupStatus(r["my_status"]), int(r["position"])) for r in rows]

    # -- sign-ups -------------------------------------------------------------------------

    async def join_activity(
        self,
        activity_id: int,
        user_id: int,
        now: int,
        planner: Planner,
        *,
        tapped_ms: int | None = None,
        waitlist: bool = True,
    ) -> JoinResult:
        """Sign the user up (with reminders), or put them on the waiting list when full
        (without `waitlist`: change nothing then, JoinOutcome.FULL). `tapped_ms`: when the
        person tapped (default `now`), for the double-tap guard of a cancel right after."""

        def work(c: sqlite3.Connection) -> JoinResult:
            tapped = now * 1000 if tapped_ms is None else tapped_ms
            result = _join(c, activity_id, user_id, now, planner, tapped, waitlist)
            return replace(result, view=_view(c, activity_id, user_id))

        return await self._write(work)

    async def cancel_signup(
        self,
        activity_id: int,
        user_id: int,
        now: int,
        planner: Planner,
        *,
        tapped_ms: int | None = None,
        after_cancel: bool = False,
    ) -> CancelResult:
        """Cancel the user's sign-up; a freed seat goes to the waiting list in the same breath.
        Held back (TOO_SOON) at most DOUBLE_TAP_MS after the person's own change of this
        sign-up; with `after_cancel` (a list that moved up under the finger) also that soon
        after they cancelled another one."""

        def work(c: sqlite3.Connection) -> CancelResult:
            tapped = now * 1000 if tapped_ms is None else tapped_ms
            result = _cancel(c, activity_id, user_id, now, planner, tapped, after_cancel)
            return replace(result, view=_view(c, activity_id, user_id))

        return await self._write(work)

    # -- notifications --------------------------------------------------------------------

    async def set_reminders(self, user_id: int, on: bool, now: int, planner: Planner) -> None:
        """Turn the user's reminders on (planning them for upcoming sign-ups) or off."""

        def work(c: sqlite3.Connection) -> None:
            c.execute("UPDATE user SET reminders_on = ? WHERE id = ?", (int(on), user_id))
            signups = c.execute(
                "SELECT s.id FROM signup s JOIN activity a ON a.id = s.activity_id"
                " WHERE s.user_id = ? AND s.status = 'confirmed' AND a.starts_at > ?",
                (user_id, now),
            ).fetchall()
            for row in signups:
                _plan_reminders(c, row["id"], now, planner)

        await self._write(work)

    async def reminders_on(self, user_id: int) -> bool:
        """Whether the user wants reminders."""
        row = await self._one("SELECT reminders_on FROM user WHERE id = ?", (user_id,))
        return bool(row and row["reminders_on"])

    async def set_user_active(self, user_id: int, active: bool) -> None:
        """Mark whether the user can be written to (False: they blocked the bot)."""
        await self._write(
            lambda c: c.execute("UPDATE user SET active = ? WHERE id = ?", (int(active), user_id))
        )
        self._users.pop(user_id, None)

    async def reset_interrupted_notifications(self) -> int:
        """After a crash: claimed but unfinished rows may have been sent, so they become unknown."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE notification SET state = 'unknown' WHERE state = 'sending'"
            )
        )
        return int(cur.rowcount)

    async def skip_unwanted_notifications(self, now: int) -> int:
        """Mark due rows that should no longer go out as skipped; return how many."""
        return await self._write(lambda c: _skip_unwanted(c, now))

    async def claim_notification(self, now: int) -> Notice | None:
        """Claim the next due notification (state 'sending') before it is sent; None if none."""
        return await self._write(lambda c: _claim(c, now))

    async def finish_notification(
        self, notice_id: int, outcome: Outcome, now: int, error: str = ""
    ) -> None:
        """Record how a claimed notification ended; a blocked user gets nothing more."""

        def work(c: sqlite3.Connection) -> int | None:
            row = c.execute(
                "UPDATE notification SET state = ?, sent_at = ?, last_error = ? WHERE id = ?"
                " RETURNING (SELECT user_id FROM signup s WHERE s.id = signup_id)",
                (
                    outcome.state,
                    now if outcome is Outcome.SENT else None,
                    error or None,
                    notice_id,
                ),
            ).fetchone()
            if outcome is Outcome.BLOCKED and row and row[0] is not None:
                c.execute("UPDATE user SET active = 0 WHERE id = ?", (row[0],))
                return int(row[0])
            return None

        blocked = await self._write(work)
        if blocked is not None:
            self._users.pop(blocked, None)

    async def next_notification_due(self) -> int | None:
        """When the next pending notification is due, or None."""
        row = await self._one(
            "SELECT min(due_at) AS due FROM notification WHERE state = 'pending'"
        )
        return None if row is None or row["due"] is None else int(row["due"])

    async def pending_change_notices(self, activity_id: int, now: int) -> int:
        """How many people are told of the activity's change just made: its rows are pending,
        or due now and maybe claimed by the dispatcher already."""
        row = await self._one(
            "SELECT count(DISTINCT n.signup_id) AS n FROM notification n"
            " JOIN signup s ON s.id = n.signup_id WHERE s.activity_id = ? AND n.kind = 'changed'"
            " AND (n.state = 'pending' OR (n.state != 'skipped' AND n.due_at >= ?))",
            (activity_id, now),
        )
        return 0 if row is None else int(row["n"])

    # -- roles and invitations --------------------------------------------------------------

    async def grant_role(
        self, user_id: int, role: RoleName, centre_id: int | None, now: int
    ) -> bool:
        """Give a role (for a centre, or national); False if they had it already."""
        cur = await self._write(
            lambda c: c.execute(
                "INSERT INTO role(user_id, centre_id, role, granted_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, centre_id, role.value, now),
            )
        )
        return cur.rowcount == 1

    async def revoke_role(self, user_id: int, role: RoleName, centre_id: int | None) -> bool:
        """Take a role away; False if they did not have it."""
        cur = await self._write(
            lambda c: c.execute(
                "DELETE FROM role WHERE user_id = ? AND role = ? AND centre_id IS ?",
                (user_id, role.value, centre_id),
            )
        )
        return cur.rowcount == 1

    async def list_roles(self, user_id: int) -> list[Role]:
        """Every role the user holds."""
        rows = await self._all(
            "SELECT role, centre_id FROM role WHERE user_id = ? ORDER BY centre_id", (user_id,)
        )
        return [Role(RoleName(r["role"]), r["centre_id"]) for r in rows]

    async def create_invitation(
        self, token: str, centre_id: int, created_by: int, expires_at: int
    ) -> None:
        """Store a one-time staff invitation."""
        await self._write(
            lambda c: c.execute(
                "INSERT INTO invitation(token, centre_id, created_by, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token, centre_id, created_by, expires_at),
            )
        )

    async def use_invitation(
        self, token: str, user_id: int, now: int, *, admins: Sequence[int]
    ) -> InvitationResult:
        """Make the user staff of the invitation's centre, once and for ever (`used_at` stays
        set when the person who used it is erased). It works only while the admin who made it
        is still an admin — in `admins` (the config's) or with a national admin role — and
        has not been erased."""

        def work(c: sqlite3.Connection) -> InvitationResult:
            row = c.execute(
                "SELECT centre_id, created_by, expires_at, used_at FROM invitation WHERE token = ?",
                (token,),
            ).fetchone()
            if row is None:
                return InvitationResult(InvitationOutcome.INVALID)
            if row["used_at"] is not None:
                return InvitationResult(InvitationOutcome.USED)
            if row["expires_at"] <= now:
                return InvitationResult(InvitationOutcome.EXPIRED)
            if not _is_admin(c, row["created_by"], admins):
                return InvitationResult(InvitationOutcome.INVALID)
            c.execute(
                "UPDATE invitation SET used_by = ?, used_at = ? WHERE token = ? AND used_at IS NULL",
                (user_id, now, token),
            )
            c.execute(
                "INSERT INTO role(user_id, centre_id, role, granted_at) VALUES (?, ?, 'staff', ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, row["centre_id"], now),
            )
            centre = c.execute("SELECT * FROM centre WHERE id = ?", (row["centre_id"],))
            return InvitationResult(InvitationOutcome.ACCEPTED, _centre(centre.fetchone()))

        return await self._write(work)

    async def open_invitations(self, now: int, created_by: int | None = None) -> list[Invitation]:
        """Unused, unexpired invitations (of one admin, or everyone's), soonest to expire first."""
        rows = await self._all(
            "SELECT i.token, i.created_by, i.expires_at, c.* FROM invitation i"
            " JOIN centre c ON c.id = i.centre_id"
            " WHERE i.used_at IS NULL AND i.expires_at > :now"
            " AND (:by IS NULL OR i.created_by = :by)"
            " ORDER BY i.expires_at, i.token",
            {"now": now, "by": created_by},
        )
        return [Invitation(r["token"], _centre(r), r["created_by"], r["expires_at"]) for r in rows]

    async def withdraw_invitation(
        self, token: str, now: int, created_by: int | None = None
    ) -> bool:
        """Delete an open invitation (only one `created_by` made, if given), so the link works
        like an unknown one; False if there is no such open invitation."""
        cur = await self._write(
            lambda c: c.execute(
                "DELETE FROM invitation WHERE token = :token AND used_at IS NULL"
                " AND expires_at > :now AND (:by IS NULL OR created_by = :by)",
                {"token": token, "now": now, "by": created_by},
            )
        )
        return cur.rowcount == 1

    async def invitation_maker_is_admin(self, token: str, admins: Sequence[int]) -> bool:
        """Whether the invitation's maker may still invite (its link would still work)."""

        def work(c: sqlite3.Connection) -> bool:
            row = c.execute(
                "SELECT created_by FROM invitation WHERE token = ?", (token,)
            ).fetchone()
            return row is not None and _is_admin(c, row["created_by"], admins)

        return await self._read(work)

    # -- drafts ---------------------------------------------------------------------------

    async def get_draft(self, user_id: int, now: int) -> Draft | None:
        """The user's dialog in progress, or None (also when left for a day)."""
        row = await self._one(
            "SELECT kind, step, data FROM draft WHERE user_id = ? AND updated_at > ?",
            (user_id, now - DRAFT_TTL_S),
        )
        return None if row is None else Draft(row["kind"], row["step"], json.loads(row["data"]))

    async def save_draft(self, user_id: int, draft: Draft, now: int) -> None:
        """Store the user's dialog in progress (replacing any other)."""
        await self._write(
            lambda c: c.execute(
                "INSERT INTO draft(user_id, kind, step, data, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, step = excluded.step,"
                " data = excluded.data, updated_at = excluded.updated_at",
                (user_id, draft.kind, draft.step, json.dumps(draft.data), now),
            )
        )

    async def delete_draft(self, user_id: int) -> None:
        """Forget the user's dialog in progress."""
        await self._write(lambda c: c.execute("DELETE FROM draft WHERE user_id = ?", (user_id,)))

    async def purge_drafts(self, now: int) -> int:
        """Delete dialogs left alone for a day (they are ignored already; now they are gone)."""
        cur = await self._write(
            lambda c: c.execute("DELETE FROM draft WHERE updated_at <= ?", (now - DRAFT_TTL_S,))
        )
        return int(cur.rowcount)

    # -- staff work on activities ---------------------------------------------------------

    async def recent_places(self, centre_id: int | None, limit: int = 6) -> list[str]:
        """The places a centre used most recently, newest first."""
        rows = await self._all(
            "SELECT place FROM activity WHERE centre_id IS ? AND place != ''"
            " GROUP BY place ORDER BY max(id) DESC LIMIT ?",
            (centre_id, limit),
        )
        return [str(r["place"]) for r in rows]

    async def set_capacity(
        self, activity_id: int, capacity: int | None, now: int, planner: Planner
    ) -> bool:
        """Change the number of places; more places move people up from the waiting list."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "UPDATE activity SET capacity = ?, updated_at = ?"
                " WHERE id = ? AND status = 'scheduled' AND starts_at > ?",
                (capacity, now, activity_id, now),
            )
            if cur.rowcount != 1:
                return False
            _promote(c, activity_id, now, planner)
            return True

        return await self._write(work)

    async def join_guest(self, activity_id: int, name: str, staff_id: int, now: int) -> JoinResult:
        """Sign up a person without a phone, by first name, against the same capacity."""

        def work(c: sqlite3.Connection) -> JoinResult:
            state = _one_in(
                c,
                "SELECT a.capacity, a.status, a.starts_at,"
                " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
                "   AND x.status = 'confirmed') AS confirmed,"
                " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
                "   AND x.status = 'waitlisted') AS waitlisted,"
                " (SELECT IFNULL(max(queue_seq), 0) + 1 FROM signup x"
                "   WHERE x.activity_id = a.id) AS seq FROM activity a WHERE a.id = :a",
                {"a": activity_id},
            )
            if state is None or state["status"] != "scheduled" or state["starts_at"] <= now:
                return JoinResult(JoinOutcome.UNAVAILABLE)
            full = state["capacity"] is not None and state["confirmed"] >= state["capacity"]
            c.execute(
                "INSERT INTO signup(activity_id, user_id, guest_name, status, queue_seq,"
                " created_at, updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?)",
                (activity_id, name, "waitlisted" if full else "confirmed", state["seq"], now, now),
            )
            if full:
                return JoinResult(JoinOutcome.WAITLISTED, int(state["waitlisted"]) + 1)
            return JoinResult(JoinOutcome.CONFIRMED)

        return await self._write(work)

    async def forget_guest_names(self, before: int) -> int:
        """Blank the names of people signed up at the counter for activities that began before
        `before`; they still count as guests ('' marks a guest whose name is gone)."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE signup SET guest_name = '' WHERE guest_name != '' AND activity_id IN"
                " (SELECT id FROM activity WHERE starts_at < ?)",
                (before,),
            )
        )
        return int(cur.rowcount)

    async def list_guests(self, activity_id: int) -> list[tuple[int, str]]:
        """(sign-up id, first name) of the counter sign-ups of an activity."""
        rows = await self._all(
            "SELECT id, guest_name FROM signup WHERE activity_id = ? AND guest_name IS NOT NULL"
            " AND status IN ('confirmed', 'waitlisted') ORDER BY queue_seq",
            (activity_id,),
        )
        return [(int(r["id"]), str(r["guest_name"])) for r in rows]

    async def get_guest_activity(self, signup_id: int) -> Activity | None:
        """The activity a counter sign-up belongs to, or None."""
        row = await self._one(
            f"SELECT {_ACTIVITY} FROM signup s JOIN activity a ON a.id = s.activity_id"
            " LEFT JOIN centre c ON c.id = a.centre_id WHERE s.id = ? AND s.guest_name IS NOT NULL",
            (signup_id,),
        )
        return None if row is None else _activity(row)

    async def cancel_guest(self, signup_id: int, now: int, planner: Planner) -> int | None:
        """Take a counter sign-up off (promoting the waiting list); its activity id, or None."""

        def work(c: sqlite3.Connection) -> int | None:
            row = c.execute(
                "UPDATE signup SET status = 'cancelled', guest_name = '', updated_at = ?"
                " WHERE id = ? AND guest_name IS NOT NULL"
                " AND status IN ('confirmed', 'waitlisted') RETURNING activity_id",
                (now, signup_id),
            ).fetchone()
            if row is None:
                return None
            _promote(c, row["activity_id"], now, planner)
            return int(row["activity_id"])

        return await self._write(work)

    # -- announcements --------------------------------------------------------------------

    async def list_memberships(self, user_id: int) -> list[tuple[Centre, bool]]:
        """The user's centres, each with whether they want its announcements."""
        rows = await self._all(
            "SELECT c.*, m.announcements FROM centre c JOIN membership m ON m.centre_id = c.id"
            " WHERE m.user_id = ? ORDER BY c.name COLLATE NOCASE",
            (user_id,),
        )
        return [(_centre(r), bool(r["announcements"])) for r in rows]

    async def set_announcements(self, user_id: int, centre_id: int, on: bool) -> bool:
        """Turn a centre's announcements on or off for the user."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE membership SET announcements = ? WHERE user_id = ? AND centre_id = ?",
                (int(on), user_id, centre_id),
            )
        )
        return cur.rowcount == 1

    async def count_audience(
        self, audience: str, centre_id: int | None, activity_id: int | None, author_id: int = 0
    ) -> int:
        """How many people an announcement would reach (never its author)."""
        return await self._read(
            lambda c: len(_audience(c, audience, centre_id, activity_id, author_id))
        )

    async def create_broadcast(
        self,
        author_id: int,
        audience: str,
        centre_id: int | None,
        activity_id: int | None,
        text: str,
        media: tuple[str, str] | None,
        now: int,
    ) -> tuple[int, int]:
        """Store an announcement and one delivery row per recipient: (id, recipients)."""

        def work(c: sqlite3.Connection) -> tuple[int, int]:
            broadcast_id = c.execute(
                "INSERT INTO broadcast(centre_id, activity_id, author_id, audience, text,"
                " media_kind, media_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    centre_id,
                    activity_id,
                    author_id,
                    audience,
                    text,
                    media[0] if media else None,
                    media[1] if media else None,
                    now,
                ),
            ).lastrowid
            users = _audience(c, audience, centre_id, activity_id, author_id)
            c.executemany(
                "INSERT INTO delivery(broadcast_id, user_id, updated_at) VALUES (?, ?, ?)",
                [(broadcast_id, u, now) for u in users],
            )
            return int(broadcast_id or 0), len(users)

        return await self._write(work)

    async def set_broadcast_report(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the staff member's progress message."""
        await self._write(
            lambda c: c.execute(
                "UPDATE broadcast SET report_chat = ?, report_msg = ? WHERE id = ?",
                (chat_id, message_id, broadcast_id),
            )
        )

    async def claim_delivery(self, now: int) -> BroadcastJob | None:
        """Claim the next pending delivery of a running announcement (state 'sending')."""

        def work(c: sqlite3.Connection) -> BroadcastJob | None:
            row = c.execute(
                "UPDATE delivery SET state = 'sending', attempts = attempts + 1, updated_at = ?"
                " WHERE (broadcast_id, user_id) = (SELECT d.broadcast_id, d.user_id"
                "   FROM delivery d JOIN broadcast b ON b.id = d.broadcast_id"
                "   WHERE d.state = 'pending' AND b.state = 'sending'"
                "   ORDER BY d.broadcast_id, d.user_id LIMIT 1)"
                " RETURNING broadcast_id, user_id",
                (now,),
            ).fetchone()
            if row is None:
                return None
            b = c.execute(
                "SELECT b.text, b.media_kind, b.media_id, c.name FROM broadcast b"
                " LEFT JOIN centre c ON c.id = b.centre_id WHERE b.id = ?",
                (row["broadcast_id"],),
            ).fetchone()
            return BroadcastJob(
                row["broadcast_id"],
                row["user_id"],
                b["text"],
                b["media_kind"],
                b["media_id"],
                b["name"],
            )

        return await self._write(work)

    async def finish_delivery(
        self, broadcast_id: int, user_id: int, outcome: Outcome, now: int, error: str = ""
    ) -> None:
        """Record how one delivery ended; a blocked user gets nothing more."""

        def work(c: sqlite3.Connection) -> None:
            c.execute(
                "UPDATE delivery SET state = ?, last_error = ?, updated_at = ?"
                " WHERE broadcast_id = ? AND user_id = ?",
                (outcome.value, error or None, now, broadcast_id, user_id),
            )
            if outcome is Outcome.BLOCKED:
                c.execute("UPDATE user SET active = 0 WHERE id = ?", (user_id,))

        await self._write(work)
        if outcome is Outcome.BLOCKED:
            self._users.pop(user_id, None)

    async def broadcast_status(self, broadcast_id: int) -> BroadcastStatus | None:
        """An announcement's progress: counts per delivery state."""

        def work(c: sqlite3.Connection) -> BroadcastStatus | None:
            b = c.execute(
                "SELECT b.*, IFNULL(u.locale, '') AS locale FROM broadcast b"
                " LEFT JOIN user u ON u.id = b.author_id WHERE b.id = ?",
                (broadcast_id,),
            ).fetchone()
            if b is None:
                return None
            counts = {
                r["state"]: int(r["n"])
                for r in c.execute(
                    "SELECT state, count(*) AS n FROM delivery WHERE broadcast_id = ?"
                    " GROUP BY state",
                    (broadcast_id,),
                )
            }
            return BroadcastStatus(
                b["id"],
                b["state"],
                b["author_id"],
                b["locale"],
                sum(counts.values()),
                counts,
                b["report_chat"],
                b["report_msg"],
                b["reported_at"],
            )

        return await self._read(work)

    async def claim_report(self, broadcast_id: int, now: int, every: int) -> bool:
        """True (once) if the progress message is due for an update: at most every `every` s."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE broadcast SET reported_at = ? WHERE id = ? AND reported_at <= ?",
                (now, broadcast_id, now - every),
            )
        )
        return cur.rowcount == 1

    async def finish_broadcast(self, broadcast_id: int, now: int) -> bool:
        """Mark a running announcement done once nothing is left; True the one time it happens."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE broadcast SET state = 'done', finished_at = ? WHERE id = ?"
                " AND state = 'sending' AND NOT EXISTS (SELECT 1 FROM delivery"
                "   WHERE broadcast_id = ? AND state IN ('pending', 'sending'))",
                (now, broadcast_id, broadcast_id),
            )
        )
        return cur.rowcount == 1

    async def stop_broadcast(self, broadcast_id: int, now: int) -> bool:
        """Stop a running announcement: who has not got it yet will not."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "UPDATE broadcast SET state = 'stopped', finished_at = ? WHERE id = ?"
                " AND state = 'sending'",
                (now, broadcast_id),
            )
            if cur.rowcount != 1:
                return False
            c.execute(
                "UPDATE delivery SET state = 'skipped', updated_at = ?"
                " WHERE broadcast_id = ? AND state = 'pending'",
                (now, broadcast_id),
            )
            return True

        return await self._write(work)

    async def running_broadcasts(self) -> list[int]:
        """Announcements still being sent."""
        rows = await self._all("SELECT id FROM broadcast WHERE state = 'sending' ORDER BY id")
        return [int(r["id"]) for r in rows]

    async def get_broadcast_owner(self, broadcast_id: int) -> tuple[int, int | None] | None:
        """(author, centre) of an announcement, or None."""
        row = await self._one(
            "SELECT author_id, centre_id FROM broadcast WHERE id = ?", (broadcast_id,)
        )
        return None if row is None else (int(row["author_id"]), row["centre_id"])

    async def reset_interrupted_deliveries(self) -> int:
        """After a crash: deliveries claimed but unfinished may have arrived: unknown."""
        cur = await self._write(
            lambda c: c.execute("UPDATE delivery SET state = 'unknown' WHERE state = 'sending'")
        )
        return int(cur.rowcount)

    # -- coordinators: counts, attendance, exports ----------------------------------------

    async def activity_counts(
        self,
        centres: Sequence[int] | None,
        since: int,
        until: int,
        offset: int,
        limit: int,
        *,
        national: bool = False,
    ) -> list[ActivityCounts]:
        """Scheduled activities starting in [since, until) of some centres (None: all; with
        `national`, national ones too), with their numbers; one query for the page."""
        rows = await self._all(
            f"{_COUNTS} WHERE a.status = 'scheduled' AND a.starts_at >= :since"
            f" AND a.starts_at < :until AND ({_SCOPE} OR (:national = 1 AND a.centre_id IS NULL))"
            " GROUP BY a.id ORDER BY a.starts_at, a.id LIMIT :limit OFFSET :offset",
            _scope_params(
                centres,
                since=since,
                until=until,
                limit=limit,
                offset=offset,
                national=int(national),
            ),
        )
        return [_counts(r) for r in rows]

    async def counts_of(self, activity_id: int) -> ActivityCounts | None:
        """One activity's numbers, or None if it is unknown."""
        row = await self._one(f"{_COUNTS} WHERE a.id = :a GROUP BY a.id", {"a": activity_id})
        return None if row is None else _counts(row)

    async def participants(
        self, activity_id: int, centres: Sequence[int] | None = None
    ) -> list[Participant]:
        """Everyone with a place or on the waiting list (only people of `centres`, if given),
        in queue order, and who came."""
        rows = await self._all(
            "SELECT s.id, IFNULL(u.first_name, s.guest_name) AS name, s.guest_name IS NOT NULL AS guest,"
            " s.status = 'waitlisted' AS waitlisted, t.id IS NOT NULL AS attended"
            " FROM signup s LEFT JOIN user u ON u.id = s.user_id"
            " LEFT JOIN attendance t ON t.activity_id = s.activity_id AND t.signup_id = s.id"
            " WHERE s.activity_id = :a AND s.status IN ('confirmed', 'waitlisted')"
            " AND (:all = 1 OR s.user_id IN (SELECT m.user_id FROM membership m"
            "   WHERE m.centre_id IN (SELECT value FROM json_each(:centres))))"
            " ORDER BY s.status, s.queue_seq",
            _scope_params(centres, a=activity_id),
        )
        return [
            Participant(
                r["id"],
                r["name"] or "?",
                bool(r["guest"]),
                bool(r["waitlisted"]),
                bool(r["attended"]),
            )
            for r in rows
        ]

    async def centre_breakdown(self, activity_id: int) -> list[tuple[str | None, int]]:
        """For a national activity: how many places each centre's people hold (by the centre
        each person joined first; None for people of no centre)."""
        rows = await self._all(
            "SELECT c.name, count(*) AS n FROM signup s"
            " LEFT JOIN centre c ON c.id = (SELECT m.centre_id FROM membership m"
            "   WHERE m.user_id = s.user_id ORDER BY m.joined_at, m.centre_id LIMIT 1)"
            " WHERE s.activity_id = ? AND s.status = 'confirmed'"
            " GROUP BY c.id ORDER BY n DESC, c.name",
            (activity_id,),
        )
        return [(r["name"], int(r["n"])) for r in rows]

    async def toggle_attendance(self, activity_id: int, signup_id: int, by: int, now: int) -> bool:
        """Mark a participant present, or not any more; True if now marked present."""

        def work(c: sqlite3.Connection) -> bool:
            gone = c.execute(
                "DELETE FROM attendance WHERE activity_id = ? AND signup_id = ?",
                (activity_id, signup_id),
            ).rowcount
            if gone:
                return False
            c.execute(
                "INSERT INTO attendance(activity_id, signup_id, marked_by, marked_at)"
                " SELECT ?, id, ?, ? FROM signup WHERE id = ? AND activity_id = ?"
                " AND status = 'confirmed'",
                (activity_id, by, now, signup_id, activity_id),
            )
            return True

        return await self._write(work)

    async def add_walk_in(
        self, activity_id: int, centre_id: int | None, by: int, now: int
    ) -> None:
        """Count someone who came without signing up, for the centre that counted them (at a
        centre's activity: that centre; None: no centre, an admin at a national activity)."""
        await self._write(
            lambda c: c.execute(
                "INSERT INTO attendance(activity_id, signup_id, centre_id, marked_by, marked_at)"
                " VALUES (?, NULL, ?, ?, ?)",
                (activity_id, centre_id, by, now),
            )
        )

    async def remove_walk_in(self, activity_id: int, centres: Sequence[int] | None) -> bool:
        """Take back the latest walk-in counted by one of `centres` (0: no centre; None: any),
        after a mistaken tap; never one another centre counted."""
        cur = await self._write(
            lambda c: c.execute(
                "DELETE FROM attendance WHERE id = (SELECT max(id) FROM attendance t"
                f" WHERE t.activity_id = :a AND t.signup_id IS NULL AND {_WALK_IN_SCOPE})",
                _scope_params(centres, a=activity_id),
            )
        )
        return cur.rowcount == 1

    async def walk_ins(self, activity_id: int, centres: Sequence[int] | None = None) -> int:
        """How many came without signing up, counted by one of `centres` (0: no centre; None:
        by anyone)."""
        row = await self._one(
            "SELECT count(*) AS n FROM attendance t"
            f" WHERE t.activity_id = :a AND t.signup_id IS NULL AND {_WALK_IN_SCOPE}",
            _scope_params(centres, a=activity_id),
        )
        return int(row["n"])

    async def walk_ins_by_centre(self, activity_id: int) -> list[tuple[str | None, int]]:
        """For a national activity: how many walk-ins each centre counted (None: no centre)."""
        rows = await self._all(
            "SELECT c.name, count(*) AS n FROM attendance t LEFT JOIN centre c ON c.id = t.centre_id"
            " WHERE t.activity_id = ? AND t.signup_id IS NULL"
            " GROUP BY t.centre_id ORDER BY n DESC, c.name",
            (activity_id,),
        )
        return [(r["name"], int(r["n"])) for r in rows]

    async def summary(self, centres: Sequence[int] | None, since: int, until: int) -> Summary:
        """Activities held in [since, until) (before `until`), and their figures."""
        params = _scope_params(centres, since=since, until=until)
        held = (
            f"SELECT a.id FROM activity a WHERE a.status = 'scheduled' AND a.starts_at >= :since"
            f" AND a.starts_at < :until AND {_SCOPE}"
        )
        row = await self._one(
            f"SELECT (SELECT count(*) FROM ({held})) AS held,"
            f" (SELECT count(*) FROM signup WHERE status = 'confirmed' AND activity_id IN ({held}))"
            "   AS signups,"
            f" (SELECT count(*) FROM attendance WHERE activity_id IN ({held})) AS attended,"
            f" (SELECT count(*) FROM signup WHERE status = 'cancelled' AND activity_id IN ({held}))"
            "   AS cancellations,"
            " (SELECT count(DISTINCT user_id) FROM signup WHERE status = 'confirmed'"
            f"   AND activity_id IN ({held})) AS uniq",
            params,
        )
        return Summary(
            row["held"], row["signups"], row["attended"], row["cancellations"], row["uniq"]
        )

    async def weekly(
        self, centres: Sequence[int] | None, since: int, weeks: int
    ) -> list[tuple[int, int]]:
        """Sign-ups and attendance of the activities of each week from `since`: `weeks` pairs."""
        rows = await self._all(
            "SELECT (a.starts_at - :since) / 604800 AS week,"
            " sum((SELECT count(*) FROM signup s WHERE s.activity_id = a.id"
            "   AND s.status = 'confirmed')) AS signups,"
            " sum((SELECT count(*) FROM attendance t WHERE t.activity_id = a.id)) AS attended"
            " FROM activity a WHERE a.status = 'scheduled' AND a.starts_at >= :since"
            f" AND a.starts_at < :until AND {_SCOPE} GROUP BY week",
            _scope_params(centres, since=since, until=since + weeks * 604800),
        )
        by_week = {r["week"]: (int(r["signups"]), int(r["attended"])) for r in rows}
        return [by_week.get(week, (0, 0)) for week in range(weeks)]

    async def export_activities(
        self, centres: Sequence[int] | None, since: int, until: int
    ) -> list[ActivityCounts]:
        """Every scheduled activity in the period with its numbers, for the spreadsheet."""
        return await self.activity_counts(centres, since, until, 0, -1)

    async def export_monthly(
        self, centres: Sequence[int] | None, since: int, until: int, timezone: str
    ) -> list[tuple[str, str, int]]:
        """(month 'YYYY-MM', centre, different people with a place) — no names."""
        offset = _utc_offset(timezone, since)
        rows = await self._all(
            "SELECT strftime('%Y-%m', a.starts_at + :offset, 'unixepoch') AS month,"
            " IFNULL(c.name, '') AS centre, count(DISTINCT s.user_id) AS people"
            " FROM activity a LEFT JOIN centre c ON c.id = a.centre_id"
            " JOIN signup s ON s.activity_id = a.id AND s.status = 'confirmed'"
            " WHERE a.status = 'scheduled' AND a.starts_at >= :since AND a.starts_at < :until"
            f" AND {_SCOPE} GROUP BY month, a.centre_id ORDER BY month, centre",
            _scope_params(centres, since=since, until=until, offset=offset),
        )
        return [(r["month"], r["centre"], int(r["people"])) for r in rows]

    # -- a line to staff --------------------------------------------------------------------

    def _line_tag(self, user_id: int) -> str:
        return hmac.new(self._line_key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    async def add_line_message(
        self,
        user_id: int,
        centre_id: int,
        text: str,
        now: int,
        *,
        voice: str | None = None,
        delivered: bool = True,
    ) -> int:
        """Store a person's message to a centre's staff (typed, or a voice message's file_id
        with its caption as `text`), and count it (for an hour) by a keyed hash that outlives an
        erasure without naming anyone; the message's id. Not `delivered`: it waits for a staff
        member of the centre to use the bot."""

        def work(c: sqlite3.Connection) -> int:
            c.execute("DELETE FROM line_quota WHERE created_at < ?", (now - LINE_QUOTA_S,))
            c.execute(
                "INSERT INTO line_quota(tag, created_at) VALUES (?, ?)",
                (self._line_tag(user_id), now),
            )
            cur = c.execute(
                "INSERT INTO line_message(user_id, centre_id, text, voice, created_at,"
                " delivered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, centre_id, text, voice, now, now if delivered else None),
            )
            return int(cur.lastrowid or 0)

        return await self._write(work)

    async def mark_line_waiting(self, message_id: int) -> None:
        """No staff member could get the message after all: it waits for the next one."""
        await self._write(
            lambda c: c.execute(
                "UPDATE line_message SET delivered_at = NULL WHERE id = ?", (message_id,)
            )
        )

    async def take_waiting_line_messages(
        self, staff_id: int, since: int, now: int
    ) -> list[LineMessage]:
        """The messages still kept (written at or after `since`) that wait for a staff member
        of a centre where `staff_id` is staff and has messages on, marked delivered, oldest
        first; each is handed out once. One indexed read when nothing waits (the common case:
        this runs for every update)."""
        query = (
            " FROM line_message m JOIN user u ON u.id = m.user_id"
            " JOIN centre c ON c.id = m.centre_id"
            " WHERE m.delivered_at IS NULL AND m.created_at >= :since AND m.centre_id IN"
            "  (SELECT centre_id FROM role WHERE user_id = :staff AND role IN ('staff', 'admin')"
            "   AND line_on = 1)"
        )
        params = {"staff": staff_id, "since": since}
        if await self._one("SELECT 1" + query + " LIMIT 1", params) is None:
            return []

        def work(c: sqlite3.Connection) -> list[LineMessage]:
            rows = c.execute(
                "SELECT m.id, m.user_id, u.first_name, c.name, c.timezone, m.text, m.voice,"
                " m.created_at" + query + " ORDER BY m.created_at, m.id",
                params,
            ).fetchall()
            c.executemany(
                "UPDATE line_message SET delivered_at = ? WHERE id = ?",
                [(now, r[0]) for r in rows],
            )
            return [
                LineMessage(
                    id=int(r[0]),
                    user_id=int(r[1]),
                    first_name=str(r[2]),
                    centre=str(r[3]),
                    timezone=str(r[4]),
                    text=str(r[5]),
                    voice=r[6],
                    created_at=int(r[7]),
                )
                for r in rows
            ]

        return await self._write(work)

    async def count_line_messages(self, user_id: int, now: int) -> int:
        """How many messages a person wrote to staff in the last hour (erased or not)."""
        row = await self._one(
            "SELECT count(*) AS n FROM line_quota WHERE tag = ? AND created_at >= ?",
            (self._line_tag(user_id), now - LINE_QUOTA_S),
        )
        return int(row["n"])

    async def get_line_message(self, message_id: int, since: int) -> tuple[int, int, str] | None:
        """(user, centre, first name) of a message still kept, or None."""
        row = await self._one(
            "SELECT m.user_id, m.centre_id, u.first_name FROM line_message m"
            " JOIN user u ON u.id = m.user_id WHERE m.id = ? AND m.created_at >= ?",
            (message_id, since),
        )
        return None if row is None else (int(row[0]), int(row[1]), str(row[2]))

    async def line_recipients(self, centre_id: int) -> list[int]:
        """The staff of a centre who want messages from users."""
        rows = await self._all(
            "SELECT DISTINCT r.user_id FROM role r JOIN user u ON u.id = r.user_id"
            " WHERE r.centre_id = ? AND r.role IN ('staff', 'admin') AND r.line_on = 1"
            " AND u.active = 1",
            (centre_id,),
        )
        return [int(r[0]) for r in rows]

    async def set_line(self, user_id: int, centre_id: int, on: bool) -> bool:
        """A staff member turns messages from users on or off."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE role SET line_on = ? WHERE user_id = ? AND centre_id = ?"
                " AND role IN ('staff', 'admin')",
                (int(on), user_id, centre_id),
            )
        )
        return cur.rowcount > 0

    async def line_settings(self, user_id: int) -> list[tuple[Centre, bool]]:
        """The centres where the user is staff, and whether they get users' messages."""
        rows = await self._all(
            "SELECT c.*, max(r.line_on) AS line_on FROM role r JOIN centre c ON c.id = r.centre_id"
            " WHERE r.user_id = ? AND r.role IN ('staff', 'admin') GROUP BY c.id ORDER BY c.name",
            (user_id,),
        )
        return [(_centre(r), bool(r["line_on"])) for r in rows]

    async def line_replied(self, message_id: int) -> bool:
        """Whether someone from the staff has answered a message."""
        row = await self._one("SELECT replied_at FROM line_message WHERE id = ?", (message_id,))
        return row is not None and row["replied_at"] is not None

    async def mark_replied(self, message_id: int, now: int) -> None:
        await self._write(
            lambda c: c.execute(
                "UPDATE line_message SET replied_at = ? WHERE id = ?", (now, message_id)
            )
        )

    async def purge_line_messages(self, before: int, now: int) -> int:
        """Forget messages to staff older than `before`, and counts older than an hour."""

        def work(c: sqlite3.Connection) -> int:
            c.execute("DELETE FROM line_quota WHERE created_at < ?", (now - LINE_QUOTA_S,))
            return int(
                c.execute("DELETE FROM line_message WHERE created_at < ?", (before,)).rowcount
            )

        return await self._write(work)

    # -- privacy --------------------------------------------------------------------------

    async def mark_notice_shown(self, user_id: int) -> bool:
        """Remember that the privacy notice was shown; True only the first time."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE user SET notice_shown = 1 WHERE id = ? AND notice_shown = 0", (user_id,)
            )
        )
        return cur.rowcount == 1

    async def personal_data(self, user_id: int) -> dict[str, Any] | None:
        """Everything stored about one person (None if nothing): what they are, chose, signed up
        for and came to, wrote to staff, received, have half-made, and, as staff, made and
        ticked. Every column that can point at a person is read here (tests/test_privacy.py
        walks the schema to keep it so). Instants are UTC epoch seconds; signups hold Activity."""

        def rows(c: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
            return [dict(r) for r in c.execute(sql, {"u": user_id}).fetchall()]

        def work(c: sqlite3.Connection) -> dict[str, Any] | None:
            user = c.execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
            if user is None:
                return None
            centres = rows(
                c,
                "SELECT c.name, m.announcements AS messages, m.joined_at FROM membership m"
                " JOIN centre c ON c.id = m.centre_id WHERE m.user_id = :u ORDER BY c.name",
            )
            signups = c.execute(
                f"SELECT {_ACTIVITY}, s.status AS my_status, s.created_at AS signed_up_at,"
                " EXISTS (SELECT 1 FROM attendance t WHERE t.signup_id = s.id) AS came"
                " FROM signup s JOIN activity a ON a.id = s.activity_id LEFT JOIN centre c"
                " ON c.id = a.centre_id WHERE s.user_id = ? ORDER BY a.starts_at, a.id",
                (user_id,),
            ).fetchall()
            draft = c.execute(
                "SELECT kind, step, data, updated_at FROM draft WHERE user_id = ?", (user_id,)
            ).fetchone()
            return {
                "telegram_id": user["id"],
                "first_name": user["first_name"],
                "language": user["locale"],
                "first_seen": user["created_at"],
                "last_seen": user["last_seen_at"],
                "reminders": bool(user["reminders_on"]),
                "reachable": bool(user["active"]),
                "centres": [dict(r, messages=bool(r["messages"])) for r in centres],
                "signups": [
                    (_activity(r), str(r["my_status"]), bool(r["came"]), r["signed_up_at"])
                    for r in signups
                ],
                "notifications": rows(
                    c,
                    "SELECT a.title AS activity, n.kind, n.due_at, n.state, n.sent_at"
                    " FROM notification n JOIN signup s ON s.id = n.signup_id"
                    " JOIN activity a ON a.id = s.activity_id WHERE s.user_id = :u"
                    " ORDER BY n.due_at",
                ),
                "messages": rows(
                    c,
                    "SELECT c.name AS centre, m.text, m.voice IS NOT NULL AS voice_message,"
                    " m.voice AS voice_file_id, m.created_at, m.delivered_at, m.replied_at"
                    " FROM line_message m JOIN centre c ON c.id = m.centre_id"
                    " WHERE m.user_id = :u ORDER BY m.created_at",
                ),
                "announcements": rows(
                    c,
                    "SELECT b.text, b.media_kind, b.created_at, d.state, d.updated_at"
                    " FROM delivery d JOIN broadcast b ON b.id = d.broadcast_id"
                    " WHERE d.user_id = :u ORDER BY b.created_at",
                ),
                "draft": None if draft is None else dict(draft, data=json.loads(draft["data"])),
                "roles": rows(
                    c,
                    "SELECT r.role, c.name AS centre, r.line_on AS messages_from_users,"
                    " r.granted_at FROM role r LEFT JOIN centre c ON c.id = r.centre_id"
                    " WHERE r.user_id = :u ORDER BY r.granted_at",
                ),
                "activities_created": rows(
                    c,
                    "SELECT title, starts_at, status FROM activity WHERE created_by = :u"
                    " ORDER BY starts_at",
                ),
                "attendance_ticked": rows(
                    c,
                    "SELECT a.title AS activity, a.starts_at, count(*) AS ticks"
                    " FROM attendance t JOIN activity a ON a.id = t.activity_id"
                    " WHERE t.marked_by = :u GROUP BY a.id ORDER BY a.starts_at",
                ),
                "announcements_written": rows(
                    c,
                    "SELECT text, media_kind, audience, state, created_at,"
                    " report_chat IS NOT NULL AS report_here FROM broadcast"
                    " WHERE author_id = :u OR report_chat = :u ORDER BY created_at",
                ),
                "invitations_made": rows(
                    c,
                    "SELECT c.name AS centre, i.expires_at, i.used_at IS NOT NULL AS used"
                    " FROM invitation i JOIN centre c ON c.id = i.centre_id"
                    " WHERE i.created_by = :u ORDER BY i.expires_at",
                ),
                "invitations_used": rows(
                    c,
                    "SELECT c.name AS centre, i.used_at FROM invitation i"
                    " JOIN centre c ON c.id = i.centre_id WHERE i.used_by = :u",
                ),
            }

        return await self._read(work)

    async def forget_user(self, user_id: int, now: int, planner: Planner) -> bool:
        """Erase a person: places still ahead are given back (the waiting list moves up), past
        sign-ups stay only as anonymous counts; centres, roles, reminders, deliveries, the
        half-made dialog and the person go. False if nothing was stored."""

        def work(c: sqlite3.Connection) -> bool:
            if c.execute("SELECT 1 FROM user WHERE id = ?", (user_id,)).fetchone() is None:
                return False
            ahead = c.execute(
                "UPDATE signup SET status = 'cancelled', updated_at = :now WHERE user_id = :u"
                " AND status IN ('confirmed', 'waitlisted') AND activity_id IN"
                "   (SELECT id FROM activity WHERE starts_at > :now)"
                " RETURNING activity_id",
                {"u": user_id, "now": now},
            ).fetchall()
            c.execute(
                "DELETE FROM notification WHERE signup_id IN"
                " (SELECT id FROM signup WHERE user_id = ?)",
                (user_id,),
            )
            # A staff member's answer being written to this person (it quotes nothing, but it
            # points at their message, which goes with them).
            c.execute(
                "DELETE FROM draft WHERE kind = 'reply' AND json_extract(data, '$.message') IN"
                " (SELECT id FROM line_message WHERE user_id = ?)",
                (user_id,),
            )
            for table in ("delivery", "membership", "role", "draft"):
                c.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            # What a staff member made or ticked stays (the counts add up), without them; a
            # used invitation stays used (used_at), without saying by whom.
            for sql in (
                "UPDATE invitation SET used_by = NULL WHERE used_by = :u",
                "UPDATE invitation SET created_by = NULL WHERE created_by = :u",
                "UPDATE activity SET created_by = NULL WHERE created_by = :u",
                "UPDATE broadcast SET author_id = NULL WHERE author_id = :u",
                "UPDATE broadcast SET report_chat = NULL, report_msg = NULL WHERE report_chat = :u",
                "UPDATE attendance SET marked_by = NULL WHERE marked_by = :u",
            ):
                c.execute(sql, {"u": user_id})
            c.execute("DELETE FROM user WHERE id = ?", (user_id,))  # sign-ups: user_id → NULL
            for row in ahead:
                _promote(c, row["activity_id"], now, planner)
            return True

        found = await self._write(work)
        self._users.pop(user_id, None)
        if found:
            await self.checkpoint()
        return found

    async def checkpoint(self) -> None:
        """Move the write-ahead log into the database file and empty it: with secure_delete on,
        erased rows are then gone from both files on disk, not only from the tables."""
        await self._all("PRAGMA wal_checkpoint(TRUNCATE)")

    async def inactive_users(self, before: int) -> list[int]:
        """People not seen since `before`."""
        rows = await self._all("SELECT id FROM user WHERE last_seen_at < ?", (before,))
        return [int(r["id"]) for r in rows]

    async def purge_broadcasts(self, before: int) -> int:
        """Delete announcements (their texts and delivery rows) made before `before`."""

        def work(c: sqlite3.Connection) -> int:
            c.execute(
                "DELETE FROM delivery WHERE broadcast_id IN"
                " (SELECT id FROM broadcast WHERE created_at < ?)",
                (before,),
            )
            return int(c.execute("DELETE FROM broadcast WHERE created_at < ?", (before,)).rowcount)

        return await self._write(work)

    async def count_notifications(self, state: str | None = None, kind: str | None = None) -> int:
        """How many notifications there are (in a state, of a kind)."""
        row = await self._one(
            "SELECT count(*) AS n FROM notification WHERE (? IS NULL OR state = ?)"
            " AND (? IS NULL OR kind = ?)",
            (state, state, kind, kind),
        )
        return int(row["n"])


def _join(
    c: sqlite3.Connection,
    activity_id: int,
    user_id: int,
    now: int,
    planner: Planner,
    tapped_ms: int,
    waitlist: bool = True,
) -> JoinResult:
    """One sign-up, inside a transaction: the capacity check and the write see the same state."""
    state = _one_in(
        c,
        "SELECT a.capacity, a.status, a.starts_at, s.status AS mine,"
        f" IFNULL({_POSITION}, 0) AS position,"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'confirmed') AS confirmed,"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'waitlisted') AS waitlisted,"
        " (SELECT IFNULL(max(queue_seq), 0) + 1 FROM signup x"
        "   WHERE x.activity_id = a.id) AS seq"
        " FROM activity a LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :u"
        " WHERE a.id = :a",
        {"a": activity_id, "u": user_id},
    )
    if state is None or state["status"] != "scheduled" or state["starts_at"] <= now:
        return JoinResult(JoinOutcome.UNAVAILABLE)
    if state["mine"] == "confirmed":
        return JoinResult(JoinOutcome.ALREADY_CONFIRMED)
    if state["mine"] == "waitlisted":
        return JoinResult(JoinOutcome.ALREADY_WAITLISTED, int(state["position"]))
    full = state["capacity"] is not None and state["confirmed"] >= state["capacity"]
    if full and not waitlist:
        return JoinResult(JoinOutcome.FULL)
    signup_id = c.execute(
        "INSERT INTO signup(activity_id, user_id, status, queue_seq, created_at,"
        " updated_at, tapped_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(activity_id, user_id) DO UPDATE SET status = excluded.status,"
        " queue_seq = excluded.queue_seq, updated_at = excluded.updated_at,"
        " tapped_at = excluded.tapped_at RETURNING id",
        (
            activity_id,
            user_id,
            "waitlisted" if full else "confirmed",
            state["seq"],
            now,
            now,
            tapped_ms,
        ),
    ).fetchone()[0]
    if full:
        return JoinResult(JoinOutcome.WAITLISTED, int(state["waitlisted"]) + 1)
    _plan_reminders(c, signup_id, now, planner)
    return JoinResult(JoinOutcome.CONFIRMED)


def _cancel(
    c: sqlite3.Connection,
    activity_id: int,
    user_id: int,
    now: int,
    planner: Planner,
    tapped_ms: int,
    after_cancel: bool = False,
) -> CancelResult:
    """One cancellation and the promotions it allows, inside a transaction."""
    state = _one_in(
        c,
        "SELECT a.status, a.starts_at, s.id AS signup_id, s.status AS mine,"
        " s.tapped_at AS changed,"
        " (SELECT max(x.tapped_at) FROM signup x WHERE x.user_id = :u AND x.activity_id != :a"
        "   AND x.status = 'cancelled') AS other_cancelled"
        " FROM activity a LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :u"
        " WHERE a.id = :a",
        {"a": activity_id, "u": user_id},
    )
    if state is None or state["status"] != "scheduled" or state["starts_at"] <= now:
        return CancelResult(CancelOutcome.UNAVAILABLE)
    if state["mine"] not in ("confirmed", "waitlisted"):
        return CancelResult(CancelOutcome.NOT_SIGNED_UP)
    # The button under the finger changed ("Tilmeld" became "Afmeld"; a list moved up): a
    # second tap this soon may be the first one again. Hold it back; the person is told so.
    if _double_tap(tapped_ms, state["changed"]) or (
        after_cancel and _double_tap(tapped_ms, state["other_cancelled"])
    ):
        return CancelResult(CancelOutcome.TOO_SOON)
    c.execute(
        "UPDATE signup SET status = 'cancelled', updated_at = ?, tapped_at = ? WHERE id = ?",
        (now, tapped_ms, state["signup_id"]),
    )
    c.execute(
        "UPDATE notification SET state = 'skipped' WHERE signup_id = ? AND state = 'pending'",
        (state["signup_id"],),
    )
    promoted = _promote(c, activity_id, now, planner) if state["mine"] == "confirmed" else ()
    return CancelResult(CancelOutcome.CANCELLED, promoted, was=SignupStatus(state["mine"]))


def _double_tap(tapped_ms: int, changed_ms: int | None) -> bool:
    """Whether a tap comes at most DOUBLE_TAP_MS after a change (never before it)."""
    return changed_ms is not None and 0 <= tapped_ms - changed_ms <= DOUBLE_TAP_MS


def _view(c: sqlite3.Connection, activity_id: int, user_id: int) -> ActivityView | None:
    row = c.execute(
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
    ).fetchone()
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


_COUNTS = (
    f"SELECT {_ACTIVITY},"
    " count(s.id) FILTER (WHERE s.status = 'confirmed') AS confirmed,"
    " count(s.id) FILTER (WHERE s.status = 'waitlisted') AS waitlisted,"
    " count(s.id) FILTER (WHERE s.guest_name IS NOT NULL AND s.status = 'confirmed') AS guests,"
    " (SELECT count(*) FROM attendance t WHERE t.activity_id = a.id) AS attended,"
    " (SELECT count(*) FROM attendance t WHERE t.activity_id = a.id AND t.signup_id IS NULL)"
    "   AS walk_ins"
    f" FROM {_ACTIVITY_FROM} LEFT JOIN signup s ON s.activity_id = a.id"
)


def _counts(row: sqlite3.Row) -> ActivityCounts:
    return ActivityCounts(
        _activity(row),
        row["confirmed"],
        row["waitlisted"],
        row["guests"],
        row["attended"],
        row["walk_ins"],
    )


# Which activities a coordinator's figures cover: some centres, or (all = 1) everything.
_SCOPE = "(:all = 1 OR a.centre_id IN (SELECT value FROM json_each(:centres)))"
# Which walk-ins (attendance `t`): those some centres counted (0: counted for no centre).
_WALK_IN_SCOPE = "(:all = 1 OR IFNULL(t.centre_id, 0) IN (SELECT value FROM json_each(:centres)))"


def _scope_params(centres: Sequence[int] | None, **values: Any) -> dict[str, Any]:
    return {"all": int(centres is None), "centres": json.dumps(list(centres or [])), **values}


def _utc_offset(timezone: str, at: int) -> int:
    """Seconds the time zone is ahead of UTC at an instant (months are cut in local time)."""
    offset = datetime.fromtimestamp(at, ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _audience(
    c: sqlite3.Connection,
    audience: str,
    centre_id: int | None,
    activity_id: int | None,
    author_id: int,
) -> list[int]:
    """The people an announcement goes to: reachable, (for a centre) wanting it, not the
    author."""
    if audience == "activity":
        sql = (
            "SELECT DISTINCT s.user_id FROM signup s JOIN user u ON u.id = s.user_id"
            " WHERE s.activity_id = ? AND s.status IN ('confirmed', 'waitlisted')"
            " AND u.active = 1 ORDER BY s.user_id"
        )
        params: tuple[Any, ...] = (activity_id,)
    elif audience == "centre":
        sql = (
            "SELECT m.user_id FROM membership m JOIN user u ON u.id = m.user_id"
            " WHERE m.centre_id = ? AND m.announcements = 1 AND u.active = 1 ORDER BY m.user_id"
        )
        params = (centre_id,)
    else:
        sql = "SELECT id FROM user WHERE active = 1 ORDER BY id"
        params = ()
    return [int(r[0]) for r in c.execute(sql, params) if r[0] != author_id]


def _add_notice(c: sqlite3.Connection, signup_id: int, kind: NoticeKind, now: int) -> None:
    c.execute(
        "INSERT INTO notification(signup_id, kind, due_at, created_at) VALUES (?, ?, ?, ?)",
        (signup_id, kind.value, now, now),
    )


def _notify_signups(
    c: sqlite3.Connection,
    activity_id: int,
    kind: NoticeKind,
    now: int,
    *,
    confirmed_only: bool = False,
) -> None:
    """One notice, due now, for each person signed up (or also waiting) for the activity."""
    statuses = ("confirmed",) if confirmed_only else ("confirmed", "waitlisted")
    c.execute(
        "INSERT INTO notification(signup_id, kind, due_at, created_at)"
        f" SELECT id, ?, ?, ? FROM signup WHERE activity_id = ? AND user_id IS NOT NULL"
        f" AND status IN ({', '.join('?' for _ in statuses)})",
        (kind.value, now, now, activity_id, *statuses),
    )


def _notify_change(
    c: sqlite3.Connection,
    activity_id: int,
    before: tuple[int, str],
    after: tuple[int, str],
    now: int,
) -> None:
    """Tell each person with a place what changed (time, place), as one message per burst.

    A sign-up's pending 'changed' row (not yet claimed) takes the new values and keeps the old
    ones of the burst's first change; a part changed back is dropped, and a row with nothing
    left is skipped. The row is due CHANGE_BURST_S after the first change, so a second change
    soon after joins it — or at once when the activity (old or new time) is within
    CHANGE_LEAD_S: then knowing soon matters more than one message.
    """
    rows = c.execute(
        "SELECT s.id, n.id AS notice, n.created_at, n.old_starts_at, n.old_place FROM signup s"
        " LEFT JOIN notification n ON n.id = (SELECT max(m.id) FROM notification m"
        "   WHERE m.signup_id = s.id AND m.kind = 'changed' AND m.state = 'pending')"
        " WHERE s.activity_id = ? AND s.status = 'confirmed' AND s.user_id IS NOT NULL",
        (activity_id,),
    ).fetchall()
    for row in rows:
        first = now if row["notice"] is None else int(row["created_at"])
        old_start = before[0] if row["old_starts_at"] is None else int(row["old_starts_at"])
        old_place = before[1] if row["old_place"] is None else str(row["old_place"])
        moved, placed = old_start != after[0], old_place != after[1]
        if not (moved or placed):  # changed back within the burst: nothing to tell
            c.execute("UPDATE notification SET state = 'skipped' WHERE id = ?", (row["notice"],))
            continue
        due = max(now, min(first + CHANGE_BURST_S, min(old_start, after[0]) - CHANGE_LEAD_S))
        values = {
            "old_starts_at": old_start if moved else None,
            "new_starts_at": after[0] if moved else None,
            "old_place": old_place if placed else None,
            "new_place": after[1] if placed else None,
            "due": due,
            "signup": row["id"],
            "notice": row["notice"],
            "now": now,
        }
        if row["notice"] is not None:
            c.execute(
                "UPDATE notification SET old_starts_at = :old_starts_at,"
                " new_starts_at = :new_starts_at, old_place = :old_place,"
                " new_place = :new_place, due_at = :due WHERE id = :notice",
                values,
            )
        else:
            c.execute(
                "INSERT INTO notification(signup_id, kind, due_at, created_at, old_starts_at,"
                " new_starts_at, old_place, new_place) VALUES (:signup, 'changed', :due, :now,"
                " :old_starts_at, :new_starts_at, :old_place, :new_place)",
                values,
            )


def _plan_reminders(c: sqlite3.Connection, signup_id: int, now: int, planner: Planner) -> None:
    """(Re)plan a confirmed sign-up's reminders from the activity's current start."""
    c.execute(
        "DELETE FROM notification WHERE signup_id = ? AND kind = 'reminder'"
        " AND state IN ('pending', 'skipped')",
        (signup_id,),
    )
    row = c.execute(
        "SELECT a.starts_at, c.timezone, u.reminders_on FROM signup s"
        " JOIN activity a ON a.id = s.activity_id LEFT JOIN centre c ON c.id = a.centre_id"
        " JOIN user u ON u.id = s.user_id WHERE s.id = ? AND s.status = 'confirmed'",
        (signup_id,),
    ).fetchone()
    if row is None or not row["reminders_on"]:
        return
    c.executemany(
        "INSERT INTO notification(signup_id, kind, offset_s, due_at, created_at)"
        " VALUES (?, 'reminder', ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (signup_id, offset, due, now)
            for offset, due in planner.plan(row["starts_at"], row["timezone"], now)
        ],
    )


def _skip_unwanted(c: sqlite3.Connection, now: int) -> int:
    """Due rows nobody wants any more: the person left, blocked us or turned reminders off, the
    activity started or was cancelled; after downtime only the latest due reminder remains."""
    cur = c.execute(
        "UPDATE notification SET state = 'skipped' WHERE state = 'pending' AND due_at <= :now"
        " AND id IN (SELECT n.id FROM notification n JOIN signup s ON s.id = n.signup_id"
        "   JOIN activity a ON a.id = s.activity_id LEFT JOIN user u ON u.id = s.user_id"
        "   WHERE n.state = 'pending' AND n.due_at <= :now AND (u.id IS NULL OR u.active = 0"
        "     OR (n.kind != 'cancelled' AND a.starts_at <= :now)"
        "     OR (n.kind = 'reminder' AND (s.status != 'confirmed' OR a.status != 'scheduled'"
        "       OR u.reminders_on = 0))"
        "     OR (n.kind = 'reminder' AND EXISTS (SELECT 1 FROM notification m"
        "       WHERE m.signup_id = n.signup_id AND m.kind = 'reminder' AND m.state = 'pending'"
        "       AND m.due_at <= :now AND m.due_at > n.due_at))))",
        {"now": now},
    )
    return int(cur.rowcount)


def _claim(c: sqlite3.Connection, now: int) -> Notice | None:
    row = c.execute(
        "UPDATE notification SET state = 'sending', attempts = attempts + 1"
        " WHERE id = (SELECT id FROM notification WHERE state = 'pending' AND due_at <= ?"
        "   ORDER BY due_at, id LIMIT 1)"
        " RETURNING id, kind, offset_s, signup_id, old_starts_at, new_starts_at, old_place,"
        " new_place",
        (now,),
    ).fetchone()
    if row is None:
        return None
    info = c.execute(
        f"SELECT {_ACTIVITY}, u.id AS user_id, u.locale FROM signup s"
        " JOIN activity a ON a.id = s.activity_id LEFT JOIN centre c ON c.id = a.centre_id"
        " JOIN user u ON u.id = s.user_id WHERE s.id = ?",
        (row["signup_id"],),
    ).fetchone()
    return Notice(
        id=int(row["id"]),
        kind=NoticeKind(row["kind"]),
        offset_s=int(row["offset_s"]),
        user_id=int(info["user_id"]),
        locale=str(info["locale"]),
        activity=_activity(info),
        old_starts_at=row["old_starts_at"],
        new_starts_at=row["new_starts_at"],
        old_place=row["old_place"],
        new_place=row["new_place"],
    )


def _one_in(c: sqlite3.Connection, sql: str, params: dict[str, Any]) -> Any:
    """One row (or None), inside a transaction."""
    return c.execute(sql, params).fetchone()


def _promote(
    c: sqlite3.Connection, activity_id: int, now: int, planner: Planner
) -> tuple[Promotion, ...]:
    """Fill free seats from the waiting list, first come first served; tell those who move up."""
    rows = c.execute(
        "UPDATE signup SET status = 'confirmed', updated_at = :now WHERE id IN ("
        "  SELECT s.id FROM signup s WHERE s.activity_id = :a AND s.status = 'waitlisted'"
        "  ORDER BY s.queue_seq LIMIT (SELECT CASE WHEN a.capacity IS NULL THEN -1"
        "    ELSE max(a.capacity - (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "      AND x.status = 'confirmed'), 0) END FROM activity a WHERE a.id = :a))"
        " RETURNING user_id, queue_seq, (SELECT locale FROM user u WHERE u.id = user_id), id",
        {"a": activity_id, "now": now},
    ).fetchall()
    for row in rows:
        _add_notice(c, row[3], NoticeKind.PROMOTED, now)
        _plan_reminders(c, row[3], now, planner)
    ordered = sorted(rows, key=lambda r: r[1])
    return tuple(Promotion(int(r[0]), str(r[2] or "")) for r in ordered if r[0] is not None)


async def _check(conn: aiosqlite.Connection, path: Path) -> None:
    """Refuse a damaged database at start-up rather than fail later, in the middle of a tap."""
    rows = list(await conn.execute_fetchall("PRAGMA quick_check"))
    problems = [" ".join(str(r[0]).split()) for r in rows if str(r[0]) != "ok"]
    if problems:
        raise DatabaseError(
            f"database {path} is damaged ({problems[0]}): restore it from a backup"
        )


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
    if version == len(steps):
        return
    # A migration may rebuild a table others point at (SQLite's only way to change a column);
    # with foreign keys on, dropping the old table would delete the rows that point at it.
    # They are off while migrating (the pragma cannot change inside a transaction), and
    # foreign_key_check proves nothing was left dangling before each step commits.
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, sql in steps[version:]:
            try:
                await conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};"
                )
                broken = list(await conn.execute_fetchall("PRAGMA foreign_key_check"))
                if broken:
                    raise DatabaseError(
                        f"database {path}: migration {number} left {len(broken)} broken"
                        f" references (first in table {broken[0][0]})"
                    )
                await conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
    finally:
        await conn.execute("PRAGMA foreign_keys = ON")
