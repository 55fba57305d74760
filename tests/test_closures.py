"""Closed days (issue 13): Lene closes the centre over Christmas; every date in it is cancelled
and Jens is told once, in one message listing his dates and the reason."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.fake_telegram import FakeUser
from bot.store import Store
from bot.store.closures import closed_days
from bot.store.roles import RoleName
from bot.store.series import NewSeries
from tests.cli_support import run
from tests.conftest import NOW, Harness, local

CLI_CONFIG = '[database]\npath = "admin.db"\n[bot]\ntimezone = "Europe/Copenhagen"\n'


async def christmas(bot: Harness) -> tuple[FakeUser, FakeUser, list[int]]:
    """Lene (staff), Jens signed up to two of three dates over Christmas, one date after."""
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, jens = bot.user(50, "Lene"), bot.user(1, "Jens")
    await lene.send("/start")
    await jens.send("/start c-parasollen")
    ids = [
        await bot.activity(centre, "Julefrokost", local(2026, 12, 24, 12)),
        await bot.activity(centre, "Fællesspisning", local(2026, 12, 31, 17, 30)),
        await bot.activity(centre, "Morgenmad", local(2027, 1, 2, 9)),
        await bot.activity(centre, "Fodbold", local(2027, 1, 5, 10)),
    ]
    for activity_id in (ids[0], ids[2]):
        await bot.store.signups.join(activity_id, 1, NOW, bot.services.planner)
    return lene, jens, ids


async def close_christmas(lene: FakeUser, reason: str | None = "Juleferie") -> None:
    await lene.send("/lukket")
    await lene.send("24/12-2/1")
    if reason is None:
        await lene.tap("Spring over")
    else:
        await lene.send(reason)


async def statuses(bot: Harness, ids: list[int]) -> list[str]:
    return [a.status for a in [await bot.store.activities.get(i) for i in ids] if a]


def closed_messages(jens: FakeUser) -> list[str]:
    return [t for t in jens.texts() if "er lukket" in t]


async def test_closing_christmas_cancels_the_dates_and_tells_jens_once(bot: Harness) -> None:
    lene, jens, ids = await christmas(bot)
    await close_christmas(lene)
    preview = lene.last_text()
    assert "Lukket: torsdag 24. december til lørdag 2. januar" in preview
    assert "Hvorfor: Juleferie" in preview
    assert "3 datoer bliver aflyst." in preview and "1 person får besked." in preview
    assert await statuses(bot, ids) == ["scheduled"] * 4  # nothing happens before ✅ Luk
    shown = lene.last_message()
    (close,) = [data for label, data in shown.buttons() if label == "✅ Luk"]
    await lene.tap("✅ Luk")
    assert lene.last_text().startswith("✅ Café Parasollen holder lukket torsdag 24. december")
    assert await statuses(bot, ids) == ["cancelled", "cancelled", "cancelled", "scheduled"]
    assert await bot.dispatch() == 1
    (message,) = closed_messages(jens)
    assert message.startswith(
        "😔 Café Parasollen er lukket fra torsdag 24. december til lørdag 2. januar."
        " Disse datoer er aflyst:"
    )
    assert "faste plads" not in message  # Jens has no fixed place here
    assert "• Julefrokost, torsdag 24. december kl. 12.00" in message
    assert "• Morgenmad, lørdag 2. januar 2027 kl. 09.00" in message
    assert "Fællesspisning" not in message and "Fodbold" not in message
    assert message.endswith("💬 Personalet skriver: Juleferie")
    assert await bot.dispatch() == 0  # nothing sent twice
    await lene.tap_data(close, shown)  # a second tap: done already, nothing doubled
    assert len(await bot.store.closures.in_force()) == 1


async def test_a_restart_between_closing_and_sending_sends_once(bot: Harness) -> None:
    lene, jens, _ = await christmas(bot)
    await close_christmas(lene, reason=None)
    assert "Hvorfor" not in lene.last_text()
    await lene.tap("✅ Luk")
    await bot.restart()
    assert await bot.dispatch() == 1
    await bot.restart()
    assert await bot.dispatch() == 0
    (message,) = closed_messages(jens)
    assert "Personalet skriver" not in message


async def test_lene_sees_the_closures_and_removes_one(bot: Harness) -> None:
    lene, _, ids = await christmas(bot)
    await close_christmas(lene)
    await lene.tap("✅ Luk")
    await lene.send("/lukket")
    listing = lene.last_text()
    assert "Her holder I lukket:" in listing
    assert "• torsdag 24. december til lørdag 2. januar – Juleferie" in listing
    shown = lene.last_message()
    (remove,) = [data for label, data in shown.buttons() if label == "Fjern 24/12–02/01"]
    await lene.tap("Fjern 24/12–02/01")
    assert lene.last_text().startswith("Lukkedagene torsdag 24. december til lørdag 2. januar")
    assert "Her holder I lukket" not in lene.last_text()
    assert await bot.store.closures.in_force() == []
    # Single activities stay cancelled; series may make dates there again.
    assert await statuses(bot, ids) == ["cancelled", "cancelled", "cancelled", "scheduled"]
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None

    def days(c: object) -> set[date]:
        return closed_days(c, centre.id, date(2026, 12, 20), date(2027, 1, 10))  # type: ignore[arg-type]

    assert await bot.store.db.read(days) == set()
    calls = len(bot.fake.calls_of("answerCallbackQuery"))
    await lene.tap_data(remove, shown)  # a second tap: said, nothing happens
    (answer,) = bot.fake.calls_of("answerCallbackQuery")[calls:]
    assert answer.params.get("text") == "✅ Det er allerede gjort."


async def test_closed_days_are_the_days_of_closures_in_force(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.closures.add(centre.id, date(2026, 12, 24), date(2026, 12, 26), "", NOW)
    await bot.store.closures.add(centre.id, date(2026, 12, 31), date(2026, 12, 31), "", NOW)

    def days(c: object) -> set[date]:
        return closed_days(c, centre.id, date(2026, 12, 25), date(2027, 1, 1))  # type: ignore[arg-type]

    assert await bot.store.db.read(days) == {
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 31),
    }


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2.1.2027-24.12.2026", "Den sidste dag er før den første. Skriv den første dag først."),
        ("24.12.2025", "De dage er gået. Skriv dage, som ikke er kommet endnu."),
        ("1/1/2028", "Det er mere end et år frem. Skriv dage inden for et år."),
        ("jul", "Det kan jeg ikke læse. Skriv fx 24/12-2/1 eller 24.12.2026-2.1.2027."),
    ],
)
async def test_a_bad_period_is_explained(bot: Harness, typed: str, said: str) -> None:
    lene, _, ids = await christmas(bot)
    await lene.send("/lukket")
    await lene.send(typed)
    assert lene.last_text().startswith(said)
    assert "Hvilke dage holder I lukket?" in lene.last_text()
    await lene.send("24/12")  # the step still waits for the period
    assert "Lukket: torsdag 24. december\n" in lene.last_text()
    assert await statuses(bot, ids) == ["scheduled"] * 4


async def test_only_staff_may_close(bot: Harness) -> None:
    _, jens, ids = await christmas(bot)
    await jens.send("/lukket")
    assert jens.last_text() == "Det har du ikke adgang til."
    await jens.send("24/12-2/1")
    assert await statuses(bot, ids) == ["scheduled"] * 4


async def test_staff_help_and_menu_name_closed_days(bot: Harness) -> None:
    lene, _, _ = await christmas(bot)
    await lene.send("/hjaelp")
    assert "/lukket – 🏖️ Lukkedage: hold lukket nogle dage." in lene.texts()[-2]
    commands = bot.fake.calls_of("setMyCommands")[-1]
    assert "lukket" in str(commands)
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.store.roles.grant(51, RoleName.STAFF, centre.id, NOW)
    sam = bot.user(51, "Sam", language_code="en")
    await sam.send("/start")
    await sam.send("/help")
    assert "/closed – 🏖️ Closed days: close the centre for some days." in sam.texts()[-2]
    await sam.send("/closed")
    assert "Which days do you close?" in sam.last_text()


# The command line (runs on the real clock: periods from today).


def test_the_admin_closes_lists_and_reopens_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VAERESTED_CONFIG", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(CLI_CONFIG, encoding="utf-8")
    c = ["--config", str(config)]
    today = datetime.now().date()
    first, last = today + timedelta(days=10), today + timedelta(days=12)
    run(["centre", "add", *c, "--slug", "p", "--name", "P"], capsys)
    for days in (11, 20):
        starts = f"{today + timedelta(days=days)} 10:00"
        run(["activity", "add", *c, "--centre", "p", "--title", "Mad", "--starts", starts], capsys)
    code, out, err = run(
        [
            "closure",
            "add",
            *c,
            "--centre",
            "p",
            "--from",
            str(first),
            "--to",
            str(last),
            "--reason",
            "Personaledag",
        ],
        capsys,
    )
    assert (code, err) == (0, "")
    assert (
        out == f"closure 1: P closed {first} to {last}; 1 dates cancelled, 0 people will be told\n"
    )
    code, out, _ = run(["closure", "list", *c, "--centre", "p"], capsys)
    assert out == f"1\tP\t{first} to {last}\t1 dates cancelled\tPersonaledag\n"
    code, out, err = run(
        ["closure", "add", *c, "--centre", "p", "--from", str(last), "--to", str(first)], capsys
    )
    assert code == 2 and err == f"vaerested-bot: error: --to {first} is before --from {last}\n"
    year_back = today - timedelta(days=365)
    code, out, err = run(
        ["closure", "add", *c, "--centre", "p", "--from", str(year_back), "--to", str(year_back)],
        capsys,
    )
    assert code == 2 and "is over already" in err
    code, out, _ = run(["closure", "remove", *c, "1"], capsys)
    assert code == 0 and out.startswith("closure 1 removed: P is open")
    code, out, _ = run(["closure", "list", *c], capsys)
    assert out == "No closures.\n"
    code, _, err = run(["closure", "remove", *c, "1"], capsys)
    assert code == 2 and "no closure 1" in err

    async def statuses() -> list[str]:
        store = await Store.open(tmp_path / "admin.db")
        try:
            return [a.status for a in [await store.activities.get(i) for i in (1, 2)] if a]
        finally:
            await store.close()

    import asyncio

    assert asyncio.run(statuses()) == ["cancelled", "scheduled"]


# A persona walk of the closed-days flow: removing a closure, the notice's words, the step after.


async def weekly_christmas(bot: Harness) -> tuple[FakeUser, FakeUser, FakeUser, list[int]]:
    """Fællesspisning every Thursday 17.30; Jens has a fixed place, Maria signed up to 24/12."""
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, jens, maria = bot.user(50, "Lene"), bot.user(1, "Jens"), bot.user(2, "Maria")
    await lene.send("/start")
    await jens.send("/start c-parasollen")
    await maria.send("/start c-parasollen")
    new = NewSeries(centre.id, "Fællesspisning", date(2026, 12, 3), "17:30", capacity=20)
    _, ids = await bot.store.series.create(new, NOW, 8)
    planner = bot.services.planner
    assert await bot.store.fixed_places.take(ids[0], 1, NOW, planner, 0.67) is not None
    await bot.store.signups.join(ids[3], 2, NOW, planner)  # 24 December
    return lene, jens, maria, ids


async def remove_the_closure(lene: FakeUser) -> None:
    await lene.send("/lukket")
    (label,) = [b for b, _ in lene.last_message().buttons() if b.startswith("Fjern")]
    await lene.tap(label)


def reopened(someone: FakeUser) -> list[str]:
    return [t for t in someone.texts() if "åbent alligevel" in t]


async def test_removing_a_closure_tells_jens_once_that_his_place_is_back(bot: Harness) -> None:
    lene, jens, maria, _ = await weekly_christmas(bot)
    await close_christmas(lene)
    await lene.tap("✅ Luk")
    assert await bot.dispatch() == 2  # Jens and Maria: "… aflyst"
    await remove_the_closure(lene)
    assert "1 person har sin plads igen og får besked." in lene.last_text()
    await bot.restart()  # the message is kept over a restart …
    assert await bot.dispatch() == 1
    await bot.restart()
    assert await bot.dispatch() == 0  # … and sent once
    (message,) = reopened(jens)
    assert message.startswith(
        "Godt nyt: Café Parasollen har åbent alligevel. Du har din plads igen:\n"
        "• Fællesspisning, torsdag 24. december kl. 17.30\n"
        "• Fællesspisning, torsdag 31. december kl. 17.30"
    )
    assert reopened(maria) == []  # her place was not kept: no "Godt nyt"
    await lene.send("/lukket")
    (label,) = [b for b, _ in lene.last_message().buttons() if b.startswith("Fjern")] or [""]
    assert label == ""  # nothing left to remove: no second message either way
    assert await bot.dispatch() == 0


async def test_the_closure_notice_says_the_period_and_that_a_fixed_place_goes_on(
    bot: Harness,
) -> None:
    lene, jens, maria, _ = await weekly_christmas(bot)
    await close_christmas(lene)
    await lene.tap("✅ Luk")
    assert await bot.dispatch() == 2
    (told,) = closed_messages(jens)
    assert told.startswith(
        "😔 Café Parasollen er lukket fra torsdag 24. december til lørdag 2. januar."
        " Disse datoer er aflyst:\n• Fællesspisning, torsdag 24. december kl. 17.30"
    )
    assert "\nBagefter har du din faste plads igen.\n" in told
    (her,) = closed_messages(maria)
    assert "Denne dato er aflyst:" in her and "faste plads" not in her


async def test_one_closed_day_is_said_as_one_day(bot: Harness) -> None:
    lene, _, maria, _ = await weekly_christmas(bot)
    await lene.send("/lukket")
    await lene.send("24/12")
    await lene.tap("Spring over")
    await lene.tap("✅ Luk")
    await bot.dispatch()
    (her,) = closed_messages(maria)
    assert her.startswith(
        "😔 Café Parasollen er lukket torsdag 24. december. Denne dato er aflyst:"
    )


async def test_after_removing_lene_is_not_left_typing_a_period(bot: Harness) -> None:
    lene, _, _ = await christmas(bot)
    await close_christmas(lene)
    await lene.tap("✅ Luk")
    await remove_the_closure(lene)
    after = lene.last_text()
    assert "Aktiviteter hver uge kommer igen" in after
    assert "Hvilke dage holder I lukket?" not in after
    assert "Ingen lukkedage lige nu." in after
    labels = [b for b, _ in lene.last_message().buttons()]
    assert labels == ["➕ Luk flere dage", "✅ Færdig"]
    await lene.send("jul")  # typed now: not read as a period
    assert lene.last_text().startswith("Tryk på en af knapperne.")
    await lene.tap("➕ Luk flere dage")
    assert "Hvilke dage holder I lukket?" in lene.last_text()
    await lene.send("31/12")
    assert "Lukket: torsdag 31. december\n" in lene.last_text()
    await lene.tap("✖️ Afbryd")
    assert await bot.store.closures.in_force() == []
