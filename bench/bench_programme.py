"""A full weekly programme: 200 centres × 10 weekly series (issue 13).

Measures, at the storage level: making the 8-week window of all series at once (16,000 dates),
the daily job that moves the window on by a day, and the query behind 📅 Aktiviteter for a
person of 3 centres with those 16,000 future dates in the database (its p50 and p99).
Then through the whole bot (the app against the in-process fake Bot API): the time from
"/aktiviteter" to the answer for that person with the 16,000 series dates, beside the same with
only one-off activities, as before series (2,000 over 60 days at 200 centres), and their ratio.
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

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import load_config
from bot.fake_telegram import TOKEN, FakeTelegram
from bot.store import Store
from bot.store.activities import NewActivity
from bot.store.series import NewSeries
from dialogs.browse import PAGE_SIZE

NOW = int(datetime(2026, 11, 23, tzinfo=ZoneInfo("Europe/Copenhagen")).timestamp())  # a Monday
DAY = 86400
WEEKS = 8
PERSON = 1


def weekly(centres: int) -> list[NewSeries]:
    """Ten weekly series at each centre: each centre has a series or two every day."""
    first = date(2026, 11, 23)  # today
    return [
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


def one_offs(centres: int) -> list[NewActivity]:
    """As before series: 10 one-off activities a centre, spread over the next 60 days."""
    count = 10 * centres
    return [
        NewActivity(
            1 + a % centres, f"Aktivitet {a}", NOW + 3600 + (a * 60 * DAY) // count, capacity=20
        )
        for a in range(1, count + 1)
    ]


async def whole_bot(centres: int, series: bool, runs: int) -> list[float]:
    """Seconds from "/aktiviteter" to the answer, through the whole bot, for the person."""
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "config.toml"
        config_path.write_text(f'[telegram]\ntoken = "{TOKEN}"\n[database]\npath = "w.db"\n')
        config = load_config(config_path)
        fake = FakeTelegram()
        app = build_application(
            config,
            request=fake.request(),
            get_updates_request=fake.request(),
            clock=FixedClock(NOW + DAY),
            background=False,
        )
        fake.attach(app)
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        services = app.bot_data["services"]
        services.flood.limit = 10**9  # a benchmark asks faster than a person
        try:
            store = services.store
            await store.centres.add_many(
                [(f"c{i}", f"Centre {i}", "", "Europe/Copenhagen") for i in range(1, centres + 1)]
            )
            await store.people.touch(PERSON, "U", "da", NOW)
            for centre_id in (1, centres // 2, centres):
                await store.people.join_centre(PERSON, centre_id, NOW)
            if series:
                await store.series.create_many(weekly(centres), NOW, WEEKS)
            else:
                await store.activities.add(one_offs(centres), NOW)
            person = fake.user(PERSON, "U")
            await person.send("/aktiviteter")  # warm up
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                await person.send("/aktiviteter")
                samples.append(time.perf_counter() - start)
            shown = [b for b, _ in person.last_message().buttons() if "Aktivitet" in b]
            assert len(shown) == PAGE_SIZE, person.last_message().buttons()
            return samples
        finally:
            await app.shutdown()
            await app.post_shutdown(app)  # type: ignore[misc]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in ms."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


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
            start = time.perf_counter()
            made = await store.series.create_many(weekly(centres), NOW, WEEKS)
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
    runs = 200 if scale < 1 else 1000
    series_p50, series_p99 = percentiles(await whole_bot(centres, True, runs))
    today_p50, today_p99 = percentiles(await whole_bot(centres, False, runs))
    print(f"activities_bot_series_p50 {series_p50:.2f} ms")
    print(f"activities_bot_series_p99 {series_p99:.2f} ms")
    print(f"activities_bot_one_offs_p50 {today_p50:.2f} ms")
    print(f"activities_bot_one_offs_p99 {today_p99:.2f} ms")
    print(f"activities_bot_series_vs_one_offs_p50 {series_p50 / today_p50:.2f} x")
    print(f"activities_bot_series_vs_one_offs_p99 {series_p99 / today_p99:.2f} x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the centres")
    asyncio.run(main(0.1 if parser.parse_args().quick else 1.0))
