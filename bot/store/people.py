"""People: who uses the bot, their language, centres and settings (loaded on every update,
so a small cache saves a database trip per update)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.store.centres import Centre, _centre
from bot.store.database import Domain
from bot.store.notifications import Planner, _plan_reminders


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    locale: str
    active: bool
    onboarded: bool = False  # has chosen a centre, or "national", at least once


USER_CACHE_MAX = 100_000


SEEN_REFRESH_S = 3600  # last_seen_at is rewritten at most hourly: one write per update is waste


class People(Domain):
    async def find(self, user_id: int) -> User | None:
        """The user if the bot knows them; never creates anyone (and writes nothing)."""
        cached = self._db.users.get(user_id)
        if cached:
            return cached[0]
        row = await self._one(
            "SELECT first_name, locale, active, onboarded FROM user WHERE id = ?", (user_id,)
        )
        if row is None:
            return None
        return User(
            user_id,
            str(row["first_name"]),
            str(row["locale"]),
            bool(row["active"]),
            bool(row["onboarded"]),
        )

    async def touch(self, user_id: int, first_name: str, locale: str, now: int) -> User:
        """Load the user, creating them on first contact; refresh name and last seen cheaply."""
        cached = self._db.users.get(user_id)
        if cached and cached[0].first_name == first_name and now - cached[1] < SEEN_REFRESH_S:
            return cached[0]

        def work(c: sqlite3.Connection) -> User:
            c.execute(
                "INSERT INTO user(id, first_name, locale, active, created_at, last_seen_at)"
                " VALUES (:id, :name, :locale, 1, :now, :now) ON CONFLICT(id) DO UPDATE"
                " SET first_name = :name, last_seen_at = :now, active = 1",
                {"id": user_id, "name": first_name, "locale": locale, "now": now},
            )
            row = c.execute(
                "SELECT locale, onboarded FROM user WHERE id = ?", (user_id,)
            ).fetchone()
            return User(user_id, first_name, str(row["locale"]), True, bool(row["onboarded"]))

        user = await self._write(work)
        self._remember(user, now)
        return user

    def _remember(self, user: User, seen: int) -> None:
        if len(self._db.users) >= USER_CACHE_MAX:
            self._db.users.clear()
        self._db.users[user.id] = (user, seen)

    async def locale(self, user_id: int) -> str | None:
        """The user's language, or None if they are not known."""
        row = await self._one("SELECT locale FROM user WHERE id = ?", (user_id,))
        return None if row is None else str(row["locale"])

    async def set_locale(self, user_id: int, locale: str) -> None:
        """Remember the user's language."""
        await self._write(
            lambda c: c.execute("UPDATE user SET locale = ? WHERE id = ?", (locale, user_id))
        )
        self._db.users.pop(user_id, None)

    async def join_centre(self, user_id: int, centre_id: int, now: int) -> bool:
        """Make the user a member; False if they were one already."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "INSERT INTO membership(user_id, centre_id, joined_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, centre_id, now),
            )
            c.execute("UPDATE user SET onboarded = 1 WHERE id = ?", (user_id,))
            return cur.rowcount == 1

        joined = await self._write(work)
        self._db.users.pop(user_id, None)
        return joined

    async def choose_national(self, user_id: int) -> None:
        """Remember that the user chose national activities (so /start skips the picker)."""
        await self._write(
            lambda c: c.execute("UPDATE user SET onboarded = 1 WHERE id = ?", (user_id,))
        )
        self._db.users.pop(user_id, None)

    async def leave_centre(self, user_id: int, centre_id: int) -> bool:
        """End a membership; False if there was none. Leaving the last centre leaves no centre
        chosen (the activity list then offers the picker), even after an earlier "national"."""

        def work(c: sqlite3.Connection) -> bool:
            cur = c.execute(
                "DELETE FROM membership WHERE user_id = ? AND centre_id = ?", (user_id, centre_id)
            )
            c.execute(
                "UPDATE user SET onboarded = 0 WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM membership WHERE user_id = ?)",
                (user_id, user_id),
            )
            return cur.rowcount == 1

        left = await self._write(work)
        self._db.users.pop(user_id, None)
        return left

    async def has_chosen_centre(self, user_id: int) -> bool:
        """Whether the user has chosen a centre, or "national": read now, not from the cache
        (a choice made earlier in the same update counts)."""
        row = await self._one("SELECT onboarded FROM user WHERE id = ?", (user_id,))
        return row is not None and bool(row["onboarded"])

    async def centres(self, user_id: int) -> list[Centre]:
        """The centres the user belongs to, alphabetically."""
        rows = await self._all(
            "SELECT c.* FROM centre c JOIN membership m ON m.centre_id = c.id"
            " WHERE m.user_id = ? ORDER BY c.name COLLATE NOCASE",
            (user_id,),
        )
        return [_centre(r) for r in rows]

    async def memberships(self, user_id: int) -> list[tuple[Centre, bool]]:
        """The user's centres, each with whether they want its announcements."""
        rows = await self._all(
            "SELECT c.*, m.announcements FROM centre c JOIN membership m ON m.centre_id = c.id"
            " WHERE m.user_id = ? ORDER BY c.name COLLATE NOCASE",
            (user_id,),
        )
        return [(_centre(r), bool(r["announcements"])) for r in rows]

    async def set_announcements(self, user_id: int, centre_id: int, on: bool) -> bool:
        """Turn a centre's announcements on or off for the user."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE membership SET announcements = ? WHERE user_id = ? AND centre_id = ?",
                (int(on), user_id, centre_id),
            )
        )
        return cur.rowcount == 1

    async def set_reminders(self, user_id: int, on: bool, now: int, planner: Planner) -> None:
        """Turn the user's reminders on (planning them for upcoming sign-ups) or off."""

        def work(c: sqlite3.Connection) -> None:
            c.execute("UPDATE user SET reminders_on = ? WHERE id = ?", (int(on), user_id))
            signups = c.execute(
                "SELECT s.id FROM signup s JOIN activity a ON a.id = s.activity_id"
                " WHERE s.user_id = ? AND s.status = 'confirmed' AND a.starts_at > ?",
                (user_id, now),
            ).fetchall()
            for row in signups:
                _plan_reminders(c, row["id"], now, planner)

        await self._write(work)

    async def reminders_on(self, user_id: int) -> bool:
        """Whether the user wants reminders."""
        row = await self._one("SELECT reminders_on FROM user WHERE id = ?", (user_id,))
        return bool(row and row["reminders_on"])

    async def set_active(self, user_id: int, active: bool) -> None:
        """Mark whether the user can be written to (False: they blocked the bot)."""
        await self._write(
            lambda c: c.execute("UPDATE user SET active = ? WHERE id = ?", (int(active), user_id))
        )
        self._db.users.pop(user_id, None)

    async def mark_notice_shown(self, user_id: int) -> bool:
        """Remember that the privacy notice was shown; True only the first time."""
        cur = await self._write(
            lambda c: c.execute(
                "UPDATE user SET notice_shown = 1 WHERE id = ? AND notice_shown = 0", (user_id,)
            )
        )
        return cur.rowcount == 1

    async def inactive(self, before: int) -> list[int]:
        """People not seen since `before`."""
        rows = await self._all("SELECT id FROM user WHERE last_seen_at < ?", (before,))
        return [int(r["id"]) for r in rows]
