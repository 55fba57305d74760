"""A line to staff: one message to the centre's staff, an answer back; nobody else sees it."""

from bot.db import RoleName
from bot.fake_telegram import FakeUser
from dialogs.privacy import run_retention
from tests.conftest import NOW, Harness

DAY = 86400


async def setup(bot: Harness) -> tuple[FakeUser, FakeUser, FakeUser]:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    await bot.db.grant_role(50, RoleName.STAFF, parasollen.id, NOW)
    await bot.db.grant_role(60, RoleName.STAFF, kofoed.id, NOW)
    lene, ole, jens = bot.user(50, "Lene"), bot.user(60, "Ole"), bot.user(1, "Jens")
    for person in (lene, ole):
        await person.send("/start")
    await jens.send("/start c-parasollen")
    return jens, lene, ole


async def write(jens: FakeUser, text: str) -> None:
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send(text)


async def test_a_message_reaches_the_centres_staff_and_the_answer_comes_back(
    bot: Harness,
) -> None:
    jens, lene, ole = await setup(bot)
    await jens.send("/hjaelp")
    assert jens.last_text() == "Vil du spørge personalet om noget?"
    await jens.tap("Skriv til personalet")
    assert jens.last_text() == (
        "Skriv din besked til personalet på Café Parasollen. Kun personalet kan se den."
    )
    await jens.send("Kan jeg få en sovepose?")
    assert jens.last_text() == (
        "✅ Sendt til personalet på Café Parasollen. De svarer her, når de kan."
    )
    assert lene.last_text() == (
        "💬 En besked fra Jens (Café Parasollen):\n\nKan jeg få en sovepose?"
    )
    assert not any("sovepose" in t for t in ole.texts())
    await lene.tap("Svar")
    assert lene.last_text() == "Skriv dit svar til Jens."
    await lene.send("Ja, kom forbi i morgen kl. 10.")
    assert lene.last_text() == "✅ Dit svar er sendt til Jens."
    assert jens.last_text() == "💬 Et svar fra Café Parasollen:\n\nJa, kom forbi i morgen kl. 10."


async def test_staff_of_another_centre_cannot_answer(bot: Harness) -> None:
    jens, lene, ole = await setup(bot)
    await write(jens, "Hej")
    reply = next(d for label, d in lene.last_message().buttons() if "Svar" in label)
    await ole.tap_data(reply)
    assert ole.last_text() == "Det har du ikke adgang til."


async def test_at_most_three_messages_an_hour(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    for n in range(3):
        await write(jens, f"Besked {n}")
    await write(jens, "Besked 4")
    assert jens.last_text().startswith("Du har skrevet mange beskeder den sidste time.")
    assert not any("Besked 4" in t for t in lene.texts())


async def test_staff_who_turned_it_off_get_nothing_and_the_user_is_told(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    assert lene.last_text().startswith("💬 Du får ikke flere beskeder fra brugerne.")
    await write(jens, "Hallo?")
    assert jens.last_text() == (
        "Personalet på Café Parasollen kan ikke få beskeder her lige nu – spørg dem på værestedet."
    )


async def test_messages_are_forgotten_after_seven_days(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await write(jens, "Hej")
    bot.clock.advance(8 * DAY)
    await run_retention(bot.services)
    await lene.tap("Svar")
    assert "forældet" in lene.last_text()


async def test_no_centre_yet_offers_the_picker(bot: Harness) -> None:
    await bot.centre()
    maria = bot.user(2, "Maria")
    await maria.send("/hjaelp")
    await maria.tap("Skriv til personalet")
    assert maria.last_text() == "Vælg først dit værested – så kan du skrive til personalet der."


async def test_a_second_answer_is_warned_and_the_person_can_write_again(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    centre = await bot.db.get_centre_by_slug("parasollen")
    assert centre is not None
    await bot.db.grant_role(51, RoleName.STAFF, centre.id, NOW)
    kim = bot.user(51, "Kim")
    await kim.send("/start")
    await write(jens, "Hej")
    await lene.tap("Svar")
    await lene.send("Hej Jens")
    await kim.tap("Svar")
    assert kim.last_text().startswith("Nogen fra personalet har allerede svaret.")
    await jens.tap("Skriv igen")
    assert jens.last_text().startswith("Skriv din besked til personalet på Café Parasollen.")
    await jens.send_sticker()
    assert jens.last_text().startswith("Jeg kan kun sende skrevet tekst videre")
