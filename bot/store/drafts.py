"""Drafts: the one dialog in progress per person, kept in the database so a restart loses
nothing; forgotten after a day."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.database import Domain


@dataclass(frozen=True)
class Draft:
    """A dialog in progress: what kind, which step, what is filled in so far."""

    kind: str
    step: str
    data: dict[str, Any]


DRAFT_TTL_S = 86400  # a dialog left alone for a day is forgotten


class Drafts(Domain):
    async def get(self, user_id: int, now: int) -> Draft | None:
        """The user's dialog in progress, or None (also when left for a day)."""
        row = await self._one(
            "SELECT kind, step, data FROM draft WHERE user_id = ? AND updated_at > ?",
            (user_id, now - DRAFT_TTL_S),
        )
        return None if row is None else Draft(row["kind"], row["step"], json.loads(row["data"]))

    async def save(self, user_id: int, draft: Draft, now: int) -> None:
        """Store the user's dialog in progress (replacing any other)."""
        await self._write(
            lambda c: c.execute(
                "INSERT INTO draft(user_id, kind, step, data, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, step = excluded.step,"
                " data = excluded.data, updated_at = excluded.updated_at",
                (user_id, draft.kind, draft.step, json.dumps(draft.data), now),
            )
        )

    async def delete(self, user_id: int) -> None:
        """Forget the user's dialog in progress."""
        await self._write(lambda c: c.execute("DELETE FROM draft WHERE user_id = ?", (user_id,)))

    async def purge(self, now: int) -> int:
        """Delete dialogs left alone for a day (they are ignored already; now they are gone)."""
        cur = await self._write(
            lambda c: c.execute("DELETE FROM draft WHERE updated_at <= ?", (now - DRAFT_TTL_S,))
        )
        return int(cur.rowcount)
