"""Who may do what: roles from the database (and admins from the config), checked on every
update, because buttons and commands come from the user's phone and prove nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.db import Database, RoleName


@dataclass(frozen=True)
class Access:
    """One person's rights, loaded for the update at hand."""

    admin: bool  # national admin: everything
    staff_of: frozenset[int]  # centres where they are staff (or a centre's admin)
    coordinator_of: frozenset[int]  # centres where they coordinate
    national_coordinator: bool

    @property
    def is_staff(self) -> bool:
        return self.admin or bool(self.staff_of)

    def can_manage(self, centre_id: int | None) -> bool:
        """May run the activities and announcements of a centre (None: national ones)."""
        return self.admin or (centre_id is not None and centre_id in self.staff_of)


NOBODY = Access(False, frozenset(), frozenset(), False)


async def load_access(db: Database, config: Config, user_id: int) -> Access:
    """The user's rights as the database and the config say now."""
    roles = await db.list_roles(user_id)
    admin = user_id in config.bot.admins or any(
        r.role is RoleName.ADMIN and r.centre_id is None for r in roles
    )
    staff = frozenset(
        r.centre_id
        for r in roles
        if r.centre_id is not None and r.role in (RoleName.STAFF, RoleName.ADMIN)
    )
    coordinator = frozenset(
        r.centre_id for r in roles if r.centre_id is not None and r.role is RoleName.COORDINATOR
    )
    national = any(r.role is RoleName.COORDINATOR and r.centre_id is None for r in roles)
    return Access(admin, staff, coordinator, national)
