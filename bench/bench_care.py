"""Care signals (issue 14): who each centre has not seen lately, for every centre at once.

200 centres, 23,000 people (115 a centre, 40 % said yes to theirs), two activities a week at
each centre for a year, ~15 sign-ups an activity and ~65 % of them ticked present (about
500,000 rows). Prints `name value unit` lines: rows made, the time of `quiet_people` for all
centres (target ≤ 1 s), the slowest centre, and how many people are on the lists.
`--quick` runs a tenth of it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import CareConfig
from bot.store import Store

NOW = 1_795_000_000
DAY = 86400
WEEK = 7 * DAY


def seed(path: Path, centres: int, per_centre: int) -> int:
    """Bulk rows straight into the migrated file; returns how many sign-up and attendance rows."""
    rnd = random.Random(14)
    conn = sqlite3.connect(path)
    signups: list[tuple[int, int, int, int]] = []
    ticks: list[tuple[int, int]] = []
    with conn:
        conn.executemany(
            "INSERT INTO centre(id, slug, name, timezone) VALUES (?, ?, ?, 'Europe/Copenhagen')",
            [(c, f"c{c}", f"Centre {c}") for c in range(1, centres + 1)],
        )
        people = centres * per_centre
        conn.executemany(
            "INSERT INTO user(id, first_name, locale, created_at, last_seen_at)"
            " VALUES (?, 'U', 'da', ?, ?)",
            [(u, NOW - 400 * DAY, NOW) for u in range(1, people + 1)],
        )
        conn.executemany(
            "INSERT INTO care_consent(user_id, centre_id, given_at) VALUES (?, ?, ?)",
            [
                (u, (u - 1) // per_centre + 1, NOW - 300 * DAY)
                for u in range(1, people + 1)
                if rnd.random() < 0.4
            ],
        )
        # Each person comes with their own likelihood, and some stop at some point.
        keen = {u: rnd.random() ** 2 for u in range(1, people + 1)}
        stops = {
            u: NOW - rnd.randrange(0, 365) * DAY if rnd.random() < 0.3 else NOW + 1
            for u in range(1, people + 1)
        }
        activity_id = signup_id = 0
        activities = []
        for c in range(1, centres + 1):
            members = range((c - 1) * per_centre + 1, c * per_centre + 1)
            for week in range(52):
                for day in (1, 4):
                    activity_id += 1
                    starts = NOW - (52 - week) * WEEK + day * DAY
                    activities.append((activity_id, c, starts))
                    taken = starts < NOW - 2 * DAY or rnd.random() < 0.5
                    for u in members:
                        if starts < stops[u] and rnd.random() < keen[u] * 0.45:
                            signup_id += 1
                            signups.append((signup_id, activity_id, u, starts - DAY))
                            if taken and rnd.random() < 0.65:
                                ticks.append((activity_id, signup_id))
        conn.executemany(
            "INSERT INTO activity(id, centre_id, title, starts_at, updated_at)"
            " VALUES (?, ?, 'Fællesspisning', ?, 0)",
            activities,
        )
        conn.executemany(
            "INSERT INTO signup(id, activity_id, user_id, status, queue_seq, created_at,"
            " updated_at) VALUES (?, ?, ?, 'confirmed', 1, ?, 0)",
            signups,
        )
        conn.executemany(
            "INSERT INTO attendance(activity_id, signup_id, marked_by, marked_at)"
            " VALUES (?, ?, 1, 0)",
            ticks,
        )
    conn.execute("ANALYZE")
    conn.close()
    return len(signups) + len(ticks)


async def run(quick: bool) -> None:
    centres = 20 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = await Store.open(path)
        await store.close()
        rows = seed(path, centres, 115)
        print(f"care_rows {rows} rows")
        store = await Store.open(path)
        try:
            rules = CareConfig()
            await store.care.quiet_people(1, NOW, rules)  # warm the page cache
            listed, slowest = 0, 0.0
            start = time.perf_counter()
            for c in range(1, centres + 1):
                t = time.perf_counter()
                listed += len(await store.care.quiet_people(c, NOW, rules))
                slowest = max(slowest, time.perf_counter() - t)
            total = time.perf_counter() - start
            print(f"care_all_centres_total {total * 1000:.0f} ms")
            print(f"care_slowest_centre {slowest * 1000:.1f} ms")
            print(f"care_people_listed {listed} people")
            t = time.perf_counter()
            counts = await store.care.quiet_counts(NOW, rules)
            print(f"care_national_counts {(time.perf_counter() - t) * 1000:.0f} ms")
            assert sum(counts.values()) == listed
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    asyncio.run(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
