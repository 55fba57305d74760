"""Announcements and their per-recipient deliveries: written at Send, claimed and finished
one by one by the dispatcher, so a crash never sends twice."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.store.database import Domain
from bot.store.notifications import Outcome


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
    # To an activity's participants, once nothing is left to send: the first names of those
    # who did not get it (blocked the bot, also before Send; refused) and of those who may not
    # have (the connection broke). Empty for a centre or everyone: those reports give counts.
    missed: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()
    centre_id: int | None = None  # whose staff may see those names (None: national)

    @property
    def open(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)


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


@dataclass(frozen=True)
class LeftOut:
    """Who an announcement will not reach (besides its author), and why."""

    blocked: int  # blocked the bot (inactive)
    muted: int  # turned the centre's announcements off (to a centre only)
    names: tuple[str, ...]  # to an activity: the first names of the blocked participants


def _blocked_participants(
    c: sqlite3.Connection, activity_id: int | None, author_id: int
) -> list[tuple[int, str]]:
    """(id, first name) of the people signed up with a phone who blocked the bot."""
    rows = c.execute(
        "SELECT DISTINCT u.id, u.first_name FROM signup s JOIN user u ON u.id = s.user_id"
        " WHERE s.activity_id = ? AND s.status IN ('confirmed', 'waitlisted')"
        " AND u.active = 0 AND u.id != ? ORDER BY u.first_name COLLATE NOCASE, u.id",
        (activity_id, author_id),
    )
    return [(int(r[0]), str(r[1])) for r in rows]


def _left_out(
    c: sqlite3.Connection,
    audience: str,
    centre_id: int | None,
    activity_id: int | None,
    author_id: int,
) -> LeftOut:
    if audience == "activity":
        people = _blocked_participants(c, activity_id, author_id)
        return LeftOut(len(people), 0, tuple(name for _id, name in people))
    if audience == "centre":
        row = c.execute(
            "SELECT IFNULL(SUM(u.active = 0), 0), IFNULL(SUM(u.active = 1"
            " AND m.announcements = 0), 0) FROM membership m JOIN user u ON u.id = m.user_id"
            " WHERE m.centre_id = ? AND u.id != ?",
            (centre_id, author_id),
        ).fetchone()
        return LeftOut(int(row[0]), int(row[1]), ())
    row = c.execute(
        "SELECT count(*) FROM user WHERE active = 0 AND id != ?", (author_id,)
    ).fetchone()
    return LeftOut(int(row[0]), 0, ())


class Broadcasts(Domain):
    async def count_audience(
        self, audience: str, centre_id: int | None, activity_id: int | None, author_id: int = 0
    ) -> int:
        """How many people an announcement would reach (never its author)."""
        return await self._read(
            lambda c: len(_audience(c, audience, centre_id, activity_id, author_id))
        )

    async def left_out(
        self, audience: str, centre_id: int | None, activity_id: int | None, author_id: int = 0
    ) -> LeftOut:
        """Who an announcement would not reach, and why: for an activity, the blocked
        participants by first name (staff must tell them); for a centre or everyone, counts."""
        return await self._read(
            lambda c: _left_out(c, audience, centre_id, activity_id, author_id)
        )

    async def create(
        self,
        author_id: int,
        audience: str,
        centre_id: int | None,
        activity_id: int | None,
        text: str,
        media: tuple[str, str] | None,
        now: int,
    ) -> tuple[int, int]:
        """Store an announcement and one delivery row per recipient: (id, recipients). To an
        activity, the participants who blocked the bot get a row marked 'blocked' at once, so
        the report counts and names them as not reached."""

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
            if audience == "activity":
                blocked = _blocked_participants(c, activity_id, author_id)
                c.executemany(
                    "INSERT INTO delivery(broadcast_id, user_id, state, last_error, updated_at)"
                    " VALUES (?, ?, 'blocked', 'blocked before it was sent', ?)",
                    [(broadcast_id, u, now) for u, _name in blocked],
                )
            return int(broadcast_id or 0), len(users)

        return await self._write(work)

    async def set_report(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
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
            self._db.users.pop(user_id, None)

    async def status(self, broadcast_id: int) -> BroadcastStatus | None:
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
            missed: list[str] = []
            unsure: list[str] = []
            if b["audience"] == "activity" and b["state"] != "sending":
                for r in c.execute(
                    "SELECT d.state, u.first_name FROM delivery d JOIN user u ON u.id = d.user_id"
                    " WHERE d.broadcast_id = ? AND d.state IN ('blocked', 'failed', 'unknown')"
                    " ORDER BY u.first_name COLLATE NOCASE, u.id",
                    (broadcast_id,),
                ):
                    (unsure if r["state"] == "unknown" else missed).append(r["first_name"])
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
                tuple(missed),
                tuple(unsure),
                b["centre_id"],
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

    async def finish(self, broadcast_id: int, now: int) -> bool:
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

    async def stop(self, broadcast_id: int, now: int) -> bool:
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

    async def running(self) -> list[int]:
        """Announcements still being sent."""
        rows = await self._all("SELECT id FROM broadcast WHERE state = 'sending' ORDER BY id")
        return [int(r["id"]) for r in rows]

    async def owner(self, broadcast_id: int) -> tuple[int, int | None] | None:
        """(author, centre) of an announcement, or None."""
        row = await self._one(
            "SELECT author_id, centre_id FROM broadcast WHERE id = ?", (broadcast_id,)
        )
        return None if row is None else (int(row["author_id"]), row["centre_id"])

    async def reset_interrupted(self) -> int:
        """After a crash: deliveries claimed but unfinished may have arrived: unknown."""
        cur = await self._write(
            lambda c: c.execute("UPDATE delivery SET state = 'unknown' WHERE state = 'sending'")
        )
        return int(cur.rowcount)

    async def purge(self, before: int) -> int:
        """Delete announcements (their texts and delivery rows) made before `before`."""

        def work(c: sqlite3.Connection) -> int:
            c.execute(
                "DELETE FROM delivery WHERE broadcast_id IN"
                " (SELECT id FROM broadcast WHERE created_at < ?)",
                (before,),
            )
            return int(c.execute("DELETE FROM broadcast WHERE created_at < ?", (before,)).rowcount)

        return await self._write(work)
