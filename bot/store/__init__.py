"""Storage, one module per domain, each with its own SQL, over one SQLite connection.

`Store` opens the database and gives each domain a name: `store.signups.join(...)`,
`store.broadcasts.claim_delivery(...)`. The connection itself (opening, migrations, backups,
transactions) is `bot.store.database`, the only module that touches aiosqlite.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.activities import Activities
from bot.store.attendance import Attendance
from bot.store.broadcasts import Broadcasts
from bot.store.care import Care
from bot.store.centres import Centres
from bot.store.closures import Closures
from bot.store.counter_signups import CounterSignups
from bot.store.counts import Counts
from bot.store.database import Database, DatabaseError, DuplicateError
from bot.store.drafts import Drafts
from bot.store.edits import Edits
from bot.store.fixed_places import FixedPlaces
from bot.store.line import Line
from bot.store.notifications import Notifications
from bot.store.people import People
from bot.store.privacy import Privacy
from bot.store.roles import Roles
from bot.store.series import SeriesStore
from bot.store.signups import Signups

__all__ = ["DatabaseError", "DuplicateError", "Store"]


class Store:
    """The bot's state; create with `await Store.open(path)` and `await store.close()`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.centres = Centres(db)
        self.people = People(db)
        self.activities = Activities(db)
        self.signups = Signups(db)
        self.counter_signups = CounterSignups(db)
        self.edits = Edits(db)
        self.notifications = Notifications(db)
        self.roles = Roles(db)
        self.drafts = Drafts(db)
        self.broadcasts = Broadcasts(db)
        self.counts = Counts(db)
        self.attendance = Attendance(db)
        self.line = Line(db)
        self.privacy = Privacy(db)
        self.series = SeriesStore(db)
        self.closures = Closures(db)
        self.fixed_places = FixedPlaces(db)
        self.care = Care(db)

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating with mode 0600) and migrate the database at `path`."""
        return cls(await Database.open(path))

    async def close(self) -> None:
        """Close the connection (its thread would keep the process alive otherwise)."""
        await self.db.close()

    async def backup(self, target: Path) -> None:
        """A consistent copy (SQLite's online backup), safe while the bot runs; mode 0600."""
        await self.db.backup(target)

    async def setting(self, key: str) -> str | None:
        """The stored value of a setting of the bot itself (e.g. its username), or None."""
        return await self.db.setting(key)

    async def set_setting(self, key: str, value: str) -> None:
        """Store a setting of the bot itself."""
        await self.db.set_setting(key, value)
