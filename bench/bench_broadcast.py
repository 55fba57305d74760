"""An announcement to 5,000 people against a fake Bot API that answers 429 (retry_after 1) to
anything beyond the limit in a second; beside python-telegram-bot's own AIORateLimiter driving
the same fake in a plain loop, in the same run.

Prints `name value unit` lines. `--quick` sends to 1,000.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import load_config
from bot.fake_telegram import TOKEN, FakeTelegram

NOW = 1_795_000_000


def report(name: str, fake: FakeTelegram, recipients: int, elapsed: float, limit: float) -> None:
    got = Counter(m.chat_id for m in fake.messages_from_bot())
    print(f"{name}_seconds {elapsed:.1f} s")
    print(f"{name}_rate {len(fake.sent_times) / elapsed:.1f} msg/s")
    print(f"{name}_efficiency {len(fake.sent_times) / elapsed / limit:.3f} x")
    print(f"{name}_429s {fake.too_many} count")
    print(f"{name}_duplicates {sum(n - 1 for n in got.values())} messages")
    print(f"{name}_losses {recipients - len(got)} recipients")


async def ours(recipients: int, limit: float, folder: Path) -> None:
    path = folder / "config.toml"
    path.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\n[database]\npath = "b.db"\n'
        f"[broadcast]\nrate_per_second = {limit}\n"
    )
    config = load_config(path)
    fake = FakeTelegram(rate_limit=limit)
    app = build_application(
        config,
        request=fake.request(),
        get_updates_request=fake.request(),
        clock=FixedClock(NOW),
        background=False,
    )
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    services = app.bot_data["services"]
    store = services.store
    try:
        centre = await store.centres.add("bench", "Bench", "", config.bot.timezone)
        conn = sqlite3.connect(config.database.path)
        with conn:
            conn.executemany(
                "INSERT INTO user(id, first_name, locale, created_at, last_seen_at)"
                " VALUES (?, 'U', 'da', ?, ?)",
                [(u, NOW, NOW) for u in range(1, recipients + 1)],
            )
            conn.executemany(
                "INSERT INTO membership(user_id, centre_id, joined_at) VALUES (?, ?, ?)",
                [(u, centre.id, NOW) for u in range(1, recipients + 1)],
            )
        conn.close()
        for uid in range(1, recipients + 1):
            fake.chats[uid] = {"id": uid, "type": "private", "first_name": "U"}
        broadcast_id, count = await store.broadcasts.create(
            0, "centre", centre.id, None, "Bussen kører kl. 9, ikke kl. 10.", None, NOW
        )
        assert count == recipients
        started = time.perf_counter()
        await services.dispatcher.run_due()
        elapsed = time.perf_counter() - started
        status = await store.broadcasts.status(broadcast_id)
        print(f"ours_report_sent {status.counts.get('sent', 0)} recipients")
        report("ours", fake, recipients, elapsed, limit)
    finally:
        await app.shutdown()
        await app.post_shutdown(app)  # type: ignore[misc]


async def ptb_rate_limiter(recipients: int, limit: float) -> None:
    fake = FakeTelegram(rate_limit=limit)
    for uid in range(1, recipients + 1):
        fake.chats[uid] = {"id": uid, "type": "private", "first_name": "U"}
    app = (
        Application.builder()
        .token(TOKEN)
        .request(fake.request())
        .get_updates_request(fake.request())
        .rate_limiter(AIORateLimiter(overall_max_rate=limit, overall_time_period=1, max_retries=5))
        .build()
    )
    await app.initialize()
    errors = 0
    try:
        started = time.perf_counter()
        for uid in range(1, recipients + 1):
            try:
                await app.bot.send_message(uid, "Bussen kører kl. 9, ikke kl. 10.")
            except TelegramError:
                errors += 1
        elapsed = time.perf_counter() - started
        print(f"ptb_limiter_errors {errors} count")
        report("ptb_limiter", fake, recipients, elapsed, limit)
    finally:
        await app.shutdown()


async def main(recipients: int, limit: float) -> None:
    print(f"recipients {recipients} people")
    print(f"rate_limit {limit:.0f} msg/s")
    with tempfile.TemporaryDirectory() as folder:
        await ours(recipients, limit, Path(folder))
    await ptb_rate_limiter(recipients, limit)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 recipients")
    parser.add_argument("--limit", type=float, default=300, help="the fake's messages/s")
    args = parser.parse_args()
    asyncio.run(main(1_000 if args.quick else 5_000, args.limit))
