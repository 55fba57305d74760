"""What the persona walk-through found: slips, old buttons and first screens, each fixed."""

from tests.conftest import Harness, local, screen


async def test_a_second_tap_right_after_signing_up_does_not_cancel(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold", capacity=5)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    await jens.tap("Afmeld")  # the same finger, a moment later, on the button that moved in
    assert "✅ Du er tilmeldt. Vi ses!" in jens.last_text()
    view = await bot.store.signups.view(activity_id, 1)
    assert view is not None and view.confirmed == 1
    bot.clock.advance(3)
    await jens.tap("Afmeld")  # a real cancel, a few seconds later, works
    assert "Du har givet din plads fri." in jens.last_text()


async def test_a_double_tap_in_my_sign_ups_does_not_cancel_the_next_one(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    await bot.activity(centre, "Banko", starts_at=local(2026, 12, 6, 19))
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    for title in ("Fodbold", "Banko"):
        await jens.tap(title)
        await jens.tap("Tilmeld mig")
        await jens.tap("Tilbage til listen")
    bot.clock.advance(60)
    await jens.press("✅ Mine tilmeldinger")
    await jens.tap("Afmeld 1. Fodbold")
    await jens.tap("Afmeld 1. Banko")  # where Fodbold's button was
    assert "Banko" in jens.last_text()
    assert [a.title for a, _, _ in await bot.store.signups.of_user(1, bot.clock.now())] == [
        "Banko"
    ]


async def test_a_cancel_by_mistake_is_undone_with_one_tap(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=1)
    jens, maria = bot.user(1, "Jens"), bot.user(2, "Maria")
    await jens.send("/start c-parasollen")
    await jens.tap("Tur")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(60)
    await jens.press("✅ Mine tilmeldinger")
    await jens.tap("Afmeld 1. Tur")
    assert [b for b, _ in jens.last_message().buttons()] == ["↩️ Fortryd"]
    await jens.tap("Fortryd")
    assert jens.last_text().startswith("Du er tilmeldt Tur igen.")
    # If someone took the place meanwhile, undo says so and offers the waiting list.
    bot.clock.advance(60)
    await jens.tap("Afmeld 1. Tur")
    await maria.send("/start c-parasollen")
    await maria.tap("Tur")
    await maria.tap("Tilmeld mig")
    await jens.tap("Fortryd")
    assert jens.last_text().startswith(
        "😔 Desværre – en anden har fået pladsen til Tur nu. Du kan skrive dig på ventelisten."
    )
    assert [b for b, _ in jens.last_message().buttons()] == ["⏳ Skriv mig på ventelisten"]


async def test_leaving_the_waiting_list_says_so(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=0)
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    await maria.tap("Tur")
    await maria.tap("Skriv mig på ventelisten")
    assert next(b for b, _ in maria.last_message().buttons()) == "❌ Gå af ventelisten"
    bot.clock.advance(60)
    await maria.tap("Gå af ventelisten")
    assert "Du står ikke længere på ventelisten. Tak, fordi du sagde til." in maria.last_text()


async def test_an_old_next_button_on_a_shorter_list_shows_the_first_page(bot: Harness) -> None:
    centre = await bot.centre()
    ids = [
        await bot.activity(centre, f"Dag {d}", starts_at=local(2026, 12, d, 10))
        for d in range(1, 8)
    ]
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    old = maria.last_message()
    next_data = next(d for label, d in old.buttons() if label == "Næste ▶️")
    for activity_id in ids[:3]:
        await bot.store.edits.cancel(activity_id, bot.clock.now())
    await maria.tap_data(next_data, old)
    assert "Dag 4" in screen(maria)


async def test_choosing_national_is_remembered(bot: Harness) -> None:
    await bot.centre()
    await bot.activity(None, "Landsturnering")
    jens = bot.user(1)
    await jens.send("/start")
    await jens.tap("For hele landet")
    await jens.send("/start")
    assert "Landsturnering" in screen(jens)
    assert "🏠 Vælg dit værested" in [b for b, _ in jens.last_message().buttons()]


async def test_someone_whose_phone_is_in_english_gets_english_on_the_first_screen(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Football")
    ali = bot.user(3, "Ali", language_code="en")
    await ali.send("/start c-parasollen")
    assert "Sat 5/12 10:00 · Football" in screen(ali)
    assert "🇩🇰 Dansk" in [b for b, _ in ali.last_message().buttons()]
    jens = bot.user(1, "Jens", language_code="da")
    await jens.send("/start c-parasollen")
    assert "🇬🇧 English" not in [b for b, _ in jens.last_message().buttons()]


async def test_dates_in_another_year_show_the_year(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Nytårsfodbold", starts_at=local(2027, 1, 2, 10))
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Nytårsfodbold")  # the list's buttons say the day; the card the whole date
    assert "lørdag 2. januar 2027 kl. 10.00" in jens.last_text()


async def test_a_link_to_an_unknown_activity_says_it_no_longer_exists(bot: Harness) -> None:
    maria = bot.user(2)
    await maria.send("/start a-99999")
    assert maria.last_text().startswith(
        "Den aktivitet findes ikke længere – her er det, der sker nu."
    )


async def test_no_centre_and_nothing_on_offers_the_centre_picker(bot: Harness) -> None:
    await bot.centre()
    jens = bot.user(1)
    await jens.send("/start")
    await jens.press("📅 Aktiviteter")
    assert "Hvilket værested kommer du på?" in jens.last_text()
    assert "🏠 Café Parasollen" in [b for b, _ in jens.last_message().buttons()]


async def test_someone_just_moved_up_can_still_cancel_at_once(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=1)
    jens, maria = bot.user(1, "Jens"), bot.user(2, "Maria")
    for person in (jens, maria):
        await person.send("/start c-parasollen")
        await person.tap("Tur")
        await person.tap("Tilmeld mig" if person is jens else "Skriv mig på ventelisten")
    bot.clock.advance(60)
    await jens.tap("Afmeld")  # Maria moves up this very second...
    await maria.tap("Gå af ventelisten")  # ...and her old card's button still cancels
    view = await bot.store.signups.view(1, 2)
    assert view is not None and view.my_status == "cancelled"
