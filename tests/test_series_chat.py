"""Staff make a weekly activity (a series) in /ny_aktivitet: "🔁 Hver uge / Hver anden uge /
Kun én gang" after the time, then for a series its end ("Indtil videre" or a typed date)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness


def local(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, ZoneInfo("Europe/Copenhagen"))


async def lene_at_parasollen(bot: Harness) -> FakeUser:
    centre = await bot.store.centres.by_slug("parasollen") or await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    return lene


async def up_to_repeat(lene: FakeUser, title: str, day: str, time: str) -> None:
    await lene.send("/ny_aktivitet")
    await lene.send(title)
    await lene.send(day)
    await lene.send(time)


async def step(bot: Harness) -> str:
    draft = await bot.store.drafts.get(50, bot.clock.now())
    assert draft is not None
    return draft.step


async def test_a_weekly_series_from_the_chat(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await up_to_repeat(lene, "Fællesspisning", "torsdag", "17.30")
    assert "Skal den gentages?" in lene.last_text()
    labels = [b for b, _ in lene.last_message().buttons()]
    assert labels == [
        "🔁 Hver uge",
        "🔁 Hver anden uge",
        "Kun én gang",
        "⬅️ Tilbage",
        "✖️ Afbryd",
    ]
    await lene.tap("Hver uge")
    assert "Hvornår er sidste gang?" in lene.last_text()
    await lene.tap("Indtil videre")
    await lene.send("Stuen")
    await lene.tap("20")
    assert lene.last_text().endswith(
        "👥 20 pladser\n🔁 Hver torsdag kl. 17.30\n🔚 Indtil videre\n\nDe næste datoer:\n"
        "• torsdag 3. december kl. 17.30\n• torsdag 10. december kl. 17.30\n"
        "• torsdag 17. december kl. 17.30\n• torsdag 24. december kl. 17.30"
    )
    await lene.tap("Opret")
    texts = [m.text for m in lene.bot_messages()]
    assert (
        "✅ Oprettet! Fællesspisning hver torsdag kl. 17.30. De næste 8 uger ligger klar." in texts
    )
    (series,) = await bot.store.series.all(None, NOW)
    assert (series.weekday, series.local_time, series.every_weeks) == (3, "17:30", 1)
    assert series.until_date is None
    dates = [a for a, _ in await bot.store.activities.all()]
    assert [local(a.starts_at).date() for a in dates] == [
        date(2026, 12, 3),
        date(2026, 12, 10),
        date(2026, 12, 17),
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 7),
        date(2027, 1, 14),
        date(2027, 1, 21),
    ]
    assert {(local(a.starts_at).hour, local(a.starts_at).minute) for a in dates} == {(17, 30)}
    assert {(a.place, a.capacity) for a in dates} == {("Stuen", 20)}
    assert await bot.store.drafts.get(50, NOW) is None
    assert "Fællesspisning" in lene.last_text()  # the first date's card follows


async def test_every_other_week_until_a_typed_date(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await up_to_repeat(lene, "Banko", "5/12", "19.30")
    await lene.tap("Hver anden uge")
    for bad, expected in [
        ("snart", "Den dato kan jeg ikke læse. Skriv den som 5/12 eller 5.12.2026."),
        ("1.12.2026", "Sidste gang kan ikke være før første gang (lørdag 5. december)."),
        ("1.1.2028", "Det er mere end et år frem."),
    ]:
        await lene.send(bad)
        assert lene.last_text().startswith(expected)
        assert await step(bot) == "until"
    await lene.send("9/1")
    await lene.send("Stuen")
    await lene.tap("Ingen grænse")
    assert (
        "🔁 Hver anden lørdag kl. 19.30\n🔚 Sidste gang lørdag 9. januar\n\nDe næste datoer:\n"
        "• lørdag 5. december kl. 19.30\n• lørdag 19. december kl. 19.30\n"
        "• lørdag 2. januar 2027 kl. 19.30"
    ) in lene.last_text()
    await lene.tap("Opret")
    texts = [m.text for m in lene.bot_messages()]
    assert "✅ Oprettet! Banko hver anden lørdag kl. 19.30. 3 datoer ligger klar." in texts
    (series,) = await bot.store.series.all(None, NOW)
    assert (series.every_weeks, series.until_date) == (2, date(2027, 1, 9))
    starts = [local(a.starts_at).date() for a, _ in await bot.store.activities.all()]
    assert starts == [date(2026, 12, 5), date(2026, 12, 19), date(2027, 1, 2)]


async def test_only_once_works_as_before(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await up_to_repeat(lene, "Fodbold", "I morgen", "14")
    await lene.tap("Kun én gang")
    assert "Hvor? Tryk på et sted, eller skriv det." in lene.last_text()
    await lene.tap("Tilbage")  # back from the place: the repeat question, not an end date
    assert await step(bot) == "repeat"
    await lene.tap("Kun én gang")
    await lene.send("Fælledparken")
    await lene.tap("10")
    assert lene.last_text() == (
        "Ny aktivitet\nSe det igennem, og tryk på Opret:\n\n"
        "Fodbold\n📅 søndag 29. november kl. 14.00\n📍 Fælledparken\n🏠 Café Parasollen\n"
        "👥 10 pladser"
    )
    await lene.tap("Opret")
    assert any(m.text.startswith("✅ Oprettet! Brugerne finder") for m in lene.bot_messages())
    assert await bot.store.series.all(None, NOW) == []
    assert len(await bot.store.activities.all()) == 1


async def test_back_from_the_repeat_step_to_the_time(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await up_to_repeat(lene, "Fællesspisning", "torsdag", "17.30")
    await lene.tap("Tilbage")
    assert "Hvornår starter den?" in lene.last_text()
    assert await step(bot) == "time"
    await lene.send("18")
    await lene.tap("Hver uge")
    await lene.tap("Tilbage")  # from the end step: the repeat question again
    assert await step(bot) == "repeat"
    await lene.tap("Hver uge")
    await lene.tap("Afbryd")
    assert await bot.store.drafts.get(50, NOW) is None
    assert await bot.store.series.all(None, NOW) == []


async def test_a_sticker_at_the_end_step(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await up_to_repeat(lene, "Fællesspisning", "torsdag", "17.30")
    await lene.send_sticker()
    assert lene.last_text().startswith("Tryk på en af knapperne.")
    await lene.tap("Hver uge")
    await lene.send_sticker()
    assert lene.last_text().startswith("Skriv det med bogstaver.")
    assert "Hvornår er sidste gang?" in lene.last_text()
    assert await step(bot) == "until"


async def test_a_restart_mid_dialog_loses_nothing(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await up_to_repeat(lene, "Fællesspisning", "torsdag", "17.30")
    await lene.tap("Hver uge")
    await bot.restart()
    await lene.send("31/12")
    await lene.send("Stuen")
    await bot.restart()
    await lene.tap("20")
    assert "🔚 Sidste gang torsdag 31. december" in lene.last_text()
    await lene.tap("Opret")
    (series,) = await bot.store.series.all(None, NOW)
    assert (series.title, series.until_date) == ("Fællesspisning", date(2026, 12, 31))
    assert len(await bot.store.activities.all()) == 5
