"""Activities: what is on, where and when (reading and creating; staff changes are in edits)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.centres import fold
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
# What a person sees in their lists (with `s` their own sign-up, LEFT JOINed; :user, :now):
# scheduled activities still ahead, of their centres and national ones; a weekly series only at
# its next date and at the dates they have (its other dates are on its card).
VISIBLE_TO_USER = (
    "a.status = 'scheduled' AND a.starts_at > :now AND (a.centre_id IS NULL"
    " OR a.centre_id IN (SELECT centre_id FROM membership WHERE user_id = :user"
    "   UNION SELECT centre_id FROM role WHERE user_id = :user))"
    " AND (a.series_id IS NULL OR s.status IN ('confirmed', 'waitlisted')"
    "   OR NOT EXISTS (SELECT 1 FROM activity b WHERE b.series_id = a.series_id"
    "     AND b.starts_at > :now AND b.status = 'scheduled'"
    "     AND (b.starts_at < a.starts_at OR (b.starts_at = a.starts_at AND b.id < a.id))))"
)


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

    async def copy_of(self, centre_id: int | None, title: str, starts_at: int) -> int | None:
        """The id of an activity (any status) with this centre, title and start, or None: an
        exact copy, which a second import of the same file must not add again."""
        row = await self._one(
            "SELECT id FROM activity WHERE centre_id IS ? AND title = ? AND starts_at = ?"
            " ORDER BY id LIMIT 1",
            (centre_id, title, starts_at),
        )
        return None if row is None else int(row["id"])

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

    async def named_in(
        self, user_id: int, now: int, text: str, limit: int = 6
    ) -> list[tuple[Activity, str, int | None]]:
        """The user's upcoming activities (as `signups.upcoming_for`: their centres' and national
        ones) that typed text names, with the user's sign-up status and, for a date of a series,
        its every_weeks (1 or 2; None for a one-off), nearest first: "hvornår er fodbold" finds
        Fodbold. As the list, a series is there once, at its next date, and at the dates the user
        is signed up to (or waiting for). As `fold` reads them, the text holds the whole title,
        or a word of it (3 letters or more, not a question word), or begins one or begins with
        one (4 letters or more: "fodb", "fodbolden")."""
        typed = _title_words(text)
        whole = f" {fold(text)} "
        if not typed and not whole.strip():
            return []
        rows = await self._all(
            f"SELECT {_ACTIVITY}, IFNULL(s.status, 'none') AS my_status,"
            " (SELECT every_weeks FROM series r WHERE r.id = a.series_id) AS every_weeks"
            f" FROM {_ACTIVITY_FROM}"
            " LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :user"
            f" WHERE {VISIBLE_TO_USER}"
            " ORDER BY a.starts_at, a.id",
            {"user": user_id, "now": now},
        )
        found = []
        for row in rows:
            title = fold(row["title"])
            words = _title_words(row["title"])
            if (title and f" {title} " in whole) or any(
                _same_word(t, w) for t in typed for w in words
            ):
                every = row["every_weeks"]
                found.append(
                    (_activity(row), str(row["my_status"]), None if every is None else int(every))
                )
                if len(found) == limit:
                    break
        return found


# Words of a question, not of a title ("hvornår er der fodbold i morgen"), as `fold` writes them.
_ASKING = frozenset(
    {
        "hvornar",
        "hvad",
        "hvor",
        "hvem",
        "hvilken",
        "hvilket",
        "hvordan",
        "nar",
        "der",
        "det",
        "den",
        "som",
        "skal",
        "kan",
        "jeg",
        "man",
        "noget",
        "sker",
        "naeste",
        "idag",
        "dag",
        "morgen",
        "igen",
        "for",
        "med",
        "til",
        "pa",
        "kl",
        "klokken",
        "tid",
        "aktivitet",
        "aktiviteter",
        "when",
        "what",
        "where",
        "which",
        "who",
        "the",
        "next",
        "today",
        "tomorrow",
        "time",
        "activity",
        "activities",
    }
)


def _title_words(text: str) -> list[str]:
    """The words of a text that can name a title: 3 letters or more, not a question word."""
    return [w for w in fold(text).split() if len(w) >= 3 and w not in _ASKING]


def _same_word(typed: str, word: str) -> bool:
    """Whether a typed word names a title's word: the same, or one begins the other (4+ letters)."""
    if typed == word:
        return True
    short, long = sorted((typed, word), key=len)
    return len(short) >= 4 and long.startswith(short)
