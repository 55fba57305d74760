"""Series: a weekly (or fortnightly) activity, kept as one record whose dates are ordinary
activities, made on a rolling window of `[programme] weeks_ahead` weeks: at once when the series
is made, and by a daily job after that (`extend`).

Making dates is idempotent, enforced by the schema (one activity per series and local day,
`INSERT … ON CONFLICT DO NOTHING`): running the job twice, or again after a crash half-way,
makes nothing twice. Each date is built from its local day and the series' wall-clock time in
the centre's time zone, so 17.30 stays 17.30 in winter and summer. Closed days (closures) get
no dates.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.store.activities import _ACTIVITY, _ACTIVITY_FROM, Activity, _activity
from bot.store.closures import closed_days
from bot.store.database import Domain
from bot.store.edits import _cancel
from bot.store.fixed_places import FIXED_SHARE, NO_REMINDERS, fill_new_dates, last_activity_id
from bot.store.notifications import Planner
from bot.store.signups import SignupStatus
from bot.validate import local_instant

logger = logging.getLogger(__name__)

EVERY = {"week": 1, "2weeks": 2}  # how the command line and CSV files say it


@dataclass(frozen=True)
class NewSeries:
    centre_id: int
    title: str
    first_date: date  # its weekday is the series' weekday
    local_time: str  # "HH:MM" on the centre's wall clock
    every_weeks: int = 1  # 1 or 2
    until_date: date | None = None  # None: "indtil videre"
    place: str = ""
    capacity: int | None = None
    description: str = ""
    duration_s: int | None = None  # the length of each date; None: no end time
    created_by: int | None = None


@dataclass(frozen=True)
class Series:
    id: int
    centre_id: int
    centre_name: str
    timezone: str
    title: str
    place: str
    capacity: int | None
    weekday: int  # 0 Monday … 6 Sunday
    local_time: str
    every_weeks: int
    first_date: date
    until_date: date | None
    ended_at: int | None
    next_id: int | None  # the next scheduled date still ahead, if any
    next_starts_at: int | None


def parse_time(text: str) -> time:
    """'17:30' or '17.30' → a time; ValueError otherwise."""
    hours, _, minutes = text.strip().replace(".", ":").partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"time {text!r} is not like 17:30")
    return time(int(hours), int(minutes))


def starts_at(day: date, at: time, timezone: str) -> int:
    """The instant of a local day and wall-clock time; ValueError (validate's NonexistentTime or
    AmbiguousTime) for a time the clocks skip or pass twice that day."""
    return local_instant(datetime.combine(day, at), timezone)


def check_time(at: time, first: date, timezone: str) -> None:
    """Refuse a time that, on the series' weekday within a year, does not exist or happens twice
    (02.30 on the night the clocks change): such a date could not be made."""
    for week in range(53):
        starts_at(first + timedelta(weeks=week), at, timezone)


def days(first: date, every_weeks: int, start: date, last: date) -> list[date]:
    """The series' days from `start` to `last` (both included)."""
    step = 7 * every_weeks
    offset = (start - first).days
    day = first if offset <= 0 else first + timedelta(days=-(-offset // step) * step)
    found = []
    while day <= last:
        found.append(day)
        day += timedelta(days=step)
    return found


def next_dates(new: NewSeries, timezone: str, now: int, count: int = 4) -> list[int]:
    """The instants of the series' next `count` dates from now (for a preview); closed days are
    not left out here."""
    at = parse_time(new.local_time)
    today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    last = new.until_date or today + timedelta(weeks=2 * count * new.every_weeks + 2)
    found = []
    for day in days(new.first_date, new.every_weeks, max(today, new.first_date), last):
        try:
            instant = starts_at(day, at, timezone)
        except ValueError:
            continue
        if instant > now:
            found.append(instant)
            if len(found) == count:
                break
    return found


_ROW = (
    "s.id, s.centre_id, s.title, s.description, s.place, s.capacity, s.local_time, s.duration_s,"
    " s.every_weeks, s.first_date, s.until_date, s.made_through, s.created_by, s.weekday,"
    " s.ended_at, c.name AS centre_name, c.timezone"
)
_INSERT = (
    "INSERT INTO activity(centre_id, title, description, place, starts_at, ends_at, capacity,"
    " created_by, updated_at, series_id, series_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)


def _date_row(s: sqlite3.Row, day: date, instant: int, now: int) -> tuple[object, ...]:
    """The values of `_INSERT` for one date of a series."""
    duration = s["duration_s"]
    return (
        s["centre_id"],
        s["title"],
        s["description"],
        s["place"],
        instant,
        None if duration is None else instant + int(duration),
        s["capacity"],
        None,  # who made it is the series' created_by: one row, not one per date
        now,
        s["id"],
        day.isoformat(),
    )


def _fill(
    c: sqlite3.Connection,
    s: sqlite3.Row,
    now: int,
    weeks_ahead: int,
    closed: dict[int, set[date]],
    horizon: dict[str, tuple[date, date]],
) -> list[tuple[object, ...]]:
    """The rows of a series' dates not yet made within the window, and moves its mark on.
    `closed` and `horizon` are caches shared by one run (per centre, per time zone)."""
    timezone = str(s["timezone"])
    if timezone not in horizon:
        today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
        horizon[timezone] = (today, today + timedelta(days=7 * weeks_ahead - 1))
    today, last = horizon[timezone]
    first = date.fromisoformat(s["first_date"])
    start = max(first, today)
    if s["made_through"]:
        start = max(start, date.fromisoformat(s["made_through"]) + timedelta(days=1))
    if s["until_date"]:
        last = min(last, date.fromisoformat(s["until_date"]))
    if start > last:
        return []
    wanted = days(first, int(s["every_weeks"]), start, last)
    centre = int(s["centre_id"])
    if wanted and centre not in closed:
        closed[centre] = closed_days(c, centre, today, horizon[timezone][1])
    at = parse_time(s["local_time"])
    rows: list[tuple[object, ...]] = []
    for day in wanted:
        if day in closed[centre]:
            continue
        try:
            instant = starts_at(day, at, timezone)
        except ValueError as exc:  # the zone's rules changed since the series was made
            logger.warning("series %s: no date on %s: %s", s["id"], day, exc)
            continue
        if instant <= now:
            continue
        rows.append(_date_row(s, day, instant, now))
    c.execute("UPDATE series SET made_through = ? WHERE id = ?", (last.isoformat(), s["id"]))
    return rows


def _create(
    c: sqlite3.Connection, new: NewSeries, now: int, weeks_ahead: int
) -> tuple[int, list[int]]:
    row = c.execute("SELECT timezone FROM centre WHERE id = ?", (new.centre_id,)).fetchone()
    if row is None:
        raise ValueError(f"no centre {new.centre_id}")
    at = parse_time(new.local_time)
    check_time(at, new.first_date, str(row["timezone"]))
    cur = c.execute(
        "INSERT INTO series(centre_id, title, description, place, capacity, weekday, local_time,"
        " duration_s, every_weeks, first_date, until_date, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.centre_id,
            new.title,
            new.description,
            new.place,
            new.capacity,
            new.first_date.weekday(),
            at.strftime("%H:%M"),
            new.duration_s,
            new.every_weeks,
            new.first_date.isoformat(),
            None if new.until_date is None else new.until_date.isoformat(),
            new.created_by,
            now,
        ),
    )
    series_id = int(cur.lastrowid or 0)
    s = c.execute(
        f"SELECT {_ROW} FROM series s JOIN centre c ON c.id = s.centre_id WHERE s.id = ?",
        (series_id,),
    ).fetchone()
    ids = []
    for values in _fill(c, s, now, weeks_ahead, {}, {}):
        made = c.execute(_INSERT + " RETURNING id", values).fetchone()
        if made is not None:
            ids.append(int(made[0]))
    return series_id, ids


def remake_dates(c: sqlite3.Connection, centre_id: int, first: date, last: date, now: int) -> int:
    """Inside the caller's transaction: make again the missing dates (not on closed days, within
    each series' window made so far) of a centre's running series between `first` and `last`
    (a closure removed). Dates that exist, cancelled or not, stay as they are."""
    rows = c.execute(
        f"SELECT {_ROW} FROM series s JOIN centre c ON c.id = s.centre_id"
        " WHERE s.centre_id = ? AND s.ended_at IS NULL AND s.made_through IS NOT NULL",
        (centre_id,),
    ).fetchall()
    closed = closed_days(c, centre_id, first, last)
    made = 0
    for s in rows:
        at, zone = parse_time(s["local_time"]), str(s["timezone"])
        end = min(last, date.fromisoformat(s["made_through"]))
        if s["until_date"]:
            end = min(end, date.fromisoformat(s["until_date"]))
        for day in days(date.fromisoformat(s["first_date"]), int(s["every_weeks"]), first, end):
            if day in closed:
                continue
            try:
                instant = starts_at(day, at, zone)
            except ValueError:
                continue
            if instant > now:
                made += c.execute(_INSERT, _date_row(s, day, instant, now)).rowcount
    return made


def _series(row: sqlite3.Row) -> Series:
    return Series(
        id=row["id"],
        centre_id=row["centre_id"],
        centre_name=row["centre_name"],
        timezone=row["timezone"],
        title=row["title"],
        place=row["place"],
        capacity=row["capacity"],
        weekday=row["weekday"],
        local_time=row["local_time"],
        every_weeks=row["every_weeks"],
        first_date=date.fromisoformat(row["first_date"]),
        until_date=None if row["until_date"] is None else date.fromisoformat(row["until_date"]),
        ended_at=row["ended_at"],
        next_id=row["next_id"],
        next_starts_at=row["next_starts_at"],
    )


_NEXT = (
    "(SELECT {0} FROM activity a WHERE a.series_id = s.id AND a.status = 'scheduled'"
    " AND a.starts_at > :now ORDER BY a.series_date LIMIT 1)"
)


class SeriesStore(Domain):
    async def create(self, new: NewSeries, now: int, weeks_ahead: int) -> tuple[int, list[int]]:
        """Make a series and, in the same transaction, its dates within the window; return its
        id and the new dates' activity ids. ValueError for a time the clocks skip or pass twice
        on its weekday (check_time) or an end before the start."""
        (made,) = await self.create_many([new], now, weeks_ahead)
        return made

    async def create_many(
        self, news: list[NewSeries], now: int, weeks_ahead: int
    ) -> list[tuple[int, list[int]]]:
        """Make several series (as `create`) all together or not at all."""
        for new in news:
            if new.every_weeks not in (1, 2):
                raise ValueError("a series repeats every week or every other week")
            if new.until_date is not None and new.until_date < new.first_date:
                raise ValueError("the series ends before its first date")
            parse_time(new.local_time)

        def work(c: sqlite3.Connection) -> list[tuple[int, list[int]]]:
            return [_create(c, new, now, weeks_ahead) for new in news]

        return await self._write(work)

    async def copy_of(
        self, centre_id: int, title: str, first_date: date, local_time: str
    ) -> int | None:
        """The id of a series with this centre, title, first date and time, or None: an exact
        copy, which a second import of the same file must not add again."""
        row = await self._one(
            "SELECT id FROM series WHERE centre_id = ? AND title = ? AND first_date = ?"
            " AND local_time = ? ORDER BY id LIMIT 1",
            (centre_id, title, first_date.isoformat(), local_time),
        )
        return None if row is None else int(row["id"])

    async def date_ids(self, centre_id: int | None, since: int) -> dict[int, int]:
        """Activity id → series id of the series' dates from `since` on (of one centre, or all)."""
        rows = await self._all(
            "SELECT id, series_id FROM activity WHERE series_id IS NOT NULL AND starts_at >= ?"
            " AND (? IS NULL OR centre_id = ?)",
            (since, centre_id, centre_id),
        )
        return {int(r["id"]): int(r["series_id"]) for r in rows}

    async def extend(
        self,
        now: int,
        weeks_ahead: int,
        planner: Planner = NO_REMINDERS,
        fixed_share: float = FIXED_SHARE,
    ) -> int:
        """Make every running series' dates up to `weeks_ahead` weeks from today (the daily job);
        return how many dates were made. Safe to run twice, or after a crash half-way. In the
        same transaction, fixed-place holders are signed up to the new dates (fixed_places)."""

        def work(c: sqlite3.Connection) -> int:
            rows: list[tuple[object, ...]] = []
            closed: dict[int, set[date]] = {}
            horizon: dict[str, tuple[date, date]] = {}
            for s in c.execute(
                f"SELECT {_ROW} FROM series s JOIN centre c ON c.id = s.centre_id"
                " WHERE s.ended_at IS NULL AND (s.until_date IS NULL OR s.made_through IS NULL"
                " OR s.made_through < s.until_date)"
            ).fetchall():
                rows += _fill(c, s, now, weeks_ahead, closed, horizon)
            before, last = c.total_changes, last_activity_id(c)
            c.executemany(_INSERT, rows)
            made = c.total_changes - before
            if made:
                fill_new_dates(c, last, now, planner, fixed_share)
            return made

        return await self._write(work)

    async def remake(self, centre_id: int, first: date, last: date, now: int) -> int:
        """Make again the missing dates of a centre's running series between `first` and `last`
        (e.g. when a closure is removed); return how many were made."""
        return await self._write(lambda c: remake_dates(c, centre_id, first, last, now))

    async def all(self, centre_id: int | None, now: int) -> list[Series]:
        """The series (of one centre, or all), running ones first, each with its next date."""
        rows = await self._all(
            f"SELECT {_ROW}, {_NEXT.format('a.id')} AS next_id,"
            f" {_NEXT.format('a.starts_at')} AS next_starts_at"
            " FROM series s JOIN centre c ON c.id = s.centre_id"
            " WHERE :centre IS NULL OR s.centre_id = :centre"
            " ORDER BY s.ended_at IS NOT NULL, c.name, s.weekday, s.local_time, s.id",
            {"centre": centre_id, "now": now},
        )
        return [_series(r) for r in rows]

    async def get(self, series_id: int, now: int) -> Series | None:
        """One series with its next date, or None."""
        row = await self._one(
            f"SELECT {_ROW}, {_NEXT.format('a.id')} AS next_id,"
            f" {_NEXT.format('a.starts_at')} AS next_starts_at"
            " FROM series s JOIN centre c ON c.id = s.centre_id WHERE s.id = :id",
            {"id": series_id, "now": now},
        )
        return None if row is None else _series(row)

    async def end(self, series_id: int, first: date, now: int) -> list[int] | None:
        """End a series from the local day `first` on: no more dates are made, and its dates
        from then on are cancelled through the ordinary cancel (everyone signed up is told).
        Return the cancelled activity ids; None if there is no such running series."""

        def work(c: sqlite3.Connection) -> list[int] | None:
            cur = c.execute(
                "UPDATE series SET until_date = ?, ended_at = ? WHERE id = ? AND ended_at IS NULL",
                ((first - timedelta(days=1)).isoformat(), now, series_id),
            )
            if cur.rowcount != 1:
                return None
            dates = c.execute(
                "SELECT id FROM activity WHERE series_id = ? AND series_date >= ?"
                " AND status = 'scheduled' AND starts_at > ? ORDER BY series_date",
                (series_id, first.isoformat(), now),
            ).fetchall()
            return [int(r["id"]) for r in dates if _cancel(c, int(r["id"]), now)]

        return await self._write(work)

    async def of_activity(self, activity_id: int) -> int | None:
        """The series an activity is a date of; None for a one-off activity (or none at all)."""
        row = await self._one("SELECT series_id FROM activity WHERE id = ?", (activity_id,))
        return None if row is None or row["series_id"] is None else int(row["series_id"])

    async def coming_dates(
        self, series_id: int, user_id: int, now: int, offset: int, limit: int
    ) -> list[tuple[Activity, SignupStatus]]:
        """A series' scheduled dates still ahead, soonest first, with the user's own place
        (📅 Other dates on a date's card)."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, IFNULL(s.status, 'none') AS my_status FROM {_ACTIVITY_FROM}"
            " LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :user"
            " WHERE a.series_id = :series AND a.starts_at > :now AND a.status = 'scheduled'"
            " ORDER BY a.starts_at, a.id LIMIT :limit OFFSET :offset",
            {"user": user_id, "series": series_id, "now": now, "limit": limit, "offset": offset},
        )
        return [(_activity(r), SignupStatus(r["my_status"])) for r in rows]
