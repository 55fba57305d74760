"""The menu and everything off the path: stray text, unknown commands, groups, errors."""

from tests.conftest import Harness, screen

HINT = "Jeg forstår kun knapperne 🙂 Tryk på en af dem."


async def test_typed_question_gets_one_line_of_help_and_what_is_on(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("hvornår er fodbold")
    assert jens.last_text() == (
        "Fodbold er lørdag 5. december kl. 10.00.\nTryk på den for at se mere."
    )
    assert "Lør 5/12 10.00 · Fodbold" in [b for b, _ in jens.last_message().buttons()]
    assert jens.menu() == ["📅 Aktiviteter", "✅ Mine tilmeldinger", "⚙️ Indstillinger", "❓ Hjælp"]


async def test_a_sticker_gets_the_same_kind_pointer(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send_sticker()
    assert jens.last_text().startswith(HINT)


async def test_unknown_command_shows_help(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send("/fodbold")
    assert jens.texts()[-2].startswith("Hjælp\n\n📅 Aktiviteter – se, hvad der sker")
    await jens.press("❓ Hjælp")
    assert (
        "Du skal kun skrive, når du vil skrive til personalet. Alt andet klarer du med knapperne."
        in jens.texts()[-2]
    )


async def test_a_message_in_a_group_points_to_the_private_chat(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send_in_group("/start")
    (reply,) = [m for m in bot.fake.messages[-100] if m.from_bot]
    assert reply.text == "Skriv til mig i en privat chat: https://t.me/vaerested_test_bot"
    assert await bot.store.people.centres(1) == []


async def test_an_error_is_logged_and_the_user_told_kindly(bot: Harness) -> None:
    bot.expect_errors = True
    await bot.centre()
    jens = bot.user(1)
    await jens.send("/start")
    bot.fake.fail("editMessageText", 400, "Bad Request: something unexpected")
    await jens.tap("Café Parasollen")
    assert jens.last_text() == "Noget gik galt – prøv igen."
    await jens.tap("Café Parasollen")  # trying again works
    assert "Velkommen til Café Parasollen!" in jens.last_text()


async def test_requests_go_to_the_configured_bot_api(bot: Harness) -> None:
    assert all(
        c.url.startswith("https://api.telegram.org/bot123456:TEST-TOKEN/") for c in bot.fake.calls
    )


async def test_a_flood_from_one_person_is_paused_with_one_polite_message(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    jens, maria = bot.user(1, "Jens"), bot.user(2, "Maria")
    await jens.send("/start c-parasollen")
    for _ in range(25):
        await jens.tap_data("v1:act:page:0")
    warnings = [t for t in jens.texts() if t.startswith("Hov, det gik lidt hurtigt")]
    assert warnings == ["Hov, det gik lidt hurtigt 🙂 Vent et øjeblik, så er jeg klar igen."]
    await maria.send("/start c-parasollen")  # others are not slowed down
    assert "Fodbold" in screen(maria)


async def test_other_bots_and_channel_posts_are_ignored(bot: Harness) -> None:
    robot = bot.user(77, "Robot")
    robot.is_bot = True
    await robot.send("/start")
    await bot.fake.deliver(
        {
            "channel_post": {
                "message_id": 5,
                "date": 0,
                "text": "/start",
                "chat": {"id": -1001, "type": "channel", "title": "Kanal"},
            }
        }
    )
    assert bot.fake.calls_of("sendMessage") == []
    assert await bot.store.privacy.personal_data(77) is None
