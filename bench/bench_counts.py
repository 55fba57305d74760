"""/tal for a national coordinator: 200 centres, 2,000 activities, 70,000 sign-ups.

Prints `name value unit` lines: the time from the command to the answer through the whole bot
(fake Bot API included), and the time of the query behind it. `--quick` uses a tenth.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import load_config
from bot.fake_telegram import TOKEN, FakeTelegram
from bot.store.roles import RoleName

NOW = 1_795_000_000
DAY = 86400


def seed(path: Path, centres: int, activities: int, signups: int, users: int) -> None:
    """Bulk rows, as the sign-up path would write them (spread over the next 60 days)."""
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO centre(id, slug, name, timezone) VALUES (?, ?, ?, 'Europe/Copenhagen')",
            [(i, f"c{i}", f"Centre {i:03d}") for i in range(1, centres + 1)],
        )
        conn.executemany(
            "INSERT INTO user(id, first_name, locale, created_at, last_seen_at)"
            " VALUES (?, 'U', 'da', ?, ?)",
            [(u, NOW, NOW) for u in range(1, users + 1)],
        )
        conn.executemany(
            "INSERT INTO membership(user_id, centre_id, joined_at) VALUES (?, ?, ?)",
            [(u, 1 + u % centres, NOW) for u in range(1, users + 1)],
        )
        conn.executemany(
            "INSERT INTO activity(id, centre_id, title, starts_at, capacity, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    a,
                    1 + a % centres,
                    f"Aktivitet {a}",
                    NOW + 3600 + (a * 60 * DAY) // activities,
                    rng.choice((None, 20, 40, 60)),
                    NOW,
                )
                for a in range(1, activities + 1)
            ],
        )
        pairs = set()
        while len(pairs) < signups:
            pairs.add((rng.randint(1, activities), rng.randint(1, users)))
        conn.executemany(
            "INSERT INTO signup(activity_id, user_id, status, queue_seq, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (a, u, rng.choice(("confirmed",) * 8 + ("waitlisted", "cancelled")), i, NOW, NOW)
                for i, (a, u) in enumerate(sorted(pairs))
            ],
        )
    conn.close()


async def main(scale: float) -> None:
    centres, activities = int(200 * scale), int(2000 * scale)
    signups, users = int(70_000 * scale), int(23_000 * scale)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(f'[telegram]\ntoken = "{TOKEN}"\n[database]\npath = "c.db"\n')
        config = load_config(path)
        fake = FakeTelegram()
        app = build_application(
            config,
            request=fake.request(),
            get_updates_request=fake.request(),
            clock=FixedClock(NOW),
            background=False,
        )
        fake.attach(app)
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        store = app.bot_data["services"].store
        app.bot_data["services"].flood.limit = 10**9  # a benchmark asks faster than a person
        try:
            seed(config.database.path, centres, activities, signups, users)
            print(f"centres {centres} count")
            print(f"activities {activities} count")
            print(f"signups {signups} count")
            await store.roles.grant(999_999, RoleName.COORDINATOR, None, NOW)
            soren = fake.user(999_999, "Søren")
            await soren.send("/start")
            latencies, queries = [], []
            for _ in range(50):
                t = time.perf_counter()
                await soren.send("/tal")
                latencies.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                await store.counts.upcoming(None, NOW, NOW + 15 * DAY, 0, 9)
                queries.append((time.perf_counter() - t) * 1000)
            assert soren.last_text().startswith("Tilmeldinger – i dag og de næste 14 dage")
            print(f"tal_answer_p50_ms {statistics.median(latencies):.1f} ms")
            print(f"tal_answer_max_ms {max(latencies):.1f} ms")
            print(f"tal_query_p50_ms {statistics.median(queries):.1f} ms")
            t = time.perf_counter()
            await store.counts.summary(None, NOW - 30 * DAY, NOW + 60 * DAY)
            print(f"period_summary_ms {(time.perf_counter() - t) * 1000:.1f} ms")
        finally:
            await app.shutdown()
            await app.post_shutdown(app)  # type: ignore[misc]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    asyncio.run(main(0.1 if parser.parse_args().quick else 1.0))
