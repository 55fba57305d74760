"""The bot as a real process with 23,000 users, 2,000 activities and 70,000 sign-ups, against the
fake Bot API over local HTTP: start-up time to the first poll, and peak memory (RSS) after some
work (people browsing and signing up, a coordinator counting).

Prints `name value unit` lines. `--quick` uses a tenth of the data.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_counts import NOW, seed

from bot.fake_telegram import TOKEN, FakeTelegram, serve
from bot.store import Store
from bot.store.roles import RoleName


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(scale: float) -> None:
    centres, activities = int(200 * scale), int(2000 * scale)
    signups, users = int(70_000 * scale), int(23_000 * scale)
    telegram = FakeTelegram()
    server = await serve(telegram)
    port = server.sockets[0].getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(
            f'[telegram]\nbase_url = "http://127.0.0.1:{port}/bot"\n[database]\npath = "p.db"\n'
        )
        store = await Store.open(Path(folder) / "p.db")
        await store.close()
        seed(Path(folder) / "p.db", centres, activities, signups, users)
        store = await Store.open(Path(folder) / "p.db")
        await store.roles.grant(999_999, RoleName.COORDINATOR, None, NOW)
        await store.close()
        print(f"users {users} count")
        print(f"activities {activities} count")
        print(f"signups {signups} count")
        env = dict(os.environ, VAERESTED_BOT_TOKEN=TOKEN, PYTHONPATH=str(ROOT))
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        while not telegram.calls_of("getUpdates"):
            await asyncio.sleep(0.005)
        print(f"startup_to_first_poll {time.perf_counter() - began:.2f} s")
        people = [telegram.user(uid, f"U{uid}") for uid in range(1, 201)]
        for person in people:
            await person.send(f"/start c-c{1 + person.id % centres}")
        await asyncio.sleep(0.5)
        for person in people:
            if person.bot_messages() and person.bot_messages()[-1].buttons():
                await person.tap_data(person.bot_messages()[-1].buttons()[0][1])
        soren = telegram.user(999_999, "Søren")
        for _ in range(10):
            await soren.send("/tal")
        deadline = time.monotonic() + 30
        while len(soren.texts()) < 11 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        print(f"peak_rss {peak_rss_mb(process.pid):.1f} MB")
        process.terminate()
        await process.wait()
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    asyncio.run(main(0.1 if parser.parse_args().quick else 1.0))
