"""Wiring: a self-hosted Bot API address is honoured, and the token never reaches the logs."""

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
    path.write_text(path.read_text().replace(
        "[telegram]\n", '[telegram]\nbase_url = "http://localhost:8081/bot"\n'
        'base_file_url = "http://localhost:8081/file/bot"\n'), encoding="utf-8")
    config = load_config(path)
    fake = FakeTelegram()
    app = build_application(config, request=fake.request(), get_updates_request=fake.request(),
                            clock=FixedClock(NOW))
    await app.initialize()
    try:
        assert app.bot.base_file_url == f"http://localhost:8081/file/bot{TOKEN}"
        assert fake.calls and all(
            c.url.startswith(f"http://localhost:8081/bot{TOKEN}/") for c in fake.calls)
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
