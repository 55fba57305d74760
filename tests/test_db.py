"""Storage: file safety, migrations, and capacity that holds under concurrency."""

import asyncio
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.reminders import ReminderPolicy
from bot.store import DatabaseError, Store
from bot.store.activities import NewActivity
from bot.store.signups import CancelOutcome, JoinOutcome
from tests.conftest import NOW, local

PLAN = ReminderPolicy((86400, 7200), None, "Europe/Copenhagen")


async def open_db(tmp_path: Path) -> Store:
    return await Store.open(tmp_path / "state" / "bot.db")


async def test_database_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    store = await open_db(tmp_path)
    try:
        path = tmp_path / "state" / "bot.db"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        raw = sqlite3.connect(path)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] >= 1
        raw.close()
    finally:
        await store.close()


async def test_migrations_run_once(tmp_path: Path) -> None:
    store = await open_db(tmp_path)
    await store.centres.add("a", "A", "", "Europe/Copenhagen")
    await store.close()
    store = await open_db(tmp_path)
    try:
        assert [c.slug for c in await store.centres.all()] == ["a"]
    finally:
        await store.close()


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    await (await open_db(tmp_path)).close()
    raw = sqlite3.connect(tmp_path / "state" / "bot.db")
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(DatabaseError, match="newer vaerested-bot .*schema version 99"):
        await open_db(tmp_path)


async def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "state" / "bot.db"
    path.parent.mkdir()
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot use database"):
        await Store.open(path)


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = await open_db(tmp_path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            await store.activities.add([NewActivity(centre_id=999, title="X", starts_at=NOW)], NOW)
    finally:
        await store.close()


async def test_thirty_concurrent_joins_fill_five_seats_and_queue_the_rest(tmp_path: Path) -> None:
    store = await open_db(tmp_path)
    try:
        centre = await store.centres.add("a", "A", "", "Europe/Copenhagen")
        (aid,) = await store.activities.add(
            [NewActivity(centre.id, "Tur", local(2026, 12, 5, 10), capacity=5)], NOW
        )
        for uid in range(1, 31):
            await store.people.touch(uid, f"u{uid}", "da", NOW)
        results = await asyncio.gather(
            *(store.signups.join(aid, uid, NOW, PLAN) for uid in range(1, 31))
        )
        outcomes = [r.outcome for r in results]
        assert outcomes.count(JoinOutcome.CONFIRMED) == 5
        assert outcomes.count(JoinOutcome.WAITLISTED) == 25
        assert sorted(r.position for r in results if r.position) == list(range(1, 26))
        view = await store.signups.view(aid, 1)
        assert view is not None and (view.confirmed, view.waitlisted) == (5, 25)

        confirmed = [uid for uid, r in zip(range(1, 31), results) if r.position == 0]
        first_waiting = next(uid for uid, r in zip(range(1, 31), results) if r.position == 1)
        cancel = await store.signups.cancel(aid, confirmed[0], NOW + 60, PLAN)
        assert cancel.outcome is CancelOutcome.CANCELLED
        assert [p.user_id for p in cancel.promoted] == [first_waiting]
        view = await store.signups.view(aid, first_waiting)
        assert view is not None and (view.confirmed, view.waitlisted) == (5, 24)
    finally:
        await store.close()


async def test_rejoining_after_cancelling_goes_to_the_back_of_the_queue(tmp_path: Path) -> None:
    store = await open_db(tmp_path)
    try:
        (aid,) = await store.activities.add(
            [NewActivity(None, "Tur", local(2026, 12, 5, 10), capacity=1)], NOW
        )
        for uid in (1, 2, 3):
            await store.people.touch(uid, "u", "da", NOW)
            await store.signups.join(aid, uid, NOW, PLAN)
        assert (await store.signups.cancel(aid, 2, NOW + 60, PLAN)).promoted == ()
        assert (await store.signups.join(aid, 2, NOW + 60, PLAN)).position == 2
    finally:
        await store.close()
