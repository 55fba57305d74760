"""Onboarding: /start, deep links, the centre picker, and three taps to a sign-up."""

from bot.fake_telegram import BOT_USERNAME
from tests.conftest import Harness, local, screen

MENU = ["📅 Aktiviteter", "✅ Mine tilmeldinger", "⚙️ Indstillinger", "❓ Hjælp"]


async def test_start_without_payload_welcomes_and_asks_for_the_centre(bot: Harness) -> None:
    await bot.centre()
    jens = bot.user(1, "Jens")
    await jens.send("/start")
    welcome, picker = jens.texts()
    assert welcome.startswith("Hej Jens! 👋")
    assert "Hvilket værested kommer du på?" in picker
    labels = [label for label, _ in jens.last_message().buttons()]
    assert labels == [
        "🏠 Café Parasollen",
        "🌍 For hele landet",
        "🇬🇧 English",
    ]
    assert jens.menu() == MENU


async def test_three_taps_from_start_to_signed_up_without_typing(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=10)
    jens = bot.user(1, "Jens")
    await jens.send("/start")
    await jens.tap("Café Parasollen")  # 1
    assert "Velkommen til Café Parasollen! Her er, hvad der sker:" in jens.last_text()
    await jens.tap("Fodbold")  # 2
    await jens.tap("Tilmeld mig")  # 3
    assert "✅ Du er tilmeldt. Vi ses!" in jens.last_text()
    assert len(jens.texts()) == 2, "every tap edited the same message"


async def test_centre_picker_groups_more_than_six_by_letter_with_national_always(
    bot: Harness,
) -> None:
    names = [
        "Ørestad",
        "Aarhus Nord",
        "Bispebjerg",
        "Café Parasollen",
        "Dalum",
        "Esbjerg",
        "Frederiksberg",
        "Gentofte",
    ]
    for i, name in enumerate(names):
        await bot.store.centres.add(f"c{i}", name, "", "Europe/Copenhagen")
    jens = bot.user(1)
    await jens.send("/start")
    assert "Hvilket værested kommer du på? Tryk på det, eller skriv navnet." in jens.last_text()
    first = [label for label, _ in jens.last_message().buttons()]
    assert first[:2] == ["Aarhus Nord – Dalum", "Esbjerg – Ørestad"] and "Næste ▶️" not in first
    assert any(label.startswith("🌍") for label in first)
    await jens.tap("Esbjerg – Ørestad")
    second = [label for label, _ in jens.last_message().buttons()]
    assert second == [
        "🏠 Esbjerg",
        "🏠 Frederiksberg",
        "🏠 Gentofte",
        "🏠 Ørestad",
        "⬅️ Tilbage",
    ]
    await jens.tap("Tilbage")
    assert [label for label, _ in jens.last_message().buttons()] == first


async def test_centre_link_joins_and_shows_activities_at_once(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", place="Fælledparken")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    assert [c.slug for c in await bot.store.people.centres(1)] == ["parasollen"]
    text = screen(jens)
    assert "Velkommen til Café Parasollen!" in text
    assert "Lør 5/12 10.00 · Fodbold" in text


async def test_unknown_centre_link_offers_the_picker(bot: Harness) -> None:
    await bot.centre()
    jens = bot.user(1)
    await jens.send("/start c-findesikke")
    assert "Jeg kan ikke finde det værested. Vælg det her:" in jens.last_text()
    assert await bot.store.people.centres(1) == []


async def test_activity_link_opens_its_card_and_joins_its_centre(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Tur til Bakken", capacity=3)
    maria = bot.user(2, "Maria")
    await maria.send(f"/start a-{activity_id}")
    assert maria.last_text().startswith("Tur til Bakken\n📅 lørdag 5. december kl. 10.00")
    assert [c.slug for c in await bot.store.people.centres(2)] == ["parasollen"]
    await maria.tap("Tilmeld mig")
    assert "✅ Du er tilmeldt. Vi ses!" in maria.last_text()


async def test_link_to_a_cancelled_activity_says_the_button_is_old(bot: Harness) -> None:
    activity_id = await bot.activity(None, "Gammel tur", starts_at=local(2026, 11, 1, 10))
    maria = bot.user(2)
    await maria.send(f"/start a-{activity_id}")
    assert maria.last_text().startswith("Gammel tur er slut.")


async def test_returning_user_sees_activities_not_the_picker(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("/start")
    assert "Fodbold" in screen(jens)
    assert "Hvilket værested" not in jens.last_text()


async def test_national_choice_shows_national_activities(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Lokal fodbold")
    await bot.activity(None, "Landsturnering")
    jens = bot.user(1)
    await jens.send("/start")
    await jens.tap("For hele landet")
    text = screen(jens)
    assert "Landsturnering" in text and "Lokal fodbold" not in text


async def test_english_is_one_tap_away_on_the_first_screen(bot: Harness) -> None:
    await bot.centre()
    ali = bot.user(3, "Ali")
    await ali.send("/start")
    await ali.tap("English")
    assert "Which centre do you go to?" in ali.texts()[1]
    assert ali.last_text() == "👍 I will speak English now."
    assert ali.menu() == ["📅 Activities", "✅ My sign-ups", "⚙️ Settings", "❓ Help"]


async def test_bot_sets_its_description_and_menu_in_both_languages(bot: Harness) -> None:
    settings = bot.fake.bot_settings
    assert settings[("description", None)].startswith("Hej! Jeg viser dig")
    assert settings[("description", "en")].startswith("Hi! I show you")
    assert settings[("short_description", None)].startswith("Se, hvad der sker")
    assert [c["command"] for c in settings[("commands", None)]] == [
        "aktiviteter",
        "mine",
        "indstillinger",
        "hjaelp",
        "mine_data",
        "slet_mig",
    ]
    assert [c["command"] for c in settings[("commands", "en")]] == [
        "activities",
        "my",
        "settings",
        "help",
        "my_data",
        "delete_me",
    ]
    assert await bot.store.setting("bot_username") == BOT_USERNAME
