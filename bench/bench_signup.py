"""Sign-up taps through the whole bot against the fake Bot API, beside a bare PTB handler.

Prints one `name value unit` line per figure. `--quick` runs in a few seconds.
Both sides use the same fake, the same PTB request layer and the same concurrency, so the
ratio shows what our dialogs, SQLite and rendering cost on top of python-telegram-bot itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.app import build_application
from bot.callbacks import Action, Route, encode
from bot.clock import FixedClock
from bot.config import load_config
from bot.fake_telegram import TOKEN, FakeMessage, FakeTelegram, FakeUser
from bot.store.activities import NewActivity

NOW = 1_795_000_000  # a fixed "now"; activities start a week later
BARE_KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("✅ Tilmeld mig", callback_data="tap:join")],
        [InlineKeyboardButton("⬅️ Tilbage til listen", callback_data="tap:back")],
    ]
)


async def drive(
    users: list[FakeUser], taps_per_user: int, data_for: Callable[[int, int], str]
) -> tuple[float, list[float]]:
    """Every user taps in their own chat, one tap after the other; chats run in parallel."""
    latencies: list[float] = []

    async def one_user(index: int, user: FakeUser) -> None:
        message = user.bot_messages()[-1]
        for n in range(taps_per_user):
            start = time.perf_counter()
            await user.tap_data(data_for(index, n), message)
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(one_user(i, u) for i, u in enumerate(users)))
    return time.perf_counter() - began, latencies


async def bench_bot(n_users: int, taps: int, folder: Path) -> tuple[float, list[float]]:
    config_path = folder / "config.toml"
    config_path.write_text(f'[telegram]\ntoken = "{TOKEN}"\n[database]\npath = "b.db"\n')
    config = load_config(config_path)
    fake = FakeTelegram()
    app = build_application(
        config, request=fake.request(), get_updates_request=fake.request(), clock=FixedClock(NOW)
    )
    fake.attach(app)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    try:
        app.bot_data["services"].flood.limit = 10**9  # a benchmark taps faster than a person
        store = app.bot_data["services"].store
        centre = await store.centres.add("bench", "Bench", "", config.bot.timezone)
        activities = await store.activities.add(
            [
                NewActivity(centre.id, f"A{i}", NOW + 7 * 86400, capacity=n_users // 2)
                for i in range(4)
            ],
            NOW,
        )
        users = [fake.user(10_000 + i, f"U{i}") for i in range(n_users)]
        for user in users:
            await store.people.touch(user.id, user.first_name, "da", NOW)
            await store.people.join_centre(user.id, centre.id, NOW)
            card = encode(Route.ACTIVITY, Action.SHOW, activities[0], 0)
            await user.tap_data(card, seed_message(fake, user))

        def data_for(index: int, n: int) -> str:
            # Join, then leave, the same activity: every tap is a real write and a re-render.
            action = Action.JOIN if n % 2 == 0 else Action.LEAVE
            return encode(Route.ACTIVITY, action, activities[(n // 2) % 4], 0)

        return await drive(users, taps, data_for)
    finally:
        await app.shutdown()
        await app.post_shutdown(app)  # type: ignore[misc]


def seed_message(fake: FakeTelegram, user: FakeUser) -> FakeMessage:
    """A bot message in the user's chat to tap on."""
    message = FakeMessage(user.id, 10**9 + user.id, "x", "x", None, True)
    fake.messages[user.id].append(message)
    return message


async def bench_bare(n_users: int, taps: int) -> tuple[float, list[float]]:
    """The least a PTB bot can do for a tap: answer it and edit the message.

    The edit carries a two-button keyboard, as our card does, so both sides send and parse
    the same shape of Telegram payload and the ratio measures our own work.
    """
    fake = FakeTelegram()
    app = (
        Application.builder()
        .token(TOKEN)
        .request(fake.request())
        .get_updates_request(fake.request())
        .concurrent_updates(256)
        .build()
    )
    counter = 0

    async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal counter
        counter += 1
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Tap {counter}", reply_markup=BARE_KEYBOARD)

    app.add_handler(CallbackQueryHandler(on_tap))
    fake.attach(app)
    await app.initialize()
    try:
        users = [fake.user(10_000 + i, f"U{i}") for i in range(n_users)]
        for user in users:
            seed_message(fake, user).reply_markup = BARE_KEYBOARD.to_dict()
        return await drive(users, taps, lambda i, n: f"tap:{n}")
    finally:
        await app.shutdown()


def report(name: str, elapsed: float, latencies: list[float]) -> float:
    rate = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    print(f"{name}_taps_per_s {rate:.0f} taps/s")
    print(f"{name}_p50_ms {p50:.2f} ms")
    print(f"{name}_p99_ms {p99:.2f} ms")
    return rate


async def main(quick: bool) -> None:
    n_users, taps = (50, 20) if quick else (200, 50)
    print(f"chats {n_users} chats")
    print(f"taps_per_chat {taps} taps")
    # Throughput: every chat taps as fast as it can (latency then is mostly queueing).
    bare = report("bare_ptb", *await bench_bare(n_users, taps))
    with tempfile.TemporaryDirectory() as folder:
        ours = report("signup", *await bench_bot(n_users, taps, Path(folder)))
    print(f"signup_vs_bare_ratio {ours / bare:.2f} x")
    # Latency: one person tapping, nothing else going on.
    single = 100 if quick else 400
    report("bare_ptb_one_chat", *await bench_bare(1, single))
    with tempfile.TemporaryDirectory() as folder:
        report("signup_one_chat", *await bench_bot(1, single, Path(folder)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    asyncio.run(main(parser.parse_args().quick))
