"""A line to staff: a person's message (typed or spoken), kept 7 days, delivered to the
centre's staff (or kept until one of them uses the bot), limited to 3 an hour."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass

from bot.store.centres import Centre, _centre
from bot.store.database import Database, Domain


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
class Asked:
    """A message still kept, as the staff answer it: whose, where, what, and the latest answer
    (who answered and its first words; None before anyone did)."""

    user_id: int
    centre_id: int
    first_name: str
    text: str  # a voice message's caption, or ""
    voice: bool
    created_at: int
    timezone: str  # the centre's
    replied: bool
    reply_by: int | None  # the staff member who answered last (None once they are erased)
    reply_name: str | None  # their first name
    reply_start: str | None  # the first words of the answer


LINE_QUOTA_S = 3600  # messages to staff are counted per hour


class Line(Domain):
    def __init__(self, db: Database) -> None:
        super().__init__(db)
        # The key of the hash that counts messages to staff per person (line_quota). It lives
        # only in this process: the file alone never tells whose messages were counted.
        self._key = secrets.token_bytes(32)

    def _tag(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    async def add(
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
                (self._tag(user_id), now),
            )
            cur = c.execute(
                "INSERT INTO line_message(user_id, centre_id, text, voice, created_at,"
                " delivered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, centre_id, text, voice, now, now if delivered else None),
            )
            return int(cur.lastrowid or 0)

        return await self._write(work)

    async def mark_waiting(self, message_id: int) -> None:
        """No staff member could get the message after all: it waits for the next one."""
        await self._write(
            lambda c: c.execute(
                "UPDATE line_message SET delivered_at = NULL WHERE id = ?", (message_id,)
            )
        )

    async def take_waiting(self, staff_id: int, since: int, now: int) -> list[LineMessage]:
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

    async def count_recent(self, user_id: int, now: int) -> int:
        """How many messages a person wrote to staff in the last hour (erased or not)."""
        row = await self._one(
            "SELECT count(*) AS n FROM line_quota WHERE tag = ? AND created_at >= ?",
            (self._tag(user_id), now - LINE_QUOTA_S),
        )
        return int(row["n"])

    async def free_at(self, user_id: int, now: int, limit: int) -> int | None:
        """When a person who has written `limit` messages this hour may write again (the
        instant the count drops below `limit`); None if they may now."""
        rows = await self._all(
            "SELECT created_at FROM line_quota WHERE tag = ? AND created_at >= ?"
            " ORDER BY created_at DESC",
            (self._tag(user_id), now - LINE_QUOTA_S),
        )
        return None if len(rows) < limit else int(rows[limit - 1][0]) + LINE_QUOTA_S + 1

    async def get(self, message_id: int, since: int) -> Asked | None:
        """A message still kept (written at or after `since`), with its latest answer; None."""
        row = await self._one(
            "SELECT m.user_id, m.centre_id, u.first_name, m.text, m.voice IS NOT NULL AS voice,"
            " m.created_at, c.timezone, m.replied_at IS NOT NULL AS replied, m.reply_by,"
            " s.first_name AS reply_name, m.reply_start FROM line_message m"
            " JOIN user u ON u.id = m.user_id JOIN centre c ON c.id = m.centre_id"
            " LEFT JOIN user s ON s.id = m.reply_by WHERE m.id = ? AND m.created_at >= ?",
            (message_id, since),
        )
        if row is None:
            return None
        return Asked(
            user_id=int(row["user_id"]),
            centre_id=int(row["centre_id"]),
            first_name=str(row["first_name"]),
            text=str(row["text"]),
            voice=bool(row["voice"]),
            created_at=int(row["created_at"]),
            timezone=str(row["timezone"]),
            replied=bool(row["replied"]),
            reply_by=row["reply_by"],
            reply_name=row["reply_name"],
            reply_start=row["reply_start"],
        )

    async def recipients(self, centre_id: int) -> list[int]:
        """The staff of a centre who want messages from users."""
        rows = await self._all(
            "SELECT DISTINCT r.user_id FROM role r JOIN user u ON u.id = r.user_id"
            " WHERE r.centre_id = ? AND r.role IN ('staff', 'admin') AND r.line_on = 1"
            " AND u.active = 1",
            (centre_id,),
        )
        return [int(r[0]) for r in rows]

    async def set_on(self, user_id: int, centre_id: int, on: bool) -> bool:
        """A staff member turns messages from users on or off."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE role SET line_on = ? WHERE user_id = ? AND centre_id = ?"
                " AND role IN ('staff', 'admin')",
                (int(on), user_id, centre_id),
            )
        )
        return cur.rowcount > 0

    async def settings(self, user_id: int) -> list[tuple[Centre, bool]]:
        """The centres where the user is staff, and whether they get users' messages."""
        rows = await self._all(
            "SELECT c.*, max(r.line_on) AS line_on FROM role r JOIN centre c ON c.id = r.centre_id"
            " WHERE r.user_id = ? AND r.role IN ('staff', 'admin') GROUP BY c.id ORDER BY c.name",
            (user_id,),
        )
        return [(_centre(r), bool(r["line_on"])) for r in rows]

    async def mark_replied(self, message_id: int, now: int, staff_id: int, start: str) -> None:
        """Remember that a staff member answered the message, and the answer's first words (so
        a second staff member sees who said what). Only the latest answer is kept, and only as
        long as the message (it goes with the person who wrote it; `reply_by` is emptied when
        the staff member is erased)."""
        await self._write(
            lambda c: c.execute(
                "UPDATE line_message SET replied_at = ?, reply_by = ?, reply_start = ?"
                " WHERE id = ?",
                (now, staff_id, start, message_id),
            )
        )

    async def purge(self, before: int, now: int) -> int:
        """Forget messages to staff older than `before`, and counts older than an hour."""

        def work(c: sqlite3.Connection) -> int:
            c.execute("DELETE FROM line_quota WHERE created_at < ?", (now - LINE_QUOTA_S,))
            return int(
                c.execute("DELETE FROM line_message WHERE created_at < ?", (before,)).rowcount
            )

        return await self._write(work)
