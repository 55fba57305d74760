"""The list with a full programme (issue 13): ten weekly series at Jens's centre, 8 weeks ahead
(80 dates), two one-off activities and a national one. 📅 Aktiviteter shows what is on in the
coming days with each series once; every date of a series is two taps from its card
("📅 Andre datoer", then the date)."""

from __future__ import annotations

from datetime import date

from bot.fake_telegram import FakeUser
from bot.store.series import NewSeries
from tests.conftest import NOW, Harness, local

WEEKS = 8
# (title, first date, time): NOW is Saturday 28 November 2026 at 10.00.
SERIES = [
    ("Fodbold", date(2026, 11, 28), "14:00"),
    ("Brunch", date(2026, 11, 29), "11:00"),
    ("Morgenmad mandag", date(2026, 11, 30), "09:00"),
    ("Syning", date(2026, 11, 30), "13:00"),
    ("Gåtur", date(2026, 12, 1), "10:00"),
    ("Morgenmad onsdag", date(2026, 12, 2), "09:00"),
    ("Kortspil", date(2026, 12, 2), "14:00"),
    ("Fællesspisning", date(2026, 12, 3), "17:30"),
    ("Musik", date(2026, 12, 3), "19:00"),
    ("Banko", date(2026, 12, 4), "19:00"),
]
# Soonest first, each series once, with the one-offs and the national activity in their place.
WHATS_ON = [
    "Fodbold",
    "Brunch",
    "Morgenmad mandag",
    "Syning",
    "Gåtur",
    "Juletur",
    "Morgenmad onsdag",
    "Kortspil",
    "Fællesspisning",
    "Musik",
    "Banko",
    "Landsturnering",
    "Foredrag",
]


async def programme(bot: Harness) -> dict[str, list[int]]:
    """The full programme at Café Parasollen; each series' date ids, soonest first."""
    centre = await bot.centre()
    made = await bot.store.series.create_many(
        [NewSeries(centre.id, title, first, at, place="Salen") for title, first, at in SERIES],
        NOW,
        WEEKS,
    )
    await bot.activity(centre, "Juletur", local(2026, 12, 1, 12))
    await bot.activity(centre, "Foredrag", local(2026, 12, 8, 18))
    await bot.activity(None, "Landsturnering", local(2026, 12, 6, 10))
    dates = {title: ids for (title, _, _), (_, ids) in zip(SERIES, made, strict=True)}
    assert all(len(ids) == WEEKS for ids in dates.values())  # 80 dates
    return dates


def titles(person: FakeUser) -> list[str]:
    """The activities on the list screen, by title (the part after "day time · ")."""
    return [
        label.split(" · ", 1)[1].removesuffix(" ✅").removesuffix(" ⏳")
        for label, data in person.last_message().buttons()
        if data.startswith("v1:act:show:")
    ]


async def whole_list(person: FakeUser) -> list[str]:
    """Every activity on 📅 Aktiviteter, page by page."""
    await person.send("/aktiviteter")
    seen = titles(person)
    while any("Næste" in label for label, _ in person.last_message().buttons()):
        await person.tap("Næste")
        seen += titles(person)
    return seen


def date_buttons(person: FakeUser) -> list[tuple[str, str]]:
    """The dates on the 📅 Andre datoer screen (not its "⬅️ Tilbage")."""
    buttons = person.last_message().buttons()
    return [(label, data) for label, data in buttons if ":show:" in data and "⬅️" not in label]


async def test_the_first_page_shows_the_coming_days_and_each_series_once(bot: Harness) -> None:
    await programme(bot)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.send("/aktiviteter")
    assert titles(jens) == WHATS_ON[:5]  # Saturday to Tuesday: what is on in the coming days
    assert "I dag 14.00 · Fodbold" in [label for label, _ in jens.last_message().buttons()]
    assert await whole_list(jens) == WHATS_ON  # 13 lines, not 83


async def test_other_dates_lists_every_date_of_the_series_two_taps_from_its_card(
    bot: Harness,
) -> None:
    dates = await programme(bot)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.send("/aktiviteter")
    await jens.tap("Næste")
    await jens.tap("Fællesspisning")
    assert "Fællesspisning" in jens.last_text()
    await jens.tap("📅 Andre datoer")  # tap 1
    assert "Fællesspisning" in jens.last_text() and "de næste datoer" in jens.last_text()
    first = date_buttons(jens)
    assert len(first) == 6  # at most six to a page
    assert [label for label, _ in first][:2] == ["Tor 3/12 17.30", "Tor 10/12 17.30"]
    assert [data.split(":")[3] for _, data in first] == [
        str(i) for i in dates["Fællesspisning"][:6]
    ]
    await jens.tap("Næste")
    second = date_buttons(jens)
    assert [label for label, _ in second] == ["Tor 14/1 17.30", "Tor 21/1 17.30"]  # the 8th
    await jens.tap("21/1")  # tap 2: the 8th date's card
    assert "21. januar 2027 kl. 17.30" in jens.last_text()
    assert any("Tilmeld" in label for label, _ in jens.last_message().buttons())
    await jens.tap("Tilmeld")
    assert "Du er tilmeldt" in jens.last_text()
    await jens.tap("📅 Andre datoer")  # from any date of the series, its dates again
    await jens.tap("Næste")
    assert [label for label, _ in date_buttons(jens)] == ["Tor 14/1 17.30", "Tor 21/1 17.30 ✅"]
    await jens.tap("Forrige")
    assert len(date_buttons(jens)) == 6
    await jens.tap("Tilbage")  # back to the card it came from
    assert "21. januar 2027" in jens.last_text()


async def test_a_date_jens_is_signed_up_to_is_on_the_list_though_not_the_next(
    bot: Harness,
) -> None:
    dates = await programme(bot)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    third = dates["Fællesspisning"][2]  # Thursday 17 December
    await bot.store.signups.join(third, jens.id, NOW, bot.services.planner)
    listed = await whole_list(jens)
    assert listed.count("Fællesspisning") == 2
    assert [t for t in listed if t not in WHATS_ON] == []
    labels = [label for label, _ in jens.last_message().buttons()]
    assert "Tor 17/12 17.30 · Fællesspisning ✅" in labels  # soonest first: on the last page
    assert listed[-1] == "Fællesspisning"


async def test_a_one_off_activity_has_no_other_dates_and_an_old_dates_button_is_stale(
    bot: Harness,
) -> None:
    dates = await programme(bot)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.send("/aktiviteter")
    await jens.tap("Næste")
    await jens.tap("Juletur")
    assert "Juletur" in jens.last_text()
    assert not any("Andre datoer" in label for label, _ in jens.last_message().buttons())
    # Forged or out of date: a one-off, or a series whose dates have all gone.
    for activity_id in (dates["Banko"][0] + 10_000, 0):
        await jens.tap_data(f"v1:act:dates:{activity_id}:0:0")
        assert "Den knap er gammel" in jens.last_text()


async def test_a_typed_question_names_a_weekly_series_once_with_its_rhythm(bot: Harness) -> None:
    centre = await bot.centre()
    [(_, ids)] = await bot.store.series.create_many(
        [NewSeries(centre.id, "Fællesspisning", date(2026, 12, 3), "17:30")], NOW, WEEKS
    )
    assert len(ids) == WEEKS
    await bot.activity(centre, "Fællesspisning jul", local(2026, 12, 24, 17))
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.send("hvornår er fællesspisning")
    text = jens.last_text()
    assert "Fællesspisning er torsdag 3. december kl. 17.30 – hver uge." in text
    shown = [(label, data) for label, data in jens.last_message().buttons() if ":show:" in data]
    assert [label for label, _ in shown] == [
        "Tor 17.30 · Fællesspisning",
        "Tor 24/12 17.00 · Fællesspisning jul",
    ]  # 2 buttons, not 9
    await jens.tap("Tor 17.30 · Fællesspisning")  # its card reaches the other dates
    await jens.tap("📅 Andre datoer")
    assert len(date_buttons(jens)) == 6
    # A date Jens has a place on is there too, marked, as on the list.
    await bot.store.signups.join(ids[3], jens.id, NOW, bot.services.planner)
    await jens.send("fællesspisning")
    labels = [label for label, data in jens.last_message().buttons() if ":show:" in data]
    assert labels == [
        "Tor 17.30 · Fællesspisning",
        "Tor 24/12 17.00 · Fællesspisning jul",
        "Tor 24/12 17.30 · Fællesspisning ✅",
    ]
    assert jens.last_text().count("hver uge") == 1


async def test_other_dates_always_say_the_day_even_today_and_this_week(bot: Harness) -> None:
    """Fodbold is today (Saturday 28 November): on its 📅 Andre datoer every date says which
    Saturday it is — "Lør 28/11 14.00", not "I dag 14.00" next to "Lør 5/12 14.00"."""
    await programme(bot)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.send("/aktiviteter")
    await jens.tap("Fodbold")
    await jens.tap("📅 Andre datoer")
    labels = [label for label, _ in date_buttons(jens)]
    assert labels[:3] == ["Lør 28/11 14.00", "Lør 5/12 14.00", "Lør 12/12 14.00"]
