"""Wiring: a self-hosted Bot API address is honoured, and the token never reaches the logs."""

import asyncio
import logging
from pathlib import Path

import pytest

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import load_config
from bot.fake_telegram import TOKEN, FakeTelegram
from tests.conftest import NOW, Harness, write_config


async def test_a_self_hosted_bot_api_server_is_used(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    path.write_text(
        path.read_text().replace(
            "[telegram]\n",
            '[telegram]\nbase_url = "http://localhost:8081/bot"\n'
            'base_file_url = "http://localhost:8081/file/bot"\n',
        ),
        encoding="utf-8",
    )
    config = load_config(path)
    fake = FakeTelegram()
    app = build_application(
        config, request=fake.request(), get_updates_request=fake.request(), clock=FixedClock(NOW)
    )
    await app.initialize()
    try:
        assert app.bot.base_file_url == f"http://localhost:8081/file/bot{TOKEN}"
        assert fake.calls and all(
            c.url.startswith(f"http://localhost:8081/bot{TOKEN}/") for c in fake.calls
        )
    finally:
        await app.shutdown()


async def test_the_token_never_appears_in_the_logs(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot.centre()
    jens = bot.user(1)
    await jens.send("/start")
    await jens.tap("Café Parasollen")
    assert caplog.records, "something was logged"
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]


async def test_long_polling_asks_for_exactly_the_updates_the_bot_handles(tmp_path: Path) -> None:
    from bot.app import ALLOWED_UPDATES

    config = load_config(write_config(tmp_path))
    fake = FakeTelegram()  # not attached: updates wait for getUpdates, as on Telegram
    app = build_application(
        config, request=fake.request(), get_updates_request=fake.request(), clock=FixedClock(NOW)
    )
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    assert app.updater is not None
    await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=1, poll_interval=0)
    await app.start()
    try:
        jens = fake.user(1, "Jens")
        await jens.send("/start")
        for _ in range(200):
            if jens.bot_messages():
                break
            await asyncio.sleep(0.01)
        assert jens.texts()[0].startswith("Hej Jens!")
        polls = fake.calls_of("getUpdates")
        assert polls and polls[-1].params["allowed_updates"] == [
            "message",
            "callback_query",
            "my_chat_member",
        ]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)  # type: ignore[misc]
