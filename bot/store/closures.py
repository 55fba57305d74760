"""Closed days: a centre closed for a period (Christmas, a staff day). Adding a closure cancels
every date of the centre's activities in it, in the same transaction, and leaves one notice
per person listing all their cancelled dates; series create no dates on closed days (the
series job asks `closed_days` inside its own transaction)."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.store.database import Domain

if TYPE_CHECKING:
    from bot.store.notifications import Planner


def closed_days(c: sqlite3.Connection, centre_id: int, first: date, last: date) -> set[date]:
    """The centre's closed local dates between `first` and `last` (both included).

    Runs on the given connection, so a caller can use it inside its own transaction."""
    rows = c.execute(
        "SELECT first_day, last_day FROM closure WHERE centre_id = ? AND removed_at IS NULL"
        " AND first_day <= ? AND last_day >= ?",
        (centre_id, last.isoformat(), first.isoformat()),
    ).fetchall()
    days: set[date] = set()
    for row in rows:
        day = max(date.fromisoformat(row[0]), first)
        end = min(date.fromisoformat(row[1]), last)
        while day <= end:
            days.add(day)
            day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Closure:
    id: int
    centre_id: int
    centre_name: str
    first: date
    last: date
    reason: str
    cancelled: int  # how many dates it cancelled
    back: int = 0  # remove: people who got their place back (each told once)


@dataclass(frozen=True)
class ClosurePreview:
    dates: int  # scheduled dates in the period that would be cancelled
    people: int  # people signed up (or waiting) to them, each told once


@dataclass(frozen=True)
class ClosedDate:
    """One of a person's dates a closure cancelled, for the notice (a 'cancelled' row of the
    closure: the dates still cancelled; a 'promoted' row: the dates that came back)."""

    title: str
    starts_at: int
    back: bool = False  # the closure was removed, the date is on and the person has a place
    fixed: bool = False  # the person has a fixed place on the date's series
    first: date | None = None  # the closure's period
    last: date | None = None


_CLOSURE = (
    "SELECT k.id, k.centre_id, c.name AS centre_name, k.first_day, k.last_day, k.reason,"
    " (SELECT count(*) FROM closure_activity ca WHERE ca.closure_id = k.id) AS cancelled"
    " FROM closure k JOIN centre c ON c.id = k.centre_id"
)


def _closure(row: sqlite3.Row) -> Closure:
    return Closure(
        id=int(row["id"]),
        centre_id=int(row["centre_id"]),
        centre_name=str(row["centre_name"]),
        first=date.fromisoformat(row["first_day"]),
        last=date.fromisoformat(row["last_day"]),
        reason=str(row["reason"]),
        cancelled=int(row["cancelled"]),
    )


def _span(c: sqlite3.Connection, centre_id: int, first: date, last: date) -> tuple[int, int]:
    """The period as epoch seconds [from, to) on the centre's clock."""
    row = c.execute("SELECT timezone FROM centre WHERE id = ?", (centre_id,)).fetchone()
    if row is None:
        raise LookupError(f"no centre with id {centre_id}")
    tz = ZoneInfo(row[0])
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return int(start.timestamp()), int(end.timestamp())


def _dates_in(
    c: sqlite3.Connection, centre_id: int, first: date, last: date, now: int
) -> list[int]:
    """The centre's scheduled dates in the period that have not started."""
    lo, hi = _span(c, centre_id, first, last)
    rows = c.execute(
        "SELECT id FROM activity WHERE centre_id = ? AND status = 'scheduled'"
        " AND starts_at >= ? AND starts_at < ? AND starts_at > ? ORDER BY starts_at",
        (centre_id, lo, hi, now),
    ).fetchall()
    return [int(r[0]) for r in rows]


def _people(c: sqlite3.Connection, activity_ids: list[int]) -> list[tuple[int, int]]:
    """(person, one of their sign-ups) for everyone signed up or waiting for these dates."""
    if not activity_ids:
        return []
    marks = ", ".join("?" for _ in activity_ids)
    rows = c.execute(
        "SELECT user_id, min(id) FROM signup WHERE user_id IS NOT NULL"
        f" AND status IN ('confirmed', 'waitlisted') AND activity_id IN ({marks})"
        " GROUP BY user_id ORDER BY user_id",
        activity_ids,
    ).fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


def closed_dates(c: sqlite3.Connection, closure_id: int, user_id: int) -> list[ClosedDate]:
    """The person's dates (signed up or waiting) that the closure cancelled, in time order."""
    rows = c.execute(
        "SELECT a.title, a.starts_at,"
        " k.removed_at IS NOT NULL AND a.status = 'scheduled' AND s.status = 'confirmed',"
        " EXISTS (SELECT 1 FROM fixed_place f WHERE f.series_id = a.series_id"
        "   AND f.user_id = s.user_id), k.first_day, k.last_day"
        " FROM closure_activity ca JOIN closure k ON k.id = ca.closure_id"
        " JOIN activity a ON a.id = ca.activity_id"
        " JOIN signup s ON s.activity_id = a.id AND s.user_id = ?"
        " WHERE ca.closure_id = ? AND s.status IN ('confirmed', 'waitlisted')"
        " ORDER BY a.starts_at, a.id",
        (user_id, closure_id),
    ).fetchall()
    return [
        ClosedDate(
            str(r[0]),
            int(r[1]),
            bool(r[2]),
            bool(r[3]),
            date.fromisoformat(r[4]),
            date.fromisoformat(r[5]),
        )
        for r in rows
    ]


def _tell_back(c: sqlite3.Connection, closure_id: int, users: list[int], now: int) -> int:
    """Inside remove's transaction: one 'promoted' notice of the closure to each person who has
    a place again on a date it cancelled ("Godt nyt … har åbent alligevel"); how many."""
    told = 0
    for user_id in dict.fromkeys(users):
        row = c.execute(
            "SELECT s.id FROM closure_activity ca JOIN activity a ON a.id = ca.activity_id"
            " JOIN signup s ON s.activity_id = a.id AND s.user_id = ?"
            " WHERE ca.closure_id = ? AND a.status = 'scheduled' AND s.status = 'confirmed'"
            " ORDER BY a.starts_at, a.id LIMIT 1",
            (user_id, closure_id),
        ).fetchone()
        if row is not None:
            c.execute(
                "INSERT INTO notification(signup_id, kind, due_at, created_at, closure_id)"
                " VALUES (?, 'promoted', ?, ?, ?)",
                (row[0], now, now, closure_id),
            )
            told += 1
    return told


def closure_reason(c: sqlite3.Connection, closure_id: int) -> str:
    row = c.execute("SELECT reason FROM closure WHERE id = ?", (closure_id,)).fetchone()
    return "" if row is None else str(row[0])


class Closures(Domain):
    async def preview(self, centre_id: int, first: date, last: date, now: int) -> ClosurePreview:
        """What closing would do: how many dates are cancelled and how many people told."""

        def work(c: sqlite3.Connection) -> ClosurePreview:
            ids = _dates_in(c, centre_id, first, last, now)
            return ClosurePreview(len(ids), len(_people(c, ids)))

        return await self._read(work)

    async def add(
        self, centre_id: int, first: date, last: date, reason: str, now: int
    ) -> tuple[Closure, ClosurePreview]:
        """Close the centre from `first` to `last` (local dates): cancel every scheduled date
        in it and leave one notice per person (listing all their dates), in one transaction.
        Returns the closure and how many dates were cancelled and people told."""
        if last < first:
            raise ValueError("the last day is before the first")

        def work(c: sqlite3.Connection) -> tuple[Closure, ClosurePreview]:
            ids = _dates_in(c, centre_id, first, last, now)
            people = _people(c, ids)
            closure_id = int(
                c.execute(
                    "INSERT INTO closure(centre_id, first_day, last_day, reason, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (centre_id, first.isoformat(), last.isoformat(), reason, now),
                ).lastrowid
                or 0
            )
            for activity_id in ids:
                c.execute(
                    "UPDATE activity SET status = 'cancelled', updated_at = ? WHERE id = ?",
                    (now, activity_id),
                )
                c.execute(
                    "UPDATE notification SET state = 'skipped' WHERE state = 'pending'"
                    " AND signup_id IN (SELECT id FROM signup WHERE activity_id = ?)",
                    (activity_id,),
                )
                c.execute(
                    "INSERT INTO closure_activity(closure_id, activity_id) VALUES (?, ?)",
                    (closure_id, activity_id),
                )
            c.executemany(
                "INSERT INTO notification(signup_id, kind, due_at, created_at, closure_id)"
                " VALUES (?, 'cancelled', ?, ?, ?)",
                [(signup_id, now, now, closure_id) for _, signup_id in people],
            )
            row = c.execute(_CLOSURE + " WHERE k.id = ?", (closure_id,)).fetchone()
            return _closure(row), ClosurePreview(len(ids), len(people))

        return await self._write(work)

    async def in_force(
        self, centre_id: int | None = None, since: date | None = None
    ) -> list[Closure]:
        """The closures in force (of one centre, or all), ending on `since` or later."""
        rows = await self._all(
            _CLOSURE + " WHERE k.removed_at IS NULL AND (? IS NULL OR k.centre_id = ?)"
            " AND (? IS NULL OR k.last_day >= ?) ORDER BY k.first_day, k.id",
            (centre_id, centre_id, since and since.isoformat(), since and since.isoformat()),
        )
        return [_closure(r) for r in rows]

    async def get(self, closure_id: int) -> Closure | None:
        """A closure in force, or None."""
        row = await self._one(_CLOSURE + " WHERE k.id = ? AND k.removed_at IS NULL", (closure_id,))
        return None if row is None else _closure(row)

    async def remove(
        self,
        closure_id: int,
        now: int,
        planner: Planner | None = None,
        fixed_share: float | None = None,
    ) -> Closure | None:
        """End a closure, in one transaction: the weekly dates it cancelled are on again (empty:
        the people on them were told it was cancelled, but fixed-place holders get their place
        back, with reminders) unless another closure still covers them, and series make the
        dates they skipped (fixed-place holders signed up to them too); single activities it
        cancelled stay cancelled. Each person with a place again is told once (`back`: how
        many). None if there is no such closure in force. Without a planner, no reminders are
        planned (as series.extend)."""
        # Imported here: series and notifications import this module.
        from bot.store.fixed_places import (
            FIXED_SHARE,
            NO_REMINDERS,
            fill_new_dates,
            holders_on,
            last_activity_id,
            sign_up_again,
        )
        from bot.store.series import remake_dates

        plan = NO_REMINDERS if planner is None else planner
        share = FIXED_SHARE if fixed_share is None else fixed_share

        def work(c: sqlite3.Connection) -> Closure | None:
            row = c.execute(
                _CLOSURE + " WHERE k.id = ? AND k.removed_at IS NULL", (closure_id,)
            ).fetchone()
            if row is None:
                return None
            closure = _closure(row)
            c.execute("UPDATE closure SET removed_at = ? WHERE id = ?", (now, closure_id))
            still = closed_days(c, closure.centre_id, closure.first, closure.last)
            holders: list[tuple[int, int]] = []
            dates = c.execute(
                "SELECT a.id, a.series_date FROM closure_activity k JOIN activity a"
                " ON a.id = k.activity_id JOIN series s ON s.id = a.series_id"
                " WHERE k.closure_id = ? AND a.status = 'cancelled' AND a.starts_at > ?"
                " AND s.ended_at IS NULL",
                (closure_id, now),
            ).fetchall()
            for date_row in dates:
                if date.fromisoformat(str(date_row["series_date"])) in still:
                    continue
                holders += [(date_row["id"], u) for u in holders_on(c, date_row["id"])]
                c.execute(
                    "UPDATE activity SET status = 'scheduled', updated_at = ? WHERE id = ?",
                    (now, date_row["id"]),
                )
                c.execute(
                    "UPDATE signup SET status = 'cancelled', updated_at = ? WHERE activity_id = ?"
                    " AND status IN ('confirmed', 'waitlisted')",
                    (now, date_row["id"]),
                )
            last = last_activity_id(c)
            if remake_dates(c, closure.centre_id, closure.first, closure.last, now):
                fill_new_dates(c, last, now, plan, share)
            sign_up_again(c, holders, now, plan, share)
            told = _tell_back(c, closure_id, [u for _, u in holders], now)
            return dataclasses.replace(closure, back=told)

        return await self._write(work)
