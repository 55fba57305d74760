"""My sign-ups: upcoming places and waiting-list spots, each cancelled with one tap."""

from tests.conftest import Harness, local


async def test_my_sign_ups_lists_places_and_waiting_spots(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=5)
    await bot.activity(centre, "Banko", starts_at=local(2026, 12, 6, 19), capacity=0)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    await jens.tap("Tilbage til listen")
    await jens.tap("Banko")
    await jens.tap("Skriv mig på ventelisten")
    await jens.press("✅ Mine tilmeldinger")
    assert jens.last_text() == (
        "Mine tilmeldinger\n\n"
        "1. Fodbold\nlørdag 5. december kl. 10.00\n✅ Du har en plads\n\n"
        "2. Banko\nsøndag 6. december kl. 19.00\n⏳ Nr. 1 på ventelisten"
    )
    assert [b for b, _ in jens.last_message().buttons()] == [
        "❌ Afmeld 1. Fodbold",
        "❌ Gå af ventelisten: 2. Banko",
    ]


async def test_cancelling_from_my_sign_ups_thanks_and_promotes(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=1)
    maria, jens = bot.user(2, "Maria"), bot.user(1, "Jens")
    for person in (maria, jens):
        await person.send("/start c-parasollen")
        await person.tap("Tur")
        await person.tap("Tilmeld mig" if person is maria else "Skriv mig på ventelisten")
    bot.clock.advance(60)
    await maria.send("/mine")
    await maria.tap("Afmeld 1. Tur")
    assert maria.last_text().startswith(
        "Nu er du ikke tilmeldt Tur mere. Tak, fordi du sagde til."
    )
    assert "Du er ikke tilmeldt noget lige nu." in maria.last_text()
    await bot.dispatch()
    assert "Godt nyt!" in jens.last_text()


async def test_an_old_cancel_button_just_shows_the_current_list(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=3)
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    await maria.tap("Tur")
    await maria.tap("Tilmeld mig")
    await maria.press("✅ Mine tilmeldinger")
    old_list = maria.last_message()
    ((_, old_cancel),) = old_list.buttons()
    bot.clock.advance(60)
    await maria.tap("Afmeld 1. Tur")
    await maria.tap_data(old_cancel, old_list)
    assert "Du er ikke tilmeldt noget lige nu." in maria.last_text()


async def test_nothing_signed_up_points_to_activities(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send("/start")
    await jens.press("✅ Mine tilmeldinger")
    assert jens.last_text() == (
        "Du er ikke tilmeldt noget lige nu.\nTryk på 📅 Aktiviteter for at se, hvad der sker."
    )
