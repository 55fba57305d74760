"""Staff changes to an activity: move it, change its place or places, cancel it; each tells
the people signed up (through notifications) in the same transaction."""

from __future__ import annotations

import sqlite3

from bot.store.database import Domain
from bot.store.notifications import (
    NoticeKind,
    Planner,
    _notify_change,
    _notify_signups,
    _plan_reminders,
)
from bot.store.signups import MovedUp, _move_up


def _cancel(c: sqlite3.Connection, activity_id: int, now: int) -> bool:
    """Cancel inside the caller's transaction (also a series' dates when it ends)."""
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


class Edits(Domain):
    async def cancel(self, activity_id: int, now: int) -> bool:
        """Cancel an activity and tell everyone signed up, once; False if not scheduled."""

        return await self._write(lambda c: _cancel(c, activity_id, now))

    async def change(
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

    async def set_capacity(
        self, activity_id: int, capacity: int | None, now: int, planner: Planner
    ) -> MovedUp | None:
        """Change the number of places; more places move people up from the waiting list (who:
        the result). None if the activity is not scheduled."""

        def work(c: sqlite3.Connection) -> MovedUp | None:
            cur = c.execute(
                "UPDATE activity SET capacity = ?, updated_at = ?"
                " WHERE id = ? AND status = 'scheduled' AND starts_at > ?",
                (capacity, now, activity_id, now),
            )
            if cur.rowcount != 1:
                return None
            return _move_up(c, activity_id, now, planner)

        return await self._write(work)
