"""Counts for coordinators: places, waiting lists, who signed up, period figures and exports.
Every figure is one SQL query."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.store.activities import _ACTIVITY, _ACTIVITY_FROM, Activity, _activity
from bot.store.database import Domain


@dataclass(frozen=True)
class ActivityCounts:
    """An activity with its numbers, for coordinators."""

    activity: Activity
    confirmed: int  # people with a place, those signed up at the counter (no phone) included
    waitlisted: int
    guests: int  # of `confirmed`, those signed up at the counter (no phone)
    attended: int  # marked present, walk-ins included
    walk_ins: int = 0  # of `attended`, those who came without signing up


@dataclass(frozen=True)
class CentreCounts:
    """A national activity's numbers for the people of one centre (`centre` None: of no
    centre). The rows of an activity add up to its `ActivityCounts`: nobody is counted twice."""

    centre: str | None
    confirmed: int  # people with a place, those signed up at the counter (no phone) included
    waitlisted: int
    guests: int  # of `confirmed`, those signed up at the counter (no phone)
    attended: int  # marked present, walk-ins included
    walk_ins: int  # of `attended`, those who came without signing up


@dataclass(frozen=True)
class Participant:
    signup_id: int
    name: str
    guest: bool  # signed up at the counter
    waitlisted: bool
    attended: bool


@dataclass(frozen=True)
class Summary:
    """A period's figures for funders."""

    held: int  # activities that took place
    signups: int  # places taken at them, counter sign-ups (no phone) included
    attended: int  # walk-ins included
    cancellations: int  # places given back
    unique: int  # different people with a place (with their own phone: those we can tell apart)
    guests: int = 0  # of `signups`, those signed up at the counter (no phone)
    walk_ins: int = 0  # of `attended`, those who came without signing up


_COUNTS = (
    f"SELECT {_ACTIVITY},"
    " count(s.id) FILTER (WHERE s.status = 'confirmed') AS confirmed,"
    " count(s.id) FILTER (WHERE s.status = 'waitlisted') AS waitlisted,"
    " count(s.id) FILTER (WHERE s.guest_name IS NOT NULL AND s.status = 'confirmed') AS guests,"
    " (SELECT count(*) FROM attendance t WHERE t.activity_id = a.id) AS attended,"
    " (SELECT count(*) FROM attendance t WHERE t.activity_id = a.id AND t.signup_id IS NULL)"
    "   AS walk_ins"
    f" FROM {_ACTIVITY_FROM} LEFT JOIN signup s ON s.activity_id = a.id"
)


def _counts(row: sqlite3.Row) -> ActivityCounts:
    return ActivityCounts(
        _activity(row),
        row["confirmed"],
        row["waitlisted"],
        row["guests"],
        row["attended"],
        row["walk_ins"],
    )


# The one centre a sign-up `s` counts for at a national activity: the centre its person joined
# first; a counter sign-up (no phone): the centre of the staff who signed them up (NULL: a
# person of no centre, a forgotten person).
_CENTRE_OF = (
    "IFNULL(s.guest_centre_id, (SELECT m.centre_id FROM membership m WHERE m.user_id = s.user_id"
    " ORDER BY m.joined_at, m.centre_id LIMIT 1))"
)

# Which activities a coordinator's figures cover: some centres, or (all = 1) everything.
_SCOPE = "(:all = 1 OR a.centre_id IN (SELECT value FROM json_each(:centres)))"


def _scope_params(centres: Sequence[int] | None, **values: Any) -> dict[str, Any]:
    return {"all": int(centres is None), "centres": json.dumps(list(centres or [])), **values}


def _utc_offset(timezone: str, at: int) -> int:
    """Seconds the time zone is ahead of UTC at an instant (months are cut in local time)."""
    offset = datetime.fromtimestamp(at, ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


class Counts(Domain):
    async def upcoming(
        self,
        centres: Sequence[int] | None,
        since: int,
        until: int,
        offset: int,
        limit: int,
        *,
        national: bool = False,
    ) -> list[ActivityCounts]:
        """Scheduled activities starting in [since, until) of some centres (None: all; with
        `national`, national ones too), with their numbers; one query for the page."""
        rows = await self._all(
            f"{_COUNTS} WHERE a.status = 'scheduled' AND a.starts_at >= :since"
            f" AND a.starts_at < :until AND ({_SCOPE} OR (:national = 1 AND a.centre_id IS NULL))"
            " GROUP BY a.id ORDER BY a.starts_at, a.id LIMIT :limit OFFSET :offset",
            _scope_params(
                centres,
                since=since,
                until=until,
                limit=limit,
                offset=offset,
                national=int(national),
            ),
        )
        return [_counts(r) for r in rows]

    async def of(self, activity_id: int) -> ActivityCounts | None:
        """One activity's numbers, or None if it is unknown."""
        row = await self._one(f"{_COUNTS} WHERE a.id = :a GROUP BY a.id", {"a": activity_id})
        return None if row is None else _counts(row)

    async def participants(
        self, activity_id: int, centres: Sequence[int] | None = None
    ) -> list[Participant]:
        """Everyone with a place or on the waiting list (only those who count for one of
        `centres`, if given: at a national activity each person counts for one centre), in
        queue order, and who came."""
        rows = await self._all(
            "SELECT s.id, IFNULL(u.first_name, s.guest_name) AS name, s.guest_name IS NOT NULL AS guest,"
            " s.status = 'waitlisted' AS waitlisted, t.id IS NOT NULL AS attended"
            " FROM signup s LEFT JOIN user u ON u.id = s.user_id"
            " LEFT JOIN attendance t ON t.activity_id = s.activity_id AND t.signup_id = s.id"
            " WHERE s.activity_id = :a AND s.status IN ('confirmed', 'waitlisted')"
            f" AND (:all = 1 OR {_CENTRE_OF} IN (SELECT value FROM json_each(:centres)))"
            " ORDER BY s.status, s.queue_seq",
            _scope_params(centres, a=activity_id),
        )
        return [
            Participant(
                r["id"],
                r["name"] or "?",
                bool(r["guest"]),
                bool(r["waitlisted"]),
                bool(r["attended"]),
            )
            for r in rows
        ]

    async def by_centre(self, activity_ids: Sequence[int]) -> dict[int, list[CentreCounts]]:
        """For national activities: their numbers split by the centre each person counts for
        (the centre they joined first; a walk-in: the centre that counted them), ordered by
        centre name, people of no centre last. Centres with no one are left out."""
        rows = await self._all(
            "SELECT f.activity_id, c.name, sum(f.confirmed) AS confirmed,"
            " sum(f.waitlisted) AS waitlisted, sum(f.guests) AS guests,"
            " sum(f.came) AS attended, sum(f.walk_in) AS walk_ins FROM ("
            f"  SELECT s.activity_id, {_CENTRE_OF} AS centre_id,"
            "   s.status = 'confirmed' AS confirmed, s.status = 'waitlisted' AS waitlisted,"
            "   s.status = 'confirmed' AND s.guest_name IS NOT NULL AS guests,"
            "   0 AS came, 0 AS walk_in FROM signup s"
            "   WHERE s.status IN ('confirmed', 'waitlisted')"
            "   AND s.activity_id IN (SELECT value FROM json_each(:ids))"
            "  UNION ALL"
            "  SELECT t.activity_id,"
            f"   CASE WHEN t.signup_id IS NULL THEN t.centre_id ELSE {_CENTRE_OF} END,"
            "   0, 0, 0, 1, t.signup_id IS NULL"
            "   FROM attendance t LEFT JOIN signup s ON s.id = t.signup_id"
            "   WHERE t.activity_id IN (SELECT value FROM json_each(:ids))"
            " ) f LEFT JOIN centre c ON c.id = f.centre_id"
            " GROUP BY f.activity_id, f.centre_id"
            " ORDER BY f.activity_id, c.name IS NULL, c.name, f.centre_id",
            {"ids": json.dumps(list(activity_ids))},
        )
        found: dict[int, list[CentreCounts]] = {a: [] for a in activity_ids}
        for r in rows:
            found[r["activity_id"]].append(
                CentreCounts(
                    r["name"],
                    int(r["confirmed"]),
                    int(r["waitlisted"]),
                    int(r["guests"]),
                    int(r["attended"]),
                    int(r["walk_ins"]),
                )
            )
        return found

    async def summary(self, centres: Sequence[int] | None, since: int, until: int) -> Summary:
        """Activities held in [since, until) (before `until`), and their figures."""
        params = _scope_params(centres, since=since, until=until)
        held = (
            f"SELECT a.id FROM activity a WHERE a.status = 'scheduled' AND a.starts_at >= :since"
            f" AND a.starts_at < :until AND {_SCOPE}"
        )
        row = await self._one(
            f"SELECT (SELECT count(*) FROM ({held})) AS held,"
            f" (SELECT count(*) FROM signup WHERE status = 'confirmed' AND activity_id IN ({held}))"
            "   AS signups,"
            f" (SELECT count(*) FROM attendance WHERE activity_id IN ({held})) AS attended,"
            " (SELECT count(*) FROM signup WHERE status = 'confirmed' AND guest_name IS NOT NULL"
            f"   AND activity_id IN ({held})) AS guests,"
            " (SELECT count(*) FROM attendance WHERE signup_id IS NULL"
            f"   AND activity_id IN ({held})) AS walk_ins,"
            f" (SELECT count(*) FROM signup WHERE status = 'cancelled' AND activity_id IN ({held}))"
            "   AS cancellations,"
            " (SELECT count(DISTINCT user_id) FROM signup WHERE status = 'confirmed'"
            f"   AND activity_id IN ({held})) AS uniq",
            params,
        )
        return Summary(
            row["held"],
            row["signups"],
            row["attended"],
            row["cancellations"],
            row["uniq"],
            row["guests"],
            row["walk_ins"],
        )

    async def weekly(
        self, centres: Sequence[int] | None, since: int, weeks: int
    ) -> list[tuple[int, int]]:
        """Sign-ups and attendance of the activities of each week from `since`: `weeks` pairs."""
        rows = await self._all(
            "SELECT (a.starts_at - :since) / 604800 AS week,"
            " sum((SELECT count(*) FROM signup s WHERE s.activity_id = a.id"
            "   AND s.status = 'confirmed')) AS signups,"
            " sum((SELECT count(*) FROM attendance t WHERE t.activity_id = a.id)) AS attended"
            " FROM activity a WHERE a.status = 'scheduled' AND a.starts_at >= :since"
            f" AND a.starts_at < :until AND {_SCOPE} GROUP BY week",
            _scope_params(centres, since=since, until=since + weeks * 604800),
        )
        by_week = {r["week"]: (int(r["signups"]), int(r["attended"])) for r in rows}
        return [by_week.get(week, (0, 0)) for week in range(weeks)]

    async def export_activities(
        self, centres: Sequence[int] | None, since: int, until: int
    ) -> list[ActivityCounts]:
        """Every scheduled activity in the period with its numbers, for the spreadsheet."""
        return await self.upcoming(centres, since, until, 0, -1)

    async def export_monthly(
        self, centres: Sequence[int] | None, since: int, until: int, timezone: str
    ) -> list[tuple[str, str | None, int]]:
        """(month 'YYYY-MM', centre, different people with a place) — no names. At a national
        activity each person counts for their own centre (the one they joined first; None: of
        no centre). Only people with their own phone can be told apart, so only they count."""
        offset = _utc_offset(timezone, since)
        rows = await self._all(
            "SELECT x.month, c.name AS centre, count(DISTINCT x.user_id) AS people FROM ("
            "  SELECT strftime('%Y-%m', a.starts_at + :offset, 'unixepoch') AS month,"
            f"  s.user_id, IFNULL(a.centre_id, {_CENTRE_OF}) AS centre_id"
            "  FROM activity a JOIN signup s ON s.activity_id = a.id AND s.status = 'confirmed'"
            "  WHERE s.user_id IS NOT NULL AND a.status = 'scheduled' AND a.starts_at >= :since"
            f"  AND a.starts_at < :until AND {_SCOPE}"
            " ) x LEFT JOIN centre c ON c.id = x.centre_id"
            " GROUP BY x.month, x.centre_id ORDER BY x.month, c.name IS NULL, c.name",
            _scope_params(centres, since=since, until=until, offset=offset),
        )
        return [(r["month"], r["centre"], int(r["people"])) for r in rows]
