"""Random text and random button data at every entry point: never an unhandled error, never a
change to what only staff may change, never an overbooked seat."""

import asyncio
import logging
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callbacks import Action, Route
from bot.clock import FixedClock
from bot.config import load_config
from bot.db import RoleName
from bot.fake_telegram import FakeTelegram
from tests.conftest import CONFIG_EXTRA, NOW, Harness, write_config

COMMANDS = [
    "/start",
    "/aktiviteter",
    "/mine",
    "/sprog",
    "/hjaelp",
    "/mine_data",
    "/slet_mig",
    "/ny_aktivitet",
    "/besked",
    "/tal",
    "/eksport",
    "/inviter",
    "/tal uge",
    "/tal graf",
    "/start c-",
    "/start a-",
    "/start s-",
]
ARG = st.one_of(
    st.integers(-5, 10**13).map(str),
    st.text(max_size=8),
    st.sampled_from(["t", "p", "c", "g", "x", "a", "m", "all", "cm", "da", "en"]),
)
CALLBACK = st.one_of(
    st.text(max_size=70),
    st.builds(
        lambda r, a, args: ":".join(["v1", r, a, *args]),
        st.sampled_from([r.value for r in Route]),
        st.sampled_from([a.value for a in Action]),
        st.lists(ARG, max_size=3),
    ),
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(COMMANDS),
    st.builds(lambda c, t: c + t, st.sampled_from(COMMANDS), st.text(max_size=20)),
)
STAFF_TABLES = ("activity", "role", "broadcast", "delivery", "attendance", "invitation", "centre")


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in STAFF_TABLES
        }
    finally:
        conn.close()


async def scenario(inputs: list[tuple[str, str]], staff: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(write_config(Path(folder), CONFIG_EXTRA))
        bot = Harness(None, FakeTelegram(), FixedClock(NOW), config)
        await bot.start()
        handler = logging.Handler()
        errors: list[logging.LogRecord] = []
        handler.emit = lambda record: errors.append(record)  # type: ignore[method-assign]
        handler.setLevel(logging.ERROR)
        logging.getLogger().addHandler(handler)
        try:
            centre = await bot.centre()
            await bot.activity(centre, "Fodbold", capacity=1)
            if staff:
                await bot.db.grant_role(1, RoleName.STAFF, centre.id, NOW)
            jens = bot.user(1, "Jens")
            await jens.send("/start c-parasollen")
            before = snapshot(config.database.path)
            for kind, value in inputs:
                if kind == "text":
                    await jens.send(value) if value.strip() else await jens.send_sticker()
                else:
                    await jens.tap_data(value)
            assert errors == [], [r.getMessage() for r in errors]
            if not staff:
                assert snapshot(config.database.path) == before
            view = await bot.db.get_activity_view(1, 1)
            assert view is not None and view.confirmed <= 1
            assert not bot.fake.unanswered()
        finally:
            logging.getLogger().removeHandler(handler)
            await bot.stop()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.one_of(st.tuples(st.just("text"), TEXT), st.tuples(st.just("tap"), CALLBACK)),
        min_size=1,
        max_size=8,
    )
)
def test_random_input_never_breaks_anything(inputs: list[tuple[str, str]]) -> None:
    asyncio.run(scenario(inputs))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.one_of(st.tuples(st.just("text"), TEXT), st.tuples(st.just("tap"), CALLBACK)),
        min_size=1,
        max_size=10,
    )
)
def test_random_input_from_staff_never_breaks_anything(inputs: list[tuple[str, str]]) -> None:
    asyncio.run(scenario([("text", "/ny_aktivitet"), *inputs], staff=True))
