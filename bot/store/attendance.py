"""Attendance: who came (ticked on the day), and walk-ins counted by the centre that saw them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from bot.store.counts import _scope_params
from bot.store.database import Domain

# Which walk-ins (attendance `t`): those some centres counted (0: counted for no centre).
_WALK_IN_SCOPE = "(:all = 1 OR IFNULL(t.centre_id, 0) IN (SELECT value FROM json_each(:centres)))"


class Attendance(Domain):
    async def toggle(self, activity_id: int, signup_id: int, by: int, now: int) -> bool:
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
