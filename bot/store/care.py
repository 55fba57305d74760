"""Care (issue 14, the foundation): who said yes to being written to by a centre, staff marks
("talked", "not now"), and who a centre has not seen lately — computed only from what the bot
keeps anyway, and only for people who said yes to that centre.

"Seen" at a centre: signed up (not cancelled) for one of its activities that was not cancelled
(at the activity's time, or now if it is still ahead), ticked present at one (at its time),
or wrote to its staff (line_message, kept 7 days). "👍 Jeg kommer" under a reminder is not
recorded anywhere; it needs a place, and the place already counts as a sign-up.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from bot.config import CareConfig
from bot.store.database import Domain

WEEK = 7 * 86400
# Weeks start on Monday 00:00 UTC (1 January 1970 was a Thursday: 3 days after a Monday).
_MONDAY = 3 * 86400


class MarkKind(StrEnum):
    TALKED = "talked"  # "✔️ Vi har talt sammen"
    NOT_NOW = "not_now"  # "Ikke nu"


@dataclass(frozen=True)
class QuietPerson:
    """A person with consent a centre has not seen lately, or who did not come twice."""

    user_id: int
    first_name: str
    last_seen: int | None  # when last seen there (UTC epoch seconds), None: never
    no_shows: int  # not ticked present this many times in a row (where attendance was taken)
    not_seen_lately: bool  # a regular not seen for quiet_after


# One centre's list, in one query. :c centre, :now, :since (start of the regular window),
# :quiet (seen at or before this is not seen lately), :visits (weeks for a regular).
# CROSS JOIN fixes the join order (issue 14 benchmark: 4.7 s -> 0.2 s for 200 centres): with
# ANALYZE statistics the planner otherwise scanned all of attendance per centre, or built a Bloom
# filter over all of signup. Attendance is reached from the centre's activities; a person's
# places through signup_by_user (user_id, status), the big table outermost.
_QUIET = f"""
WITH people AS (
    SELECT k.user_id FROM care_consent k WHERE k.centre_id = :c
    AND NOT EXISTS (SELECT 1 FROM care_mark m WHERE m.centre_id = :c AND m.user_id = k.user_id
                    AND m.until > :now)
), acts AS (
    SELECT id, starts_at FROM activity WHERE centre_id = :c AND status = 'scheduled'
), seen(user_id, at) AS (
    SELECT s.user_id, min(a.starts_at, :now) FROM acts a JOIN signup s ON s.activity_id = a.id
    WHERE s.status != 'cancelled' AND s.user_id IN people
    UNION ALL
    SELECT s.user_id, a.starts_at FROM acts a CROSS JOIN attendance t ON t.activity_id = a.id
    CROSS JOIN signup s ON s.id = t.signup_id CROSS JOIN people p ON p.user_id = s.user_id
    UNION ALL
    SELECT user_id, created_at FROM line_message WHERE centre_id = :c AND user_id IN people
), stats AS (
    SELECT user_id, max(at) AS last_seen,
           count(DISTINCT CASE WHEN at > :since THEN (at + {_MONDAY}) / {WEEK} END) AS weeks
    FROM seen GROUP BY user_id
), taken AS (
    SELECT a.id, a.starts_at FROM acts a WHERE a.starts_at > :since AND a.starts_at <= :now
    AND EXISTS (SELECT 1 FROM attendance t WHERE t.activity_id = a.id)
), places AS (
    SELECT s.user_id,
           EXISTS (SELECT 1 FROM attendance t WHERE t.activity_id = k.id AND t.signup_id = s.id)
           AS came,
           row_number() OVER (PARTITION BY s.user_id ORDER BY k.starts_at DESC, k.id DESC) AS n
    FROM signup s CROSS JOIN taken k ON k.id = s.activity_id
    WHERE s.status = 'confirmed' AND s.user_id IN people
), misses AS (
    SELECT user_id, coalesce(min(CASE WHEN came THEN n END) - 1, count(*)) AS missed
    FROM places GROUP BY user_id
)
SELECT p.user_id, u.first_name, st.last_seen, coalesce(ms.missed, 0) AS no_shows,
       coalesce(st.weeks >= :visits AND st.last_seen <= :quiet, 0) AS lately
FROM people p JOIN user u ON u.id = p.user_id
LEFT JOIN stats st ON st.user_id = p.user_id LEFT JOIN misses ms ON ms.user_id = p.user_id
WHERE (st.weeks >= :visits AND st.last_seen <= :quiet) OR ms.missed >= 2
ORDER BY st.last_seen IS NULL, st.last_seen, p.user_id
"""


def _params(centre_id: int, now: int, rules: CareConfig) -> dict[str, int]:
    return {
        "c": centre_id,
        "now": now,
        "since": now - rules.regular_window,
        "quiet": now - rules.quiet_after,
        "visits": rules.regular_visits,
    }


class Care(Domain):
    async def give_consent(self, user_id: int, centre_id: int, now: int) -> None:
        """The person said yes for this centre (again: the first yes stands)."""
        await self._write(
            lambda c: c.execute(
                "INSERT OR IGNORE INTO care_consent(user_id, centre_id, given_at)"
                " VALUES (?, ?, ?)",
                (user_id, centre_id, now),
            )
        )

    async def withdraw_consent(self, user_id: int, centre_id: int) -> bool:
        """The person said no (or no more): gone from the centre's list at once, with any mark
        about them there. True if there was a yes."""

        def work(c: sqlite3.Connection) -> bool:
            key = (user_id, centre_id)
            c.execute("DELETE FROM care_mark WHERE user_id = ? AND centre_id = ?", key)
            sql = "DELETE FROM care_consent WHERE user_id = ? AND centre_id = ?"
            return c.execute(sql, key).rowcount == 1

        return await self._write(work)

    async def consents(self, user_id: int) -> list[int]:
        """The centres (ids) that may write to this person."""
        rows = await self._all(
            "SELECT centre_id FROM care_consent WHERE user_id = ? ORDER BY centre_id", (user_id,)
        )
        return [int(r["centre_id"]) for r in rows]

    async def mark(
        self, user_id: int, centre_id: int, kind: MarkKind, until: int, by: int
    ) -> bool:
        """Staff handled a person: hidden at the centre until `until` (replaces an earlier
        mark). False (nothing stored) if the person has not said yes to that centre."""
        cur = await self._write(
            lambda c: c.execute(
                "INSERT INTO care_mark(user_id, centre_id, kind, until, marked_by)"
                " SELECT user_id, centre_id, ?, ?, ? FROM care_consent"
                " WHERE user_id = ? AND centre_id = ?"
                " ON CONFLICT (centre_id, user_id) DO UPDATE SET kind = excluded.kind,"
                " until = excluded.until, marked_by = excluded.marked_by",
                (str(kind), until, by, user_id, centre_id),
            )
        )
        return cur.rowcount == 1

    async def quiet_people(self, centre_id: int, now: int, rules: CareConfig) -> list[QuietPerson]:
        """The centre's people with consent who are regulars (seen in at least
        `regular_visits` different weeks of the last `regular_window`) not seen for
        `quiet_after`, or who had a place and were not ticked present the last two times or
        more where attendance was taken (within `regular_window`); not those hidden by a mark.
        Longest unseen first."""
        rows = await self._all(_QUIET, _params(centre_id, now, rules))
        return [
            QuietPerson(
                user_id=int(r["user_id"]),
                first_name=str(r["first_name"]),
                last_seen=None if r["last_seen"] is None else int(r["last_seen"]),
                no_shows=int(r["no_shows"]),
                not_seen_lately=bool(r["lately"]),
            )
            for r in rows
        ]

    async def quiet_counts(self, now: int, rules: CareConfig) -> dict[int, int]:
        """For national coordinators: how many each centre has on its list (counts only;
        centres with nobody are left out)."""

        def work(c: sqlite3.Connection) -> dict[int, int]:
            centres = [r[0] for r in c.execute("SELECT DISTINCT centre_id FROM care_consent")]
            counts = {}
            for centre_id in centres:
                n = len(c.execute(_QUIET, _params(centre_id, now, rules)).fetchall())
                if n:
                    counts[int(centre_id)] = n
            return counts

        return await self._read(work)
