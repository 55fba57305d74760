"""Sign-ups: join, cancel, the waiting list and its promotion, people signed up at the counter.
Never overbooked: each is one BEGIN IMMEDIATE transaction that counts and writes."""

from __future__ import annotations

import enum
import json
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from bot.store.activities import _ACTIVITY, _ACTIVITY_FROM, VISIBLE_TO_USER, Activity, _activity
from bot.store.database import Domain
from bot.store.notifications import NoticeKind, Planner, _add_notice, _plan_reminders


class SignupStatus(enum.StrEnum):
    NONE = "none"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ActivityView:
    """An activity as one user sees it: counts and that user's own place."""

    activity: Activity
    confirmed: int
    waitlisted: int
    my_status: SignupStatus
    my_position: int  # place on the waiting list, 0 if not waitlisted

    @property
    def seats_left(self) -> int | None:
        if self.activity.capacity is None:
            return None
        return max(self.activity.capacity - self.confirmed, 0)


class JoinOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_WAITLISTED = "already_waitlisted"
    UNAVAILABLE = "unavailable"  # unknown, cancelled or already started
    FULL = "full"  # no place free, and the waiting list was not wanted (nothing changed)


@dataclass(frozen=True)
class JoinResult:
    outcome: JoinOutcome
    position: int = 0
    view: ActivityView | None = None  # the activity as the user sees it afterwards


class CancelOutcome(enum.Enum):
    CANCELLED = "cancelled"
    NOT_SIGNED_UP = "not_signed_up"
    UNAVAILABLE = "unavailable"
    TOO_SOON = "too_soon"  # right after the person's own change of it: held back, tap again


@dataclass(frozen=True)
class Promotion:
    user_id: int
    locale: str


@dataclass(frozen=True)
class MovedUp:
    """Who moved up from the waiting list: people with a phone (each gets a message) and the
    first names of people signed up at the counter (no phone: the staff must tell them)."""

    told: tuple[Promotion, ...] = ()
    guests: tuple[str, ...] = ()


@dataclass(frozen=True)
class CancelResult:
    outcome: CancelOutcome
    promoted: tuple[Promotion, ...] = ()
    view: ActivityView | None = None  # the activity as the user sees it afterwards
    was: SignupStatus = SignupStatus.NONE  # what the user gave up


# A cancel at most this soon (ms) after the person's own change of the same sign-up is held
# back as a double tap ("Tilmeld" became "Afmeld" under the finger); the toast says tap again.
DOUBLE_TAP_MS = 1000


_POSITION = """
    (SELECT count(*) FROM signup w WHERE w.activity_id = s.activity_id
        AND w.status = 'waitlisted' AND w.queue_seq <= s.queue_seq)
"""


def _join(
    c: sqlite3.Connection,
    activity_id: int,
    user_id: int,
    now: int,
    planner: Planner,
    tapped_ms: int,
    waitlist: bool = True,
) -> JoinResult:
    """One sign-up, inside a transaction: the capacity check and the write see the same state."""
    state = _one_in(
        c,
        "SELECT a.capacity, a.status, a.starts_at, s.status AS mine,"
        f" IFNULL({_POSITION}, 0) AS position,"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'confirmed') AS confirmed,"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'waitlisted') AS waitlisted,"
        " (SELECT IFNULL(max(queue_seq), 0) + 1 FROM signup x"
        "   WHERE x.activity_id = a.id) AS seq"
        " FROM activity a LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :u"
        " WHERE a.id = :a",
        {"a": activity_id, "u": user_id},
    )
    if state is None or state["status"] != "scheduled" or state["starts_at"] <= now:
        return JoinResult(JoinOutcome.UNAVAILABLE)
    if state["mine"] == "confirmed":
        return JoinResult(JoinOutcome.ALREADY_CONFIRMED)
    if state["mine"] == "waitlisted":
        return JoinResult(JoinOutcome.ALREADY_WAITLISTED, int(state["position"]))
    full = state["capacity"] is not None and state["confirmed"] >= state["capacity"]
    if full and not waitlist:
        return JoinResult(JoinOutcome.FULL)
    signup_id = c.execute(
        "INSERT INTO signup(activity_id, user_id, status, queue_seq, created_at,"
        " updated_at, tapped_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(activity_id, user_id) DO UPDATE SET status = excluded.status,"
        " queue_seq = excluded.queue_seq, updated_at = excluded.updated_at,"
        " tapped_at = excluded.tapped_at RETURNING id",
        (
            activity_id,
            user_id,
            "waitlisted" if full else "confirmed",
            state["seq"],
            now,
            now,
            tapped_ms,
        ),
    ).fetchone()[0]
    if full:
        return JoinResult(JoinOutcome.WAITLISTED, int(state["waitlisted"]) + 1)
    _plan_reminders(c, signup_id, now, planner)
    return JoinResult(JoinOutcome.CONFIRMED)


def _cancel(
    c: sqlite3.Connection,
    activity_id: int,
    user_id: int,
    now: int,
    planner: Planner,
    tapped_ms: int,
    after_cancel: bool = False,
) -> CancelResult:
    """One cancellation and the promotions it allows, inside a transaction."""
    state = _one_in(
        c,
        "SELECT a.status, a.starts_at, s.id AS signup_id, s.status AS mine,"
        " s.tapped_at AS changed,"
        " (SELECT max(x.tapped_at) FROM signup x WHERE x.user_id = :u AND x.activity_id != :a"
        "   AND x.status = 'cancelled') AS other_cancelled"
        " FROM activity a LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :u"
        " WHERE a.id = :a",
        {"a": activity_id, "u": user_id},
    )
    if state is None or state["status"] != "scheduled" or state["starts_at"] <= now:
        return CancelResult(CancelOutcome.UNAVAILABLE)
    if state["mine"] not in ("confirmed", "waitlisted"):
        return CancelResult(CancelOutcome.NOT_SIGNED_UP)
    # The button under the finger changed ("Tilmeld" became "Afmeld"; a list moved up): a
    # second tap this soon may be the first one again. Hold it back; the person is told so.
    if _double_tap(tapped_ms, state["changed"]) or (
        after_cancel and _double_tap(tapped_ms, state["other_cancelled"])
    ):
        return CancelResult(CancelOutcome.TOO_SOON)
    c.execute(
        "UPDATE signup SET status = 'cancelled', updated_at = ?, tapped_at = ? WHERE id = ?",
        (now, tapped_ms, state["signup_id"]),
    )
    c.execute(
        "UPDATE notification SET state = 'skipped' WHERE signup_id = ? AND state = 'pending'",
        (state["signup_id"],),
    )
    promoted = _promote(c, activity_id, now, planner) if state["mine"] == "confirmed" else ()
    return CancelResult(CancelOutcome.CANCELLED, promoted, was=SignupStatus(state["mine"]))


def _double_tap(tapped_ms: int, changed_ms: int | None) -> bool:
    """Whether a tap comes at most DOUBLE_TAP_MS after a change (never before it)."""
    return changed_ms is not None and 0 <= tapped_ms - changed_ms <= DOUBLE_TAP_MS


def _view(c: sqlite3.Connection, activity_id: int, user_id: int) -> ActivityView | None:
    row = c.execute(
        f"SELECT {_ACTIVITY},"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'confirmed') AS confirmed,"
        " (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
        "   AND x.status = 'waitlisted') AS waitlisted,"
        f" IFNULL(s.status, 'none') AS my_status, IFNULL({_POSITION}, 0) AS position"
        f" FROM {_ACTIVITY_FROM}"
        " LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :user"
        " WHERE a.id = :activity",
        {"user": user_id, "activity": activity_id},
    ).fetchone()
    if row is None:
        return None
    status = SignupStatus(row["my_status"])
    return ActivityView(
        activity=_activity(row),
        confirmed=int(row["confirmed"]),
        waitlisted=int(row["waitlisted"]),
        my_status=status,
        my_position=int(row["position"]) if status is SignupStatus.WAITLISTED else 0,
    )


def _one_in(c: sqlite3.Connection, sql: str, params: dict[str, Any]) -> Any:
    """One row (or None), inside a transaction."""
    return c.execute(sql, params).fetchone()


def _promote(
    c: sqlite3.Connection, activity_id: int, now: int, planner: Planner
) -> tuple[Promotion, ...]:
    """Fill free seats from the waiting list, first come first served; tell those who move up."""
    return _move_up(c, activity_id, now, planner).told


def fixed_limit(capacity: int | None, share: float) -> int | None:
    """How many of a date's places fixed places may take (None: no limit)."""
    return None if capacity is None else int(capacity * share + 1e-9)


_MOVED = (
    " RETURNING user_id, queue_seq, (SELECT locale FROM user u WHERE u.id = user_id), id,"
    " guest_name"
)


def _fair_picks(c: sqlite3.Connection, activity_id: int, capacity: int, share: float) -> str:
    """On a date of a series with fixed places: the waiting sign-ups to move up (a JSON list of
    ids), in turn, where a fixed-place holder moves up only while the confirmed holders are below
    the cap; past it the next waiting person who is not a holder moves up instead (holders keep
    their place in the queue)."""
    holder = (
        "EXISTS (SELECT 1 FROM fixed_place f JOIN activity a ON a.series_id = f.series_id"
        " WHERE a.id = s.activity_id AND f.user_id = s.user_id)"
    )
    confirmed, fixed = c.execute(
        f"SELECT count(*), IFNULL(sum({holder}), 0) FROM signup s"
        " WHERE s.activity_id = ? AND s.status = 'confirmed'",
        (activity_id,),
    ).fetchone()
    free = capacity - int(confirmed)
    fixed_left = (fixed_limit(capacity, share) or 0) - int(fixed)
    picks: list[int] = []
    if free > 0:
        for signup_id, is_holder in c.execute(
            f"SELECT s.id, {holder} FROM signup s WHERE s.activity_id = ?"
            " AND s.status = 'waitlisted' ORDER BY s.queue_seq",
            (activity_id,),
        ):
            if is_holder and fixed_left <= 0:
                continue
            fixed_left -= 1 if is_holder else 0
            picks.append(int(signup_id))
            if len(picks) == free:
                break
    return json.dumps(picks)


def _move_up(c: sqlite3.Connection, activity_id: int, now: int, planner: Planner) -> MovedUp:
    """`_promote`, and also the first names of counter sign-ups that moved up (no message)."""
    # One cheap look: only a date with fixed places (fixed_share set when a holder was signed
    # up to it, bot/store/fixed_places.py) and a limit takes the fair path.
    fair = c.execute(
        "SELECT capacity, fixed_share FROM activity WHERE id = ? AND fixed_share IS NOT NULL"
        " AND capacity IS NOT NULL",
        (activity_id,),
    ).fetchone()
    if fair is not None:
        picks = _fair_picks(c, activity_id, int(fair[0]), float(fair[1]))
        rows = c.execute(
            "UPDATE signup SET status = 'confirmed', updated_at = ?"
            " WHERE id IN (SELECT value FROM json_each(?))" + _MOVED,
            (now, picks),
        ).fetchall()
    else:
        rows = c.execute(
            "UPDATE signup SET status = 'confirmed', updated_at = :now WHERE id IN ("
            "  SELECT s.id FROM signup s WHERE s.activity_id = :a AND s.status = 'waitlisted'"
            "  ORDER BY s.queue_seq LIMIT (SELECT CASE WHEN a.capacity IS NULL THEN -1"
            "    ELSE max(a.capacity - (SELECT count(*) FROM signup x WHERE x.activity_id = a.id"
            "      AND x.status = 'confirmed'), 0) END FROM activity a WHERE a.id = :a))" + _MOVED,
            {"a": activity_id, "now": now},
        ).fetchall()
    for row in rows:
        _add_notice(c, row[3], NoticeKind.PROMOTED, now)
        _plan_reminders(c, row[3], now, planner)
    ordered = sorted(rows, key=lambda r: r[1])
    told = tuple(Promotion(int(r[0]), str(r[2] or "")) for r in ordered if r[0] is not None)
    guests = tuple(str(r[4]) for r in ordered if r[0] is None and r[4] is not None)
    return MovedUp(told, guests)


class Signups(Domain):
    async def join(
        self,
        activity_id: int,
        user_id: int,
        now: int,
        planner: Planner,
        *,
        tapped_ms: int | None = None,
        waitlist: bool = True,
    ) -> JoinResult:
        """Sign the user up (with reminders), or put them on the waiting list when full
        (without `waitlist`: change nothing then, JoinOutcome.FULL). `tapped_ms`: when the
        person tapped (default `now`), for the double-tap guard of a cancel right after."""

        def work(c: sqlite3.Connection) -> JoinResult:
            tapped = now * 1000 if tapped_ms is None else tapped_ms
            result = _join(c, activity_id, user_id, now, planner, tapped, waitlist)
            return replace(result, view=_view(c, activity_id, user_id))

        return await self._write(work)

    async def cancel(
        self,
        activity_id: int,
        user_id: int,
        now: int,
        planner: Planner,
        *,
        tapped_ms: int | None = None,
        after_cancel: bool = False,
    ) -> CancelResult:
        """Cancel the user's sign-up; a freed seat goes to the waiting list in the same breath.
        Held back (TOO_SOON) at most DOUBLE_TAP_MS after the person's own change of this
        sign-up; with `after_cancel` (a list that moved up under the finger) also that soon
        after they cancelled another one."""

        def work(c: sqlite3.Connection) -> CancelResult:
            tapped = now * 1000 if tapped_ms is None else tapped_ms
            result = _cancel(c, activity_id, user_id, now, planner, tapped, after_cancel)
            return replace(result, view=_view(c, activity_id, user_id))

        return await self._write(work)

    async def view(self, activity_id: int, user_id: int) -> ActivityView | None:
        """The activity with its counts and the user's own sign-up, or None if unknown."""
        return await self._read(lambda c: _view(c, activity_id, user_id))

    async def of_user(self, user_id: int, now: int) -> list[tuple[Activity, SignupStatus, int]]:
        """The user's upcoming sign-ups and waiting-list places: (activity, status, position)."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, s.status AS my_status, {_POSITION} AS position"
            " FROM signup s JOIN activity a ON a.id = s.activity_id"
            " LEFT JOIN centre c ON c.id = a.centre_id"
            " WHERE s.user_id = ? AND s.status IN ('confirmed', 'waitlisted')"
            " AND a.status = 'scheduled' AND a.starts_at > ?"
            " ORDER BY a.starts_at, a.id",
            (user_id, now),
        )
        return [(_activity(r), SignupStatus(r["my_status"]), int(r["position"])) for r in rows]

    async def upcoming_for(
        self, user_id: int, now: int, offset: int, limit: int
    ) -> list[tuple[Activity, SignupStatus]]:
        """Scheduled, not yet started activities of the user's centres and national ones,
        soonest first. A series shows only at its next date, and at the dates the user is
        signed up to (or waiting for); its other dates are on its card ("📅 Other dates")."""
        rows = await self._all(
            f"SELECT {_ACTIVITY}, IFNULL(s.status, 'none') AS my_status FROM {_ACTIVITY_FROM}"
            " LEFT JOIN signup s ON s.activity_id = a.id AND s.user_id = :user"
            f" WHERE {VISIBLE_TO_USER}"
            " ORDER BY a.starts_at, a.id LIMIT :limit OFFSET :offset",
            {"user": user_id, "now": now, "limit": limit, "offset": offset},
        )
        return [(_activity(r), SignupStatus(r["my_status"])) for r in rows]
