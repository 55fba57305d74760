"""Staff changes to an activity: move it, change its place or places, cancel it; each tells
the people signed up (through notifications) in the same transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.store.database import Domain
from bot.store.notifications import (
    NoticeKind,
    Planner,
    _merge_promotions,
    _notify_change,
    _notify_series,
    _notify_signups,
    _plan_reminders,
)
from bot.store.signups import MovedUp, _move_up
from bot.validate import local_instant

# A date edited on its own ("Kun denne gang") is marked, so editing its series leaves it alone.
_OVERRIDE = "series_override = CASE WHEN series_id IS NULL THEN 0 ELSE 1 END"


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

        def work(c: sqlite3.Connection) -> bool:
            if not _cancel(c, activity_id, now):
                return False
            c.execute(f"UPDATE activity SET {_OVERRIDE} WHERE id = ?", (activity_id,))
            return True

        return await self._write(work)

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
                f" updated_at = ?, {_OVERRIDE} WHERE id = ?",
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
                f"UPDATE activity SET capacity = ?, updated_at = ?, {_OVERRIDE}"
                " WHERE id = ? AND status = 'scheduled' AND starts_at > ?",
                (capacity, now, activity_id, now),
            )
            if cur.rowcount != 1:
                return None
            return _move_up(c, activity_id, now, planner)

        return await self._write(work)

    # "Denne og alle de næste": the series itself from a date on, and its dates from then.

    async def following(self, activity_id: int, now: int) -> SeriesEdit | None:
        """What "Denne og alle de næste" from this date would touch: its coming dates not edited
        on their own, and how many people are signed up to them; None if not a running series'
        coming date."""

        def work(c: sqlite3.Connection) -> SeriesEdit | None:
            row = _series_date(c, activity_id, now)
            if row is None:
                return None
            ids = [int(d["id"]) for d in _following(c, row, now)]
            return SeriesEdit(len(ids), len(_people(c, ids)))

        return await self._read(work)

    async def change_following(
        self,
        activity_id: int,
        now: int,
        planner: Planner,
        *,
        local_time: str | None = None,
        place: str | None = None,
    ) -> SeriesEdit | None:
        """Change the series' wall-clock time ("HH:MM", the weekday stays) or place from this
        date on: the series record and, in the same transaction, this date and every coming
        date not edited on its own. Each person with a place is told once (one notice for all
        their dates). None if not a running series' coming date; ValueError for a time the
        clocks skip or pass twice on one of the dates."""

        def work(c: sqlite3.Connection) -> SeriesEdit | None:
            row = _series_date(c, activity_id, now)
            if row is None:
                return None
            at = None if local_time is None else time.fromisoformat(local_time)
            c.execute(
                "UPDATE series SET local_time = IFNULL(?, local_time), place = IFNULL(?, place)"
                " WHERE id = ?",
                (local_time, place, row["series_id"]),
            )
            first: dict[int, tuple[int, tuple[tuple[int, str], tuple[int, str]]]] = {}
            dates = _following(c, row, now)
            for d in dates:
                old = (int(d["starts_at"]), str(d["place"]))
                day = date.fromisoformat(d["series_date"])
                start = (
                    old[0]
                    if at is None
                    else local_instant(datetime.combine(day, at), str(row["timezone"]))
                )
                new = (start, old[1] if place is None else place)
                if new == old:
                    continue
                c.execute(
                    "UPDATE activity SET starts_at = ?, ends_at = ends_at + ?, place = ?,"
                    " updated_at = ? WHERE id = ?",
                    (new[0], new[0] - old[0], new[1], now, d["id"]),
                )
                for s in c.execute(
                    "SELECT id, user_id FROM signup WHERE activity_id = ? AND status = 'confirmed'",
                    (d["id"],),
                ).fetchall():
                    _plan_reminders(c, int(s["id"]), now, planner)
                    if s["user_id"] is not None and s["user_id"] not in first:
                        first[int(s["user_id"])] = (int(s["id"]), (old, new))
            for signup_id, change in first.values():
                kind = NoticeKind.CHANGED
                _notify_series(c, signup_id, int(row["series_id"]), kind, now, change)
            return SeriesEdit(len(dates), len(first))

        return await self._write(work)

    async def capacity_following(
        self, activity_id: int, capacity: int | None, now: int, planner: Planner
    ) -> SeriesEdit | None:
        """Change the places of the series and of its coming dates not edited on their own, from
        this date on; more places move people up from each date's waiting list (told once: one
        message for all their dates). None if not a running series' coming date."""

        def work(c: sqlite3.Connection) -> SeriesEdit | None:
            row = _series_date(c, activity_id, now)
            if row is None:
                return None
            c.execute("UPDATE series SET capacity = ? WHERE id = ?", (capacity, row["series_id"]))
            dates = _following(c, row, now)
            result = SeriesEdit(len(dates), 0)
            for d in dates:
                c.execute(
                    "UPDATE activity SET capacity = ?, updated_at = ? WHERE id = ?",
                    (capacity, now, d["id"]),
                )
                moved = _move_up(c, int(d["id"]), now, planner)
                result.moved_up.update(p.user_id for p in moved.told)
                result.guests.extend(moved.guests)
            if dates:
                _merge_promotions(c, int(row["series_id"]), [int(d["id"]) for d in dates], now)
            return result

        return await self._write(work)

    async def end_following(self, activity_id: int, now: int) -> SeriesEdit | None:
        """🗑️ "Denne og alle de næste": end the series from this date's day (no more dates are
        made) and cancel this date and every coming one, in one transaction; each person signed
        up (or waiting) is told once, for all their dates. None if not a running series' date."""

        def work(c: sqlite3.Connection) -> SeriesEdit | None:
            row = _series_date(c, activity_id, now)
            if row is None:
                return None
            day = date.fromisoformat(row["series_date"])
            c.execute(
                "UPDATE series SET until_date = ?, ended_at = ? WHERE id = ?",
                ((day - timedelta(days=1)).isoformat(), now, row["series_id"]),
            )
            ids = [
                int(d["id"])
                for d in c.execute(
                    "SELECT id FROM activity WHERE series_id = ? AND series_date >= ?"
                    " AND status = 'scheduled' AND starts_at > ? ORDER BY series_date",
                    (row["series_id"], row["series_date"], now),
                ).fetchall()
            ]
            marks = ", ".join("?" for _ in ids)
            c.execute(
                "UPDATE notification SET state = 'skipped' WHERE state = 'pending' AND signup_id"
                f" IN (SELECT id FROM signup WHERE activity_id IN ({marks}))",
                ids,
            )
            c.execute(
                f"UPDATE activity SET status = 'cancelled', updated_at = ? WHERE id IN ({marks})",
                (now, *ids),
            )
            people = _people(c, ids)
            for signup_id in people.values():
                kind = NoticeKind.CANCELLED
                _notify_series(c, signup_id, int(row["series_id"]), kind, now)
            return SeriesEdit(len(ids), len(people))

        return await self._write(work)


@dataclass
class SeriesEdit:
    """What an edit of "Denne og alle de næste" touched."""

    dates: int  # how many dates
    told: int  # how many people get a message about them (one each)
    moved_up: set[int] = field(default_factory=set)  # places: people who moved up
    guests: list[str] = field(default_factory=list)  # ... and those without a phone


def _series_date(c: sqlite3.Connection, activity_id: int, now: int) -> sqlite3.Row | None:
    """A coming, scheduled date of a running series, with its series and time zone."""
    row: sqlite3.Row | None = c.execute(
        "SELECT a.id, a.series_id, a.series_date, c.timezone FROM activity a"
        " JOIN series s ON s.id = a.series_id JOIN centre c ON c.id = s.centre_id"
        " WHERE a.id = ? AND a.status = 'scheduled' AND a.starts_at > ? AND s.ended_at IS NULL",
        (activity_id, now),
    ).fetchone()
    return row


def _following(c: sqlite3.Connection, row: sqlite3.Row, now: int) -> list[sqlite3.Row]:
    """The date `row` and the series' coming dates after it not edited on their own."""
    return c.execute(
        "SELECT id, series_date, starts_at, place FROM activity WHERE series_id = ?"
        " AND series_date >= ? AND status = 'scheduled' AND starts_at > ?"
        " AND (series_override = 0 OR id = ?) ORDER BY series_date",
        (row["series_id"], row["series_date"], now, row["id"]),
    ).fetchall()


def _people(c: sqlite3.Connection, ids: list[int]) -> dict[int, int]:
    """Person → their first sign-up (with a place or waiting) among the dates `ids`."""
    marks = ", ".join("?" for _ in ids)
    rows = c.execute(
        "SELECT s.user_id, s.id FROM signup s JOIN activity a ON a.id = s.activity_id"
        f" WHERE s.activity_id IN ({marks}) AND s.user_id IS NOT NULL"
        " AND s.status IN ('confirmed', 'waitlisted') ORDER BY a.starts_at DESC, s.id DESC",
        ids,
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}
