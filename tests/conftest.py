"""Test harness: the whole bot against the fake Telegram, a fresh SQLite file and a fixed clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Config, load_config
from bot.context import Services
from bot.fake_telegram import TOKEN, FakeTelegram, FakeUser
from bot.store import Store
from bot.store.activities import NewActivity
from bot.store.centres import Centre
from tests.cli_support import config  # noqa: F401 - the admin's config file, a fixture

CPH = ZoneInfo("Europe/Copenhagen")
# Saturday 28 November 2026, 10:00 in Copenhagen.
NOW = int(datetime(2026, 11, 28, 10, 0, tzinfo=CPH).timestamp())


# Quiet hours off unless a test turns them on; a high rate so pacing never slows a test.
CONFIG_EXTRA = '[reminders]\nquiet_hours = ""\n[broadcast]\nrate_per_second = 1000\n'


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    """A Copenhagen wall-clock time as epoch seconds."""
    return int(datetime(year, month, day, hour, minute, tzinfo=CPH).timestamp())


def write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\n[database]\npath = "bot.db"\n{extra}', encoding="utf-8"
    )
    return path


@dataclass
class Harness:
    app: object
    fake: FakeTelegram
    clock: FixedClock
    config: Config
    expect_errors: bool = False
    slept: list[float] = field(default_factory=list)

    @property
    def services(self) -> Services:
        services = self.app.bot_data["services"]  # type: ignore[attr-defined]
        assert isinstance(services, Services)
        return services

    async def start(self) -> None:
        """Start the bot as `run` does (without polling): database, menus, dispatcher."""
        self.app = build_application(
            self.config,
            request=self.fake.request(),
            get_updates_request=self.fake.request(),
            clock=self.clock,
            sleep=self.sleep,
            background=False,
        )
        self.fake.attach(self.app)  # type: ignore[arg-type]
        await self.app.initialize()  # type: ignore[attr-defined]
        await self.app.post_init(self.app)  # type: ignore[attr-defined]

    async def stop(self) -> None:
        await self.app.shutdown()  # type: ignore[attr-defined]
        await self.app.post_shutdown(self.app)  # type: ignore[attr-defined]

    async def restart(self) -> None:
        """Stop and start again on the same database, as after a crash or an update."""
        await self.stop()
        await self.start()

    async def sleep(self, seconds: float) -> None:
        """Pacing and retry waits: recorded, not waited (the clock is fixed anyway)."""
        self.slept.append(seconds)
        await asyncio.sleep(0)

    async def dispatch(self) -> int:
        """Send whatever notifications are due now (the background loop is off in tests)."""
        assert self.services.dispatcher is not None
        return await self.services.dispatcher.run_due()

    @property
    def store(self) -> Store:
        services = self.app.bot_data["services"]  # type: ignore[attr-defined]
        assert isinstance(services, Services) and services.store is not None
        return services.store

    def user(self, user_id: int, first_name: str = "Jens", language_code: str = "da") -> FakeUser:
        return self.fake.user(user_id, first_name, language_code)

    async def centre(self, slug: str = "parasollen", name: str = "Café Parasollen") -> Centre:
        return await self.store.centres.add(slug, name, "København", "Europe/Copenhagen")

    async def activity(
        self,
        centre: Centre | None,
        title: str = "Fodbold",
        starts_at: int | None = None,
        capacity: int | None = None,
        place: str = "",
        description: str = "",
    ) -> int:
        new = NewActivity(
            centre_id=centre.id if centre else None,
            title=title,
            starts_at=starts_at if starts_at is not None else local(2026, 12, 5, 10),
            capacity=capacity,
            place=place,
            description=description,
        )
        (activity_id,) = await self.store.activities.add([new], self.clock.now())
        return activity_id


@pytest.fixture
async def bot(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Harness]:
    settings = load_config(write_config(tmp_path, CONFIG_EXTRA))
    fake = FakeTelegram()
    harness = Harness(None, fake, FixedClock(NOW), settings)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
    assert not fake.unanswered(), "a button tap was never answered"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    if not harness.expect_errors:
        assert errors == [], "a handler failed: " + "; ".join(r.getMessage() for r in errors)


def screen(user: FakeUser) -> str:
    """What a person sees on the newest message: its text, then each button's label (a list of
    activities is its buttons)."""
    message = user.last_message()
    return "\n".join([message.text, *(label for label, _data in message.buttons())])
