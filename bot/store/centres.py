"""Centres: the væresteder, found by link name or by a typed part of name or town."""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass

from bot.store.database import Domain, DuplicateError


@dataclass(frozen=True)
class Centre:
    id: int
    slug: str
    name: str
    city: str
    timezone: str


def _centre(row: sqlite3.Row) -> Centre:
    return Centre(**{name: row[name] for name in Centre.__dataclass_fields__})


def fold(text: str) -> str:
    """Text made comparable for a search: case and accents gone, and the Danish letters the way
    people write them without a Danish keyboard ("kobenhavn", "koebenhavn", "aarhus", "arhus"
    all find København or Århus)."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = "".join(
        ch if ch.isalnum() else " "
        for ch in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(ch)
    )
    return " ".join(text.replace("aa", "a").replace("oe", "o").split())


class Centres(Domain):
    async def add(self, slug: str, name: str, city: str, timezone: str) -> Centre:
        """Create a centre; raise DuplicateError if the slug is taken."""
        try:
            cur = await self._write(
                lambda c: c.execute(
                    "INSERT INTO centre(slug, name, city, timezone) VALUES (?, ?, ?, ?)",
                    (slug, name, city, timezone),
                )
            )
        except sqlite3.IntegrityError:
            raise DuplicateError(slug) from None
        return Centre(int(cur.lastrowid or 0), slug, name, city, timezone)

    async def add_many(self, rows: list[tuple[str, str, str, str]]) -> list[Centre]:
        """Create centres from (slug, name, city, timezone) all together or not at all; raise
        DuplicateError (with the slug) if a slug is taken."""

        def work(c: sqlite3.Connection) -> list[Centre]:
            added = []
            for slug, name, city, timezone in rows:
                try:
                    cur = c.execute(
                        "INSERT INTO centre(slug, name, city, timezone) VALUES (?, ?, ?, ?)",
                        (slug, name, city, timezone),
                    )
                except sqlite3.IntegrityError:
                    raise DuplicateError(slug) from None
                added.append(Centre(int(cur.lastrowid or 0), slug, name, city, timezone))
            return added

        return await self._write(work)

    async def get(self, centre_id: int) -> Centre | None:
        """The centre with that id, or None."""
        row = await self._one("SELECT * FROM centre WHERE id = ?", (centre_id,))
        return None if row is None else _centre(row)

    async def by_slug(self, slug: str) -> Centre | None:
        """The centre with that slug, or None."""
        row = await self._one("SELECT * FROM centre WHERE slug = ?", (slug,))
        return None if row is None else _centre(row)

    async def all(self, offset: int = 0, limit: int = -1) -> list[Centre]:
        """Centres in alphabetical order of name."""
        rows = await self._all(
            "SELECT * FROM centre ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_centre(r) for r in rows]

    async def search(self, text: str) -> list[Centre]:
        """Centres whose name, town or link name holds every word of `text` (as `fold` reads
        them: "reden", "odense", "kobenhavn"), alphabetically; none for an empty text."""
        words = fold(text).split()
        if not words:
            return []
        found = []
        for centre in await self.all():
            haystack = fold(f"{centre.name} {centre.city} {centre.slug}")
            if all(word in haystack for word in words):
                found.append(centre)
        return found
