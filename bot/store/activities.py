"""Activities: what is on, where and when (reading and creating; staff changes are in edits)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.database import Domain


@dataclass(frozen=True)
class Activity:
    id: int
    centre_id: int | None
    centre_name: str | None
    timezone: str | None  # the centre's; None for a national activity
    title: str
    description: str
    place: str
    starts_at: int
    ends_at: int | None
    capacity: int | None
    status: str


@dataclass(frozen=True)
class NewActivity:
    centre_id: int | None
    title: str
    starts_at: int
    ends_at: int | None = None
    place: str = ""
    capacity: int | None = None
    description: str = ""
    created_by: int | None = None


_ACTIVITY = """
    a.id, a.centre_id, c.name AS centre_name, c.timezone, a.title, a.description, a.place,
    a.starts_at, a.ends_at, a.capacity, a.status
"""


_ACTIVITY_FROM = "activity a LEFT JOIN centre c ON c.id = a.centre_id"


def _activity(row: sqlite3.Row) -> Activity:
    return Activity(**{name: row[name] for name in Activity.__dataclass_fields__})


class Activities(Domain):
    async def add(self, items: Iterable[NewActivity], now: int) -> list[int]:
        """Create activities all together or not at all; return their ids."""
        rows = [
            (
                a.centre_id,
                a.title,
                a.description,
                a.place,
                a.starts_at,
                a.ends_at,
                a.capacity,
                a.created_by,
                now,
            )
            for a in items
        ]

        def work(c: sqlite3.Connection) -> list[int]:
            sql = (
                "INSERT INTO activity(centre_id, title, description, place, starts_at, ends_at,"
                " capacity, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
            return [int(c.execute(sql, row).lastrowid or 0) for row in rows]

        return await self._write(work)

    async def get(self, activity_id: int) -> Activity | None:
        """The activity with that id, or None."""
        row = await self._one(
            f"SELECT {_ACTIVITY} FROM {_ACTIVITY_FROM} WHERE a.id = ?", (activity_id,)
        )
        return None if row is None else _activity(row)

    async def all(
        self, centre_id: int | None = None, *, since: int = 0
    ) -> list[tuple[Activity, int]]:
        """Activities from `since` on (of one centre, or all), with their confirmed count."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, (SELECT count(*) FROM signup s WHERE s.activity_id = a.id"
            f" AND s.status = 'confirmed') AS confirmed FROM {_ACTIVITY_FROM}"
            " WHERE a.starts_at >= ? AND (? IS NULL OR a.centre_id = ?)"
            " ORDER BY a.starts_at, a.id",
            (since, centre_id, centre_id),
        )
        return [(_activity(r), int(r["confirmed"])) for r in rows]

    async def recent_places(self, centre_id: int | None, limit: int = 6) -> list[str]:
        """The places a centre used most recently, newest first."""
        rows = await self._all(
            "SELECT place FROM activity WHERE centre_id IS ? AND place != ''"
            " GROUP BY place ORDER BY max(id) DESC LIMIT ?",
            (centre_id, limit),
        )
        return [str(r["place"]) for r in rows]
