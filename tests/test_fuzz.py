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
from bot.fake_telegram import FakeTelegram
from bot.store.roles import RoleName
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
                await bot.store.roles.grant(1, RoleName.STAFF, centre.id, NOW)
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
            view = await bot.store.signups.view(1, 1)
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


HUGE = "9" * 20  # far over SQLite's INTEGER (2**63 - 1): a forged id, never a real one
# The shape of every button the bot makes; "N" is a number (an id, a page, a day, a time).
SHAPES = {
    "act": {
        "page": "N",
        "show": "N N",
        "join": "N N",
        "leave": "N N",
        "rejoin": "N N",
        "ics": "N",
        "say": "N",
        "fixed": "N N",
        "unfix": "N N",
        "unfixok": "N N",
        "dates": "N N N",
    },
    "ctr": {"page": "N", "join": "N", "nat": "", "grp": "N N"},
    "my": {"page": "N", "leave": "N N", "join": "N N"},
    "set": {
        "menu": "|p N|c N",
        "lang": "da c",
        "add": "",
        "leave": "N",
        "leaveok": "N",
        "rem": "N",
        "ann": "N N",
        "erase": "",
        "keep": "",
        "lineon": "N N",
    },
    "rem": {"yes": "N", "no": "N", "give": "N", "rejoin": "N"},
    "stf": {
        "ctr": "N",
        "day": "N",
        "oday": "",
        "time": "N",
        "place": "N",
        "cap": "N",
        "create": "",
        "back": "",
        "abort": "",
        "edit": "N t|N p|N c|N g|N x",
        "cancelok": "N",
        "edit1": "N t|N p|N c|N x",
        "editall": "N t|N p|N c|N x",
        "endok": "N",
        "inv": "N",
        "invs": "N",
        "wd": "0123456789ab",
        "wdok": "0123456789ab",
        "page": "N",
        "unguest": "N",
        "poster": "N",
        "week": "N N",
        "repeat": "N",
        "until": "",
    },
    "tal": {
        "page": "N",
        "show": "N N",
        "att": "N",
        "mark": "N N",
        "walk": "N N",
        "exp": "a cm|m cy",
    },
    "line": {"write": "N", "reply": "N", "abort": ""},
    "luk": {"ctr": "N", "page": "N", "skip": "", "create": "", "abort": "", "rm": "N"},
    "bc": {"aud": "c N|a N|a|all", "page": "N", "send": "", "back": "", "abort": "", "stop": "N"},
}


def forged_with_a_huge_number() -> list[str]:
    """Each real button shape with a 20-digit number in each number's place in turn (the
    others 1), and every route and action with 1 to 3 arguments, one of them huge."""
    data = []
    for route, actions in SHAPES.items():
        for action, shapes in actions.items():
            for shape in shapes.split("|"):
                args = shape.split()
                for position in [i for i, a in enumerate(args) if a == "N"]:
                    real = [
                        HUGE if i == position else "1" if a == "N" else a
                        for i, a in enumerate(args)
                    ]
                    data.append(":".join(["v1", route, action, *real]))
                for count in (1, 2, 3):
                    for position in range(count):
                        args = [HUGE if i == position else "1" for i in range(count)]
                        data.append(":".join(["v1", route, action, *args]))
    return data


def test_every_button_shape_is_in_the_forgery_test() -> None:
    from bot.callbacks import _ALLOWED

    known = {(str(r), str(a)) for r, actions in _ALLOWED.items() for a in actions}
    assert known == {(r, a) for r, actions in SHAPES.items() for a in actions}


async def test_a_forged_huge_number_in_any_button_is_a_stale_button(bot: Harness) -> None:
    """`v1:stf:edit:<20 digits>:t` or `v1:bc:aud:a:<20 digits>` must not reach SQLite (an
    OverflowError logged at ERROR): every number goes through the decoder's bound, and the
    tap gets the stale-button answer (the fixture fails the test on any ERROR record)."""
    bot.services.flood.limit = 10**9  # hundreds of taps in a row is a test, not a person
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", starts_at=NOW + 3600)
    await bot.store.roles.grant(90, RoleName.ADMIN, None, NOW)  # may do everything: no "denied"
    await bot.store.roles.grant(90, RoleName.STAFF, centre.id, NOW)
    admin = bot.user(90, "Ada")
    await admin.send("/start c-parasollen")
    wrong = []
    for data in forged_with_a_huge_number():
        if data.startswith("v1:bc:"):
            await admin.send("/besked")  # an announcement in progress: its buttons are live
        elif data.startswith("v1:stf:"):
            await admin.send("/ny_aktivitet")
        await admin.tap_data(data)
        if not admin.last_text().startswith("Den knap er gammel"):
            wrong.append((data, admin.last_text()[:60]))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_decoder_bounds_every_number_at_2_to_the_53() -> None:
    import pytest

    from bot import callbacks

    largest = str(2**53 - 1)
    cb = callbacks.decode(f"v1:act:show:{largest}:0")
    assert cb is not None and cb.ints(2) == (2**53 - 1, 0)
    assert callbacks.decode(f"v1:act:show:{2**53}:0") is None
    assert callbacks.decode(f"v1:tal:exp:a:{'1' * 17}") is None, "a number anywhere"
    assert callbacks.decode("v1:stf:wd:0123456789ab") is not None, "a tag is not a number"
    assert callbacks.ints(("0" * 20,), 1) is None, "20 digits, however small"
    with pytest.raises(ValueError):
        callbacks.encode(Route.ACTIVITY, Action.CALENDAR, 2**53)
