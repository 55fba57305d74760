"""Roles and invitations: who is staff, coordinator or admin, and one-time staff links."""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.centres import Centre, _centre
from bot.store.database import Domain


class RoleName(enum.StrEnum):
    STAFF = "staff"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Role:
    role: RoleName
    centre_id: int | None  # None: national


class InvitationOutcome(enum.Enum):
    ACCEPTED = "accepted"
    USED = "used"  # used once already: for ever, also after the person who used it is erased
    EXPIRED = "expired"
    INVALID = "invalid"  # unknown, withdrawn, or its maker is no admin any more (or erased)


@dataclass(frozen=True)
class InvitationResult:
    outcome: InvitationOutcome
    centre: Centre | None = None  # set when accepted


@dataclass(frozen=True)
class Invitation:
    """An open (unused, unexpired) staff invitation."""

    token: str
    centre: Centre
    created_by: int | None  # None: the admin who made it has been erased
    expires_at: int


def _is_admin(c: sqlite3.Connection, user_id: int | None, admins: Sequence[int]) -> bool:
    """A national admin now: in the config's `admins`, or with a national admin role (as
    bot.access.load_access decides). None (an erased person) is nobody."""
    if user_id is None:
        return False
    if user_id in admins:
        return True
    row = c.execute(
        "SELECT 1 FROM role WHERE user_id = ? AND role = 'admin' AND centre_id IS NULL",
        (user_id,),
    ).fetchone()
    return row is not None


class Roles(Domain):
    async def grant(self, user_id: int, role: RoleName, centre_id: int | None, now: int) -> bool:
        """Give a role (for a centre, or national); False if they had it already."""
        cur = await self._write(
            lambda c: c.execute(
                "INSERT INTO role(user_id, centre_id, role, granted_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, centre_id, role.value, now),
            )
        )
        return cur.rowcount == 1

    async def revoke(self, user_id: int, role: RoleName, centre_id: int | None) -> bool:
        """Take a role away; False if they did not have it."""
        cur = await self._write(
            lambda c: c.execute(
                "DELETE FROM role WHERE user_id = ? AND role = ? AND centre_id IS ?",
                (user_id, role.value, centre_id),
            )
        )
        return cur.rowcount == 1

    async def of(self, user_id: int) -> list[Role]:
        """Every role the user holds."""
        rows = await self._all(
            "SELECT role, centre_id FROM role WHERE user_id = ? ORDER BY centre_id", (user_id,)
        )
        return [Role(RoleName(r["role"]), r["centre_id"]) for r in rows]

    async def create_invitation(
        self, token: str, centre_id: int, created_by: int, expires_at: int
    ) -> None:
        """Store a one-time staff invitation."""
        await self._write(
            lambda c: c.execute(
                "INSERT INTO invitation(token, centre_id, created_by, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token, centre_id, created_by, expires_at),
            )
        )

    async def use_invitation(
        self, token: str, user_id: int, now: int, *, admins: Sequence[int]
    ) -> InvitationResult:
        """Make the user staff of the invitation's centre, once and for ever (`used_at` stays
        set when the person who used it is erased). It works only while the admin who made it
        is still an admin — in `admins` (the config's) or with a national admin role — and
        has not been erased."""

        def work(c: sqlite3.Connection) -> InvitationResult:
            row = c.execute(
                "SELECT centre_id, created_by, expires_at, used_at FROM invitation WHERE token = ?",
                (token,),
            ).fetchone()
            if row is None:
                return InvitationResult(InvitationOutcome.INVALID)
            if row["used_at"] is not None:
                return InvitationResult(InvitationOutcome.USED)
            if row["expires_at"] <= now:
                return InvitationResult(InvitationOutcome.EXPIRED)
            if not _is_admin(c, row["created_by"], admins):
                return InvitationResult(InvitationOutcome.INVALID)
            c.execute(
                "UPDATE invitation SET used_by = ?, used_at = ? WHERE token = ? AND used_at IS NULL",
                (user_id, now, token),
            )
            c.execute(
                "INSERT INTO role(user_id, centre_id, role, granted_at) VALUES (?, ?, 'staff', ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, row["centre_id"], now),
            )
            centre = c.execute("SELECT * FROM centre WHERE id = ?", (row["centre_id"],))
            return InvitationResult(InvitationOutcome.ACCEPTED, _centre(centre.fetchone()))

        return await self._write(work)

    async def open_invitations(self, now: int, created_by: int | None = None) -> list[Invitation]:
        """Unused, unexpired invitations (of one admin, or everyone's), soonest to expire first."""
        rows = await self._all(
            "SELECT i.token, i.created_by, i.expires_at, c.* FROM invitation i"
            " JOIN centre c ON c.id = i.centre_id"
            " WHERE i.used_at IS NULL AND i.expires_at > :now"
            " AND (:by IS NULL OR i.created_by = :by)"
            " ORDER BY i.expires_at, i.token",
            {"now": now, "by": created_by},
        )
        return [Invitation(r["token"], _centre(r), r["created_by"], r["expires_at"]) for r in rows]

    async def withdraw_invitation(
        self, token: str, now: int, created_by: int | None = None
    ) -> bool:
        """Delete an open invitation (only one `created_by` made, if given), so the link works
        like an unknown one; False if there is no such open invitation."""
        cur = await self._write(
            lambda c: c.execute(
                "DELETE FROM invitation WHERE token = :token AND used_at IS NULL"
                " AND expires_at > :now AND (:by IS NULL OR created_by = :by)",
                {"token": token, "now": now, "by": created_by},
            )
        )
        return cur.rowcount == 1

    async def invitation_maker_is_admin(self, token: str, admins: Sequence[int]) -> bool:
        """Whether the invitation's maker may still invite (its link would still work)."""

        def work(c: sqlite3.Connection) -> bool:
            row = c.execute(
                "SELECT created_by FROM invitation WHERE token = ?", (token,)
            ).fetchone()
            return row is not None and _is_admin(c, row["created_by"], admins)

        return await self._read(work)
