"""Who may do what: roles from the database (and admins from the config), checked on every
update, because buttons and commands come from the user's phone and prove nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import Config
from bot.store import Store
from bot.store.roles import RoleName


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

    @property
    def sees_everything(self) -> bool:
        return self.admin or self.national_coordinator

    @property
    def may_count(self) -> bool:
        """May use the coordinators' figures at all."""
        return self.sees_everything or bool(self.staff_of or self.coordinator_of)

    def scope(self) -> list[int] | None:
        """The centres whose figures they see; None for all of them."""
        return None if self.sees_everything else sorted(self.staff_of | self.coordinator_of)

    def can_view(self, centre_id: int | None) -> bool:
        """May see an activity's figures (a national one: anyone who counts at all)."""
        if self.sees_everything or (centre_id is None and self.may_count):
            return True
        return centre_id is not None and centre_id in (self.staff_of | self.coordinator_of)

    def name_scope(self, centre_id: int | None) -> list[int] | None | Literal[False]:
        """Whose names they may see on an activity: None for everyone's, a list of centres
        (for a national activity: the people of their own centres), or False for nobody's."""
        if self.can_see_names(centre_id):
            return None
        own = sorted(self.staff_of | self.coordinator_of)
        return own if centre_id is None and own else False

    def can_see_names(self, centre_id: int | None) -> bool:
        """May see who signed up: the centre's own staff and coordinators (and admins)."""
        if self.admin:
            return True
        return centre_id is not None and centre_id in (self.staff_of | self.coordinator_of)


NOBODY = Access(False, frozenset(), frozenset(), False)


async def load_access(store: Store, config: Config, user_id: int) -> Access:
    """The user's rights as the database and the config say now."""
    roles = await store.roles.of(user_id)
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
