"""`vaerested-bot try`: the real bot, in the terminal, before anyone creates a bot with BotFather.

It runs the whole application against the in-process fake Telegram with demo data in a
temporary database. The bot's messages are printed with numbered buttons; type a number to
tap, or any text to send it. The terminal is English-only tooling around a Danish bot.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bot.demo import add_demo_data
from bot.fake_telegram import TOKEN, FakeMessage, FakeTelegram, FakeUser

FAKE_URL = "http://fake-telegram.invalid/bot"  # `.invalid` never resolves (RFC 2606)

INTRO = (
    "vaerested-bot try: you are a user of the demo centre. Type a number to tap that button,\n"
    "or type text to send it (/start, /hjaelp, …). Type q to quit.\n"
)


def _show(person: FakeUser, seen: int) -> tuple[int, list[tuple[str, str | None]]]:
    """Print what the bot sent or changed since `seen`; return the new mark and the options."""
    touched: list[FakeMessage] = person.fake.touched.get(person.id, [])
    for message in touched[seen:]:
        kind = f"[{message.kind}] " if message.kind != "text" else ""
        print("\n" + "─" * 60 + f"\n{kind}{message.text}")
    options: list[tuple[str, str | None]] = []
    with_buttons = [m for m in person.bot_messages() if m.buttons()]
    if with_buttons:
        options += [(label, data) for label, data in with_buttons[-1].buttons()]
    options += [(label, None) for label in person.menu()]
    for number, (label, data) in enumerate(options, start=1):
        where = "" if data is not None else "  (menu)"
        print(f"  [{number}] {label}{where}")
    return len(touched), options


async def run() -> None:
    from bot.app import build_application
    from bot.config import TelegramConfig, load_config

    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "config.toml"
        config_path.write_text('[database]\npath = "try.db"\n')
        # Never the person's real token or Bot API (VAERESTED_BOT_TOKEN, config files): the
        # fake's own token, at an address that cannot resolve, reached only in-process.
        config = replace(
            load_config(config_path, require_token=False),
            telegram=TelegramConfig(TOKEN, FAKE_URL, FAKE_URL.replace("/bot", "/file/bot")),
        )
        fake = FakeTelegram()
        app = build_application(config, request=fake.request(), get_updates_request=fake.request())
        fake.attach(app)
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        await app.start()
        try:
            services = app.bot_data["services"]
            await add_demo_data(config, services.store)
            person = fake.user(1, "Dig")
            print(INTRO)
            await person.send("/start c-demo")
            seen, options = _show(person, 0)
            loop = asyncio.get_running_loop()
            while True:
                print("> ", end="", flush=True)
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line or line.strip().lower() in ("q", "quit", "exit"):
                    break
                text = line.strip()
                if not text:
                    continue
                if text.isdigit() and 1 <= int(text) <= len(options):
                    label, data = options[int(text) - 1]
                    if data is None:
                        await person.press(label)
                    else:
                        with_buttons = [m for m in person.bot_messages() if m.buttons()]
                        await person.tap_data(data, with_buttons[-1])
                else:
                    await person.send(text)
                await asyncio.sleep(0.05)  # let a notice or reminder go out
                seen, options = _show(person, seen)
        finally:
            await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)  # type: ignore[misc]
