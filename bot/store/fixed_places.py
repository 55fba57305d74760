"""Fixed places: "🔁 Fast plads hver gang" on a series. The holder is signed up to every coming
date of the series — those already made when they take it, and each new one in the same
transaction that makes it (bot/store/series.py calls `fill_new_dates`). The sign-ups are
ordinary rows of `signup` (reminders, "Jeg kan ikke komme", promotion and counts as usual).

New people must always have a chance: fixed places never take more than `share` (config
`[programme] fixed_share`) of a date's places; beyond that, or when the date is full, the holder
goes on its waiting list (and is told). Stopping ends the fixed place and gives back its coming
dates; giving back one date does not end it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.store.database import Domain
from bot.store.notifications import NoticeKind, Planner, _plan_reminders
from bot.store.signups import Promotion, _promote, fixed_limit

FIXED_SHARE = 0.67  # the default of [programme] fixed_share


class _NoReminders:
    """A planner that plans none (for callers of series.extend without the bot's planner)."""

    def plan(self, starts_at: int, timezone: str | None, now: int) -> list[tuple[int, int]]:
        return []


NO_REMINDERS: Planner = _NoReminders()


@dataclass(frozen=True)
class Taken:
    series_id: int
    title: str
    already: bool  # they had it before
    confirmed: int  # coming dates with a place (new or from before)
    waiting: tuple[int, ...]  # starts_at of the coming dates where they are on the waiting list
    first: int | None = None  # starts_at of the first coming date with a place
    every_weeks: int = 1


@dataclass(frozen=True)
class Stopped:
    series_id: int
    title: str
    given_back: int  # coming dates given back
    promoted: tuple[Promotion, ...] = ()


@dataclass(frozen=True)
class Holding:
    """The series of a date (even a past one), seen by one person: before "Stop fast plads"."""

    series_id: int
    title: str
    held: bool  # the person has a fixed place on it
    coming: int  # their coming dates of it (place or waiting list)
    next_id: int | None  # the series' next open date


def _sign_up(
    c: sqlite3.Connection, activity_id: int, user_id: int, now: int, planner: Planner, share: float
) -> str:
    """Sign a fixed-place holder up to one date: 'confirmed', 'waitlisted' (full, or fixed places
    hold their share), 'had' (signed up already) or 'none' (not open)."""
    state = c.execute(
        "SELECT a.capacity, a.status, a.starts_at, s.status AS mine,"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'confirmed') AS confirmed,"
        " (SELECT count(*) FROM signup x JOIN fixed_place f ON f.user_id = x.user_id"
        "   AND f.series_id = a.series_id WHERE x.activity_id = a.id"
        "   AND x.status = 'confirmed') AS fixed,"
        " (SELECT IFNULL(max(queue_seq), 0) + 1 FROM signup x WHERE x.activity_id = a.id) AS seq"
        " FROM activity a LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :u"
        " WHERE a.id = :a",
        {"a": activity_id, "u": user_id},
    ).fetchone()
    if state is None or state["status"] != "scheduled" or state["starts_at"] <= now:
        return "none"
    # The date keeps the share, so promotion (signups._move_up) holds fixed places to their cap
    # whatever the date's places become.
    c.execute("UPDATE activity SET fixed_share = ? WHERE id = ?", (share, activity_id))
    if state["mine"] in ("confirmed", "waitlisted"):
        return "had"
    limit = fixed_limit(state["capacity"], share)
    wait = limit is not None and (
        state["confirmed"] >= state["capacity"] or state["fixed"] >= limit
    )
    status = "waitlisted" if wait else "confirmed"
    signup_id = c.execute(
        "INSERT INTO signup(activity_id, user_id, status, queue_seq, created_at, updated_at,"
        " tapped_at) VALUES (?, ?, ?, ?, ?, ?, 0)"
        " ON CONFLICT(activity_id, user_id) DO UPDATE SET status = excluded.status,"
        " queue_seq = excluded.queue_seq, updated_at = excluded.updated_at RETURNING id",
        (activity_id, user_id, status, state["seq"], now, now),
    ).fetchone()[0]
    if not wait:
        _plan_reminders(c, signup_id, now, planner)
    return status


def fill_new_dates(
    c: sqlite3.Connection, after_id: int, now: int, planner: Planner, share: float
) -> None:
    """Inside the transaction that made them: sign each fixed-place holder up to the series'
    dates with an id above `after_id`, first taken first; those who wait are told."""
    rows = c.execute(
        "SELECT a.id, f.user_id FROM activity a JOIN fixed_place f ON f.series_id = a.series_id"
        " WHERE a.id > ? ORDER BY a.id, f.rowid",
        (after_id,),
    ).fetchall()
    sign_up_again(c, [(row["id"], row["user_id"]) for row in rows], now, planner, share)


def holders_on(c: sqlite3.Connection, activity_id: int) -> list[int]:
    """The fixed-place holders signed up (place or waiting list) to a date, first taken first."""
    rows = c.execute(
        "SELECT f.user_id FROM activity a JOIN fixed_place f ON f.series_id = a.series_id"
        " JOIN signup s ON s.activity_id = a.id AND s.user_id = f.user_id"
        " AND s.status IN ('confirmed', 'waitlisted') WHERE a.id = ? ORDER BY f.rowid",
        (activity_id,),
    ).fetchall()
    return [int(row[0]) for row in rows]


def sign_up_again(
    c: sqlite3.Connection, pairs: list[tuple[int, int]], now: int, planner: Planner, share: float
) -> None:
    """Inside the caller's transaction: sign fixed-place holders up to dates ((activity id,
    user id), in order: a new date, or one a removed closure brought back); those who wait are
    told."""
    for activity_id, user_id in pairs:
        if _sign_up(c, activity_id, user_id, now, planner, share) == "waitlisted":
            c.execute(
                "INSERT INTO notification(signup_id, kind, due_at, created_at, fixed_wait)"
                " SELECT id, ?, ?, ?, 1 FROM signup WHERE activity_id = ? AND user_id = ?",
                (NoticeKind.PROMOTED.value, now, now, activity_id, user_id),
            )


def last_activity_id(c: sqlite3.Connection) -> int:
    """The highest activity id so far (dates made after it have higher ids)."""
    return int(c.execute("SELECT IFNULL(max(id), 0) FROM activity").fetchone()[0])


_COMING = (
    "SELECT id, starts_at FROM activity WHERE series_id = ? AND status = 'scheduled'"
    " AND starts_at > ? ORDER BY starts_at"
)


class FixedPlaces(Domain):
    async def take(
        self, activity_id: int, user_id: int, now: int, planner: Planner, share: float
    ) -> Taken | None:
        """Take a fixed place on the series of this date: signed up to each of its coming
        dates. None if the activity is not an open date of a running series."""

        def work(c: sqlite3.Connection) -> Taken | None:
            s = c.execute(
                "SELECT s.id, s.title, s.every_weeks FROM activity a"
                " JOIN series s ON s.id = a.series_id"
                " WHERE a.id = ? AND a.status = 'scheduled' AND a.starts_at > ?"
                " AND s.ended_at IS NULL",
                (activity_id, now),
            ).fetchone()
            if s is None:
                return None
            cur = c.execute(
                "INSERT INTO fixed_place(series_id, user_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (s["id"], user_id, now),
            )
            confirmed, waiting, first = 0, [], None
            for date in c.execute(_COMING, (s["id"], now)).fetchall():
                _sign_up(c, date["id"], user_id, now, planner, share)
                mine = c.execute(
                    "SELECT status FROM signup WHERE activity_id = ? AND user_id = ?",
                    (date["id"], user_id),
                ).fetchone()
                if mine is not None and mine["status"] == "confirmed":
                    confirmed += 1
                    first = first or int(date["starts_at"])
                elif mine is not None and mine["status"] == "waitlisted":
                    waiting.append(int(date["starts_at"]))
            already = cur.rowcount == 0
            every = int(s["every_weeks"])
            return Taken(s["id"], s["title"], already, confirmed, tuple(waiting), first, every)

        return await self._write(work)

    async def stop(
        self, activity_id: int, user_id: int, now: int, planner: Planner
    ) -> Stopped | None:
        """End the fixed place on the series of this date and give back its coming dates (the
        waiting lists move up). None if the person has no fixed place there."""

        def work(c: sqlite3.Connection) -> Stopped | None:
            s = c.execute(
                "SELECT s.id, s.title FROM activity a JOIN series s ON s.id = a.series_id"
                " JOIN fixed_place f ON f.series_id = s.id AND f.user_id = ? WHERE a.id = ?",
                (user_id, activity_id),
            ).fetchone()
            if s is None:
                return None
            c.execute(
                "DELETE FROM fixed_place WHERE series_id = ? AND user_id = ?", (s["id"], user_id)
            )
            gone = c.execute(
                "UPDATE signup SET status = 'cancelled', updated_at = :now WHERE user_id = :u"
                " AND status IN ('confirmed', 'waitlisted') AND activity_id IN (SELECT id"
                "   FROM activity WHERE series_id = :s AND status = 'scheduled'"
                "   AND starts_at > :now)"
                " RETURNING id, activity_id",
                {"u": user_id, "s": s["id"], "now": now},
            ).fetchall()
            promoted: list[Promotion] = []
            for row in gone:
                c.execute(
                    "UPDATE notification SET state = 'skipped' WHERE signup_id = ?"
                    " AND state = 'pending'",
                    (row["id"],),
                )
                promoted += _promote(c, row["activity_id"], now, planner)
            return Stopped(s["id"], s["title"], len(gone), tuple(promoted))

        return await self._write(work)

    async def holding(self, activity_id: int, user_id: int, now: int) -> Holding | None:
        """The series of this date (past or coming) as the person holds it; None if the date
        is of no series."""
        row = await self._one(
            "SELECT s.id, s.title, EXISTS (SELECT 1 FROM fixed_place f WHERE f.series_id = s.id"
            "   AND f.user_id = :u) AS held,"
            " (SELECT count(*) FROM activity d JOIN signup x ON x.activity_id = d.id"
            "   AND x.user_id = :u AND x.status IN ('confirmed', 'waitlisted')"
            "   WHERE d.series_id = s.id AND d.status = 'scheduled' AND d.starts_at > :now)"
            "   AS coming,"
            " (SELECT d.id FROM activity d WHERE d.series_id = s.id AND d.status = 'scheduled'"
            "   AND d.starts_at > :now ORDER BY d.starts_at LIMIT 1) AS next_id"
            " FROM activity a JOIN series s ON s.id = a.series_id WHERE a.id = :a",
            {"u": user_id, "now": now, "a": activity_id},
        )
        if row is None:
            return None
        next_id = None if row["next_id"] is None else int(row["next_id"])
        return Holding(row["id"], row["title"], bool(row["held"]), row["coming"], next_id)

    async def held(self, activity_id: int, user_id: int) -> bool | None:
        """Whether the person has a fixed place on this date's series; None if the date is not
        of a running series."""
        row = await self._one(
            "SELECT EXISTS (SELECT 1 FROM fixed_place f WHERE f.series_id = s.id"
            " AND f.user_id = ?) AS held FROM activity a JOIN series s ON s.id = a.series_id"
            " WHERE a.id = ? AND s.ended_at IS NULL",
            (user_id, activity_id),
        )
        return None if row is None else bool(row["held"])

    async def dates_of(self, user_id: int, now: int) -> dict[int, int]:
        """Activity id → series id of the coming dates of the person's fixed places."""
        rows = await self._all(
            "SELECT a.id, a.series_id FROM fixed_place f JOIN activity a"
            " ON a.series_id = f.series_id WHERE f.user_id = ? AND a.starts_at > ?",
            (user_id, now),
        )
        return {int(r["id"]): int(r["series_id"]) for r in rows}
