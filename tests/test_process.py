"""The bot as a real process against the fake Bot API over local HTTP: start, stop on SIGTERM,
killed (SIGKILL) in the middle of an announcement and of reminders, restarted — nothing twice."""

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.fake_telegram import TOKEN, FakeTelegram, serve
from bot.reminders import ReminderPolicy
from bot.store import Store
from bot.store.activities import NewActivity
from bot.store.roles import RoleName

ROOT = Path(__file__).resolve().parent.parent


class Bot:
    """One bot process at a time, on one config."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = dict(os.environ, VAERESTED_BOT_TOKEN=TOKEN, PYTHONPATH=str(ROOT))
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(self.config),
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def stop(self, sig: int) -> float:
        """Send a signal; return how long the process took to exit."""
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), 20)
        return time.monotonic() - began

    async def output(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        return (await self.process.stdout.read()).decode(errors="replace")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeTelegram, str]]:
    telegram = FakeTelegram(rate_limit=60)
    server = await serve(telegram)
    port = server.sockets[0].getsockname()[1]
    try:
        yield telegram, f"http://127.0.0.1:{port}/bot"
    finally:
        server.close()


def write_config(tmp_path: Path, base_url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[telegram]\nbase_url = "{base_url}"\nbase_file_url = "{base_url}"\n'
        f'[database]\npath = "bot.db"\n[broadcast]\nrate_per_second = 50\n{extra}',
        encoding="utf-8",
    )
    return path


async def until(condition, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


def delivered(telegram: FakeTelegram, prefix: str) -> Counter[int]:
    return Counter(m.chat_id for m in telegram.messages_from_bot() if m.text.startswith(prefix))


def states(db_path: Path, table: str) -> Counter[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return Counter(r[0] for r in conn.execute(f"SELECT state FROM {table}"))
    finally:
        conn.close()


async def seed_members(config: Path, members: int) -> tuple[Path, int]:
    settings = load_config(config, require_token=False)
    store = await Store.open(settings.database.path)
    try:
        centre = await store.centres.add("parasollen", "Café Parasollen", "", "Europe/Copenhagen")
        now = int(time.time())
        for uid in range(1, members + 1):
            await store.people.touch(uid, f"P{uid}", "da", now)
            await store.people.join_centre(uid, centre.id, now)
        await store.roles.grant(9000, RoleName.STAFF, centre.id, now)
        return settings.database.path, centre.id
    finally:
        await store.close()


async def test_the_bot_runs_and_stops_on_sigterm_quickly(
    fake: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    telegram, url = fake
    config = write_config(tmp_path, url)
    await seed_members(config, 0)
    bot = Bot(config)
    await bot.start()
    jens = telegram.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await until(lambda: len(jens.texts()) >= 2)
    assert jens.texts()[1].startswith("Velkommen til Café Parasollen!")
    assert await bot.stop(signal.SIGTERM) < 5
    assert bot.process is not None and bot.process.returncode == 0


async def test_a_damaged_database_stops_the_bot_with_one_clear_line(
    fake: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    _telegram, url = fake
    config = write_config(tmp_path, url)
    (tmp_path / "bot.db").write_bytes(b"this is not a database" * 500)
    bot = Bot(config)
    await bot.start()
    assert bot.process is not None
    await asyncio.wait_for(bot.process.wait(), 20)
    out = await bot.output()
    assert bot.process.returncode == 2
    assert out.strip().splitlines()[-1].startswith("vaerested-bot: error: cannot use database")


async def test_killed_mid_announcement_it_resumes_without_duplicates(
    fake: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    telegram, url = fake
    config = write_config(tmp_path, url)
    db_path, centre_id = await seed_members(config, 240)
    for uid in range(1, 241):
        telegram.user(uid, f"P{uid}")
    store = await Store.open(db_path)
    await store.broadcasts.create(
        9000, "centre", centre_id, None, "Bussen kører kl. 9", None, int(time.time())
    )
    await store.close()
    bot = Bot(config)
    await bot.start()
    await until(lambda: len(delivered(telegram, "📣")) >= 60)
    await bot.stop(signal.SIGKILL)  # no goodbye: mid-send
    unknown_after_kill = states(db_path, "delivery")["sending"]
    await bot.start()
    await until(
        lambda: (
            states(db_path, "delivery")["pending"] == 0
            and states(db_path, "delivery")["sending"] == 0
        ),
        30,
    )
    assert await bot.stop(signal.SIGTERM) < 5
    got = delivered(telegram, "📣")
    final = states(db_path, "delivery")
    print(f"crash test (announcement): {final['unknown']} unknown, {final['sent']} sent")
    assert max(got.values()) == 1, "nobody gets it twice"
    assert final["unknown"] == unknown_after_kill
    assert final["sent"] + final["unknown"] == 240
    assert len(got) >= final["sent"]


async def test_killed_mid_reminders_it_resumes_without_duplicates(
    fake: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    telegram, url = fake
    config = write_config(tmp_path, url, '[reminders]\nbefore = ["3597s"]\nquiet_hours = ""\n')
    db_path, centre_id = await seed_members(config, 150)
    settings = load_config(config, require_token=False)
    store = await Store.open(db_path)
    now = int(time.time())
    (activity_id,) = await store.activities.add(
        [NewActivity(centre_id, "Fodbold", now + 3600)], now
    )
    policy = ReminderPolicy.from_config(settings)
    for uid in range(1, 151):
        telegram.user(uid, f"P{uid}")
        await store.signups.join(activity_id, uid, now, policy)
    await store.close()
    bot = Bot(config)
    await bot.start()
    await until(lambda: len(delivered(telegram, "⏰")) >= 40)
    await bot.stop(signal.SIGKILL)
    await bot.start()
    await until(
        lambda: (
            states(db_path, "notification")["pending"] == 0
            and states(db_path, "notification")["sending"] == 0
        ),
        30,
    )
    assert await bot.stop(signal.SIGTERM) < 5
    got = delivered(telegram, "⏰")
    final = states(db_path, "notification")
    print(f"crash test (reminders): {final['unknown']} unknown, {final['sent']} sent")
    assert max(got.values()) == 1
    assert final["sent"] + final["unknown"] == 150


async def test_sigterm_during_an_announcement_stops_within_five_seconds(
    fake: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    telegram, url = fake
    config = write_config(tmp_path, url)
    db_path, centre_id = await seed_members(config, 200)
    for uid in range(1, 201):
        telegram.user(uid, f"P{uid}")
    store = await Store.open(db_path)
    await store.broadcasts.create(9000, "centre", centre_id, None, "Hej", None, int(time.time()))
    await store.close()
    bot = Bot(config)
    await bot.start()
    await until(lambda: len(delivered(telegram, "📣")) >= 30)
    assert await bot.stop(signal.SIGTERM) < 5
    assert states(db_path, "delivery")["sending"] == 0, "everything on its way was recorded"
    await bot.start()
    await until(lambda: states(db_path, "delivery")["pending"] == 0, 30)
    await bot.stop(signal.SIGTERM)
    assert max(delivered(telegram, "📣").values()) == 1
