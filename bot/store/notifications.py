"""Notifications: reminders and notices to a participant as rows (plan, claim, finish), so
nothing is sent twice and nothing is lost in a restart."""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass
from typing import Protocol

from bot.store.activities import _ACTIVITY, Activity, _activity
from bot.store.closures import ClosedDate, closed_dates, closure_reason
from bot.store.database import Domain


class Planner(Protocol):
    """Decides when the reminders of a sign-up go out (see bot/reminders.py)."""

    def plan(self, starts_at: int, timezone: str | None, now: int) -> list[tuple[int, int]]:
        """(offset before the start, due instant) of each reminder still worth sending."""
        ...


class NoticeKind(enum.StrEnum):
    REMINDER = "reminder"
    PROMOTED = "promoted"  # moved up from the waiting list
    CHANGED = "changed"  # the activity's time or place changed
    CANCELLED = "cancelled"  # the activity was cancelled


class Outcome(enum.StrEnum):
    """How a delivery ended."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    FAILED = "failed"  # Telegram refused it for good
    UNKNOWN = "unknown"  # it may or may not have arrived: never sent again

    @property
    def state(self) -> str:
        """The notification state this outcome leaves."""
        return "failed" if self is Outcome.BLOCKED else self.value


@dataclass(frozen=True)
class Notice:
    """A claimed notification, with what it takes to write it."""

    id: int
    kind: NoticeKind
    offset_s: int
    user_id: int
    locale: str
    activity: Activity
    # A 'changed' notice: the time and place before the first change and now (None: that part
    # did not change; all None on rows written before notices said what changed).
    old_starts_at: int | None = None
    new_starts_at: int | None = None
    old_place: str | None = None
    new_place: str | None = None
    # A 'cancelled' notice of a closure (closed days): all the person's dates it cancelled.
    closure_id: int | None = None
    closed: tuple[ClosedDate, ...] = ()
    reason: str = ""
    # A 'promoted' notice of a fixed place: a new date was full, so the person is waiting.
    fixed_wait: bool = False
    # A notice about a series' dates (changed or cancelled "Denne og alle de næste"): all the
    # person's dates of it from `activity` on; old and new values are those of `activity`.
    series_id: int | None = None
    # A 'promoted' notice of a series' places edit: the start of each date the person moved up
    # on (still with a place), in time order; () for a promotion on one date.
    promoted_dates: tuple[int, ...] = ()


CHANGE_BURST_S = 600  # changes this soon after the first reach a person as one message


CHANGE_LEAD_S = 3600  # ... unless the activity is this close: then they are told at once


def _add_notice(c: sqlite3.Connection, signup_id: int, kind: NoticeKind, now: int) -> None:
    c.execute(
        "INSERT INTO notification(signup_id, kind, due_at, created_at) VALUES (?, ?, ?, ?)",
        (signup_id, kind.value, now, now),
    )


def _notify_signups(
    c: sqlite3.Connection,
    activity_id: int,
    kind: NoticeKind,
    now: int,
    *,
    confirmed_only: bool = False,
) -> None:
    """One notice, due now, for each person signed up (or also waiting) for the activity."""
    statuses = ("confirmed",) if confirmed_only else ("confirmed", "waitlisted")
    c.execute(
        "INSERT INTO notification(signup_id, kind, due_at, created_at)"
        f" SELECT id, ?, ?, ? FROM signup WHERE activity_id = ? AND user_id IS NOT NULL"
        f" AND status IN ({', '.join('?' for _ in statuses)})",
        (kind.value, now, now, activity_id, *statuses),
    )


def _notify_change(
    c: sqlite3.Connection,
    activity_id: int,
    before: tuple[int, str],
    after: tuple[int, str],
    now: int,
) -> None:
    """Tell each person with a place what changed (time, place), as one message per burst.

    A sign-up's pending 'changed' row (not yet claimed) takes the new values and keeps the old
    ones of the burst's first change; a part changed back is dropped, and a row with nothing
    left is skipped. The row is due CHANGE_BURST_S after the first change, so a second change
    soon after joins it — or at once when the activity (old or new time) is within
    CHANGE_LEAD_S: then knowing soon matters more than one message.
    """
    rows = c.execute(
        "SELECT s.id, n.id AS notice, n.created_at, n.old_starts_at, n.old_place FROM signup s"
        " LEFT JOIN notification n ON n.id = (SELECT max(m.id) FROM notification m"
        "   WHERE m.signup_id = s.id AND m.kind = 'changed' AND m.state = 'pending')"
        " WHERE s.activity_id = ? AND s.status = 'confirmed' AND s.user_id IS NOT NULL",
        (activity_id,),
    ).fetchall()
    for row in rows:
        first = now if row["notice"] is None else int(row["created_at"])
        old_start = before[0] if row["old_starts_at"] is None else int(row["old_starts_at"])
        old_place = before[1] if row["old_place"] is None else str(row["old_place"])
        moved, placed = old_start != after[0], old_place != after[1]
        if not (moved or placed):  # changed back within the burst: nothing to tell
            c.execute("UPDATE notification SET state = 'skipped' WHERE id = ?", (row["notice"],))
            continue
        due = max(now, min(first + CHANGE_BURST_S, min(old_start, after[0]) - CHANGE_LEAD_S))
        values = {
            "old_starts_at": old_start if moved else None,
            "new_starts_at": after[0] if moved else None,
            "old_place": old_place if placed else None,
            "new_place": after[1] if placed else None,
            "due": due,
            "signup": row["id"],
            "notice": row["notice"],
            "now": now,
        }
        if row["notice"] is not None:
            c.execute(
                "UPDATE notification SET old_starts_at = :old_starts_at,"
                " new_starts_at = :new_starts_at, old_place = :old_place,"
                " new_place = :new_place, due_at = :due WHERE id = :notice",
                values,
            )
        else:
            c.execute(
                "INSERT INTO notification(signup_id, kind, due_at, created_at, old_starts_at,"
                " new_starts_at, old_place, new_place) VALUES (:signup, 'changed', :due, :now,"
                " :old_starts_at, :new_starts_at, :old_place, :new_place)",
                values,
            )


def _notify_series(
    c: sqlite3.Connection,
    signup_id: int,
    series_id: int,
    kind: NoticeKind,
    now: int,
    change: tuple[tuple[int, str], tuple[int, str]] | None = None,
) -> None:
    """One notice to a person about all their dates of a series changed (`change`: the first
    date's time and place before and after) or cancelled from this sign-up's date on. A pending
    one of the same kind (a second edit within the burst) takes the new values instead."""
    row = c.execute(
        "SELECT n.id, n.created_at, n.old_starts_at, n.old_place,"
        " a.starts_at > b.starts_at AS later FROM notification n JOIN signup s ON s.id = n.signup_id"
        " JOIN activity a ON a.id = s.activity_id, signup t JOIN activity b ON b.id = t.activity_id"
        " WHERE n.series_id = ? AND n.kind = ? AND n.state = 'pending' AND t.id = ?"
        " AND s.user_id = t.user_id",
        (series_id, kind.value, signup_id),
    ).fetchone()
    fresh = row is None or bool(row["later"])  # `change.before` is the first date's old value
    if row is not None and row["later"]:
        # A second edit within the burst from an earlier date: the notice now starts there.
        c.execute("UPDATE notification SET signup_id = ? WHERE id = ?", (signup_id, row["id"]))
    if change is None:
        if row is None:
            c.execute(
                "INSERT INTO notification(signup_id, kind, due_at, created_at, series_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (signup_id, kind.value, now, now, series_id),
            )
        return
    (before, after), first = change, now if row is None else int(row["created_at"])
    old_start = before[0] if fresh or row["old_starts_at"] is None else row["old_starts_at"]
    old_place = before[1] if fresh or row["old_place"] is None else row["old_place"]
    moved, placed = old_start != after[0], old_place != after[1]
    due = max(now, min(first + CHANGE_BURST_S, min(old_start, after[0]) - CHANGE_LEAD_S))
    values = (
        old_start if moved else None,
        after[0] if moved else None,
        old_place if placed else None,
        after[1] if placed else None,
        due,
    )
    if row is not None:
        c.execute(
            "UPDATE notification SET old_starts_at = ?, new_starts_at = ?, old_place = ?,"
            " new_place = ?, due_at = ?, state = CASE WHEN ? THEN state ELSE 'skipped' END"
            " WHERE id = ?",
            (*values, moved or placed, row["id"]),
        )
    elif moved or placed:
        c.execute(
            "INSERT INTO notification(signup_id, kind, old_starts_at, new_starts_at, old_place,"
            " new_place, due_at, created_at, series_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (signup_id, kind.value, *values, now, series_id),
        )


def _merge_promotions(
    c: sqlite3.Connection, series_id: int, activity_ids: list[int], now: int
) -> None:
    """One "🎉" message for a person who moved up on several of these dates of a series in one
    edit (now): the first date's 'promoted' row carries the series and goes out listing them all
    (see `_promoted_dates`); the other rows, marked with the series, are skipped. Rows, so a
    restart between the edit and the dispatch still sends one."""
    marks = ", ".join("?" for _ in activity_ids)
    rows = c.execute(
        "SELECT n.id, s.user_id FROM notification n JOIN signup s ON s.id = n.signup_id"
        " JOIN activity a ON a.id = s.activity_id WHERE n.kind = 'promoted'"
        " AND n.state = 'pending' AND n.series_id IS NULL AND n.fixed_wait = 0"
        f" AND n.created_at = ? AND s.user_id IS NOT NULL AND a.id IN ({marks})"
        " ORDER BY a.starts_at, a.id",
        (now, *activity_ids),
    ).fetchall()
    per_person: dict[int, list[int]] = {}
    for row in rows:
        per_person.setdefault(int(row["user_id"]), []).append(int(row["id"]))
    for first, *others in per_person.values():
        if not others:
            continue  # one date: the ordinary message
        c.execute("UPDATE notification SET series_id = ? WHERE id = ?", (series_id, first))
        c.executemany(
            "UPDATE notification SET series_id = ?, state = 'skipped' WHERE id = ?",
            [(series_id, n) for n in others],
        )


def _promoted_dates(
    c: sqlite3.Connection, series_id: int, created_at: int, user_id: int, now: int
) -> tuple[int, ...]:
    """The dates a merged "🎉" message is about, where the person still has a place."""
    rows = c.execute(
        "SELECT a.starts_at FROM notification n JOIN signup s ON s.id = n.signup_id"
        " JOIN activity a ON a.id = s.activity_id WHERE n.kind = 'promoted' AND n.series_id = ?"
        " AND n.created_at = ? AND s.user_id = ? AND s.status = 'confirmed'"
        " AND a.status = 'scheduled' AND a.starts_at > ? ORDER BY a.starts_at, a.id",
        (series_id, created_at, user_id, now),
    ).fetchall()
    return tuple(int(r[0]) for r in rows)


def _plan_reminders(c: sqlite3.Connection, signup_id: int, now: int, planner: Planner) -> None:
    """(Re)plan a confirmed sign-up's reminders from the activity's current start."""
    c.execute(
        "DELETE FROM notification WHERE signup_id = ? AND kind = 'reminder'"
        " AND state IN ('pending', 'skipped')",
        (signup_id,),
    )
    row = c.execute(
        "SELECT a.starts_at, c.timezone, u.reminders_on FROM signup s"
        " JOIN activity a ON a.id = s.activity_id LEFT JOIN centre c ON c.id = a.centre_id"
        " JOIN user u ON u.id = s.user_id WHERE s.id = ? AND s.status = 'confirmed'",
        (signup_id,),
    ).fetchone()
    if row is None or not row["reminders_on"]:
        return
    c.executemany(
        "INSERT INTO notification(signup_id, kind, offset_s, due_at, created_at)"
        " VALUES (?, 'reminder', ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (signup_id, offset, due, now)
            for offset, due in planner.plan(row["starts_at"], row["timezone"], now)
        ],
    )


def _skip_unwanted(c: sqlite3.Connection, now: int) -> int:
    """Due rows nobody wants any more: the person left, blocked us or turned reminders off, the
    activity started or was cancelled; after downtime only the latest due reminder remains."""
    cur = c.execute(
        "UPDATE notification SET state = 'skipped' WHERE state = 'pending' AND due_at <= :now"
        " AND id IN (SELECT n.id FROM notification n JOIN signup s ON s.id = n.signup_id"
        "   JOIN activity a ON a.id = s.activity_id LEFT JOIN user u ON u.id = s.user_id"
        "   WHERE n.state = 'pending' AND n.due_at <= :now AND (u.id IS NULL OR u.active = 0"
        "     OR (n.kind != 'cancelled' AND a.starts_at <= :now)"
        "     OR (n.kind = 'reminder' AND (s.status != 'confirmed' OR a.status != 'scheduled'"
        "       OR u.reminders_on = 0))"
        "     OR (n.kind = 'reminder' AND EXISTS (SELECT 1 FROM notification m"
        "       WHERE m.signup_id = n.signup_id AND m.kind = 'reminder' AND m.state = 'pending'"
        "       AND m.due_at <= :now AND m.due_at > n.due_at))))",
        {"now": now},
    )
    return int(cur.rowcount)


def _claim(c: sqlite3.Connection, now: int) -> Notice | None:
    row = c.execute(
        "UPDATE notification SET state = 'sending', attempts = attempts + 1"
        " WHERE id = (SELECT id FROM notification WHERE state = 'pending' AND due_at <= ?"
        "   ORDER BY due_at, id LIMIT 1)"
        " RETURNING id, kind, offset_s, signup_id, old_starts_at, new_starts_at, old_place,"
        " new_place, closure_id, fixed_wait, series_id, created_at",
        (now,),
    ).fetchone()
    if row is None:
        return None
    info = c.execute(
        f"SELECT {_ACTIVITY}, u.id AS user_id, u.locale FROM signup s"
        " JOIN activity a ON a.id = s.activity_id LEFT JOIN centre c ON c.id = a.centre_id"
        " JOIN user u ON u.id = s.user_id WHERE s.id = ?",
        (row["signup_id"],),
    ).fetchone()
    closure, series, kind = row["closure_id"], row["series_id"], NoticeKind(row["kind"])
    merged = series is not None and kind is NoticeKind.PROMOTED
    return Notice(
        id=int(row["id"]),
        kind=kind,
        offset_s=int(row["offset_s"]),
        user_id=int(info["user_id"]),
        locale=str(info["locale"]),
        activity=_activity(info),
        old_starts_at=row["old_starts_at"],
        new_starts_at=row["new_starts_at"],
        old_place=row["old_place"],
        new_place=row["new_place"],
        closure_id=closure,
        closed=tuple(closed_dates(c, closure, info["user_id"])) if closure else (),
        reason=closure_reason(c, closure) if closure else "",
        fixed_wait=bool(row["fixed_wait"]),
        series_id=series,
        promoted_dates=(
            _promoted_dates(c, series, row["created_at"], info["user_id"], now) if merged else ()
        ),
    )


class Notifications(Domain):
    async def reset_interrupted(self) -> int:
        """After a crash: claimed but unfinished rows may have been sent, so they become unknown."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE notification SET state = 'unknown' WHERE state = 'sending'"
            )
        )
        return int(cur.rowcount)

    async def skip_unwanted(self, now: int) -> int:
        """Mark due rows that should no longer go out as skipped; return how many."""
        return await self._write(lambda c: _skip_unwanted(c, now))

    async def claim(self, now: int) -> Notice | None:
        """Claim the next due notification (state 'sending') before it is sent; None if none."""
        return await self._write(lambda c: _claim(c, now))

    async def finish(self, notice_id: int, outcome: Outcome, now: int, error: str = "") -> None:
        """Record how a claimed notification ended; a blocked user gets nothing more."""

        def work(c: sqlite3.Connection) -> int | None:
            row = c.execute(
                "UPDATE notification SET state = ?, sent_at = ?, last_error = ? WHERE id = ?"
                " RETURNING (SELECT user_id FROM signup s WHERE s.id = signup_id)",
                (
                    outcome.state,
                    now if outcome is Outcome.SENT else None,
                    error or None,
                    notice_id,
                ),
            ).fetchone()
            if outcome is Outcome.BLOCKED and row and row[0] is not None:
                c.execute("UPDATE user SET active = 0 WHERE id = ?", (row[0],))
                return int(row[0])
            return None

        blocked = await self._write(work)
        if blocked is not None:
            self._db.users.pop(blocked, None)

    async def next_due(self) -> int | None:
        """When the next pending notification is due, or None."""
        row = await self._one(
            "SELECT min(due_at) AS due FROM notification WHERE state = 'pending'"
        )
        return None if row is None or row["due"] is None else int(row["due"])

    async def pending_changes(self, activity_id: int, now: int) -> int:
        """How many people are told of the activity's change just made: its rows are pending,
        or due now and maybe claimed by the dispatcher already."""
        row = await self._one(
            "SELECT count(DISTINCT n.signup_id) AS n FROM notification n"
            " JOIN signup s ON s.id = n.signup_id WHERE s.activity_id = ? AND n.kind = 'changed'"
            " AND (n.state = 'pending' OR (n.state != 'skipped' AND n.due_at >= ?))",
            (activity_id, now),
        )
        return 0 if row is None else int(row["n"])

    async def count(self, state: str | None = None, kind: str | None = None) -> int:
        """How many notifications there are (in a state, of a kind)."""
        row = await self._one(
            "SELECT count(*) AS n FROM notification WHERE (? IS NULL OR state = ?)"
            " AND (? IS NULL OR kind = ?)",
            (state, state, kind, kind),
        )
        return int(row["n"])
