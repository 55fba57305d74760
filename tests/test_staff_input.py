"""Lene between two jobs: a sticker or a photo in the middle of a staff dialog is met with the
step again, a command in the middle of one says what it stopped, and ✏️ Tid reads "18" as a
time on the same day (issue 11, points 11 and 12)."""

from bot.fake_telegram import FakeUser
from tests.conftest import Harness, local
from tests.test_staff import lene_at_parasollen, make_activity

AS_TEXT = "Skriv det med bogstaver."


def labels(person: FakeUser) -> list[str]:
    return [label for label, _data in person.last_message().buttons()]


async def the_time_step(lene: FakeUser) -> None:
    """Make an activity tomorrow at 14.00 (Fodbold, Fælledparken), open it, tap ✏️ Tid."""
    await make_activity(lene)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Tid")


async def test_a_sticker_or_a_photo_at_the_title_asks_for_the_title_again(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    for send in (lene.send_sticker, lene.send_photo):
        await send()
        assert lene.last_text() == (
            "Skriv det med bogstaver.\n\nNy aktivitet\nHvad hedder den? Skriv en kort titel."
        )
        assert labels(lene) == ["⬅️ Tilbage", "✖️ Afbryd"]
    await lene.send("Fodbold")
    assert "Hvilken dag?" in lene.last_text()


async def test_a_sticker_or_a_photo_at_the_time_repeats_the_time_buttons(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await lene.tap("I morgen")
    before = labels(lene)
    for send in (lene.send_sticker, lene.send_photo):
        await send()
        assert lene.last_text().startswith(AS_TEXT + "\n\nNy aktivitet\nHvornår starter den?")
        assert labels(lene) == before and "14.00" in before
    await lene.send("14")
    await lene.tap("Kun én gang")
    assert "Hvor? Tryk på et sted, eller skriv det." in lene.last_text()


async def test_a_sticker_or_a_photo_at_time_edit_asks_again(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await the_time_step(lene)
    for send in (lene.send_sticker, lene.send_photo):
        await send()
        assert lene.last_text().startswith(
            AS_TEXT + "\n\n✏️ Fodbold\nNu: søndag 29. november kl. 14.00\nSkriv den nye tid"
        )
        assert labels(lene)[0] == "Samme dag (søndag 29. november)"
    draft = await bot.store.drafts.get(50, bot.clock.now())
    assert draft is not None and draft.step == "day"


async def test_stray_input_at_place_places_and_guest_name_asks_again(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    for edit, question in (
        ("✏️ Sted", "Hvor? Tryk på et sted, eller skriv det."),
        ("✏️ Pladser", "Hvor mange pladser?"),
        ("➕", "Skriv kun fornavnet på den, du vil tilmelde."),
    ):
        await lene.tap_data("v1:act:show:1:0")
        await lene.tap(edit)
        await lene.send_voice()
        assert lene.last_text().startswith(AS_TEXT + "\n\n✏️ Fodbold\n")
        assert question in lene.last_text()
        assert "✖️ Afbryd" in labels(lene)
        await lene.tap("✖️ Afbryd")


async def test_a_sticker_where_only_buttons_work_says_tap(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await lene.tap("I morgen")
    await lene.tap("14.00")
    await lene.tap("Kun én gang")
    await lene.send("Stuen")
    await lene.tap("10")
    await lene.send_sticker()
    assert lene.last_text().startswith("Tryk på en af knapperne.\n\nNy aktivitet\nSe det igennem")
    assert "✅ Opret" in labels(lene)


async def test_start_in_the_middle_of_a_new_activity_says_it_was_stopped(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    seen = len(lene.texts())
    await lene.send("/start")
    new = lene.texts()[seen:]
    assert new[0] == "Jeg har stoppet den nye aktivitet: Den er ikke gemt."
    assert len(new) > 1  # and then /start did what it does
    assert await bot.store.drafts.get(50, bot.clock.now()) is None
    assert await bot.store.activities.all() == []


async def test_besked_in_the_middle_of_a_dialog_stops_it_then_starts_besked(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Sted")
    seen = len(lene.texts())
    await lene.send("/besked")
    assert lene.texts()[seen:] == [
        "Jeg har stoppet ændringen af Fodbold: Intet er ændret.",
        lene.last_text(),
    ]
    assert lene.last_text() == "Ny besked\nHvem skal have den?"
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.place == "Fælledparken"
    # /besked again in the middle of /besked: stopped, then a fresh start.
    await lene.tap("Alle på Café Parasollen")
    await lene.send("/besked")
    assert lene.texts()[-2] == "Jeg har stoppet beskeden: Den er ikke sendt."
    assert lene.last_text() == "Ny besked\nHvem skal have den?"


async def test_a_menu_button_mid_dialog_says_so_and_mine_data_does_not(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("/mine_data")
    draft = await bot.store.drafts.get(50, bot.clock.now())
    assert draft is not None and draft.step == "title"
    assert not any(text.startswith("Jeg har stoppet") for text in lene.texts())
    seen = len(lene.texts())
    await lene.press("📅 Aktiviteter")
    assert lene.texts()[seen] == "Jeg har stoppet den nye aktivitet: Den er ikke gemt."
    assert len(lene.texts()) == seen + 2  # then the list
    await lene.press("📅 Aktiviteter")  # no dialog any more: nothing to stop
    assert len(lene.texts()) == seen + 3


async def test_time_edit_reads_18_and_18_30_as_the_same_day(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await the_time_step(lene)
    await jens.tap_data("v1:act:join:1:0")
    await lene.send("18")
    ((activity, confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 11, 29, 18)
    assert confirmed == 1
    assert "📅 søndag 29. november kl. 18.00" in lene.last_text()  # the card, changed
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Tid")
    await lene.send("18.30")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 11, 29, 18, 30)


async def test_time_edit_takes_a_date_with_a_time(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await the_time_step(lene)
    await lene.send("5/12 18.30")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 12, 5, 18, 30)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Tid")
    await lene.send("6.12 kl. 18")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 12, 6, 18)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Tid")
    await lene.send("7/12")  # a date alone: then the time, as before
    assert "Hvornår starter den?" in lene.last_text()
    await lene.tap("10.00")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 12, 7, 10)


async def test_time_edit_asks_when_it_could_be_a_time_or_a_date(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await the_time_step(lene)
    await lene.send("5.12")
    assert lene.last_text() == "✏️ Fodbold\nMener du en tid eller en dato?"
    assert labels(lene) == ["🕐 Samme dag kl. 05.12", "📅 lørdag 5. december", "✖️ Afbryd"]
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 11, 29, 14)  # nothing guessed
    await lene.tap("📅 lørdag 5. december")
    await lene.send("19")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 12, 5, 19)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Tid")
    await lene.send("18.12")
    await lene.tap("🕐 Samme dag kl. 18.12")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.starts_at == local(2026, 12, 5, 18, 12)


async def test_a_bare_number_is_never_a_day_and_a_new_activity_takes_day_and_time(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Banko")
    await lene.send("18")
    assert lene.last_text().startswith("Den dato kan jeg ikke læse.")
    await lene.send("5.12")  # asked for a day: a date
    assert "Hvornår starter den?" in lene.last_text()
    await lene.tap("⬅️ Tilbage")
    await lene.send("5/12 18.30")
    await lene.tap("Kun én gang")
    assert "Hvor? Tryk på et sted, eller skriv det." in lene.last_text()
    await lene.send("Stuen")
    await lene.tap("10")
    assert "📅 lørdag 5. december kl. 18.30\n📍 Stuen" in lene.last_text()
