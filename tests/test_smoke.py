from tests.conftest import Harness


async def test_start_with_centre_link_shows_activities(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=5, place="Fælledparken")
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    print(jens.texts())
    await jens.tap("Fodbold")
    print(jens.last_text())
    await jens.tap("Sign me up")
    print(jens.last_text())
    print(jens.menu())
