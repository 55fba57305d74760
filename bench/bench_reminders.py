"""Reminder dispatch against a fake Bot API that enforces a rate limit with 429s.

Prints `name value unit` lines: lateness p50/p99 of N reminders all due at once, the achieved
rate as a fraction of the limit, 429s received, duplicates and losses; then the cost of finding
due rows among 70,000 pending. `--quick` runs a tenth of it.
"""

from __future__ import annotations

import argparse
import asyncio
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
from bot.store.activities import NewActivity

NOW = 1_795_000_000
H = 3600


def seed(
    path: Path, first: int, users: int, n_due: int, soon: int, later: list[int], n_pending: int
) -> None:
    """Bulk rows for users first+1…users: sign-ups and their pending reminders."""
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO user(id, first_name, locale, created_at, last_seen_at)"
            " VALUES (?, 'U', 'da', ?, ?)",
            [(uid, NOW, NOW) for uid in range(first + 1, users + 1)],
        )
        signups = [(soon, uid, 1) for uid in range(first + 1, n_due + 1)]
        signups += [(a, uid, 2 + i) for i, a in enumerate(later) for uid in range(1, users + 1)][
            :n_pending
        ]
        conn.executemany(
            "INSERT INTO signup(activity_id, user_id, status, queue_seq, created_at, updated_at)"
            " VALUES (?, ?, 'confirmed', ?, ?, ?)",
            [(a, uid, seq, NOW, NOW) for a, uid, seq in signups],
        )
        conn.execute(
            "INSERT INTO notification(signup_id, kind, offset_s, due_at, created_at)"
            " SELECT s.id, 'reminder', 3600, a.starts_at - 3600, ? FROM signup s"
            " JOIN activity a ON a.id = s.activity_id"
            " WHERE NOT EXISTS (SELECT 1 FROM notification n WHERE n.signup_id = s.id)",
            (NOW,),
        )
    conn.close()


async def run(n_due: int, n_pending: int, limit: float, folder: Path) -> None:
    path = folder / "config.toml"
    path.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\n[database]\npath = "r.db"\n'
        f'[reminders]\nbefore = ["1h"]\nquiet_hours = ""\n'
        f"[broadcast]\nrate_per_second = {limit}\n"
    )
    config = load_config(path)
    fake = FakeTelegram(rate_limit=limit)
    clock = FixedClock(NOW)
    app = build_application(
        config,
        request=fake.request(),
        get_updates_request=fake.request(),
        clock=clock,
        background=False,
    )
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    services = app.bot_data["services"]
    store, planner = services.store, services.planner
    try:
        soon, *later = await store.activities.add(
            [NewActivity(None, "Soon", NOW + 2 * H, capacity=None)]
            + [NewActivity(None, f"Later {i}", NOW + (10 + i) * H) for i in range(4)],
            NOW,
        )
        users = max(n_due, n_pending // len(later))
        t = time.perf_counter()
        # A sample through the real sign-up path (reminders planned in the same transaction)...
        sample = 200
        for uid in range(1, sample + 1):
            await store.people.touch(uid, "U", "da", NOW)
            await store.signups.join(soon, uid, NOW, planner)
        # ...and the rest seeded in bulk, the same rows the sign-ups write.
        seed(config.database.path, sample, users, n_due, soon, later, n_pending)
        for uid in range(1, users + 1):
            fake.chats[uid] = {"id": uid, "type": "private", "first_name": "U"}
        print(f"setup_s {time.perf_counter() - t:.1f} s")
        print(f"reminders_due {n_due} reminders")
        print(f"reminders_pending_later {await store.notifications.count('pending') - n_due} rows")

        clock.advance(H)  # every "Soon" reminder is now due, at the same instant
        started = time.perf_counter()
        await services.dispatcher.run_due()
        elapsed = time.perf_counter() - started
        sent_at = sorted(fake.sent_times)
        lateness = [t - started for t in sent_at]
        per_chat = {}
        for call in fake.calls_of("sendMessage"):
            per_chat[call.params["chat_id"]] = per_chat.get(call.params["chat_id"], 0) + 1
        delivered = [m for msgs in fake.messages.values() for m in msgs if m.from_bot]
        print(f"lateness_p50 {statistics.median(lateness):.2f} s")
        print(f"lateness_p99 {statistics.quantiles(lateness, n=100)[98]:.2f} s")
        print(f"achieved_rate {len(delivered) / elapsed:.1f} msg/s")
        print(f"rate_limit {limit:.0f} msg/s")
        print(f"efficiency {len(delivered) / elapsed / limit:.3f} x")
        print(f"responses_429 {fake.too_many} count")
        recipients = {m.chat_id for m in delivered}
        print(f"duplicates {len(delivered) - len(recipients)} messages")
        print(f"losses {n_due - len(recipients)} reminders")

        # The cost of finding due rows when none are due, among the pending ones.
        loops = 200
        t = time.perf_counter()
        for _ in range(loops):
            await store.notifications.claim(clock.now())
            await store.notifications.skip_unwanted(clock.now())
        print(f"find_due_ms {(time.perf_counter() - t) / loops * 1000:.2f} ms")
        t = time.perf_counter()
        for _ in range(loops):
            await store.notifications.next_due()
        print(f"next_due_ms {(time.perf_counter() - t) / loops * 1000:.2f} ms")
    finally:
        await app.shutdown()
        await app.post_shutdown(app)  # type: ignore[misc]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the work")
    parser.add_argument("--limit", type=float, default=300, help="the fake's messages/s")
    args = parser.parse_args()
    n_due, n_pending = (2_000, 7_000) if args.quick else (20_000, 70_000)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(n_due, n_pending, args.limit, Path(folder)))
