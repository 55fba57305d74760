"""Settings: language in one tap, and belonging to several centres."""

from tests.conftest import Harness, screen


async def test_switching_to_english_changes_texts_dates_and_menu(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Football")
    ali = bot.user(3, "Ali")
    await ali.send("/start c-parasollen")
    await ali.press("⚙️ Indstillinger")
    assert "Sprog: Dansk" in ali.last_text()
    await ali.tap("English")
    assert ali.last_text() == "👍 I will speak English now."
    assert "Language: English" in ali.texts()[-2]
    await ali.press("📅 Activities")
    assert "Sat 5/12 10:00 · Football" in screen(ali)
    await ali.send("/language")
    await ali.tap("Dansk")
    assert ali.last_text() == "👍 Nu taler jeg dansk."
    assert ali.menu()[0] == "📅 Aktiviteter"


async def test_old_danish_menu_buttons_still_work_after_switching(bot: Harness) -> None:
    ali = bot.user(3, "Ali")
    await ali.send("/start")
    await ali.tap("English")
    await ali.send("⚙️ Indstillinger")  # the old keyboard may still be on screen
    assert "Language: English" in ali.last_text()


async def test_belonging_to_two_centres_and_removing_one(bot: Harness) -> None:
    one = await bot.centre()
    two = await bot.centre("kofoed", "Kofoeds Skole")
    await bot.activity(one, "Fodbold")
    await bot.activity(two, "Maling")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.press("⚙️ Indstillinger")
    await jens.tap("Vælg et værested mere")
    await jens.tap("Kofoeds Skole")
    assert "Fodbold" in screen(jens) and "Maling" in screen(jens)
    await jens.press("⚙️ Indstillinger")
    assert "Dine væresteder: Café Parasollen, Kofoeds Skole" in jens.last_text()
    await jens.tap("🏠 Kofoeds Skole")  # two centres: each has its own screen
    await jens.tap("Fjern Kofoeds Skole")
    assert jens.last_text().startswith("Vil du fjerne Kofoeds Skole fra dine væresteder?")
    await jens.tap("Nej, gå tilbage")
    assert "Dine væresteder: Café Parasollen, Kofoeds Skole" in jens.last_text()
    await jens.tap("🏠 Kofoeds Skole")
    await jens.tap("Fjern Kofoeds Skole")
    await jens.tap("Ja, fjern det")
    assert jens.last_text().startswith("Kofoeds Skole er ikke længere på din liste.")
    assert [c.slug for c in await bot.store.people.centres(1)] == ["parasollen"]
    await jens.press("📅 Aktiviteter")
    assert "Maling" not in screen(jens)
