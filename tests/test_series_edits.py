"""Editing a date of a series (issue 13): Lene changes the time, place or places of one date
("Kun denne gang") or of the series from that date on ("Denne og alle de næste"), or cancels;
Jens, signed up to several dates, is told once."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from bot.store.series import NewSeries
from tests.conftest import CPH, NOW, Harness

WEEKS = 20  # through April 2027: across the change to summer time (28 March)


def wall(instant: int) -> str:
    return datetime.fromtimestamp(instant, CPH).strftime("%Y-%m-%d %H:%M")


def flags(bot: Harness, ids: list[int]) -> list[int]:
    with sqlite3.connect(bot.config.database.path) as c:
        marks = ", ".join("?" for _ in ids)
        rows = c.execute(
            f"SELECT series_override FROM activity WHERE id IN ({marks}) ORDER BY id", ids
        )
        return [int(r[0]) for r in rows]


async def setup(
    bot: Harness, capacity: int | None = None
) -> tuple[FakeUser, FakeUser, int, list[int]]:
    """Lene (staff) and Jens at Café Parasollen; Fællesspisning every Thursday at 17.30 in
    Køkkenet from Thursday 3 December 2026."""
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, jens = bot.user(50, "Lene"), bot.user(1, "Jens")
    await lene.send("/start")
    await jens.send("/start c-parasollen")
    new = NewSeries(
        centre.id,
        "Fællesspisning",
        date(2026, 12, 3),
        "17:30",
        place="Køkkenet",
        capacity=capacity,
    )
    series_id, ids = await bot.store.series.create(new, NOW, WEEKS)
    return lene, jens, series_id, ids


async def join(bot: Harness, user_id: int, *ids: int) -> None:
    for activity_id in ids:
        await bot.store.signups.join(activity_id, user_id, NOW, bot.services.planner)


async def dates(bot: Harness, ids: list[int]) -> list[tuple[str, str, str]]:
    found = [await bot.store.activities.get(i) for i in ids]
    return [(wall(a.starts_at), a.place, a.status) for a in found if a]


def about(person: FakeUser, word: str) -> list[str]:
    return [t for t in person.texts() if word in t]


async def test_only_this_time_moves_one_date_and_jens_is_told_once(bot: Harness) -> None:
    lene, jens, _, ids = await setup(bot)
    await join(bot, 1, ids[1], ids[2])
    await lene.tap_data(f"v1:act:show:{ids[1]}:0")
    await lene.tap("✏️ Tid")
    question = lene.last_text()
    assert question.startswith("✏️ Fællesspisning er en fast aktivitet.")
    assert "• Kun denne gang: torsdag 10. december ændres." in question
    assert (
        f"• Denne og alle de næste: torsdag 10. december og {len(ids) - 2} datoer mere" in question
    )
    assert "Alle tilmeldte får én besked." in question
    assert (await dates(bot, ids[:3]))[1][0] == "2026-12-10 17:30"  # asking changes nothing
    await lene.tap("Kun denne gang")
    await lene.send("18.00")
    assert (await dates(bot, ids[:3])) == [
        ("2026-12-03 17:30", "Køkkenet", "scheduled"),
        ("2026-12-10 18:00", "Køkkenet", "scheduled"),
        ("2026-12-17 17:30", "Køkkenet", "scheduled"),
    ]
    assert flags(bot, ids[:3]) == [0, 1, 0]
    bot.clock.advance(10 * 60)
    assert await bot.dispatch() == 1
    (told,) = about(jens, "ændring")
    assert "torsdag 10. december kl. 18.00" in told


async def test_all_following_moves_the_series_keeps_an_only_this_edit_and_tells_once(
    bot: Harness,
) -> None:
    lene, jens, series_id, ids = await setup(bot)
    await join(bot, 1, ids[2], ids[3], ids[4])
    # An earlier "Kun denne gang": 24 December is in Haven (Jens is told about that one).
    await lene.tap_data(f"v1:act:show:{ids[3]}:0")
    await lene.tap("✏️ Sted")
    await lene.tap("Kun denne gang")
    await lene.send("Haven")
    bot.clock.advance(10 * 60)
    assert await bot.dispatch() == 1
    before = len(jens.texts())
    await lene.tap_data(f"v1:act:show:{ids[1]}:0")
    await lene.tap("✏️ Tid")
    await lene.tap("Denne og alle de næste")
    assert "og alle de næste" in lene.last_text()
    await lene.tap("18.00")
    assert lene.last_text().endswith(f"Gemt for {len(ids) - 2} datoer. 1 person får én besked.")
    moved = await dates(bot, ids)
    assert moved[0] == ("2026-12-03 17:30", "Køkkenet", "scheduled")
    assert moved[3] == ("2026-12-24 17:30", "Haven", "scheduled")  # its own edit is kept
    following = [m for i, m in enumerate(moved) if i not in (0, 3)]
    assert {m[0][11:] for m in following} == {"18:00"}  # winter and summer alike
    assert any(m[0].startswith("2027-04") for m in following)
    assert (await bot.store.series.get(series_id, NOW)).local_time == "18:00"  # type: ignore[union-attr]
    bot.clock.advance(10 * 60)
    assert await bot.dispatch() == 1
    assert await bot.dispatch() == 0  # nothing twice
    new = jens.texts()[before:]
    assert new[0].startswith("🕐 Fællesspisning flytter til kl. 18.00 fra torsdag 17. december.")
    assert len(new) == 1, new
    # Dates made later follow the series.
    assert await bot.store.series.extend(NOW + 8 * 86400, WEEKS + 1) > 0
    made = [a for a, _ in await bot.store.activities.all() if a.id > max(ids)]
    assert made and {wall(a.starts_at)[11:] for a in made} == {"18:00"}


async def test_all_following_place_edit(bot: Harness) -> None:
    lene, jens, _series_id, ids = await setup(bot)
    await join(bot, 1, ids[1], ids[2])
    await lene.tap_data(f"v1:act:show:{ids[1]}:0")
    await lene.tap("✏️ Sted")
    await lene.tap("Denne og alle de næste")
    await lene.send("Haven")
    places = [p for _, p, _ in await dates(bot, ids)]
    assert places == ["Køkkenet"] + ["Haven"] * (len(ids) - 1)
    bot.clock.advance(10 * 60)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📍 Fællesspisning flytter til Haven fra torsdag 10. december."
    )


async def test_all_following_places_move_people_up(bot: Harness) -> None:
    lene, _jens, series_id, ids = await setup(bot, capacity=1)
    await join(bot, 1, ids[1], ids[2])
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    await join(bot, 2, ids[1], ids[2])  # Maria: waiting for both
    await lene.tap_data(f"v1:act:show:{ids[1]}:0")
    await lene.tap("✏️ Pladser")
    assert "Alle tilmeldte" not in lene.last_text()  # nobody is told of more places
    await lene.tap("Denne og alle de næste")
    await lene.tap_data("v1:stf:cap:5")
    assert f"Gemt for {len(ids) - 1} datoer. 1 rykker op" in lene.last_text()
    caps = [(await bot.store.activities.get(i)).capacity for i in ids]  # type: ignore[union-attr]
    assert caps == [1] + [5] * (len(ids) - 1)
    for activity_id in ids[1:3]:
        view = await bot.store.signups.view(activity_id, 2)
        assert view is not None and view.my_status.value == "confirmed"
    assert (await bot.store.series.get(series_id, NOW)).capacity == 5  # type: ignore[union-attr]


async def test_cancel_only_this_or_stop_the_series_each_person_told_once(bot: Harness) -> None:
    lene, jens, series_id, ids = await setup(bot)
    await join(bot, 1, ids[1], ids[3], ids[4])
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    await join(bot, 2, ids[4])
    await lene.tap_data(f"v1:act:show:{ids[1]}:0")
    await lene.tap("🗑️ Aflys")
    assert "• Kun denne gang: torsdag 10. december aflyses." in lene.last_text()
    await lene.tap("Kun denne gang")
    await lene.tap("Ja, aflys den")
    assert [s for _, _, s in await dates(bot, ids[:3])] == ["scheduled", "cancelled", "scheduled"]
    await lene.tap_data(f"v1:act:show:{ids[3]}:0")
    await lene.tap("🗑️ Aflys")
    assert "Fællesspisning stopper. torsdag 24. december og" in lene.last_text()
    await lene.tap("Denne og alle de næste")
    assert lene.last_text().startswith("Stop Fællesspisning fra torsdag 24. december?")
    await lene.tap("Ja, stop den")
    assert lene.last_text().startswith(
        f"Fællesspisning stopper. {len(ids) - 3} datoer er aflyst. 2 personer får hver én besked."
    )
    statuses = [s for _, _, s in await dates(bot, ids)]
    assert statuses == ["scheduled", "cancelled", "scheduled"] + ["cancelled"] * (len(ids) - 3)
    series = await bot.store.series.get(series_id, NOW)
    assert series is not None and series.ended_at is not None
    assert series.until_date == date(2026, 12, 23)
    await bot.dispatch()
    assert len(about(jens, "aflyst")) == 1  # 10 December
    (stops,) = about(jens, "stopper fra")  # the series: one message for his two dates
    assert stops == "😔 Fællesspisning stopper fra torsdag 24. december. Det er vi kede af."
    assert about(maria, "stopper fra") == [stops.replace("24.", "31.")]  # her first date
    assert not about(maria, "aflyst")
    assert await bot.dispatch() == 0
    await lene.tap_data(f"v1:stf:endok:{ids[3]}")  # a second tap
    assert [s for _, _, s in await dates(bot, ids[:3])] == ["scheduled", "cancelled", "scheduled"]


async def test_stale_and_forged_series_buttons_change_nothing(bot: Harness) -> None:
    lene, jens, series_id, ids = await setup(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    single = await bot.activity(centre, "Tur")
    before = await dates(bot, ids)
    for data in (
        f"v1:stf:editall:{ids[1]}:g",
        f"v1:stf:editall:{ids[1]}:z",
        f"v1:stf:editall:{ids[1]}:t:5",
        "v1:stf:editall:99999:t",
        f"v1:stf:edit1:{single}:t",
        f"v1:stf:editall:{single}:x",
        "v1:stf:endok:99999",
        f"v1:stf:endok:{single}",
    ):
        await lene.tap_data(data)
        assert "fast aktivitet" not in lene.last_text(), data
        assert "Skriv" not in lene.last_text(), data  # no dialog step started
    await jens.tap_data(f"v1:stf:editall:{ids[1]}:t")
    assert jens.last_text() == "Det har du ikke adgang til."
    await jens.tap_data(f"v1:stf:endok:{ids[1]}")
    assert jens.last_text() == "Det har du ikke adgang til."
    assert await dates(bot, ids) == before
    assert (await bot.store.activities.get(single)).status == "scheduled"  # type: ignore[union-attr]
    # An old question after the series ended: stale, nothing changes.
    await bot.store.series.end(series_id, date(2026, 12, 3), NOW)
    await lene.tap_data(f"v1:stf:editall:{ids[1]}:p")
    assert "Hvor?" not in lene.last_text()


async def maria_waits(bot: Harness, count: int) -> tuple[FakeUser, FakeUser, list[int]]:
    """One place a date; Jens has it on `count` dates from 10 December, Maria waits on each."""
    lene, _jens, _, ids = await setup(bot, capacity=1)
    await join(bot, 1, *ids[1 : 1 + count])
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    await join(bot, 2, *ids[1 : 1 + count])
    return lene, maria, ids


async def raise_places(lene: FakeUser, activity_id: int) -> None:
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Pladser")
    await lene.tap("Denne og alle de næste")
    await lene.tap_data("v1:stf:cap:5")


async def test_moving_up_on_three_dates_is_one_message(bot: Harness) -> None:
    lene, maria, ids = await maria_waits(bot, 3)
    await raise_places(lene, ids[1])
    assert await bot.dispatch() == 1
    assert about(maria, "Godt nyt") == [
        (
            "🎉 Godt nyt! Du har fået en plads til Fællesspisning: torsdag 10. december,"
            " torsdag 17. december og torsdag 24. december."
        )
    ]
    assert await bot.dispatch() == 0  # nothing twice
    assert len(about(maria, "Godt nyt")) == 1


async def test_a_restart_before_sending_still_sends_one_message(bot: Harness) -> None:
    lene, maria, ids = await maria_waits(bot, 3)
    await raise_places(lene, ids[1])
    await bot.restart()
    assert await bot.dispatch() == 1
    assert await bot.dispatch() == 0
    (told,) = about(maria, "Godt nyt")
    assert "torsdag 10. december, torsdag 17. december og torsdag 24. december" in told


async def test_a_long_list_of_dates_is_cut_and_one_date_stays_as_before(bot: Harness) -> None:
    lene, maria, ids = await maria_waits(bot, 8)
    søren = bot.user(3, "Søren")
    await søren.send("/start c-parasollen")
    await join(bot, 1, ids[12])
    await join(bot, 3, ids[12])  # Søren waits on one date only
    await raise_places(lene, ids[1])
    assert await bot.dispatch() == 2
    (told,) = about(maria, "Godt nyt")
    assert told.endswith("torsdag 31. december, torsdag 7. januar og 3 datoer mere.")
    assert told.count("torsdag") == 5
    (one,) = about(søren, "Godt nyt")
    assert one.startswith("🎉 Godt nyt! Der blev en plads ledig til dig på Fællesspisning,")


async def test_two_series_edits_in_a_burst_tell_from_the_first_changed_date(bot: Harness) -> None:
    """Lene moves 24 December on, then (within ten minutes) 17 December on: Jens's one message
    starts at 17 December, and says it is about his dates from that day (not all of them)."""
    lene, jens, _, ids = await setup(bot)
    await join(bot, 1, ids[1], ids[2], ids[3])
    for activity_id, at in ((ids[3], "18.00"), (ids[2], "18.30")):
        await lene.tap_data(f"v1:act:show:{activity_id}:0")
        await lene.tap("✏️ Tid")
        await lene.tap("Denne og alle de næste")
        await lene.send(at)
    bot.clock.advance(10 * 60)
    assert await bot.dispatch() == 1
    assert await bot.dispatch() == 0
    (told,) = about(jens, "flytter")
    assert told.startswith("🕐 Fællesspisning flytter til kl. 18.30 fra torsdag 17. december.")
    assert told.endswith("Det gælder dine datoer fra den dag.")
    assert "alle dine datoer" not in told


async def test_only_this_time_offers_the_same_time_buttons_and_another_day(bot: Harness) -> None:
    """✏️ Tid on one date of a series shows the time buttons of "Denne og alle de næste" (on the
    date's own day), plus "📅 En anden dag" for moving it to another day."""
    lene, _jens, _, ids = await setup(bot)
    await join(bot, 1, ids[1])
    await lene.tap_data(f"v1:act:show:{ids[1]}:0")
    await lene.tap("✏️ Tid")
    await lene.tap("Kun denne gang")
    labels = [label for label, _ in lene.last_message().buttons()]
    assert "18.00" in labels and "📅 En anden dag" in labels
    await lene.tap("18.00")
    assert (await dates(bot, ids[:3]))[1][0] == "2026-12-10 18:00"
    assert flags(bot, ids[:3]) == [0, 1, 0]
    await lene.tap_data(f"v1:act:show:{ids[2]}:0")
    await lene.tap("✏️ Tid")
    await lene.tap("Kun denne gang")
    await lene.tap("📅 En anden dag")
    assert "Samme dag (torsdag 17. december)" in [t for t, _ in lene.last_message().buttons()]
    await lene.send("19/12")
    await lene.tap("17.00")
    assert (await dates(bot, ids[:3]))[2][0] == "2026-12-19 17:00"
