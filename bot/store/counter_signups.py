"""Counter sign-ups: people without a phone whom staff sign up by first name at the counter.
They hold a place (or wait) against the same capacity as everyone, in the same transactions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.activities import _ACTIVITY, Activity, _activity
from bot.store.database import Domain
from bot.store.notifications import Planner
from bot.store.signups import JoinOutcome, JoinResult, _one_in, _promote


@dataclass(frozen=True)
class CounterSignup:
    """Someone signed up at the counter (no phone): sign-up id, first name, and whether they
    are on the waiting list rather than holding a place."""

    signup_id: int
    name: str
    waiting: bool


class CounterSignups(Domain):
    async def join(
        self, activity_id: int, name: str, staff_id: int, now: int, centre_id: int | None = None
    ) -> JoinResult:
        """Sign up a person without a phone, by first name, against the same capacity.
        `centre_id`: the centre they count for (the signing staff member's; at a national
        activity, the figures per centre count them there)."""

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
                "INSERT INTO signup(activity_id, user_id, guest_name, guest_centre_id, status,"
                " queue_seq, created_at, updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)",
                (activity_id, name, centre_id, "waitlisted" if full else "confirmed", state["seq"])
                + (now, now),
            )
            if full:
                return JoinResult(JoinOutcome.WAITLISTED, int(state["waitlisted"]) + 1)
            return JoinResult(JoinOutcome.CONFIRMED)

        return await self._write(work)

    async def of(
        self, activity_id: int, centres: Sequence[int] | None = None
    ) -> list[CounterSignup]:
        """The counter sign-ups (no phone) of an activity, those with a place first, then the
        waiting list, each in queue order; only those counted for `centres`, if given."""
        rows = await self._all(
            "SELECT id, guest_name, status = 'waitlisted' AS waiting FROM signup"
            " WHERE activity_id = :a AND guest_name IS NOT NULL"
            " AND status IN ('confirmed', 'waitlisted') AND (:all = 1"
            "   OR guest_centre_id IN (SELECT value FROM json_each(:centres)))"
            " ORDER BY waiting, queue_seq",
            {"a": activity_id, "all": int(centres is None), "centres": json.dumps(centres or [])},
        )
        return [CounterSignup(r["id"], r["guest_name"], bool(r["waiting"])) for r in rows]

    async def activity_of(self, signup_id: int) -> tuple[Activity, int | None] | None:
        """The activity a counter sign-up belongs to and the centre it counts for, or None."""
        row = await self._one(
            f"SELECT {_ACTIVITY}, s.guest_centre_id FROM signup s"
            " JOIN activity a ON a.id = s.activity_id"
            " LEFT JOIN centre c ON c.id = a.centre_id WHERE s.id = ? AND s.guest_name IS NOT NULL",
            (signup_id,),
        )
        return None if row is None else (_activity(row), row["guest_centre_id"])

    async def cancel(self, signup_id: int, now: int, planner: Planner) -> int | None:
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

    async def forget_names(self, before: int) -> int:
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
