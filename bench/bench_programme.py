"""A full weekly programme: 200 centres × 10 weekly series (issue 13).

Measures, at the storage level: making the 8-week window of all series at once (16,000 dates),
the daily job that moves the window on by a day, and the query behind 📅 Aktiviteter for a
person of 3 centres with those 16,000 future dates in the database (its p50 and p99).
Prints `name value unit` lines. `--quick` uses a tenth of the centres.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store import Store
from bot.store.series import NewSeries
from dialogs.browse import PAGE_SIZE

NOW = int(datetime(2026, 11, 23, tzinfo=ZoneInfo("Europe/Copenhagen")).timestamp())  # a Monday
DAY = 86400
WEEKS = 8
PERSON = 1


def seed_people(path: Path, centres: int) -> None:
    """One person, member of 3 centres."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO user(id, first_name, locale, created_at, last_seen_at)"
            " VALUES (?, 'U', 'da', ?, ?)",
            (PERSON, NOW, NOW),
        )
        conn.executemany(
            "INSERT INTO membership(user_id, centre_id, joined_at) VALUES (?, ?, ?)",
            [(PERSON, c, NOW) for c in (1, centres // 2, centres)],
        )
    conn.close()


async def main(scale: float) -> None:
    centres = int(200 * scale)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.db"
        store = await Store.open(path)
        try:
            await store.centres.add_many(
                [(f"c{i}", f"Centre {i}", "", "Europe/Copenhagen") for i in range(1, centres + 1)]
            )
            seed_people(path, centres)
            first = date(2026, 11, 23)  # today: each centre has a series or two every day
            news = [
                NewSeries(
                    centre_id=c,
                    title=f"Aktivitet {n}",
                    first_date=first + timedelta(days=n % 7),
                    local_time=f"{9 + n}:30",
                    place="Salen",
                    capacity=20,
                )
                for c in range(1, centres + 1)
                for n in range(10)
            ]
            start = time.perf_counter()
            made = await store.series.create_many(news, NOW, WEEKS)
            took = time.perf_counter() - start
            dates = sum(len(ids) for _, ids in made)
            print(f"series_dates_made {dates} dates")
            print(f"series_window_create {took * 1000:.0f} ms")

            start = time.perf_counter()
            added = await store.series.extend(NOW + DAY, WEEKS)
            took = time.perf_counter() - start
            print(f"series_daily_extend_dates {added} dates")
            print(f"series_daily_extend {took * 1000:.1f} ms")
            start = time.perf_counter()
            await store.series.extend(NOW + DAY, WEEKS)
            took = time.perf_counter() - start
            print(f"series_daily_extend_again {took * 1000:.1f} ms")

            samples = []
            for _ in range(200 if scale < 1 else 1000):
                start = time.perf_counter()
                rows = await store.signups.upcoming_for(PERSON, NOW + DAY, 0, PAGE_SIZE + 1)
                samples.append(time.perf_counter() - start)
            assert len(rows) == PAGE_SIZE + 1
            samples.sort()
            p99 = samples[int(len(samples) * 0.99) - 1]
            print(f"activities_list_query_p50 {statistics.median(samples) * 1000:.2f} ms")
            print(f"activities_list_query_p99 {p99 * 1000:.2f} ms")
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the centres")
    asyncio.run(main(0.1 if parser.parse_args().quick else 1.0))
