"""What Lene's walk-through found, each fixed: reach, guests, slips, double taps, clear words."""

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, screen
from tests.test_staff import lene_at_parasollen, make_activity


def last_toast(bot: Harness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].params.get("text", ""))


async def jens_signed_up(bot: Harness, activity: str = "Fodbold") -> FakeUser:
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.tap(activity)
    # The card's one clear button: "Tilmeld mig", or "Skriv mig på ventelisten" when full.
    await jens.tap_data(jens.last_message().buttons()[0][1])
    return jens


async def test_a_forged_edit_field_is_just_an_old_button(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    for data in ("v1:stf:edit:1:tp", "v1:stf:edit:1:", "v1:stf:edit:1:pc", "v1:stf:unguest:99"):
        await lene.tap_data(data)
        assert "gammel" in lene.last_text(), data


async def test_staff_see_their_centres_activities_without_joining(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    await bot.activity(centre, "Fodbold")
    await lene.press("📅 Aktiviteter")
    assert "Fodbold" in screen(lene)
    await lene.tap("Fodbold")
    assert "✏️ Tid" in [b for b, _ in lene.last_message().buttons()]


async def test_the_author_is_not_in_the_audience(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/start c-parasollen")  # Lene is also a member
    await bot.user(1).send("/start c-parasollen")
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send("Hej")
    assert "Den sendes til 1 person:" in lene.last_text()


async def test_a_guest_can_be_taken_off_and_the_waiting_list_moves_up(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Tur", capacity=1)
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("Tilmeld en uden telefon")
    await lene.send("Poul")
    jens = await jens_signed_up(bot, "Tur")
    assert "⏳ Du er nr. 1 på ventelisten." in jens.last_text()
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("Afmeld Poul")
    assert lene.last_text().endswith("Personen er afmeldt.")
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith("🎉 Godt nyt!")


async def test_a_second_tap_on_create_keeps_the_result(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await lene.tap("I morgen")
    await lene.tap("14.00")
    await lene.tap("Kun én gang")
    await lene.send("Stuen")
    await lene.tap("10")
    preview = lene.last_message()
    create = next(d for label, d in preview.buttons() if "Opret" in label)
    await lene.tap("Opret")
    result = preview.text
    await lene.tap_data(create, preview)
    assert preview.text == result and result.startswith("✅ Oprettet!")
    assert last_toast(bot) == "✅ Det er allerede gjort."
    assert len(await bot.store.activities.all()) == 1


async def test_a_second_tap_on_cancel_keeps_the_confirmation(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("Aflys aktiviteten")
    question = lene.last_message()
    yes = next(d for label, d in question.buttons() if "Ja" in label)
    await lene.tap("Ja, aflys den")
    await lene.tap_data(yes, question)
    assert question.text == "Fodbold er aflyst. Alle tilmeldte får besked."
    assert last_toast(bot) == "✅ Det er allerede gjort."


async def test_a_menu_button_ends_the_dialog_so_typing_is_not_taken_for_it(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await lene.press("📅 Aktiviteter")
    await lene.send("hvornår er fodbold")
    assert lene.last_text().startswith("Jeg forstår kun knapperne")
    assert await bot.store.drafts.get(50, bot.clock.now()) is None


async def test_moving_the_time_shows_the_current_one_and_offers_the_same_day(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Tid")
    assert lene.last_text() == (
        "✏️ Fodbold\nNu: søndag 29. november kl. 14.00\n"
        "Skriv den nye tid, fx 18.30. Eller tryk på en dag, eller skriv en dato som 5/12."
    )
    assert lene.last_message().buttons()[0][0] == "Samme dag (søndag 29. november)"
    await lene.tap("Samme dag")
    await lene.send("9")
    assert "📅 søndag 29. november kl. 09.00" in lene.last_text()


async def test_fewer_places_than_signed_up_warns_and_keeps_everyone(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    for uid in (1, 2):
        person = bot.user(uid, f"P{uid}")
        await person.send("/start c-parasollen")
        await person.tap("Fodbold")
        await person.tap("Tilmeld mig")
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Pladser")
    await lene.send("1")
    assert "2 har allerede en plads. Ingen mister sin plads." in lene.last_text()
    view = await bot.store.signups.view(1, 1)
    assert view is not None and view.confirmed == 2


async def test_choosing_the_same_place_sends_nothing(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene, place="Stuen")
    await jens_signed_up(bot)
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("✏️ Sted")
    await lene.tap("Stuen")
    assert await bot.dispatch() == 0


async def test_help_shows_staff_their_commands(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.press("❓ Hjælp")
    assert "/ny_aktivitet – lav en aktivitet." in lene.texts()[-2]
    assert "/inviter" not in lene.texts()[-2]
    jens = bot.user(1)
    await jens.send("/hjaelp")
    assert "/ny_aktivitet" not in jens.texts()[-2]
    await bot.store.roles.grant(99, RoleName.ADMIN, None, NOW)
    admin = bot.user(99, "Admin")
    await admin.send("/hjaelp")
    assert "/inviter – et link, der gør en person til personale." in admin.texts()[-2]


async def test_a_sticker_while_writing_an_announcement_is_explained(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await bot.user(1).send("/start c-parasollen")
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send_sticker()
    assert lene.last_text().startswith(
        "Skriv det med bogstaver. Du kan også sende et billede eller en talebesked."
    )


async def test_nobody_to_send_to_is_said_plainly(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    await bot.activity(centre, "Banko")
    await lene.send("/besked")
    await lene.tap("Deltagerne i én aktivitet")
    await lene.tap("Banko")
    await lene.send("Husk præmier")
    assert "Der er ingen at sende den til endnu" in lene.last_text()
    assert "📤 Send" not in [b for b, _ in lene.last_message().buttons()]
